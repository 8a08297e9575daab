#include "core/score/cfg_score.h"

#include <cmath>
#include <sstream>

#include "core/common/error.h"
#include "core/score/exact_score.h"

namespace ss::score {

void checkGuidanceScale(double w) {
  if (!(w >= 0) || !std::isfinite(w)) {
    std::ostringstream s;
    s << "the guidance scale (" << w << ") must be a finite number ≥ 0";
    throw Failure(s.str());
  }
}

CfgScore::CfgScore(std::shared_ptr<const ScoreFn> unconditional,
                   std::shared_ptr<const ScoreFn> conditional, int64_t label, double w)
    : m_uncond(std::move(unconditional)), m_cond(std::move(conditional)), m_label(label), m_w(w) {
  if (!m_uncond || !m_cond)
    throw Failure("CfgScore needs an unconditional and a conditional score");
  checkGuidanceScale(w);
}

torch::Tensor CfgScore::operator()(const torch::Tensor& x, const torch::Tensor& t) const {
  // w = 0 and w = 1 are one score each (no cancellation, half the work).
  if (m_w == 0) return (*m_uncond)(x, t);
  if (m_w == 1) return (*m_cond)(x, t);
  auto u = (*m_uncond)(x, t);
  return u + m_w * ((*m_cond)(x, t) - u);
}

torch::Tensor CfgScore::differentiable(const torch::Tensor& x, const torch::Tensor& t) const {
  if (m_w == 0) return m_uncond->differentiable(x, t);
  if (m_w == 1) return m_cond->differentiable(x, t);
  auto u = m_uncond->differentiable(x, t);
  return u + m_w * (m_cond->differentiable(x, t) - u);
}

std::string CfgScore::name() const {
  std::ostringstream s;
  // 0-based on the command line (--class K), 1-based in the views' legends: name both.
  s << m_uncond->name() << " + " << m_w << "× classifier-free guidance to class " << m_label + 1
    << " (index " << m_label << ")";
  return s.str();
}

data::GaussianMixture mixtureComponent(const data::GaussianMixture& gm, int64_t k) {
  if (k < 0 || k >= gm.size()) {
    std::ostringstream s;
    s << "class " << k << " is outside [0, " << gm.size() << ") (the mixture's components)";
    throw Failure(s.str());
  }
  data::GaussianMixture c;
  c.weights = torch::ones({1}, gm.weights.options());
  c.means = gm.means.narrow(0, k, 1).clone();
  c.stds = gm.stds.narrow(0, k, 1).clone();
  return c;
}

std::shared_ptr<const CfgScore> exactCfgScore(const data::GaussianMixture& gm,
                                              std::shared_ptr<const sde::Sde> sde, int64_t k,
                                              double w) {
  if (!sde) throw Failure("exactCfgScore needs an SDE");
  auto cond = std::make_shared<MixtureScore>(mixtureComponent(gm, k), sde);
  auto uncond = std::make_shared<MixtureScore>(gm, std::move(sde));
  return std::make_shared<CfgScore>(std::move(uncond), std::move(cond), k, w);
}

}  // namespace ss::score

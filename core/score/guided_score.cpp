#include "core/score/guided_score.h"

#include <cmath>
#include <sstream>

#include "core/common/error.h"
#include "core/score/cfg_score.h"

namespace ss::score {

MixtureClassifier::MixtureClassifier(data::GaussianMixture gm, std::shared_ptr<const sde::Sde> sde)
    : m_gm(std::move(gm)), m_sde(std::move(sde)) {
  if (!m_sde) throw Failure("MixtureClassifier needs an SDE");
  if (m_gm.size() < 1) throw Failure("MixtureClassifier needs at least one component");
}

torch::Tensor MixtureClassifier::logProbs(const torch::Tensor& x, const torch::Tensor& t) const {
  const auto dev = x.device();
  auto m = m_sde->marginal(t.to(dev, torch::kFloat64));
  auto X = x.to(torch::kFloat64).reshape({x.size(0), -1});  // [B, d]
  const double d = static_cast<double>(X.size(1));
  auto a = m.a.reshape({-1, 1, 1});                            // [B, 1, 1]
  auto s2 = m.sigma.pow(2).reshape({-1, 1});                   // [B, 1]
  auto mu = m_gm.means.to(dev, torch::kFloat64).unsqueeze(0);  // [1, K, d]
  auto var =
      a.squeeze(2).pow(2) * m_gm.stds.to(dev, torch::kFloat64).pow(2).unsqueeze(0) + s2;  // [B, K]
  auto diff = X.unsqueeze(1) - a * mu;  // [B, K, d]
  auto logits = torch::log(m_gm.weights.to(dev, torch::kFloat64)).unsqueeze(0) -
                0.5 * d * torch::log(2 * M_PI * var) - diff.pow(2).sum(2) / (2 * var);
  return torch::log_softmax(logits, 1);
}

GuidedScore::GuidedScore(std::shared_ptr<const ScoreFn> base,
                         std::shared_ptr<const TimeClassifier> classifier, int64_t label, double w)
    : m_base(std::move(base)), m_classifier(std::move(classifier)), m_label(label), m_w(w) {
  if (!m_base || !m_classifier) throw Failure("GuidedScore needs a score and a classifier");
  if (label < 0 || label >= m_classifier->classes()) {
    std::ostringstream s;
    s << "class " << label << " is outside [0, " << m_classifier->classes() << ")";
    throw Failure(s.str());
  }
  checkGuidanceScale(w);
}

torch::Tensor GuidedScore::guidance(const torch::Tensor& x, const torch::Tensor& t,
                                    bool keepGraph) const {
  torch::AutoGradMode on(true);
  auto xg = keepGraph ? x : x.detach().requires_grad_(true);
  if (!xg.requires_grad()) xg = x.detach().requires_grad_(true);
  auto lp = m_classifier->logProbs(xg, t).select(1, m_label).sum();
  auto g = torch::autograd::grad({lp}, {xg}, {}, /*retain_graph=*/keepGraph,
                                 /*create_graph=*/keepGraph)[0];
  return g.reshape(x.sizes()).to(x.scalar_type());
}

torch::Tensor GuidedScore::operator()(const torch::Tensor& x, const torch::Tensor& t) const {
  auto s = (*m_base)(x, t);
  if (m_w == 0) return s;
  auto g = guidance(x, t, false);
  return (s + m_w * g).detach();
}

torch::Tensor GuidedScore::differentiable(const torch::Tensor& x, const torch::Tensor& t) const {
  auto s = m_base->differentiable(x, t);
  if (m_w == 0) return s;
  return s + m_w * guidance(x, t, true);
}

std::string GuidedScore::name() const {
  std::ostringstream s;
  // Classes are 0-based in code and on the command line (--class K), 1-based in the views'
  // class legends: name both.
  s << m_base->name() << " + " << m_w << "× guidance to class " << m_label + 1 << " (index "
    << m_label << ", " << m_classifier->name() << ")";
  return s.str();
}

}  // namespace ss::score

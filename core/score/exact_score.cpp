#include "core/score/exact_score.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <vector>

#include "core/common/error.h"
#include "core/score/empirical_backend.h"
#include "core/score/gemm_empirical.h"
#include "core/score/tiled_empirical.h"

namespace ss::score {

namespace {

using kernels::kLog2Pi;

// x [B, ...] as float64 [B, d].
torch::Tensor flat(const torch::Tensor& x) {
  return (x.dim() == 1 ? x.unsqueeze(1) : x.flatten(1)).to(torch::kFloat64);
}

// log(w_k N(x; a μ_k, v_k I)) [B, K], with x − a μ_k [B, K, d] and v_k [B, K].
struct MixtureTerms {
  torch::Tensor logits, diff, var;
};

MixtureTerms mixtureTerms(const data::GaussianMixture& gm, const torch::Tensor& x,
                          const torch::Tensor& a, const torch::Tensor& sigma) {
  const int64_t b = x.size(0);
  const auto dev = x.device();
  auto X = flat(x);
  auto mu = gm.means.to(dev, torch::kFloat64);
  if (mu.size(1) != X.size(1)) {
    std::ostringstream s;
    s << "mixture means are " << mu.size(1) << "-D but x is " << X.size(1) << "-D";
    throw Failure(s.str());
  }
  auto A = perQuery(a, b, dev, "a(t)");
  auto S = perQuery(sigma, b, dev, "sigma(t)");
  auto sd = gm.stds.to(dev, torch::kFloat64);
  auto var = (A * A).unsqueeze(1) * (sd * sd).unsqueeze(0) + (S * S).unsqueeze(1);
  auto diff = X.unsqueeze(1) - A.view({-1, 1, 1}) * mu.unsqueeze(0);
  const double d = static_cast<double>(X.size(1));
  auto logits = torch::log(gm.weights.to(dev, torch::kFloat64)).unsqueeze(0) -
                0.5 * diff.pow(2).sum(-1) / var - 0.5 * d * (kLog2Pi + torch::log(var));
  return {logits, diff, var};
}

// log p and/or the score of (1/M) Σ_j N(a y_j, σ² I) at x, chunked over queries.
struct EmpiricalResult {
  torch::Tensor logp, score;  // [B], [B, d] float64
};

EmpiricalResult empirical(const torch::Tensor& points, const torch::Tensor& x,
                          const torch::Tensor& a, const torch::Tensor& sigma, int64_t chunkBytes,
                          bool wantLogp, bool wantScore) {
  const int64_t b = x.size(0);
  const auto dev = x.device();
  auto X = flat(x);
  const int64_t m = points.size(0);
  if (m == 0) throw Failure("the empirical score needs at least one point");
  auto Y = points.to(dev, torch::kFloat64).reshape({m, -1});
  if (Y.size(1) != X.size(1)) {
    std::ostringstream s;
    s << "the points are " << Y.size(1) << "-D but x is " << X.size(1) << "-D";
    throw Failure(s.str());
  }
  const int64_t d = X.size(1);
  auto A = perQuery(a, b, dev, "a(t)");
  auto S = perQuery(sigma, b, dev, "sigma(t)");

  // −‖x − a y‖² = 2a x·y − a²‖y‖² − ‖x‖²: one matmul per chunk against Yᵀ (a view, so no
  // copy of the points per call: with image-sized points that copy dominated), in float64.
  auto yNorm2 = Y.norm(2, 1).pow(2).unsqueeze(0);  // [1, M]
  // The [rows, M] float64 buffer plus the matmul's and reductions' temporaries.
  const int64_t perRow = m * 8 * 3;
  const int64_t rows = std::clamp<int64_t>(chunkBytes / perRow, 1, std::max<int64_t>(b, 1));
  const bool differentiable = torch::GradMode::is_enabled() &&
                              (X.requires_grad() || A.requires_grad() || S.requires_grad());

  EmpiricalResult out;
  std::vector<torch::Tensor> logps, scores;
  for (int64_t i = 0; i < b; i += rows) {
    const int64_t n = std::min(rows, b - i);
    auto xc = X.narrow(0, i, n);
    auto ac = A.narrow(0, i, n).unsqueeze(1);
    auto s2 = S.narrow(0, i, n).pow(2).unsqueeze(1);
    auto L =
        (2.0 * ac) * torch::mm(xc, Y.t()) - (ac * ac) * yNorm2 - xc.pow(2).sum(1, true);  // [n, M]
    torch::Tensor mx, Z;
    if (differentiable) {
      L = L.clamp_max(0.0) / (2.0 * s2);
      mx = std::get<0>(L.max(1, true)).detach();
      L = torch::exp(L - mx);
    } else {
      L.clamp_max_(0.0).div_(2.0 * s2);
      mx = std::get<0>(L.max(1, true));
      L.sub_(mx).exp_();  // unnormalized softmax weights, the largest = 1
    }
    Z = L.sum(1, true);
    if (wantLogp)
      logps.push_back((mx + torch::log(Z)).squeeze(1) - std::log(static_cast<double>(m)) -
                      0.5 * static_cast<double>(d) * (kLog2Pi + torch::log(s2.squeeze(1))));
    if (wantScore) scores.push_back((ac * torch::mm(L, Y) / Z - xc) / s2);
  }
  if (wantLogp) out.logp = logps.empty() ? torch::zeros({0}, X.options()) : torch::cat(logps);
  if (wantScore) out.score = scores.empty() ? torch::zeros_like(X) : torch::cat(scores);
  return out;
}

}  // namespace

torch::Tensor mixtureLogProb(const data::GaussianMixture& gm, const torch::Tensor& x,
                             const torch::Tensor& a, const torch::Tensor& sigma) {
  auto terms = mixtureTerms(gm, x, a, sigma);
  return torch::logsumexp(terms.logits, 1).to(x.scalar_type());
}

torch::Tensor mixtureScore(const data::GaussianMixture& gm, const torch::Tensor& x,
                           const torch::Tensor& a, const torch::Tensor& sigma) {
  auto terms = mixtureTerms(gm, x, a, sigma);
  auto r = torch::softmax(terms.logits, 1) / terms.var;  // responsibilities / v_k
  auto score = -(r.unsqueeze(2) * terms.diff).sum(1);    // Σ_k r_k (a μ_k − x) / v_k
  return score.reshape(x.sizes()).to(x.scalar_type());
}

torch::Tensor empiricalLogProb(const torch::Tensor& points, const torch::Tensor& x,
                               const torch::Tensor& a, const torch::Tensor& sigma,
                               int64_t chunkBytes) {
  return empirical(points, x, a, sigma, chunkBytes, true, false).logp.to(x.scalar_type());
}

torch::Tensor empiricalScore(const torch::Tensor& points, const torch::Tensor& x,
                             const torch::Tensor& a, const torch::Tensor& sigma,
                             int64_t chunkBytes) {
  auto r = empirical(points, x, a, sigma, chunkBytes, false, true);
  return r.score.reshape(x.sizes()).to(x.scalar_type());
}

// ---- ScoreFn implementations ------------------------------------------------------------

MixtureScore::MixtureScore(data::GaussianMixture gm, std::shared_ptr<const sde::Sde> sde)
    : m_gm(std::move(gm)), m_sde(std::move(sde)) {
  if (!m_sde) throw Failure("MixtureScore needs an SDE");
}

torch::Tensor MixtureScore::operator()(const torch::Tensor& x, const torch::Tensor& t) const {
  auto m = m_sde->marginal(t.to(x.device(), torch::kFloat64));
  return mixtureScore(m_gm, x, m.a, m.sigma);
}

torch::Tensor MixtureScore::logProb(const torch::Tensor& x, const torch::Tensor& t) const {
  auto m = m_sde->marginal(t.to(x.device(), torch::kFloat64));
  return mixtureLogProb(m_gm, x, m.a, m.sigma);
}

EmpiricalScore::EmpiricalScore(torch::Tensor points, std::shared_ptr<const sde::Sde> sde,
                               int64_t chunkBytes, double pruneTol)
    : m_points(points.detach().to(torch::kFloat64).contiguous()),
      m_sde(std::move(sde)),
      m_chunkBytes(chunkBytes) {
  if (!m_sde) throw Failure("EmpiricalScore needs an SDE");
  if (m_points.dim() < 1 || m_points.size(0) == 0)
    throw Failure("EmpiricalScore needs at least one point");
  if (TiledEmpirical::accepts(m_points, m_points)) {
    m_fast = std::make_shared<TiledEmpirical>(m_points, pruneTol);
    m_fastAccepts = &TiledEmpirical::accepts;
  } else if (GemmEmpirical::accepts(m_points, m_points)) {
    m_fast = std::make_shared<GemmEmpirical>(m_points, chunkBytes);
    m_fastAccepts = &GemmEmpirical::accepts;
  }
}

// The fast paths take no gradients: a differentiable query uses the LibTorch path.
bool EmpiricalScore::fastPathFor(const torch::Tensor& x, const sde::Sde::MarginalCoefficients& m,
                                 bool logp) const {
  if (m.a.requires_grad() || m.sigma.requires_grad()) return false;
  return m_fast && m_fastAccepts(m_points, x) && (!logp || m_fast->hasLogProb());
}

torch::Tensor EmpiricalScore::operator()(const torch::Tensor& x, const torch::Tensor& t) const {
  auto m = m_sde->marginal(t.to(x.device(), torch::kFloat64));
  if (fastPathFor(x, m, false)) {
    return m_fast->score(x, m.a, m.sigma).reshape(x.sizes()).to(x.scalar_type());
  }
  return empiricalScore(m_points, x, m.a, m.sigma, m_chunkBytes);
}

torch::Tensor EmpiricalScore::logProb(const torch::Tensor& x, const torch::Tensor& t) const {
  auto m = m_sde->marginal(t.to(x.device(), torch::kFloat64));
  if (fastPathFor(x, m, true)) {
    return m_fast->logProb(x, m.a, m.sigma).to(x.scalar_type());
  }
  return empiricalLogProb(m_points, x, m.a, m.sigma, m_chunkBytes);
}

std::shared_ptr<const ExactScore> exactScoreFor(const data::ToyDistribution& toy,
                                                std::shared_ptr<const sde::Sde> sde, int64_t n,
                                                uint64_t seed) {
  if (auto gm = toy.mixture()) return std::make_shared<MixtureScore>(std::move(*gm), sde);
  if (auto pts = toy.points()) return std::make_shared<EmpiricalScore>(*pts, sde);
  return std::make_shared<EmpiricalScore>(toy.sample(n, seed).x, sde);
}

}  // namespace ss::score

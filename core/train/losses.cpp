// Score-matching objectives (MATH.md §3). The generator is consumed in a fixed order, so a
// test can replay a draw: the times (U(0,1) → t, or the importance sampler's U(0,1)), then
// z ~ N(0, I) shaped like x0, then per SSM projection one direction v shaped like x0.
#include "core/train/losses.h"

#include <cmath>
#include <sstream>

#include "core/common/error.h"
#include "core/nn/net_config.h"

namespace ss::train {

namespace {

// [B] → [B, 1, ..., 1] to broadcast against `like`.
torch::Tensor perSample(const torch::Tensor& v, const torch::Tensor& like) {
  std::vector<int64_t> shape(static_cast<size_t>(like.dim()), 1);
  shape[0] = -1;
  return v.reshape(shape);
}

// Σ over all but the first dimension: [B, ...] → [B].
torch::Tensor sumDims(const torch::Tensor& x) { return x.reshape({x.size(0), -1}).sum(1); }

torch::Tensor diffusionSquared(const sde::Sde& sde, const torch::Tensor& t) {
  // Sde::sde needs an x for the drift; a [B, 1] zero costs nothing.
  auto g = sde.sde(torch::zeros({t.size(0), 1}, t.options()), t).diffusion;
  return g * g;
}

// The importance density's table: nodes t_i ∈ [eps, T], float64 on the CPU, with the
// normalized trapezoid CDF and the piecewise-constant density the sampler actually follows.
struct TimeTable {
  torch::Tensor t, cdf, cellDensity;  // [M], [M], [M−1]
};

TimeTable importanceTable(const sde::Sde& sde) {
  // g²/σ² grows like 1/t near 0 for VP and sub-VP (constant for VE): nodes log-spaced from
  // eps to T keep every cell's relative width at ln(T/eps)/M ≈ 0.1 %.
  constexpr int64_t kNodes = 10000;
  const double eps = sde.eps(), T = sde.T();
  auto t = torch::exp(torch::linspace(std::log(eps), std::log(T), kNodes, torch::kFloat64));
  t.index_put_({0}, eps);
  t.index_put_({kNodes - 1}, T);
  auto sigma = sde.marginal(t).sigma;
  auto density = diffusionSquared(sde, t) / (sigma * sigma);
  auto dt = t.slice(0, 1) - t.slice(0, 0, -1);
  auto cellMass = 0.5 * (density.slice(0, 1) + density.slice(0, 0, -1)) * dt;
  auto cdf = torch::cat({torch::zeros({1}, t.options()), torch::cumsum(cellMass, 0)});
  const double total = cdf[-1].item<double>();
  if (!std::isfinite(total) || total <= 0)
    throw Failure("importance sampling: the density g(t)^2/sigma(t)^2 is not integrable");
  return {t, cdf / total, cellMass / total / dt};
}

}  // namespace

torch::Tensor weightOf(Weighting w, const sde::Sde& sde, const torch::Tensor& t) {
  switch (w) {
    case Weighting::Sigma2: {
      auto sigma = sde.marginal(t).sigma;
      return sigma * sigma;
    }
    case Weighting::G2:
      return diffusionSquared(sde, t);
    case Weighting::One:
      return torch::ones_like(t);
    case Weighting::Flow: {
      // v_θ − (a′x0 + σ′z) = −½g²(s + z/σ) with v_θ = f − ½g²s: λ = g⁴/4 (docs/PROCESSES.md).
      auto g2 = diffusionSquared(sde, t);
      return 0.25 * g2 * g2;
    }
    case Weighting::Edm: {
      const auto m = sde.marginal(t);
      const double sd2 = nn::kImageSigmaData * nn::kImageSigmaData;
      auto s2 = m.sigma * m.sigma, a2 = m.a * m.a;
      return s2 * (s2 + a2 * sd2) / (a2 * sd2);
    }
  }
  throw Failure("unknown loss weighting");
}

std::pair<torch::Tensor, torch::Tensor> importanceSampleTime(const sde::Sde& sde, int64_t n,
                                                             const torch::TensorOptions& options,
                                                             at::Generator generator) {
  // The table is ~10k float64 values: rebuilt per call (well under a millisecond), so the
  // function stays pure and thread-safe without a cache.
  const auto table = importanceTable(sde);
  const auto dev = options.device();
  auto u = torch::rand({n}, generator, options.dtype(torch::kFloat64));
  auto cdf = table.cdf.to(dev);
  auto nodes = table.t.to(dev);
  const int64_t m = cdf.size(0);
  // Cell k = [t_k, t_{k+1}] with cdf_k ≤ u < cdf_{k+1}; invert the (linear) CDF inside it.
  auto k = (torch::searchsorted(cdf, u, /*out_int32=*/false, /*right=*/true) - 1).clamp(0, m - 2);
  auto c0 = cdf.index_select(0, k), c1 = cdf.index_select(0, k + 1);
  auto t0 = nodes.index_select(0, k), t1 = nodes.index_select(0, k + 1);
  auto frac = ((u - c0) / (c1 - c0).clamp_min(1e-300)).clamp(0.0, 1.0);
  auto t = (t0 + frac * (t1 - t0)).clamp(sde.eps(), sde.T());
  auto invDensity = 1.0 / table.cellDensity.to(dev).index_select(0, k);
  return {t.to(options.dtype()), invDensity.to(options.dtype())};
}

LossResult scoreMatchingLoss(const ScoreCallable& score, const sde::Sde& sde,
                             const torch::Tensor& x0, const LossConfig& config,
                             at::Generator generator) {
  if (!x0.defined() || x0.dim() < 1 || x0.size(0) < 1)
    throw Failure("the loss needs a non-empty batch x0 [B, ...]");
  if (config.objective == Objective::Ssm && config.ssmProjections < 1) {
    std::ostringstream s;
    s << "loss.ssm_projections (" << config.ssmProjections << ") must be at least 1";
    throw Failure(s.str());
  }
  const int64_t b = x0.size(0);
  const auto opts = x0.options().requires_grad(false);
  const double eps = sde.eps(), T = sde.T();

  // Times and the per-sample weight w(t) = λ(t), or λ(t)/(p(t)(T − eps)) when importance
  // sampled, so that E over the drawn t of w(t)·f(t) is the same as with t ~ U(eps, T).
  torch::Tensor t, weight;
  if (config.importanceSampling && config.weighting == Weighting::G2) {
    torch::Tensor invDensity;
    std::tie(t, invDensity) = importanceSampleTime(sde, b, opts, generator);
    weight = weightOf(config.weighting, sde, t) * invDensity / (T - eps);
  } else {
    t = eps + (T - eps) * torch::rand({b}, generator, opts);
    weight = weightOf(config.weighting, sde, t);
  }

  auto z = torch::randn(x0.sizes(), generator, opts);
  const auto m = sde.marginal(t);
  auto sigma = perSample(m.sigma, x0);
  auto xt = perSample(m.a, x0) * x0.detach() + sigma * z;

  torch::Tensor perSampleLoss;
  if (config.objective == Objective::Dsm) {
    // λ‖s + z/σ‖² = (λ/σ²)‖σ s + z‖²: the residual σ s + z is O(1) at every t (s ≈ −z/σ
    // there), and with λ = σ² the factor is exactly 1.
    auto s = score(xt, t);
    auto residual = sumDims((sigma * s + z).pow(2));
    perSampleLoss = config.weighting == Weighting::Sigma2
                        ? residual
                        : residual * (weight / (m.sigma * m.sigma));
  } else {
    // Sliced SM at x_t: vᵀ∇x(vᵀs) + ½(vᵀs)², the Hessian-vector term by double backward.
    // It needs autograd even when the caller evaluates under a NoGradGuard. A score that does
    // not depend on x (differentiably) contributes no Jacobian term.
    torch::AutoGradMode gradMode(true);
    xt = xt.detach().requires_grad_(true);
    auto s = score(xt, t);
    torch::Tensor total;
    for (int p = 0; p < config.ssmProjections; ++p) {
      auto v = config.rademacher ? torch::randint(0, 2, x0.sizes(), generator, opts) * 2.0 - 1.0
                                 : torch::randn(x0.sizes(), generator, opts);
      auto vs = sumDims(v * s);  // [B]
      torch::Tensor term = 0.5 * vs * vs;
      if (vs.requires_grad()) {
        auto grads = torch::autograd::grad({vs.sum()}, {xt}, {}, /*retain_graph=*/true,
                                           /*create_graph=*/true, /*allow_unused=*/true);
        if (grads[0].defined()) term = term + sumDims(v * grads[0]);
      }
      total = total.defined() ? total + term : term;
    }
    perSampleLoss = weight * total / static_cast<double>(config.ssmProjections);
  }

  LossResult r;
  r.loss = perSampleLoss.mean();
  r.perSample = perSampleLoss.detach();
  r.t = t;
  r.z = z;
  return r;
}

}  // namespace ss::train

// Cosine VP and the rectified flow at tensor level (MATH.md §8, docs/PROCESSES.md), in the
// dtype and on the device of t, following the scalar forms of sde_config.cpp.
#include <cmath>

#include "core/sde/sde.h"

namespace ss::sde {

namespace {

// θ(t) = (t + s)/(1 + s)·π/2.
torch::Tensor cosineTheta(const torch::Tensor& t) {
  return (t + kCosineS) * (0.5 * M_PI / (1.0 + kCosineS));
}

// ∫₀ᵗ β: −2 ln(cos θ(t)/cos θ(0)) up to the cap time, then kCosineBetaMax per unit time.
// With δ = θ(t) − θ(0): cos θ(t)/cos θ(0) = 1 − 2 sin²(δ/2) − tan θ(0) sin δ (no cancellation
// near t = 0, where ∫β ≈ 0.02 t).
torch::Tensor cosineIntegratedBeta(const torch::Tensor& t) {
  const double cap = cosineCapTime();
  const double tanTheta0 = std::tan(0.5 * M_PI * kCosineS / (1.0 + kCosineS));
  auto d = t.clamp_max(cap) * (0.5 * M_PI / (1.0 + kCosineS));
  auto h = torch::sin(0.5 * d);
  auto before = -2.0 * torch::log1p(-2.0 * h * h - tanTheta0 * torch::sin(d));
  return before + kCosineBetaMax * (t - cap).clamp_min(0.0);
}

// β(t) = π/(1 + s)·tan θ(t), held at its cap (= kCosineBetaMax) from the cap time on.
torch::Tensor cosineBeta(const torch::Tensor& t) {
  return (M_PI / (1.0 + kCosineS)) * torch::tan(cosineTheta(t.clamp_max(cosineCapTime())));
}

}  // namespace

// ---- cosine VP --------------------------------------------------------------------------

VpCosineSde::VpCosineSde(const SdeConfig& cfg) : Sde(cfg) {}

Sde::MarginalCoefficients VpCosineSde::marginal(const torch::Tensor& t) const {
  auto B = cosineIntegratedBeta(t);
  return {torch::exp(-0.5 * B), torch::sqrt(-torch::expm1(-B))};
}

Sde::Coefficients VpCosineSde::sde(const torch::Tensor& x, const torch::Tensor& t) const {
  auto beta = cosineBeta(t);
  return {-0.5 * perSample(beta, x) * x, torch::sqrt(beta)};
}

// ---- rectified flow ---------------------------------------------------------------------

RfSde::RfSde(const SdeConfig& cfg) : Sde(cfg) {}

Sde::MarginalCoefficients RfSde::marginal(const torch::Tensor& t) const {
  return {1.0 - t, t.clone()};
}

Sde::Coefficients RfSde::sde(const torch::Tensor& x, const torch::Tensor& t) const {
  // f = (a′/a) x = −x/(1 − t); g² = dσ²/dt − 2(a′/a)σ² = 2t + 2t²/(1 − t) = 2t/(1 − t).
  auto oneMinus = 1.0 - t;
  return {-x / perSample(oneMinus, x), torch::sqrt(2.0 * t / oneMinus)};
}

// ---- DDPM betas -------------------------------------------------------------------------

torch::Tensor ddpmBetas(const SdeConfig& cfg, int n) {
  switch (cfg.kind) {
    case SdeKind::VP:
    case SdeKind::SubVP:
      return torch::linspace(cfg.betaMin / n, cfg.betaMax / n, n, torch::kFloat64);
    case SdeKind::VPCosine: {
      auto t = n > 1 ? torch::linspace(0.0, cfg.T, n, torch::kFloat64)
                     : torch::zeros({1}, torch::kFloat64);
      return (cosineBeta(t) * (cfg.T / n)).clamp_max(0.999);
    }
    case SdeKind::VE:
    case SdeKind::RF:
      break;
  }
  return torch::zeros({n}, torch::kFloat64);
}

}  // namespace ss::sde

#include "core/sde/sde.h"

#include <cmath>

#include "core/common/error.h"

namespace ss::sde {

namespace {
// Gathers grid[i] for each index, returned in `like`'s dtype and device.
torch::Tensor gather(const torch::Tensor& grid, const torch::Tensor& index,
                     const torch::Tensor& like) {
  return grid.to(index.device())
      .index_select(0, index.reshape({-1}))
      .reshape(index.sizes())
      .to(like.scalar_type());
}
}  // namespace

std::shared_ptr<const Sde> Sde::create(const SdeConfig& cfg) {
  cfg.validate().take();
  switch (cfg.kind) {
    case SdeKind::VE:
      if (cfg.sigmaMaxIsAuto())
        throw Failure("sigma_max is 'auto' but was not resolved from the data's diameter");
      return std::make_shared<VeSde>(cfg);
    case SdeKind::VP:
      return std::make_shared<VpSde>(cfg);
    case SdeKind::SubVP:
      return std::make_shared<SubVpSde>(cfg);
    case SdeKind::VPCosine:
      return std::make_shared<VpCosineSde>(cfg);
    case SdeKind::RF:
      return std::make_shared<RfSde>(cfg);
  }
  throw Failure("unknown SDE kind");
}

torch::Tensor Sde::perSample(const torch::Tensor& v, const torch::Tensor& like) {
  std::vector<int64_t> shape(static_cast<size_t>(like.dim()), 1);
  shape[0] = -1;
  return v.reshape(shape);
}

std::pair<torch::Tensor, torch::Tensor> Sde::marginalProb(const torch::Tensor& x0,
                                                          const torch::Tensor& t) const {
  auto m = marginal(t);
  return {perSample(m.a, x0) * x0, m.sigma};
}

torch::Tensor Sde::priorSample(at::IntArrayRef shape, const torch::TensorOptions& options,
                               c10::optional<at::Generator> generator) const {
  return torch::randn(shape, generator, options) * priorStd(m_cfg);
}

torch::Tensor Sde::priorLogProb(const torch::Tensor& z) const {
  const double s = priorStd(m_cfg);
  const auto flat = z.reshape({z.size(0), -1});
  const double d = static_cast<double>(flat.size(1));
  return -0.5 * d * std::log(2.0 * M_PI * s * s) - flat.pow(2).sum(1) / (2.0 * s * s);
}

torch::Tensor Sde::timestepIndex(const torch::Tensor& t) const {
  return (t * (m_cfg.N - 1) / m_cfg.T).to(torch::kLong).clamp(0, m_cfg.N - 1);
}

torch::Tensor Sde::timeGrid() const {
  return torch::linspace(m_cfg.T, m_cfg.eps, m_cfg.N, torch::kFloat64);
}

Sde::Discretized Sde::discretize(const torch::Tensor& x, const torch::Tensor& t) const {
  // Euler–Maruyama with Δt = T/N, as the reference's default.
  const double dt = m_cfg.T / m_cfg.N;
  auto c = sde(x, t);
  return {c.drift * dt, c.diffusion * std::sqrt(dt)};
}

Sde::Coefficients Sde::reverse(const torch::Tensor& x, const torch::Tensor& t,
                               const torch::Tensor& score, bool probabilityFlow) const {
  auto c = sde(x, t);
  const double k = probabilityFlow ? 0.5 : 1.0;
  auto g2 = perSample(c.diffusion * c.diffusion, x);
  auto drift = c.drift - g2 * score * k;
  auto diff = probabilityFlow ? torch::zeros_like(c.diffusion) : c.diffusion;
  return {drift, diff};
}

Sde::Discretized Sde::reverseDiscretize(const torch::Tensor& x, const torch::Tensor& t,
                                        const torch::Tensor& score, bool probabilityFlow) const {
  auto d = discretize(x, t);
  const double k = probabilityFlow ? 0.5 : 1.0;
  auto f = d.f - perSample(d.G * d.G, x) * score * k;
  auto G = probabilityFlow ? torch::zeros_like(d.G) : d.G;
  return {f, G};
}

// ---- VE ---------------------------------------------------------------------------------

VeSde::VeSde(const SdeConfig& cfg) : Sde(cfg) {
  m_discreteSigmas = torch::exp(
      torch::linspace(std::log(cfg.sigmaMin), std::log(cfg.sigmaMax), cfg.N, torch::kFloat64));
}

Sde::MarginalCoefficients VeSde::marginal(const torch::Tensor& t) const {
  auto sigma = m_cfg.sigmaMin * torch::pow(m_cfg.sigmaMax / m_cfg.sigmaMin, t);
  return {torch::ones_like(t), sigma};
}

Sde::Coefficients VeSde::sde(const torch::Tensor& x, const torch::Tensor& t) const {
  auto sigma = m_cfg.sigmaMin * torch::pow(m_cfg.sigmaMax / m_cfg.sigmaMin, t);
  auto g = sigma * std::sqrt(2.0 * (std::log(m_cfg.sigmaMax) - std::log(m_cfg.sigmaMin)));
  return {torch::zeros_like(x), g};
}

Sde::Discretized VeSde::discretize(const torch::Tensor& x, const torch::Tensor& t) const {
  auto i = timestepIndex(t);
  auto sigma = gather(m_discreteSigmas, i, x);
  auto prev = torch::where(i == 0, torch::zeros_like(sigma),
                           gather(m_discreteSigmas, (i - 1).clamp_min(0), x));
  return {torch::zeros_like(x), torch::sqrt(sigma * sigma - prev * prev)};
}

// ---- VP ---------------------------------------------------------------------------------

VpSde::VpSde(const SdeConfig& cfg) : Sde(cfg) {
  const int n = cfg.N;
  m_discreteBetas = torch::linspace(cfg.betaMin / n, cfg.betaMax / n, n, torch::kFloat64);
  m_alphas = 1.0 - m_discreteBetas;
  m_alphasCumprod = torch::cumprod(m_alphas, 0);
}

Sde::MarginalCoefficients VpSde::marginal(const torch::Tensor& t) const {
  auto logMean = -0.25 * t * t * (m_cfg.betaMax - m_cfg.betaMin) - 0.5 * t * m_cfg.betaMin;
  return {torch::exp(logMean), torch::sqrt(-torch::expm1(2.0 * logMean))};
}

Sde::Coefficients VpSde::sde(const torch::Tensor& x, const torch::Tensor& t) const {
  auto beta = m_cfg.betaMin + t * (m_cfg.betaMax - m_cfg.betaMin);
  return {-0.5 * perSample(beta, x) * x, torch::sqrt(beta)};
}

Sde::Discretized VpSde::discretize(const torch::Tensor& x, const torch::Tensor& t) const {
  auto i = timestepIndex(t);
  auto beta = gather(m_discreteBetas, i, x);
  auto alpha = gather(m_alphas, i, x);
  return {perSample(torch::sqrt(alpha), x) * x - x, torch::sqrt(beta)};
}

// ---- sub-VP -----------------------------------------------------------------------------

SubVpSde::SubVpSde(const SdeConfig& cfg) : Sde(cfg) {}

Sde::MarginalCoefficients SubVpSde::marginal(const torch::Tensor& t) const {
  auto logMean = -0.25 * t * t * (m_cfg.betaMax - m_cfg.betaMin) - 0.5 * t * m_cfg.betaMin;
  return {torch::exp(logMean), -torch::expm1(2.0 * logMean)};
}

Sde::Coefficients SubVpSde::sde(const torch::Tensor& x, const torch::Tensor& t) const {
  auto beta = m_cfg.betaMin + t * (m_cfg.betaMax - m_cfg.betaMin);
  auto B = m_cfg.betaMin * t + 0.5 * t * t * (m_cfg.betaMax - m_cfg.betaMin);
  auto discount = -torch::expm1(-2.0 * B);
  return {-0.5 * perSample(beta, x) * x, torch::sqrt(beta * discount)};
}

}  // namespace ss::sde

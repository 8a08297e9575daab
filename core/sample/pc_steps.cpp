// Predictor and corrector updates (MATH.md §4), as the reference's sampling.py computes them.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "core/common/error.h"
#include "core/sample/steps.h"

namespace ss::sample::detail {

namespace {

// v [B] (any dtype) as [B, 1, …] in like's dtype, to scale per sample.
torch::Tensor perSample(const torch::Tensor& v, const torch::Tensor& like) {
  std::vector<int64_t> shape(static_cast<size_t>(like.dim()), 1);
  shape[0] = -1;
  return v.reshape(shape).to(like.scalar_type());
}

// Times for the Sde's methods: float64 so the discrete-grid index floor(t (N−1)/T) is exact.
torch::Tensor time64(const torch::Tensor& x, double t) {
  return torch::full({x.size(0)}, t,
                     torch::TensorOptions().dtype(torch::kFloat64).device(x.device()));
}

// The reference's grid index i = floor(t (N−1)/T) on the steps grid.
int64_t gridIndex(const StepContext& c, double t) {
  const int64_t n = c.steps;
  const auto i = static_cast<int64_t>(std::floor(t * static_cast<double>(n - 1) / c.sde.T()));
  return std::clamp<int64_t>(i, 0, n - 1);
}

double gridValue(const torch::Tensor& grid, int64_t i) { return grid[i].item<double>(); }

Update eulerMaruyama(StepContext& c, const torch::Tensor& x, double t) {
  const double dt = -c.sde.T() / c.steps;
  auto s = evalScore(c, x, t);
  auto z = c.noise.like(x);
  auto r = c.sde.reverse(x, time64(x, t), s, false);
  auto xMean = (x + r.drift * dt).to(x.scalar_type());
  return {xMean + perSample(r.diffusion, x) * std::sqrt(-dt) * z, xMean};
}

Update reverseDiffusion(StepContext& c, const torch::Tensor& x, double t) {
  auto s = evalScore(c, x, t);
  auto z = c.noise.like(x);
  auto d = c.grid->reverseDiscretize(x, time64(x, t), s, false);
  auto xMean = (x - d.f).to(x.scalar_type());
  return {xMean + perSample(d.G, x) * z, xMean};
}

Update ancestral(StepContext& c, const torch::Tensor& x, double t) {
  const int64_t i = gridIndex(c, t);
  auto s = evalScore(c, x, t);
  auto z = c.noise.like(x);
  if (c.sde.kind() == sde::SdeKind::VP) {  // DDPM
    const double b = gridValue(c.ddpmBetas, i);
    auto xMean = (x + b * s) / std::sqrt(1.0 - b);
    return {xMean + std::sqrt(b) * z, xMean};
  }
  if (c.sde.kind() == sde::SdeKind::VE) {  // SMLD
    const double sigma = gridValue(c.smldSigmas, i);
    const double prev = i == 0 ? 0.0 : gridValue(c.smldSigmas, i - 1);
    const double dv = sigma * sigma - prev * prev;
    auto xMean = x + dv * s;
    return {xMean + std::sqrt(prev * prev * dv / (sigma * sigma)) * z, xMean};
  }
  throw Failure("the ancestral predictor is defined for vp and ve only");
}

}  // namespace

Noise::Noise(uint64_t seed) : m_gen(at::make_generator<at::CPUGeneratorImpl>(seed)) {}

void Noise::reseed(uint64_t seed) { m_gen = at::make_generator<at::CPUGeneratorImpl>(seed); }

torch::Tensor Noise::like(const torch::Tensor& x) {
  auto z = torch::randn(x.sizes(), m_gen, torch::TensorOptions().dtype(x.scalar_type()));
  return x.device().is_cpu() ? z : z.to(x.device());
}

namespace {
using OmpSet = void (*)(int);
OmpSet ompSetNumThreads() {
  static const auto f = reinterpret_cast<OmpSet>(dlsym(RTLD_DEFAULT, "omp_set_num_threads"));
  return f;
}
}  // namespace

ThreadOmpTeam::ThreadOmpTeam(int threads) {
  m_previous = at::get_num_threads();  // also LibTorch's lazy per-thread set-up, first
  if (auto set = ompSetNumThreads(); set && threads > 0 && threads != m_previous) set(threads);
}

ThreadOmpTeam::~ThreadOmpTeam() {
  if (auto set = ompSetNumThreads(); set && at::get_num_threads() != m_previous) set(m_previous);
}

torch::Tensor evalScore(StepContext& c, const torch::Tensor& x, double t) {
  ++c.nfe;
  std::optional<ThreadOmpTeam> team;
  if (c.scoreThreads > 0) team.emplace(c.scoreThreads);
  auto s = c.score(x, torch::full({x.size(0)}, t, x.options()));
  return s.to(x.scalar_type());
}

// A PC step at t covers [t − T/steps, t]: from ε < T/steps the last one reaches past t = 0.
// With a stiff score on VP or sub-VP (σ(ε)² ≪ g²T/steps: the exact empirical score's
// Lipschitz constant 1/σ² makes that step overshoot its point ~g²T/(steps σ(ε)²) ≈ 100-fold
// at ε = 1e-5 and 1000 steps) the grid ends at T/steps instead, so the last step ends at 0:
// the reference's own sampling ε for VP and sub-VP (1e-3 at 1000 steps), for any step
// count. Learned scores keep the MATH.md §4 grid; VE's σ(t) ≥ σmin is never stiff.
Update predictorUpdate(Predictor p, StepContext& c, const torch::Tensor& x, double t) {
  switch (p) {
    case Predictor::EulerMaruyama:
      return eulerMaruyama(c, x, t);
    case Predictor::ReverseDiffusion:
      return reverseDiffusion(c, x, t);
    case Predictor::Ancestral:
      return ancestral(c, x, t);
    case Predictor::None:
      return {x, x};
  }
  throw Failure("unknown predictor");
}

Update langevinUpdate(StepContext& c, const torch::Tensor& x0, double t, double snr, int n) {
  // α = 1 − b_i for VP and sub-VP (the DDPM alphas on the steps grid), 1 for VE.
  const double alpha =
      c.sde.kind() == sde::SdeKind::VE ? 1.0 : 1.0 - gridValue(c.ddpmBetas, gridIndex(c, t));
  const int64_t b = x0.size(0);
  Update u{x0, x0};
  for (int k = 0; k < n; ++k) {
    auto grad = evalScore(c, u.x, t);
    auto z = c.noise.like(u.x);
    // Per-sample norms averaged over the batch: one step size for all (0-dim, no sync).
    auto gradNorm = grad.reshape({b, -1}).norm(2, 1).mean();
    auto noiseNorm = z.reshape({b, -1}).norm(2, 1).mean();
    auto stepSize = (snr * noiseNorm / gradNorm).pow(2) * (2.0 * alpha);
    u.xMean = u.x + stepSize * grad;
    u.x = u.xMean + torch::sqrt(2.0 * stepSize) * z;
  }
  return u;
}

Drift probabilityFlowDrift(StepContext& c) {
  return [&c](const torch::Tensor& x, double t) {
    auto s = evalScore(c, x, t);
    return c.sde.reverse(x, time64(x, t), s, true).drift.to(x.scalar_type());
  };
}

}  // namespace ss::sample::detail

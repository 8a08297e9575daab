// Exact likelihood, encoding and decoding along the probability-flow ODE (MATH.md §5).
//
// log p_ε(x) = log p_T(x(T)) + ∫_ε^T ∇·f̃(x(t), t) dt with f̃ = f − ½ g² s, integrating
// the augmented state [x, ∫∇·f̃] from ε to T with Dormand–Prince RK45 (the samplers' solver,
// one error norm over the whole batch as the reference's scipy call). The divergence is the
// exact Jacobian trace (one vector–Jacobian product per dimension: cheap in 2D) or the
// Skilling–Hutchinson estimate vᵀ(∂f̃/∂x)v with Gaussian or Rademacher probes drawn once per
// integration, as the reference does. The score must be differentiable in x under autograd
// (ScoreFn::differentiable). Everything runs in float64 on x's device. Owned by the calling
// thread. Uses LibTorch: not for ui/.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <string>

#include "core/common/error.h"
#include "core/score/score_fn.h"
#include "core/sde/sde.h"

namespace ss::likelihood {

enum class Divergence { Auto, Exact, Hutchinson };  // Auto: exact up to 16 dimensions
enum class Probe { Gaussian, Rademacher };

struct LikelihoodConfig {
  double rtol = 1e-5, atol = 1e-5;  // RK45 tolerances (the reference's)
  Divergence divergence = Divergence::Auto;
  Probe probe = Probe::Rademacher;
  int probes = 1;     // Hutchinson probes averaged per evaluation
  uint64_t seed = 0;  // the probes' draw
  // Polled between RK45 steps (any thread's callback, called on the integrating one): true
  // stops the integration early and the result comes back with `stopped` set.
  std::function<bool()> stop;

  // Ok, or an error naming the field and the valid range.
  Status validate() const;
};

Expected<Divergence> parseDivergence(const std::string& s);  // auto | exact | hutchinson
Expected<Probe> parseProbe(const std::string& s);            // gaussian | rademacher
std::string toString(Divergence d);
std::string toString(Probe p);

// log p_T of the terminal state, [B] (float64). Empty: the SDE's prior.
using LogDensity = std::function<torch::Tensor(const torch::Tensor& z)>;

struct LikelihoodResult {
  torch::Tensor logp;       // [B] log p_ε(x), nats, float64
  torch::Tensor priorLogp;  // [B] log p_T(x(T))
  torch::Tensor deltaLogp;  // [B] ∫_ε^T ∇·f̃ dt
  torch::Tensor z;          // [B, ...] x(T), the ODE encoding of x (float64)
  int64_t nfe = 0;          // drift evaluations (each one score evaluation plus its VJPs)
  int64_t steps = 0;        // accepted RK45 steps
  bool exactDivergence = true;
  bool stopped = false;  // config.stop ended it early: the tensors are undefined
};

// x: [B, ...] data at time ε. Throws ss::Failure on an invalid config, a non-finite state
// (naming t) or a score that autograd cannot differentiate.
LikelihoodResult logLikelihood(const score::ScoreFn& score, const sde::Sde& sde,
                               const torch::Tensor& x, const LikelihoodConfig& config = {},
                               const LogDensity& terminal = {});

// log p_t(x) at any t in [ε, T]: the same integral from t instead of ε (MATH.md §5,
// log p_t(x) = log p_T(x(T)) + ∫_t^T ∇·f̃ dt). x: [B, ...] data at time t; t ≥ T returns the
// terminal density itself. The density heatmap of the model at the timeline's t uses it.
LikelihoodResult logLikelihoodAt(const score::ScoreFn& score, const sde::Sde& sde,
                                 const torch::Tensor& x, double t,
                                 const LikelihoodConfig& config = {},
                                 const LogDensity& terminal = {});

// −log p / (d ln 2) + offset, per sample. Images: offset 8 for data in [0,1], 7 for [−1,1]
// (the scaling from 256 levels, MATH.md §5); 2D data: 0.
torch::Tensor bitsPerDim(const torch::Tensor& logp, int64_t dims, double offset = 0.0);

// Uniform dequantization of 256-level data in [0,1]: (round(255 x) + u) / 256, u ~ U(0,1).
torch::Tensor dequantize(const torch::Tensor& x01, at::Generator& gen);

// The ODE as a code: encode x(ε) → x(T), decode x(T) → x(ε), with RK45.
// `stop` (optional) is asked between RK45 steps; when it answers true the solve ends early
// with `stopped` set and `x` undefined (a worker whose request was superseded).
struct OdeResult {
  torch::Tensor x;  // in the input's dtype
  int64_t nfe = 0;
  int64_t steps = 0;
  bool stopped = false;
};
OdeResult encode(const score::ScoreFn& score, const sde::Sde& sde, const torch::Tensor& x,
                 double rtol = 1e-5, double atol = 1e-5, const std::function<bool()>& stop = {});
OdeResult decode(const score::ScoreFn& score, const sde::Sde& sde, const torch::Tensor& z,
                 double rtol = 1e-5, double atol = 1e-5, const std::function<bool()>& stop = {});

// n points from z0 to z1 (each [...], or [1, ...]) inclusive: [n, ...]. A leading 1 is taken
// as the batch: pass a grey image's [1, H, W] code as [1, 1, H, W]. Spherical
// interpolation keeps the norm profile of Gaussian latents (slerp on the flattened vectors;
// it falls back to linear when they are parallel).
enum class Interpolation { Linear, Spherical };
torch::Tensor interpolate(const torch::Tensor& z0, const torch::Tensor& z1, int n,
                          Interpolation how);

}  // namespace ss::likelihood

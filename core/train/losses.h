// Training objectives (MATH.md §3): denoising score matching with λ(t) = σ(t)² (default),
// g(t)² (likelihood weighting, optionally with importance-sampled t), 1, g(t)⁴/4 (flow
// matching: docs/PROCESSES.md) or EDM's (the preconditioned U-Net's: train_config.h), and sliced
// score matching on perturbed data. Pure functions of their inputs and generator; any thread. Uses
// LibTorch: not for ui/.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <string>

#include "core/sde/sde.h"
#include "core/train/train_config.h"

namespace ss::train {

// s(x, t) with autograd: x [B, ...], t [B] → shaped like x.
using ScoreCallable = std::function<torch::Tensor(const torch::Tensor& x, const torch::Tensor& t)>;

struct LossResult {
  torch::Tensor loss;       // scalar: mean over the batch
  torch::Tensor perSample;  // [B], detached
  torch::Tensor t;          // [B], the times drawn
  torch::Tensor z;          // like x0, the noise drawn: x_t = a(t) x0 + σ(t) z
};

// One minibatch of the configured objective on clean data x0 [B, ...]. Per sample, the
// squared error is summed over data dimensions (the reference's reduce_mean = false).
// DSM: λ(t)·‖s(x_t, t) + z/σ(t)‖², x_t = a(t)x0 + σ(t)z, t ~ U(eps, T) (or importance
// sampled). SSM: λ(t)·[vᵀ∇x(vᵀs) + ½(vᵀs)²] at x_t, averaged over projections.
LossResult scoreMatchingLoss(const ScoreCallable& score, const sde::Sde& sde,
                             const torch::Tensor& x0, const LossConfig& config,
                             at::Generator generator);

// λ(t) for a weighting, shaped like t.
torch::Tensor weightOf(Weighting w, const sde::Sde& sde, const torch::Tensor& t);

// Draws t ∈ [eps, T] with density ∝ g(t)²/σ(t)² (tabulated inverse CDF) and returns
// {t, 1/density(t)} so that E[f(t)/p(t)] = ∫ f over [eps, T], both [B] on `options`' device.
std::pair<torch::Tensor, torch::Tensor> importanceSampleTime(const sde::Sde& sde, int64_t n,
                                                             const torch::TensorOptions& options,
                                                             at::Generator generator);

}  // namespace ss::train

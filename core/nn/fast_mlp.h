// The MLP score s(x, t) = net(x, t) / σ(t) for inference, written out by hand (MATH.md §3;
// bench/README.md "Sampling throughput"): CPU, float32, no autograd, no per-op temporaries.
// Rows go through all layers in cache-sized chunks (the activations of a chunk stay in L2):
// the hidden layers are `addmm_out` into reused per-thread buffers with the bias folded in,
// SiLU is a fused AVX2 pass in place, and the last SiLU, the 2-wide output layer and the
// division by σ(t) are one pass. When t is the same for the whole batch (every sampler step)
// the time features and their part of the first layer are one [width] bias, computed once.
// Internal to core/nn: NetScoreFn takes this path when it can and falls back to the module's
// forward otherwise (CUDA, other dtypes, x features,
// class-conditional MLPs, the U-Net). LibTorch.
#pragma once

#include <torch/torch.h>

#include <memory>

#include "core/nn/score_net.h"
#include "core/sde/sde.h"

namespace ss::nn {
class MlpNet;
}

namespace ss::nn::detail {

class FastMlpScore {
 public:
  // Null when `net` is not a network this path handles (an unconditional MlpNet without x
  // features).
  // The network must outlive the result (NetScoreFn holds both).
  static std::unique_ptr<FastMlpScore> create(const ScoreNet& net);

  // Whether this call can take the fast path: the parameters are float32 on the CPU, x is a
  // floating [B, dim] CPU tensor and t a [B] (or 0-dim) floating CPU tensor.
  bool accepts(const torch::Tensor& x, const torch::Tensor& t) const;

  // s(x, t) in float32, as scoreOf(net, sde, x, t) computes it up to float rounding. Callable
  // from any thread (buffers are per thread). With LibTorch's threads > 1 and enough rows, the
  // rows are split over that many workers (LibTorch's inter-op pool) with single-threaded BLAS.
  torch::Tensor operator()(const sde::Sde& sde, const torch::Tensor& x,
                           const torch::Tensor& t) const;

 private:
  explicit FastMlpScore(const MlpNet& net) : m_net(net) {}
  const MlpNet& m_net;
};

// Rows per chunk (default 512, measured in bench/README.md); SCORESCOPE_SCORE_CHUNK overrides.
int64_t fastScoreChunkRows();

}  // namespace ss::nn::detail

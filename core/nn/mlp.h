// The flat-vector score network (NetKind::Mlp, MATH.md §3) and the two building blocks the
// U-Net shares with it: random Fourier features and seeded initialization. Internal to
// core/nn (score_net.h's makeNet is the public way to build one). Uses LibTorch.
#pragma once

#include <torch/torch.h>

#include "core/nn/net_config.h"
#include "core/nn/score_net.h"

namespace ss::nn {

// Random Fourier features [sin(2π vW), cos(2π vW)]: v is [B] with W [F/2] (an outer
// product), or v is [B, k] with W [k, F/2] (a matmul). Returns [B, F] in W's dtype.
torch::Tensor fourierFeatures(const torch::Tensor& v, const torch::Tensor& W);

// Re-draws every Linear and Conv2d weight and bias below `module` from `gen` with LibTorch's
// default scheme, U(±1/√fan_in), in registration order: the network then depends on its seed
// only, never on the global RNG or other threads. GroupNorm keeps (1, 0).
void seededInit(torch::nn::Module& module, at::Generator& gen);

// input = [x or Fourier(x), Fourier(t)] → `depth` × (Linear(width), SiLU) → Linear(dim).
// Buffers (saved and copied, never trained): "time_W" [timeFeatures/2] ~ N(0, timeScale²)
// and, with xFeatures > 0, "x_W" [dim, xFeatures/2] ~ N(0, xScale²). With classes > 0 the
// input ends with a one-hot label over classes + 1 entries (the last the null class), and
// forward(x, t) is the unconditional output (every row the null class).
class MlpNet final : public ScoreNet {
 public:
  MlpNet(const MlpConfig& config, at::Generator& gen);
  // x: [B, dim]; t: [B] (or a scalar, shared by the batch). Returns [B, dim].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t) override;
  torch::Tensor forwardClass(const torch::Tensor& x, const torch::Tensor& t,
                             const torch::Tensor& labels) override;
  int64_t classes() const override { return m_cfg.classes; }

  // Read access for the hand-written inference path (fast_mlp.h): the layers as registered.
  const MlpConfig& config() const { return m_cfg; }
  const torch::Tensor& timeW() const { return m_timeW; }
  const torch::Tensor& xW() const { return m_xW; }  // undefined when xFeatures == 0
  const std::vector<torch::nn::Linear>& hidden() const { return m_hidden; }
  const torch::nn::Linear& out() const { return m_out; }

 private:
  // [B, classes + 1]: labels (undefined: the null class for every row; one label: all rows).
  torch::Tensor oneHot(const torch::Tensor& labels, const torch::Tensor& x) const;
  MlpConfig m_cfg;
  torch::Tensor m_timeW, m_xW;
  std::vector<torch::nn::Linear> m_hidden;
  torch::nn::Linear m_out{nullptr};
};

}  // namespace ss::nn

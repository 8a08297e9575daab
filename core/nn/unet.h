// The image score network (NetKind::UNet): a small time-conditioned U-Net in the style of
// DDPM / the score_sde reference's DDPM model, without attention. Internal to core/nn
// (build one with makeNet). Uses LibTorch.
//
//   t → Fourier(t) → Linear → SiLU → Linear = emb  [B, 4·base]
//   x → conv3×3 → per resolution l: 2 ResBlocks (base·mult[l]), then a stride-2 conv
//     → 2 middle ResBlocks → per resolution, coarsest first: 3 ResBlocks on [h, skip],
//     then nearest ×2 + conv3×3 → GroupNorm, SiLU, conv3×3 (near-zero init) → [B, C, H, W]
// Each ResBlock: GroupNorm, SiLU, conv3×3, + Linear(SiLU(emb)), GroupNorm, SiLU, conv3×3,
// plus a 1×1 conv skip when the channel count changes.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <vector>

#include "core/nn/net_config.h"
#include "core/nn/score_net.h"

namespace ss::nn {

class ResBlockImpl : public torch::nn::Module {
 public:
  ResBlockImpl(int64_t in, int64_t out, int64_t embDim, int64_t groups);
  // x: [B, in, H, W]; embAct: SiLU(emb) [B, embDim]. Returns [B, out, H, W].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& embAct);

 private:
  torch::nn::GroupNorm m_norm1{nullptr}, m_norm2{nullptr};
  torch::nn::Conv2d m_conv1{nullptr}, m_conv2{nullptr}, m_skip{nullptr};
  torch::nn::Linear m_emb{nullptr};
};

class UNet final : public ScoreNet {
 public:
  UNet(const UNetConfig& config, at::Generator& gen);
  // x: [B, C, H, W] (H = W = size); t: [B] or a scalar. Returns [B, C, H, W].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t) override;
  double sigmaData() const override { return m_cfg.sigmaData; }

  static constexpr int kBlocksPerLevel = 2;
  static constexpr double kOutInitScale = 1e-2;  // the last conv starts near zero

 private:
  UNetConfig m_cfg;
  torch::Tensor m_timeW;  // buffer "time_W" [timeFeatures/2] ~ N(0, timeScale²)
  torch::nn::Linear m_emb1{nullptr}, m_emb2{nullptr};
  torch::nn::Conv2d m_convIn{nullptr}, m_convOut{nullptr};
  torch::nn::GroupNorm m_normOut{nullptr};
  // Typed views of the registered lists "down", "downsample", "mid", "up", "upsample".
  std::vector<std::shared_ptr<ResBlockImpl>> m_down, m_mid, m_up;
  std::vector<torch::nn::Conv2d> m_downsample, m_upsample;
};

}  // namespace ss::nn

#include "core/nn/unet.h"

#include "core/nn/mlp.h"

namespace ss::nn {

namespace F = torch::nn::functional;

namespace {

torch::nn::Conv2d conv3x3(int64_t in, int64_t out, int64_t stride = 1) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).stride(stride).padding(1));
}

torch::nn::GroupNorm groupNorm(int64_t groups, int64_t channels) {
  return torch::nn::GroupNorm(torch::nn::GroupNormOptions(groups, channels));
}

}  // namespace

ResBlockImpl::ResBlockImpl(int64_t in, int64_t out, int64_t embDim, int64_t groups) {
  m_norm1 = register_module("norm1", groupNorm(groups, in));
  m_conv1 = register_module("conv1", conv3x3(in, out));
  m_emb = register_module("emb", torch::nn::Linear(embDim, out));
  m_norm2 = register_module("norm2", groupNorm(groups, out));
  m_conv2 = register_module("conv2", conv3x3(out, out));
  if (in != out)
    m_skip = register_module("skip", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 1)));
}

torch::Tensor ResBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& embAct) {
  auto h = m_conv1->forward(torch::silu(m_norm1->forward(x)));
  h = h + m_emb->forward(embAct).unsqueeze(-1).unsqueeze(-1);
  h = m_conv2->forward(torch::silu(m_norm2->forward(h)));
  return (m_skip ? m_skip->forward(x) : x) + h;
}

UNet::UNet(const UNetConfig& config, at::Generator& gen) : m_cfg(config) {
  const int64_t base = config.baseChannels, groups = config.groups, embDim = 4 * base;
  const auto& mult = config.multipliers;
  const int levels = static_cast<int>(mult.size());

  m_timeW = register_buffer("time_W", torch::randn({config.timeFeatures / 2}, gen,
                                                   torch::TensorOptions().dtype(torch::kFloat32))
                                          .mul_(config.timeScale));
  m_emb1 = register_module("emb1", torch::nn::Linear(config.timeFeatures, embDim));
  m_emb2 = register_module("emb2", torch::nn::Linear(embDim, embDim));
  m_convIn = register_module("conv_in", conv3x3(config.channels, base));

  auto down = register_module("down", torch::nn::ModuleList());
  auto downsample = register_module("downsample", torch::nn::ModuleList());
  auto mid = register_module("mid", torch::nn::ModuleList());
  auto up = register_module("up", torch::nn::ModuleList());
  auto upsample = register_module("upsample", torch::nn::ModuleList());
  auto addBlock = [&](torch::nn::ModuleListImpl& list,
                      std::vector<std::shared_ptr<ResBlockImpl>>& typed, int64_t in, int64_t out) {
    typed.push_back(std::make_shared<ResBlockImpl>(in, out, embDim, groups));
    list.push_back(typed.back());
  };
  auto addConv = [](torch::nn::ModuleListImpl& list, std::vector<torch::nn::Conv2d>& typed,
                    torch::nn::Conv2d conv) {
    typed.push_back(conv);
    list.push_back(conv);
  };

  // Down path: remember every skip's channel count (conv_in, each block, each downsample).
  std::vector<int64_t> skips = {base};
  int64_t ch = base;
  for (int l = 0; l < levels; ++l) {
    for (int b = 0; b < kBlocksPerLevel; ++b) {
      addBlock(*down, m_down, ch, base * mult[l]);
      ch = base * mult[l];
      skips.push_back(ch);
    }
    if (l + 1 < levels) {
      addConv(*downsample, m_downsample, conv3x3(ch, ch, 2));
      skips.push_back(ch);
    }
  }
  addBlock(*mid, m_mid, ch, ch);
  addBlock(*mid, m_mid, ch, ch);
  // Up path: one more block per level than going down, each eating one skip.
  for (int l = levels - 1; l >= 0; --l) {
    for (int b = 0; b <= kBlocksPerLevel; ++b) {
      addBlock(*up, m_up, ch + skips.back(), base * mult[l]);
      skips.pop_back();
      ch = base * mult[l];
    }
    if (l > 0) addConv(*upsample, m_upsample, conv3x3(ch, ch));
  }
  m_normOut = register_module("norm_out", groupNorm(groups, ch));
  m_convOut = register_module("conv_out", conv3x3(ch, config.channels));

  seededInit(*this, gen);
  torch::NoGradGuard noGrad;
  m_convOut->weight.mul_(kOutInitScale);
  m_convOut->bias.zero_();
}

torch::Tensor UNet::forward(const torch::Tensor& x, const torch::Tensor& t) {
  const int levels = static_cast<int>(m_cfg.multipliers.size());
  const auto tt = t.dim() == 0 ? t.expand({x.size(0)}) : t;
  const auto embAct =
      torch::silu(m_emb2->forward(torch::silu(m_emb1->forward(fourierFeatures(tt, m_timeW)))));

  std::vector<torch::Tensor> hs;
  hs.reserve(1 + levels * (kBlocksPerLevel + 1));
  auto h = m_convIn->forward(x);
  hs.push_back(h);
  for (int l = 0, i = 0; l < levels; ++l) {
    for (int b = 0; b < kBlocksPerLevel; ++b, ++i) {
      h = m_down[i]->forward(h, embAct);
      hs.push_back(h);
    }
    if (l + 1 < levels) {
      h = m_downsample[l]->forward(h);
      hs.push_back(h);
    }
  }
  for (auto& block : m_mid) h = block->forward(h, embAct);
  for (int l = levels - 1, i = 0; l >= 0; --l) {
    for (int b = 0; b <= kBlocksPerLevel; ++b, ++i) {
      h = m_up[i]->forward(torch::cat({h, hs.back()}, 1), embAct);
      hs.pop_back();
    }
    if (l > 0) {
      // Nearest-neighbour upsampling to the next skip's size (exact ×2 for valid sizes).
      const auto& skip = hs.back();
      h = F::interpolate(h, F::InterpolateFuncOptions()
                                .size(std::vector<int64_t>{skip.size(2), skip.size(3)})
                                .mode(torch::kNearest));
      h = m_upsample[levels - 1 - l]->forward(h);
    }
  }
  return m_convOut->forward(torch::silu(m_normOut->forward(h)));
}

}  // namespace ss::nn

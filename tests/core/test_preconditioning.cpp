// The preconditioned U-Net (UNetConfig::sigmaData > 0, EDM's preconditioning in the SDE's
// coordinates) and its loss weighting: the score it gives when its network says nothing, the
// DSM loss it trains on, and its checkpoint settings (docs/IMAGE_QUALITY.md).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "core/nn/net_config.h"
#include "core/nn/score_net.h"
#include "core/sde/sde.h"
#include "core/train/losses.h"

namespace {

using ss::nn::NetConfig;
using ss::sde::SdeKind;

NetConfig preconditionedUNet() {
  NetConfig c;
  c.kind = ss::nn::NetKind::UNet;
  c.unet.size = 8;
  c.unet.baseChannels = 8;
  c.unet.groups = 4;
  c.unet.multipliers = {1, 2};
  c.unet.timeFeatures = 8;
  c.unet.sigmaData = ss::nn::kImageSigmaData;
  return c;
}

std::shared_ptr<const ss::sde::Sde> sdeOf(SdeKind kind) {
  ss::sde::SdeConfig c;
  c.kind = kind;
  if (kind == SdeKind::VE) c.sigmaMax = 20.0;
  return ss::sde::Sde::create(c);
}

// Sets the U-Net's last convolution to zero: its output is then 0 everywhere.
void silence(ss::nn::ScoreNet& net) {
  torch::NoGradGuard noGrad;
  for (auto& p : net.named_parameters())
    if (p.key().rfind("conv_out.", 0) == 0) p.value().zero_();
}

// [B] → [B, 1, 1, 1].
torch::Tensor col(const torch::Tensor& v) { return v.view({-1, 1, 1, 1}); }

}  // namespace

// With nothing from the network, the score is the exact one of N(0, σ_d² I) data, whose
// marginal at t is N(0, (a²σ_d² + σ²) I): −x/q on every SDE.
TEST(PreconditionedUNet, ASilentNetworkGivesTheScoreOfGaussianData) {
  auto net = ss::nn::makeNet(preconditionedUNet(), 3);
  silence(*net);
  torch::manual_seed(1);
  const auto x = torch::randn({4, 1, 8, 8});
  const auto t = torch::tensor({1e-5f, 0.1f, 0.5f, 0.99f});
  for (auto kind : {SdeKind::VP, SdeKind::SubVP, SdeKind::VE}) {
    const auto sde = sdeOf(kind);
    const auto m = sde->marginal(t);
    const auto sd2 = ss::nn::kImageSigmaData * ss::nn::kImageSigmaData;
    const auto q = col(m.sigma * m.sigma + m.a * m.a * sd2);
    const auto s = ss::nn::scoreOf(*net, *sde, x, t);
    EXPECT_TRUE(torch::allclose(s, -x / q, 1e-5, 1e-6)) << ss::sde::toString(kind);
  }
}

// The edm weighting puts unit weight on the network's output: the DSM loss per sample is
// Σ(F − F*)², F* the output that would make σ·s = −z exactly (replayed from the loss's own t
// and z), so every t counts alike however small a(t) is.
TEST(PreconditionedUNet, TheEdmLossIsTheSquaredErrorOfTheNetworkOutput) {
  auto net = ss::nn::makeNet(preconditionedUNet(), 4);
  const auto sde = sdeOf(SdeKind::VP);
  torch::manual_seed(2);
  const auto x0 = torch::rand({6, 1, 8, 8});
  ss::train::LossConfig lc;
  lc.weighting = ss::train::Weighting::Edm;
  auto score = [&](const torch::Tensor& x, const torch::Tensor& t) {
    return ss::nn::scoreOf(*net, *sde, x, t);
  };
  auto gen = at::detail::createCPUGenerator(9);
  const auto r = ss::train::scoreMatchingLoss(score, *sde, x0, lc, gen);
  const auto m = sde->marginal(r.t);
  const auto a = col(m.a), sig = col(m.sigma);
  const double sd = ss::nn::kImageSigmaData;
  const auto q = sig * sig + a * a * sd * sd;
  const auto x = a * x0 + sig * r.z;
  const auto f = net->forward(x / q.sqrt(), r.t).detach();
  const auto target = (sig * x / q - r.z) * q.sqrt() / (a * sd);
  const auto want = (f - target).pow(2).sum({1, 2, 3});
  EXPECT_TRUE(torch::allclose(r.perSample, want, 2e-3, 1e-3)) << r.perSample << "\n" << want;
}

// λ_edm = σ²q/(a²σ_d²): σ² where the noise is small, and far above it where a(t) is.
TEST(PreconditionedUNet, TheEdmWeightIsSigmaSquaredAtSmallTimes) {
  const auto sde = sdeOf(SdeKind::VP);
  const auto t = torch::tensor({1e-5, 0.5, 1.0}, torch::kFloat64);
  const auto w = ss::train::weightOf(ss::train::Weighting::Edm, *sde, t);
  const auto s2 = sde->marginal(t).sigma.pow(2);
  EXPECT_NEAR(w[0].item<double>() / s2[0].item<double>(), 1.0, 1e-4);
  EXPECT_GT(w[2].item<double>() / s2[2].item<double>(), 1e4);
}

// The presets are preconditioned; a checkpoint's config keeps σ_d, and an older one (no key)
// reads as unpreconditioned; a negative σ_d is refused by name.
TEST(PreconditionedUNet, PresetsAndCheckpointsCarrySigmaData) {
  EXPECT_EQ(ss::nn::unetPreset("small", 1, 28).value().sigmaData, ss::nn::kImageSigmaData);
  const auto c = preconditionedUNet();
  EXPECT_EQ(NetConfig::fromJson(c.toJson()).value().unet.sigmaData, ss::nn::kImageSigmaData);
  const auto old = NetConfig::fromJson(R"({"kind": "unet", "unet": {"base_channels": 16}})");
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old.value().unet.sigmaData, 0.0);
  auto bad = c;
  bad.unet.sigmaData = -1;
  EXPECT_NE(ss::messageOf(bad.validate()).find("unet.sigma_data"), std::string::npos);
}

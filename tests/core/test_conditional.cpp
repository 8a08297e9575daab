// Tests of controllable generation (MATH.md §6): SamplerRun's projection for inpainting and
// colorization, against exact answers. 2D: p(x₂ | x₁ = c) of a two-component mixture is one
// known Gaussian. Images: with the exact empirical score of a two-image set whose images
// differ in both halves, knowing one half recovers the other; known entries come out exact;
// the grey level of one image recovers its colours. Plus the mask presets and validation.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <ATen/CPUGeneratorImpl.h>

#include <memory>
#include <numeric>

#include "core/common/error.h"
#include "core/sample/conditional.h"
#include "core/sample/masks.h"
#include "core/sample/sampler.h"
#include "core/score/exact_score.h"
#include "core/sde/sde.h"

namespace {

using ss::sample::SamplerConfig;
using ss::sample::SamplerKind;
using ss::sample::SamplerRun;

// ε_t = 1e-3 (the reference's sampling ε for VP): with the exact empirical score the last
// Euler–Maruyama step at ε_t = 1e-5 has g²|Δt|/σ² ≈ 100 and overshoots, whereas at 1e-3 it
// is ≈ 1 (stable below 2). The adaptive ODE runs to 1e-5, where σ(ε_t) = 1e-3 leaves
// ≈ 0.01 of noise in its (not denoised) result.
std::shared_ptr<const ss::sde::Sde> vp(int n = 1000, double eps = 1e-3) {
  ss::sde::SdeConfig c;
  c.N = n;
  c.eps = eps;
  return ss::sde::Sde::create(c);
}

SamplerConfig pc(int steps) {
  SamplerConfig c;
  c.steps = steps;
  return c;
}

SamplerConfig ode() {
  SamplerConfig c;
  c.kind = SamplerKind::Ode;
  c.rtol = c.atol = 1e-4;
  return c;
}

// Two random images [2, C, 8, 8] in [0, 1] that differ everywhere.
torch::Tensor twoImages(int channels, uint64_t seed) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  return torch::rand({2, channels, 8, 8}, gen, torch::kFloat32);
}

torch::Tensor rightHalf(const torch::Tensor& x) { return x.narrow(-1, 4, 4); }
torch::Tensor leftHalf(const torch::Tensor& x) { return x.narrow(-1, 0, 4); }

TEST(Conditional, InpaintingOneCoordinateSamplesTheConditionalOfAMixture) {
  // Components at (−2, −2) and (2, 2), std 0.3: given x₁ = 2 the other component's weight
  // is e^{−16/0.18} ≈ 0, so x₂ | x₁ = 2 ~ N(2, 0.3²).
  ss::data::GaussianMixture gm{
      torch::tensor({0.5, 0.5}, torch::kFloat64),
      torch::tensor({-2.0, -2.0, 2.0, 2.0}, torch::kFloat64).reshape({2, 2}),
      torch::tensor({0.3, 0.3}, torch::kFloat64)};
  auto sde = vp();
  auto score = std::make_shared<ss::score::MixtureScore>(gm, sde);
  auto xT = SamplerRun::priorDraw(*sde, 4000, {2}, 1);
  auto cond = ss::sample::inpainting(torch::tensor({2.f, 0.f}), torch::tensor({1.f, 0.f}));
  SamplerRun run(score, sde, pc(1000), xT, 2, {}, cond);
  run.runToEnd();
  auto x = run.result();
  EXPECT_TRUE(torch::all(x.select(1, 0) == 2.f).item<bool>()) << "the known coordinate is exact";
  auto x2 = x.select(1, 1);
  auto right = x2 > 0;
  // Unconditioned, half the samples would land near x₂ = −2. The replacement rule is an
  // approximation (the known coordinate's fresh noise at large t pulls a few paths toward
  // the other component, and the bulk ~0.07 low): measured 99.6 % on the right side, bulk
  // mean 1.93, std 0.34 with this seed.
  const double fraction = right.to(torch::kFloat64).mean().item<double>();
  EXPECT_GT(fraction, 0.98);
  auto bulk = x2.masked_select(right);
  EXPECT_NEAR(bulk.mean().item<double>(), 2.0, 0.12);
  EXPECT_NEAR(bulk.std().item<double>(), 0.3, 0.08);
}

void expectRecoversOtherHalf(const SamplerConfig& config) {
  auto images = twoImages(1, 11);
  auto sde = vp(1000, config.kind == SamplerKind::Ode ? 1e-5 : 1e-3);
  auto flat = std::make_shared<ss::score::EmpiricalScore>(images, sde);  // flattens [B, 1, 8, 8]
  for (int which = 0; which < 2; ++which) {
    auto y = images[which];
    auto mask =
        ss::sample::maskTensor(ss::sample::makeMask(ss::sample::MaskPreset::LeftHalf, 8, 8), 8, 8);
    auto xT = SamplerRun::priorDraw(*sde, 16, {1, 8, 8}, 3 + which);
    SamplerRun run(flat, sde, config, xT, 5, {}, ss::sample::inpainting(y, mask));
    run.runToEnd();
    auto x = run.result();
    EXPECT_TRUE(torch::equal(leftHalf(x), leftHalf(y).unsqueeze(0).expand_as(leftHalf(x))))
        << "known pixels equal the observation exactly";
    const double err = (rightHalf(x) - rightHalf(y).unsqueeze(0)).abs().max().item<double>();
    EXPECT_LT(err, 0.02) << "image " << which << ": the right half is the matching image's";
    const double other =
        (rightHalf(x) - rightHalf(images[1 - which]).unsqueeze(0)).abs().mean().item<double>();
    EXPECT_GT(other, 0.1);
  }
}

TEST(Conditional, InpaintingWithTheEmpiricalScoreRecoversTheOtherHalfPc) {
  expectRecoversOtherHalf(pc(1000));
}

TEST(Conditional, InpaintingWithTheEmpiricalScoreRecoversTheOtherHalfOde) {
  expectRecoversOtherHalf(ode());
}

TEST(Conditional, ColorizationWithTheEmpiricalScoreRecoversTheColours) {
  auto images = twoImages(3, 21);
  auto sde = vp();
  auto flat = std::make_shared<ss::score::EmpiricalScore>(images, sde);
  auto grey = ss::sample::toGrey(images[1]);  // [1, 8, 8]
  auto xT = SamplerRun::priorDraw(*sde, 8, {3, 8, 8}, 9);
  SamplerRun run(flat, sde, pc(1000), xT, 4, {}, ss::sample::colorization(grey));
  run.runToEnd();
  auto x = run.result();
  EXPECT_LT((ss::sample::toGrey(x) - grey.unsqueeze(0)).abs().max().item<double>(), 1e-5)
      << "the grey level is the observation's";
  EXPECT_LT((x - images[1].unsqueeze(0)).abs().max().item<double>(), 0.02)
      << "the colours are the matching image's";
}

TEST(Conditional, ColorBasisIsOrthogonalWithTheGreyLevelFirst) {
  auto q = ss::sample::colorBasis();
  EXPECT_TRUE(torch::allclose(q.matmul(q.t()), torch::eye(3), 1e-6, 1e-6));
  EXPECT_TRUE(torch::allclose(q[0], torch::full({3}, 1 / std::sqrt(3.f)), 1e-6, 1e-6));
}

TEST(Conditional, BadConditioningIsRefusedWithAMessage) {
  auto sde = vp(100);
  auto score =
      std::make_shared<ss::score::EmpiricalScore>(torch::zeros({1, 2}, torch::kFloat64), sde);
  auto xT = SamplerRun::priorDraw(*sde, 4, {2}, 1);
  auto expectFailure = [&](ss::sample::Conditioning c, const std::string& needle) {
    try {
      SamplerRun run(score, sde, pc(10), xT, 1, {}, c);
      ADD_FAILURE() << "accepted: " << needle;
    } catch (const ss::Failure& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expectFailure(ss::sample::inpainting(torch::zeros({3}), torch::ones({3})), "shape");
  expectFailure(ss::sample::inpainting(torch::zeros({2}), torch::ones({5})), "broadcast");
  expectFailure(ss::sample::inpainting(torch::zeros({2}), torch::tensor({2.f, 0.f})), "[0, 1]");
  expectFailure(ss::sample::inpainting(torch::zeros({2}), torch::Tensor()), "mask");
  auto c = ss::sample::inpainting(torch::zeros({2}), torch::ones({2}));
  c.basis = torch::ones({2, 2});
  expectFailure(c, "orthogonal");
}

TEST(Conditional, RewindReplaysTheConditionedRun) {
  auto sde = vp(100);
  auto score =
      std::make_shared<ss::score::EmpiricalScore>(torch::randn({5, 2}, torch::kFloat64), sde);
  auto xT = SamplerRun::priorDraw(*sde, 32, {2}, 1);
  auto cond = ss::sample::inpainting(torch::tensor({0.5f, 0.f}), torch::tensor({1.f, 0.f}));
  SamplerRun run(score, sde, pc(50), xT, 3, {}, cond);
  run.runToEnd();
  auto first = run.result().clone();
  run.rewind();
  run.runToEnd();
  EXPECT_TRUE(torch::equal(first, run.result()));
}

TEST(MaskPresets, ShapesAndNames) {
  using ss::sample::MaskPreset;
  auto count = [](const std::vector<float>& m) { return std::accumulate(m.begin(), m.end(), 0.0); };
  auto left = ss::sample::makeMask(MaskPreset::LeftHalf, 4, 6);
  EXPECT_EQ(left.size(), 24u);
  EXPECT_EQ(count(left), 12);
  EXPECT_EQ(left[0], 1.f);
  EXPECT_EQ(left[5], 0.f);
  auto box = ss::sample::makeMask(MaskPreset::CentreBox, 8, 8);
  EXPECT_EQ(count(box), 64 - 16);
  EXPECT_EQ(box[3 * 8 + 3], 0.f);
  auto rows = ss::sample::makeMask(MaskPreset::EveryOtherRow, 4, 4);
  EXPECT_EQ(rows[0], 1.f);
  EXPECT_EQ(rows[4], 0.f);
  auto random = ss::sample::makeMask(MaskPreset::Random50, 64, 64, 3);
  EXPECT_NEAR(count(random) / 4096.0, 0.5, 0.05);
  EXPECT_EQ(random, ss::sample::makeMask(MaskPreset::Random50, 64, 64, 3));
  for (auto p :
       {MaskPreset::LeftHalf, MaskPreset::RightHalf, MaskPreset::TopHalf, MaskPreset::BottomHalf,
        MaskPreset::CentreBox, MaskPreset::Random50, MaskPreset::EveryOtherRow}) {
    auto back = ss::sample::parseMaskPreset(ss::sample::toString(p));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back.value(), p);
  }
  auto bad = ss::sample::parseMaskPreset("nope");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("'nope'"), std::string::npos);
  EXPECT_NE(bad.error().message.find("every-other-row"), std::string::npos);
}

}  // namespace

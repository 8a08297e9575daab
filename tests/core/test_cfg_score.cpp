// Classifier-free guidance (MATH.md §6) with exact scores: s_w = s + w (s_k − s) against its
// closed form (a Gaussian's score and the mixture's), equal to classifier guidance by the
// exact posterior at the same w, and what w > 1 does to samples (pushed away from the other
// class); bad settings are refused with a message.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <functional>
#include <memory>
#include <string>

#include "core/common/error.h"
#include "core/data/toy.h"
#include "core/sample/sampler.h"
#include "core/score/cfg_score.h"
#include "core/score/exact_score.h"
#include "core/score/guided_score.h"
#include "core/sde/sde.h"

namespace {

using namespace ss;

data::GaussianMixture eightGaussians() {
  auto toy = data::makeToy("8gaussians");
  EXPECT_TRUE(toy);
  return *toy.value()->mixture();
}

// Two overlapping classes on the x₁ axis: the second is pulled away from the first by w > 1.
data::GaussianMixture twoClasses() {
  const auto f64 = torch::kFloat64;
  return {torch::tensor({0.5, 0.5}, f64), torch::tensor({{-1.0, 0.0}, {1.0, 0.0}}, f64),
          torch::tensor({0.7, 0.7}, f64)};
}

std::shared_ptr<const sde::Sde> vp() { return sde::Sde::create(sde::SdeConfig{}); }

// −(x − a μ_k) / (a² s_k² + σ²): component k's score under the SDE's marginal, by hand.
torch::Tensor gaussianScore(const data::GaussianMixture& gm, int64_t k, const torch::Tensor& x,
                            const sde::Sde::MarginalCoefficients& m) {
  auto a = m.a.unsqueeze(1), s2 = m.sigma.pow(2).unsqueeze(1);
  const double sk = gm.stds[k].item<double>();
  return -(x - a * gm.means[k].unsqueeze(0)) / (a.pow(2) * sk * sk + s2);
}

std::string messageOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Failure& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(CfgScore, ExactCfgIsItsClosedForm) {
  const auto gm = eightGaussians();
  const auto sde = vp();
  auto x = torch::randn({128, 2}, torch::kFloat64) * 2.5;
  const int64_t k = 2;
  for (double w : {0.0, 1.0, 2.5}) {
    auto cfg = score::exactCfgScore(gm, sde, k, w);
    for (double tv : {0.01, 0.3, 0.9}) {
      auto t = torch::full({128}, tv, torch::kFloat64);
      const auto m = sde->marginal(t);
      auto s = score::mixtureScore(gm, x, m.a, m.sigma);
      auto expected = s + w * (gaussianScore(gm, k, x, m) - s);
      EXPECT_TRUE(torch::allclose((*cfg)(x, t), expected, 1e-9, 1e-9)) << "w " << w << " t " << tv;
    }
  }
  // w = 1 is component k's Gaussian score, w = 0 the mixture's.
  auto t = torch::full({128}, 0.2, torch::kFloat64);
  const auto m = sde->marginal(t);
  EXPECT_TRUE(torch::allclose((*score::exactCfgScore(gm, sde, k, 1.0))(x, t),
                              gaussianScore(gm, k, x, m), 1e-12, 1e-12));
  EXPECT_TRUE(torch::allclose((*score::exactCfgScore(gm, sde, k, 0.0))(x, t),
                              score::mixtureScore(gm, x, m.a, m.sigma), 1e-12, 1e-12));
}

TEST(CfgScore, ExactCfgEqualsClassifierGuidanceByTheExactPosterior) {
  // s_k − s = ∇x log p_t(k | x) for a mixture, so s + w (s_k − s) = s + w ∇ log p_t(k | x).
  const auto gm = eightGaussians();
  const auto sde = vp();
  auto base = std::make_shared<score::MixtureScore>(gm, sde);
  auto clf = std::make_shared<score::MixtureClassifier>(gm, sde);
  auto x = torch::randn({96, 2}, torch::kFloat64) * 2;
  for (double w : {0.5, 1.0, 3.0, 7.0}) {
    for (int64_t k : {0, 5}) {
      auto cfg = score::exactCfgScore(gm, sde, k, w);
      score::GuidedScore guided(base, clf, k, w);
      for (double tv : {0.02, 0.5, 1.0}) {
        auto t = torch::full({96}, tv, torch::kFloat64);
        EXPECT_TRUE(torch::allclose((*cfg)(x, t), guided(x, t), 1e-8, 1e-8))
            << "w " << w << " k " << k << " t " << tv;
        auto d = cfg->differentiable(x, t);
        EXPECT_TRUE(torch::allclose(d.detach(), guided(x, t), 1e-8, 1e-8));
      }
    }
  }
}

TEST(CfgScore, ScaleAboveOnePushesSamplesAwayFromTheOtherClass) {
  const auto gm = twoClasses();
  const auto sde = vp();
  sample::SamplerConfig cfg;
  cfg.steps = 400;
  auto xT = sample::SamplerRun::priorDraw(*sde, 3000, {2}, 4);
  auto run = [&](double w) {
    sample::SamplerRun r(score::exactCfgScore(gm, sde, 1, w), sde, cfg, xT, 5);
    r.runToEnd();
    return r.result().to(torch::kFloat64);
  };
  auto w1 = run(1.0), w3 = run(3.0);
  const double mean1 = w1.select(1, 0).mean().item<double>();
  const double mean3 = w3.select(1, 0).mean().item<double>();
  const double wrong1 = (w1.select(1, 0) < 0).to(torch::kFloat64).mean().item<double>();
  const double wrong3 = (w3.select(1, 0) < 0).to(torch::kFloat64).mean().item<double>();
  // w = 1 samples component 1 itself: mean 1, about Φ(−1/0.7) ≈ 7.7 % left of 0.
  EXPECT_NEAR(mean1, 1.0, 0.06);
  EXPECT_NEAR(wrong1, 0.077, 0.025);
  // w = 3: away from class 0 (the mean moves right) and fewer samples on its side.
  EXPECT_GT(mean3, mean1 + 0.15) << "w = 3 mean " << mean3;
  EXPECT_LT(wrong3, 0.5 * wrong1) << "w = 3 left of 0: " << wrong3;
  // Along x₂ nothing separates the classes: no push there.
  EXPECT_NEAR(w3.select(1, 1).mean().item<double>(), 0.0, 0.06);
}

TEST(CfgScore, BadSettingsAreRefusedWithAMessage) {
  const auto gm = eightGaussians();
  const auto sde = vp();
  EXPECT_NE(
      messageOf([&] { score::exactCfgScore(gm, sde, 8, 1.0); }).find("class 8 is outside [0, 8)"),
      std::string::npos);
  EXPECT_NE(messageOf([&] { score::exactCfgScore(gm, sde, -1, 1.0); }).find("outside"),
            std::string::npos);
  for (double w : {-0.5, std::nan(""), double(INFINITY)}) {
    const auto msg = messageOf([&] { score::exactCfgScore(gm, sde, 0, w); });
    EXPECT_NE(msg.find("must be a finite number ≥ 0"), std::string::npos) << msg;
  }
  auto s = std::make_shared<score::MixtureScore>(gm, sde);
  EXPECT_THROW(score::CfgScore(nullptr, s, 0, 1.0), Failure);
  EXPECT_NE(
      score::exactCfgScore(gm, sde, 3, 2.0)->name().find("2× classifier-free guidance to class 4"),
      std::string::npos);
}

}  // namespace

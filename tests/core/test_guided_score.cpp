// Classifier guidance (MATH.md §6) with the exact mixture posterior as the classifier: its
// gradient equals s_k − s (component score minus mixture score); guiding with w = 1 samples
// the chosen component (the exact conditional), w = 0 leaves the mixture's weights.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <memory>

#include "core/common/error.h"
#include "core/data/toy.h"
#include "core/sample/sampler.h"
#include "core/score/exact_score.h"
#include "core/score/guided_score.h"
#include "core/sde/sde.h"

namespace {

using ss::sample::SamplerConfig;
using ss::sample::SamplerRun;

ss::data::GaussianMixture eightGaussians() {
  auto toy = ss::data::makeToy("8gaussians");
  EXPECT_TRUE(toy);
  return *toy.value()->mixture();
}

std::shared_ptr<const ss::sde::Sde> vp() { return ss::sde::Sde::create(ss::sde::SdeConfig{}); }

// The fraction of samples whose nearest mean is component k.
double fractionNearest(const torch::Tensor& x, const ss::data::GaussianMixture& gm, int64_t k) {
  auto d = torch::cdist(x.to(torch::kFloat64), gm.means.to(torch::kFloat64));
  return (std::get<1>(d.min(1)) == k).to(torch::kFloat64).mean().item<double>();
}

TEST(GuidedScore, MixturePosteriorGradientIsComponentScoreMinusMixtureScore) {
  auto gm = eightGaussians();
  auto sde = vp();
  ss::score::MixtureClassifier clf(gm, sde);
  auto x = torch::randn({64, 2}, torch::kFloat64) * 2;
  for (double tv : {0.05, 0.4, 0.9}) {
    auto t = torch::full({64}, tv, torch::kFloat64);
    auto lp = clf.logProbs(x, t);
    EXPECT_TRUE(torch::allclose(lp.exp().sum(1), torch::ones({64}, torch::kFloat64), 1e-9, 1e-9));
    const int64_t k = 5;
    auto xg = x.clone().requires_grad_(true);
    auto g = torch::autograd::grad({clf.logProbs(xg, t).select(1, k).sum()}, {xg})[0];
    auto m = sde->marginal(t);
    ss::data::GaussianMixture one{torch::ones({1}, torch::kFloat64), gm.means.narrow(0, k, 1),
                                  gm.stds.narrow(0, k, 1)};
    auto expected = ss::score::mixtureScore(one, x, m.a, m.sigma) -
                    ss::score::mixtureScore(gm, x, m.a, m.sigma);
    EXPECT_TRUE(torch::allclose(g, expected, 1e-8, 1e-8)) << "t = " << tv;
  }
}

TEST(GuidedScore, ScaleOneSamplesTheChosenComponentScaleZeroTheMixture) {
  auto gm = eightGaussians();
  auto sde = vp();
  auto base = std::make_shared<ss::score::MixtureScore>(gm, sde);
  auto clf = std::make_shared<ss::score::MixtureClassifier>(gm, sde);
  SamplerConfig cfg;
  cfg.steps = 500;
  auto xT = SamplerRun::priorDraw(*sde, 2000, {2}, 1);
  {
    auto guided = std::make_shared<ss::score::GuidedScore>(base, clf, 3, 1.0);
    SamplerRun run(guided, sde, cfg, xT, 2);
    run.runToEnd();
    auto x = run.result();
    EXPECT_GT(fractionNearest(x, gm, 3), 0.99);
    auto spread = (x - gm.means[3].to(torch::kFloat32)).norm(2, 1).pow(2).mean().item<double>() / 2;
    const double s = gm.stds[3].item<double>();
    EXPECT_NEAR(std::sqrt(spread), s, 0.25 * s) << "the component's own spread";
  }
  {
    auto guided = std::make_shared<ss::score::GuidedScore>(base, clf, 3, 0.0);
    SamplerRun run(guided, sde, cfg, xT, 2);
    run.runToEnd();
    EXPECT_NEAR(fractionNearest(run.result(), gm, 3), 1.0 / 8, 0.03);
  }
}

TEST(GuidedScore, BadLabelOrScaleIsRefused) {
  auto gm = eightGaussians();
  auto sde = vp();
  auto base = std::make_shared<ss::score::MixtureScore>(gm, sde);
  auto clf = std::make_shared<ss::score::MixtureClassifier>(gm, sde);
  EXPECT_THROW(ss::score::GuidedScore(base, clf, 8, 1.0), ss::Failure);
  EXPECT_THROW(ss::score::GuidedScore(base, clf, -1, 1.0), ss::Failure);
  EXPECT_THROW(ss::score::GuidedScore(base, clf, 0, -1.0), ss::Failure);
  EXPECT_THROW(ss::score::GuidedScore(base, clf, 0, std::nan("")), ss::Failure);
}

}  // namespace

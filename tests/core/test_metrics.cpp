// Tests of core/metrics/metrics.h: sliced Wasserstein-2 (zero on itself, the shift's RMS
// projection, scale changes, symmetric, unequal sizes), energy distance, mixture NLL against
// the closed-form entropy, and mode weights.
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "core/common/error.h"
#include "core/data/toy.h"
#include "core/metrics/metrics.h"

namespace {

using namespace ss::metrics;

const auto kF64 = torch::TensorOptions().dtype(torch::kFloat64);

torch::Tensor normal(int64_t n, uint64_t seed, double scale = 1.0) {
  auto g = at::make_generator<at::CPUGeneratorImpl>(seed);
  return torch::randn({n, 2}, g, kF64) * scale;
}

ss::data::GaussianMixture gaussian(double s) {
  return {torch::ones({1}, kF64), torch::tensor({{1.0, -0.5}}, kF64), torch::full({1}, s, kF64)};
}

ss::data::GaussianMixture eightGaussians() {
  return ss::data::makeToy("8gaussians").take()->mixture().value();
}

}  // namespace

TEST(MetricSlicedWasserstein, ZeroOnItself) {
  auto a = normal(500, 1);
  EXPECT_NEAR(slicedWasserstein2(a, a), 0.0, 1e-12);
  EXPECT_NEAR(slicedWasserstein2(a, a.to(torch::kFloat32)), 0.0, 1e-6);
}

TEST(MetricSlicedWasserstein, ShiftGivesItsRmsProjection) {
  // Each projection of a + δ is that of a shifted by δ·u, so SW2 = sqrt(E_u (δ·u)²) = |δ|/√2.
  auto a = normal(1000, 2);
  auto delta = torch::tensor({3.0, 4.0}, kF64);
  const double sw = slicedWasserstein2(a, a + delta, 1024);
  EXPECT_NEAR(sw, 5.0 / std::sqrt(2.0), 0.04 * 5.0 / std::sqrt(2.0));
}

TEST(MetricSlicedWasserstein, ScaleChangeAndIndependentDraws) {
  // N(0, I) against N(0, 4 I): every projection is N(0,1) against N(0,4), W2 = 1.
  EXPECT_NEAR(slicedWasserstein2(normal(2000, 3), normal(2000, 4, 2.0)), 1.0, 0.08);
  // Two draws from one distribution are close; the seed picks the directions.
  auto a = normal(2000, 5), b = normal(2000, 6);
  const double same = slicedWasserstein2(a, b);
  EXPECT_LT(same, 0.08);
  EXPECT_EQ(same, slicedWasserstein2(a, b));
  EXPECT_NE(same, slicedWasserstein2(a, b, 256, 1));
}

TEST(MetricSlicedWasserstein, SymmetricAndHandlesUnequalSizes) {
  auto a = normal(1500, 7), b = normal(1000, 8), c = normal(777, 9) + 1.0;
  EXPECT_DOUBLE_EQ(slicedWasserstein2(a, b), slicedWasserstein2(b, a));
  EXPECT_DOUBLE_EQ(slicedWasserstein2(a, c), slicedWasserstein2(c, a));
  EXPECT_LT(slicedWasserstein2(a, b), 0.1);
  // Shift (1, 1): |δ|/√2 = 1.
  EXPECT_NEAR(slicedWasserstein2(a, c, 1024), 1.0, 0.1);
  // Unequal sizes of the same set (every point twice) is exactly zero.
  EXPECT_NEAR(slicedWasserstein2(b, torch::cat({b, b})), 0.0, 1e-12);
  EXPECT_THROW(slicedWasserstein2(a, torch::zeros({0, 2}, kF64)), ss::Failure);
  EXPECT_THROW(slicedWasserstein2(a, torch::zeros({5, 3}, kF64)), ss::Failure);
}

TEST(MetricEnergyDistance, ZeroOnItselfPositiveOtherwise) {
  auto a = normal(1500, 10), b = normal(1500, 11);
  EXPECT_NEAR(energyDistance(a, a), 0.0, 1e-9);
  const double same = energyDistance(a, b);
  const double shifted = energyDistance(a, b + 1.0);
  EXPECT_GT(same, 0.0);
  EXPECT_LT(same, 0.02);
  EXPECT_GT(shifted, 0.3);
  EXPECT_GT(energyDistance(a, b + 2.0), shifted);
  EXPECT_NEAR(energyDistance(a, b), energyDistance(b, a), 1e-12);
  // Subsampling is seeded.
  EXPECT_EQ(energyDistance(a, b + 1.0, 500, 3), energyDistance(a, b + 1.0, 500, 3));
  EXPECT_NEAR(energyDistance(a, b + 1.0, 500, 3), shifted, 0.1);
}

TEST(MetricMixtureNll, EqualsTheEntropyOnItsOwnSamples) {
  // 2D N(μ, s² I): H = 1 + ln(2π s²).
  const double s = 0.5;
  auto x = normal(20000, 12, s) + torch::tensor({1.0, -0.5}, kF64);
  EXPECT_NEAR(mixtureNll(gaussian(s), x), 1.0 + std::log(2 * M_PI * s * s), 0.03);
  // 8gaussians (well separated): H ≈ ln 8 + 1 + ln(2π·0.1²).
  auto toy = ss::data::makeToy("8gaussians").take();
  auto pts = toy->sample(20000, 13).x;
  EXPECT_NEAR(mixtureNll(eightGaussians(), pts), std::log(8.0) + 1.0 + std::log(2 * M_PI * 0.01),
              0.03);
  // Points far from the data score worse.
  EXPECT_GT(mixtureNll(eightGaussians(), pts * 0.5), mixtureNll(eightGaussians(), pts) + 1.0);
}

TEST(MetricModeWeights, FractionsNearestEachMean) {
  auto gm = eightGaussians();
  auto toy = ss::data::makeToy("8gaussians").take();
  auto w = modeWeights(gm, toy->sample(20000, 14).x);
  ASSERT_EQ(w.sizes(), (std::vector<int64_t>{8}));
  EXPECT_NEAR(w.sum().item<double>(), 1.0, 1e-12);
  for (int64_t k = 0; k < 8; ++k) EXPECT_NEAR(w[k].item<double>(), 0.125, 0.015) << k;
  // Everything at mean 3 (plus a little noise): one-hot.
  auto at3 = gm.means[3].unsqueeze(0).expand({50, 2}) + 0.01 * normal(50, 15);
  auto one = modeWeights(gm, at3);
  EXPECT_DOUBLE_EQ(one[3].item<double>(), 1.0);
  EXPECT_DOUBLE_EQ(one.sum().item<double>(), 1.0);
}

// The Fréchet distance against closed forms, and the bundled Fashion-MNIST feature network
// (assets/models/fashion-mnist-features.pt) against its stated accuracy.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>

#include "core/data/image_dataset.h"
#include "core/metrics/frechet.h"

namespace {

// n rows of N(mean, diag(std²)) in d dimensions, standardized exactly (sample mean and
// covariance hit their targets) so the closed forms hold to rounding.
torch::Tensor gaussianRows(int64_t n, const torch::Tensor& mean, const torch::Tensor& std,
                           uint64_t seed) {
  torch::manual_seed(seed);
  auto z = torch::randn({n, mean.size(0)}, torch::kFloat64);
  z = z - z.mean(0);
  auto cov = z.t().matmul(z) / double(n - 1);
  auto [values, vectors] = torch::linalg::eigh(cov, "L");
  auto whiten = vectors.matmul(torch::diag(values.rsqrt())).matmul(vectors.t());
  return z.matmul(whiten) * std + mean;
}

}  // namespace

// Between N(μa, diag(a²)) and N(μb, diag(b²)) the distance is ‖μa − μb‖² + Σ(a − b)²; a set
// against itself is 0.
TEST(FrechetDistance, MatchesTheClosedFormForDiagonalGaussians) {
  const auto ma = torch::tensor({0.0, 1.0, -2.0}, torch::kFloat64);
  const auto mb = torch::tensor({0.5, 1.0, 0.0}, torch::kFloat64);
  const auto a = torch::tensor({1.0, 2.0, 0.5}, torch::kFloat64);
  const auto b = torch::tensor({1.5, 0.5, 0.5}, torch::kFloat64);
  const auto fa = gaussianRows(500, ma, a, 1), fb = gaussianRows(700, mb, b, 2);
  const double want = (ma - mb).pow(2).sum().item<double>() + (a - b).pow(2).sum().item<double>();
  EXPECT_NEAR(ss::metrics::frechetDistance(fa, fb), want, 1e-9 * want);
  EXPECT_NEAR(ss::metrics::frechetDistance(fa, fa), 0.0, 1e-9);
  EXPECT_THROW(ss::metrics::frechetDistance(fa.narrow(0, 0, 1), fb), ss::Failure);
  EXPECT_THROW(ss::metrics::frechetDistance(fa, fb.narrow(1, 0, 2)), ss::Failure);
}

// A missing file, and a file that is no TorchScript archive, are refused by name.
TEST(FeatureNet, RefusesWhatIsNotAFeatureNetwork) {
  auto missing = ss::metrics::FeatureNet::open("/nonexistent/features.pt");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(ss::messageOf(missing).find("/nonexistent/features.pt"), std::string::npos);
  const std::string junk = ::testing::TempDir() + "junk-features.pt";
  std::ofstream(junk) << "not a model";
  EXPECT_FALSE(ss::metrics::FeatureNet::open(junk).ok());
}

// The bundled classifier classifies the first 2,000 test images as well as its metadata says
// (measured on all 10,000), and the test images are far nearer the training images in its
// features than a shuffled-pixel copy of them.
TEST(FeatureNet, TheBundledClassifierKeepsItsWord) {
  const auto path = ss::metrics::bundledFeatureNet("fashion-mnist");
  if (path.empty()) GTEST_SKIP() << "no assets/models/fashion-mnist-features.pt";
  ss::data::ImageLoadOptions opt;
  opt.limit = 2000;
  auto test = ss::data::loadImageDataset("fashion-mnist:test", opt);
  auto train = ss::data::loadImageDataset("fashion-mnist:train", opt);
  if (!test || !train) GTEST_SKIP() << "Fashion-MNIST is not installed";
  auto net = ss::metrics::FeatureNet::open(path);
  ASSERT_TRUE(net.ok()) << ss::messageOf(net);
  auto& f = *net.value();
  EXPECT_EQ(f.data(), "fashion-mnist");
  const auto& x = test.value().images;
  const double acc = f.classify(x)
                         .eq(test.value().labels.to(torch::kLong))
                         .to(torch::kFloat64)
                         .mean()
                         .item<double>();
  EXPECT_NEAR(acc, f.testAccuracy(), 0.03);
  EXPECT_GT(acc, 0.85);
  const auto real = f.features(x);
  const auto shuffled = x.flatten(1).index_select(1, torch::randperm(784)).view_as(x);
  const double near = ss::metrics::frechetDistance(f.features(train.value().images), real);
  const double far = ss::metrics::frechetDistance(f.features(shuffled), real);
  EXPECT_LT(10 * near, far) << near << " vs " << far;
}

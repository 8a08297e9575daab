// The images' total variation (core/metrics/image_metrics.h) against hand computations.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/common/error.h"
#include "core/metrics/image_metrics.h"

// A constant image has none; a 1-pixel checkerboard changes by 1 between every pair of
// neighbours (TV 2); a vertical edge only across (H rows of one step in W − 1 gaps).
TEST(TotalVariation, MatchesHandComputations) {
  const auto flat = torch::full({1, 1, 4, 4}, 0.3);
  const auto ij = torch::arange(4).view({4, 1}) + torch::arange(4).view({1, 4});
  const auto checker = (ij % 2).to(torch::kFloat64).view({1, 1, 4, 4});
  auto edge = torch::zeros({1, 1, 4, 4}, torch::kFloat64);
  edge.narrow(3, 2, 2).fill_(1.0);
  const auto tv =
      ss::metrics::totalVariation(torch::cat({flat.to(torch::kFloat64), checker, edge}));
  EXPECT_DOUBLE_EQ(tv[0].item<double>(), 0.0);
  EXPECT_DOUBLE_EQ(tv[1].item<double>(), 2.0);
  EXPECT_DOUBLE_EQ(tv[2].item<double>(), 1.0 / 3.0);  // 4 steps of 1 over 4×3 horizontal pairs
  EXPECT_THROW(ss::metrics::totalVariation(torch::zeros({4, 4})), ss::Failure);
}

// The median of an even count is the mean of the middle two; speckle counts values above the
// threshold.
TEST(TotalVariation, SummaryTakesTheMedianAndCountsSpeckle) {
  const auto s = ss::metrics::summarizeTv(torch::tensor({0.1, 0.5, 0.2, 0.9}, torch::kFloat64));
  EXPECT_DOUBLE_EQ(s.median, 0.35);
  EXPECT_EQ(s.speckle, 2);
  EXPECT_EQ(ss::metrics::summarizeTv(torch::tensor({0.41}, torch::kFloat64)).speckle, 1);
}

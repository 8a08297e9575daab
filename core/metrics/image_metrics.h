// Sample-quality figures for images [N, C, H, W] in [0, 1] (docs/IMAGE_QUALITY.md): the total
// variation that tells a clean tile from speckle. Pure functions; any thread. LibTorch.
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace ss::metrics {

// A tile whose total variation per pixel is above this is speckle: Fashion-MNIST's test images
// have a median of 0.150 and a 99.5th percentile of 0.337.
constexpr double kSpeckleTv = 0.40;

// Total variation per pixel of each image: the mean |Δ| between horizontal neighbours plus the
// mean |Δ| between vertical ones (over every channel), [N] float64. Images smaller than 2×2
// have none (0).
torch::Tensor totalVariation(const torch::Tensor& images);

struct TvSummary {
  double median = 0;    // of the per-image values
  int64_t speckle = 0;  // images above kSpeckleTv
};
TvSummary summarizeTv(const torch::Tensor& tv);

}  // namespace ss::metrics

// The Fréchet distance between two image sets in the feature space of a classifier (FID's
// formula, with a Fashion-MNIST classifier trained here in place of Inception:
// docs/IMAGE_QUALITY.md). LibTorch; FeatureNet is one thread at a time, the rest any thread.
#pragma once

#include <torch/script.h>
#include <torch/torch.h>

#include <memory>
#include <string>

#include "core/common/error.h"

namespace ss::metrics {

// ‖μa − μb‖² + Tr(Σa + Σb − 2(Σa^{1/2} Σb Σa^{1/2})^{1/2}) between the rows of fa [N, D] and
// fb [M, D] (float64; the covariances with 1/(n − 1), the matrix roots by eigendecomposition).
// At least two rows each.
double frechetDistance(const torch::Tensor& fa, const torch::Tensor& fb);

// A TorchScript classifier with a features(x) method ([N, C, H, W] in [0, 1] → [N, D]) and
// its metadata (the extra file scorescope.json: format "scorescope-features", data, shape,
// test_accuracy), as python/metrics/fashion_classifier.py writes it.
class FeatureNet {
 public:
  // Errors name the file and what is wrong with it.
  static Expected<std::shared_ptr<FeatureNet>> open(const std::string& path);
  // The features of `images` [N, C, H, W] (the net's shape), in batches, float64 [N, D].
  torch::Tensor features(const torch::Tensor& images);
  // The classes it gives `images` (forward's argmax), int64 [N]: checks its stated accuracy.
  torch::Tensor classify(const torch::Tensor& images);
  const std::string& data() const { return m_data; }
  double testAccuracy() const { return m_accuracy; }

 private:
  torch::Tensor batched(const std::string& method, const torch::Tensor& images);
  torch::jit::Module m_module;
  std::string m_data;
  std::vector<int64_t> m_shape;
  double m_accuracy = 0;
};

// assets/models/<data>-features.pt, or "" when the assets have none for `data`.
std::string bundledFeatureNet(const std::string& data);

}  // namespace ss::metrics

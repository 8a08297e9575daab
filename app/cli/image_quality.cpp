// sample --metrics on images: the samples' total variation against the real images' (a
// speckled tile stands out: docs/IMAGE_QUALITY.md).
#include "app/cli/image_quality.h"

#include <algorithm>
#include <cstdio>

#include "core/data/image_dataset.h"
#include "core/metrics/image_metrics.h"

namespace ss::app {

namespace {

constexpr int64_t kRealImages = 10000;

// The held-out images where the dataset has them (fashion-mnist's test split), else its own.
std::string realSpec(const std::string& data) {
  return data == "fashion-mnist" ? "fashion-mnist:test" : data;
}

}  // namespace

Expected<nlohmann::json> imageQuality(const torch::Tensor& samples, const std::string& data) {
  data::ImageLoadOptions opt;
  opt.limit = kRealImages;
  opt.channels = static_cast<int>(samples.size(1));
  opt.size = static_cast<int>(samples.size(2));
  auto real = data::loadImageDataset(realSpec(data), opt);
  if (!real) return Error{"--metrics needs the real images: " + real.error().message};
  const auto mine = metrics::summarizeTv(metrics::totalVariation(samples.clamp(0, 1)));
  const auto theirs = metrics::summarizeTv(metrics::totalVariation(real.value().images));
  return nlohmann::json{{"tv_median", mine.median},
                        {"tv_real_median", theirs.median},
                        {"tv_real_images", real.value().size()},
                        {"speckle_tiles", mine.speckle},
                        {"speckle_threshold", metrics::kSpeckleTv}};
}

void printImageQuality(const nlohmann::json& q, int64_t n) {
  std::printf(
      "total variation per pixel: median %.3f (real %s images: %.3f, %.2fx); speckle tiles "
      "(above %.2f): %lld of %lld\n",
      q["tv_median"].get<double>(), std::to_string(q["tv_real_images"].get<int64_t>()).c_str(),
      q["tv_real_median"].get<double>(),
      q["tv_median"].get<double>() / std::max(q["tv_real_median"].get<double>(), 1e-12),
      metrics::kSpeckleTv, static_cast<long long>(q["speckle_tiles"].get<int64_t>()),
      static_cast<long long>(n));
}

}  // namespace ss::app

// sample --metrics on images: the samples' total variation against the real images' (a
// speckled tile stands out: docs/IMAGE_QUALITY.md).
#include "app/cli/image_quality.h"

#include <algorithm>
#include <cstdio>

#include "core/data/image_dataset.h"
#include "core/metrics/frechet.h"
#include "core/metrics/image_metrics.h"

namespace ss::app {

namespace {

constexpr int64_t kRealImages = 10000;

// The held-out images where the dataset has them (fashion-mnist's test split), else its own.
std::string realSpec(const std::string& data) {
  return data == "fashion-mnist" ? "fashion-mnist:test" : data;
}

// The Fréchet distance of the samples to the real images in the bundled classifier's feature
// space, beside its floor: as many training images as samples against the same real ones.
// Nothing when the assets hold no classifier for the data.
Expected<nlohmann::json> frechet(const torch::Tensor& samples, const data::ImageDataset& real,
                                 const std::string& data) {
  const std::string base = data.substr(0, data.find(':'));  // fashion-mnist:test → fashion-mnist
  const auto path = metrics::bundledFeatureNet(base);
  if (path.empty()) return nlohmann::json::object();
  auto net = metrics::FeatureNet::open(path);
  if (!net) return net.error();
  data::ImageLoadOptions opt;
  opt.limit = samples.size(0);
  auto train = data::loadImageDataset(base + ":train", opt);
  if (!train) return Error{"--metrics needs the training images: " + train.error().message};
  auto& f = *net.value();
  const auto realFeatures = f.features(real.images);
  return nlohmann::json{
      {"fd", metrics::frechetDistance(f.features(samples.clamp(0, 1)), realFeatures)},
      {"fd_floor", metrics::frechetDistance(f.features(train.value().images), realFeatures)},
      {"fd_classifier_accuracy", f.testAccuracy()}};
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
  nlohmann::json q{{"tv_median", mine.median},
                   {"tv_real_median", theirs.median},
                   {"tv_real_images", real.value().size()},
                   {"speckle_tiles", mine.speckle},
                   {"speckle_threshold", metrics::kSpeckleTv}};
  try {
    auto fd = frechet(samples, real.value(), data);
    if (!fd) return fd.error();
    q.update(fd.value());
  } catch (const std::exception& e) {
    return Error{std::string("--metrics: ") + e.what()};
  }
  return q;
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
  if (q.contains("fd"))
    std::printf(
        "Fréchet distance in the classifier's features (test accuracy %.3f), to the %s real "
        "images: %.3f (floor, %lld training images: %.3f)\n",
        q["fd_classifier_accuracy"].get<double>(),
        std::to_string(q["tv_real_images"].get<int64_t>()).c_str(), q["fd"].get<double>(),
        static_cast<long long>(n), q["fd_floor"].get<double>());
}

}  // namespace ss::app

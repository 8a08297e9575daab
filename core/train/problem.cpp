#include "core/train/problem.h"

#include "core/data/image_dataset.h"
#include "core/data/toy.h"

namespace ss::train {

Expected<Problem> buildProblem(const std::string& data, const sde::SdeConfig& sdeConfig, int64_t n,
                               uint64_t seed, int64_t imageLimit, const std::atomic<bool>* cancel) {
  if (auto e = sdeConfig.validate(); !e) return e.error();
  if (data::isImageDatasetSpec(data)) {
    if (imageLimit < 0) return Error{"the image limit must be 0 (all) or positive"};
    data::ImageLoadOptions opt;
    opt.limit = imageLimit;
    opt.cancel = cancel;
    auto set = data::loadImageDataset(data, opt);
    if (!set) return set.error();
    try {
      Problem p;
      p.data = set.value().images;
      p.labels = set.value().labels;
      p.classNames = set.value().classNames;
      p.classes = static_cast<int>(p.classNames.size());
      p.summary = set.value().summary();
      p.sde = sdeConfig.resolved(data::diameter(p.data));
      p.sdeObject = sde::Sde::create(p.sde);
      return p;
    } catch (const std::exception& e) {
      return Error{data + ": " + e.what()};
    }
  }
  if (n < 1) return Error{"the training set needs at least one point"};
  auto toy = data::makeToy(data);
  if (!toy) return toy.error();
  try {
    Problem p;
    const auto& t = *toy.value();
    if (auto pts = t.points()) {
      p.data = pts->to(torch::kFloat32).contiguous();
      if (auto y = t.pointLabels()) p.labels = y->to(torch::kLong).contiguous();
    } else {
      auto draw = t.sample(n, seed);
      p.data = draw.x.to(torch::kFloat32).contiguous();
      p.labels = draw.label.to(torch::kLong).contiguous();
    }
    p.classes = t.numClasses();
    p.sde = sdeConfig.resolved(data::diameter(p.data));
    p.sdeObject = sde::Sde::create(p.sde);
    return p;
  } catch (const std::exception& e) {
    return Error{data + ": " + e.what()};
  }
}

}  // namespace ss::train

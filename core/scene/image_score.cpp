#include "core/scene/image_score.h"

#include <algorithm>

#include "core/common/error.h"
#include "core/data/toy.h"
#include "core/score/exact_score.h"
#include "core/train/model_open.h"
#include "core/train/snapshot.h"
#include "core/train/trainer.h"

namespace ss::scene {

std::shared_ptr<const sde::Sde> imageSamplingSde(std::shared_ptr<const sde::Sde> own) {
  const auto& c = own->config();
  const bool vpFamily = c.kind == sde::SdeKind::VP || c.kind == sde::SdeKind::SubVP ||
                        c.kind == sde::SdeKind::VPCosine;
  if (!vpFamily || c.eps >= kImageSamplingEps) return own;
  sde::SdeConfig with = c;
  with.eps = kImageSamplingEps;
  return sde::Sde::create(with);
}

const ImageScore& ImageScoreCache::load(const std::string& data, int64_t limit,
                                        const std::string& model,
                                        const std::shared_ptr<const train::ModelSnapshot>& snapshot,
                                        const std::function<void(double)>& progress) {
  const bool learned = snapshot || !model.empty();
  if (m_valid && m_data == data && m_model == model && m_snapshot == snapshot &&
      (learned || m_limit == limit))
    return m_score;
  m_valid = false;
  m_set = {};
  m_snapshot.reset();
  ImageScore s;
  s.learned = learned;
  if (learned) {
    std::shared_ptr<const train::ModelSnapshot> snap = snapshot;
    if (!snap) {
      auto loaded = train::loadModelSnapshot(model, "cpu");
      if (!loaded) throw Failure(loaded.error().message);
      snap = loaded.value();
    }
    const std::string what = snapshot ? std::string("the trained model") : model;
    if (!snap->isImage()) throw Failure(what + " holds a 2D model, not an image model");
    s.score = snap->scoreFn();
    s.sde = imageSamplingSde(snap->sde);
    s.channels = snap->channels();
    s.size = snap->imageSize();
    s.device = snap->device;
    s.scoreName = std::string(snapshot         ? "training U-Net"
                              : snap->imported ? "imported model"
                                               : "learned U-Net") +
                  " (" + snap->provenance() + ")";
  } else {
    if (limit < 1) throw Failure("the image limit must be at least 1");
    data::ImageLoadOptions opt;
    opt.limit = limit;
    opt.progress = progress;
    auto set = data::loadImageDataset(data, opt);
    if (!set) throw Failure(set.error().message);
    if (set.value().size() == 0) throw Failure("the dataset " + data + " holds no images");
    m_set = std::move(set.value());
    s.channels = static_cast<int>(m_set.images.size(1));
    s.size = static_cast<int>(m_set.images.size(2));
    sde::SdeConfig sc;  // VP; ε = 1e-3: the empirical score is stiff near 0 (as the CLI)
    sc.eps = kImageSamplingEps;
    sc = sc.resolved(data::diameter(m_set.images.reshape({m_set.size(), -1})));
    s.sde = sde::Sde::create(sc);
    s.score = std::make_shared<score::EmpiricalScore>(m_set.images, s.sde);
    s.scoreName = "exact (empirical, " + std::to_string(m_set.size()) + " images)";
    if (m_set.skipped > 0) {
      s.skipped = m_set.name + ": skipped " + std::to_string(m_set.skipped) +
                  (m_set.skipped == 1 ? " file" : " files") + " that could not be decoded";
      for (size_t i = 0; i < m_set.errors.size(); ++i)
        s.skipped += (i ? "; " : ": ") + m_set.errors[i];
    }
  }
  m_score = std::move(s);
  m_data = data;
  m_model = model;
  m_snapshot = snapshot;
  m_limit = limit;
  m_valid = true;
  return m_score;
}

torch::Tensor ImageScoreCache::datasetImages(const std::vector<int64_t>& indices) {
  if (!m_valid) throw Failure("no image score is loaded");
  int64_t last = 0;
  for (int64_t i : indices) {
    if (i < 0)
      throw Failure("image " + std::to_string(i) + " is not a dataset index (they start at 0)");
    last = std::max(last, i);
  }
  if (m_score.learned && m_set.size() <= last) {
    data::ImageLoadOptions opt;
    opt.limit = std::max({last + 1, m_limit, m_set.size()});
    opt.size = m_score.size;
    opt.channels = m_score.channels;
    auto set = data::loadImageDataset(m_data, opt);
    if (!set) throw Failure(set.error().message);
    m_set = std::move(set.value());
  }
  std::vector<torch::Tensor> picked;
  for (int64_t i : indices) {
    if (i >= m_set.size())
      throw Failure("image " + std::to_string(i) + " is outside the dataset's " +
                    std::to_string(m_set.size()) + " images");
    picked.push_back(m_set.images[i]);
  }
  if (picked.empty()) return torch::empty({0, m_score.channels, m_score.size, m_score.size});
  return torch::stack(picked).contiguous();
}

}  // namespace ss::scene

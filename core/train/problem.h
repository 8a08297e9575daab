// The training problem built from plain settings: the training set drawn from a toy or
// loaded from an image dataset, and the SDE resolved against it (VE's σmax = the data's
// diameter). Any thread. LibTorch.
#pragma once

#include <torch/torch.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/sde/sde.h"

namespace ss::train {

struct Problem {
  torch::Tensor data;  // [M, 2] points, or [M, C, H, W] images in [0, 1]; float32, CPU
  // [M] int64 when the data has classes: an image dataset's, a toy's components or classes
  // (2D: every toy, 0 for a toy without classes), a labelled CSV's labels.
  torch::Tensor labels;
  int classes = 0;                      // 2D: the toy's numClasses(); images: classNames.size()
  std::vector<std::string> classNames;  // images: index = label
  std::string summary;                  // images: what was loaded (data::ImageDataset::summary)
  sde::SdeConfig sde;                   // resolved
  std::shared_ptr<const sde::Sde> sdeObject;
};

// A point set (CSV) trains on its points; a distribution on `n` seeded draws; an image
// dataset (data::isImageDatasetSpec: "fashion-mnist", "twemoji", a folder) on its first
// `imageLimit` images (0 = all). `cancel` (optional): when it turns true an image load stops
// and this returns Error{"cancelled"} (a closing trainer does not wait for a whole dataset).
Expected<Problem> buildProblem(const std::string& data, const sde::SdeConfig& sde, int64_t n,
                               uint64_t seed, int64_t imageLimit = 0,
                               const std::atomic<bool>* cancel = nullptr);

}  // namespace ss::train

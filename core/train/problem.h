// The training problem built from plain settings: the training set drawn from a dataset and
// the SDE resolved against it (VE's σmax = the data's diameter). Any thread. LibTorch.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>

#include "core/common/error.h"
#include "core/sde/sde.h"

namespace ss::train {

struct Problem {
  torch::Tensor data;  // [M, 2] float32 on the CPU
  sde::SdeConfig sde;  // resolved
  std::shared_ptr<const sde::Sde> sdeObject;
};

// A point set (CSV) trains on its points; a distribution on `n` seeded draws.
Expected<Problem> buildProblem(const std::string& data, const sde::SdeConfig& sde, int64_t n,
                               uint64_t seed);

}  // namespace ss::train

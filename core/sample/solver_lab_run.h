// Runs the solver lab (core/sample/solver_lab.h): the RK45 reference, then every solver at
// every budget from the same prior draw, cheapest budgets first, reporting after each
// point. LibTorch; any one thread (the GUI runs it on core/scene's SolverLabWorker).
#pragma once

#include <torch/torch.h>

#include <functional>
#include <memory>

#include "core/data/toy.h"
#include "core/sample/solver_lab.h"
#include "core/score/score_fn.h"
#include "core/sde/sde.h"

namespace ss::sample {

struct SolverLabInputs {
  std::shared_ptr<const score::ScoreFn> score;
  std::shared_ptr<const sde::Sde> sde;
  std::shared_ptr<const data::ToyDistribution> toy;  // the true sets for sw2
  torch::Device device = torch::kCPU;
  // Run in float64 (exact scores); learned models run in float32, their own precision.
  bool float64 = true;
  std::string dataName, sdeName;  // what the result names as its data and SDE
};

// Throws ss::Failure on an invalid spec (validate()'s message) or a run that turns
// non-finite. `onProgress` sees the result after the reference and after each point;
// `cancelled` is asked between steps, and a cancelled lab returns what it has (done false).
SolverLabResult runSolverLab(const SolverLabSpec& spec, const SolverLabInputs& in,
                             const std::function<void(const SolverLabResult&)>& onProgress = {},
                             const std::function<bool()>& cancelled = {});

}  // namespace ss::sample

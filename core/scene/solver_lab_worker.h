// The solver lab for the GUI (docs/SAMPLERS.md, "Solver lab"): a worker thread runs the lab
// for the data, SDE and score of its newest request and publishes the result after the
// reference and after every point, so the plots fill in as results come. A new request
// cancels the running lab between steps. Torch-free header: the UI includes it.
#pragma once

#include "core/sample/solver_lab.h"
#include "core/scene/scene_worker.h"

namespace ss::scene {

struct SolverLabRequest {
  sample::SolverLabSpec spec;
  std::string data = "8gaussians";
  sde::SdeConfig sde;  // resolved (VE σmax set)
  // The learned score when it fits this data and SDE (else the exact score of `data`);
  // null: the exact score.
  std::shared_ptr<const train::ModelSnapshot> model;
};

// request / latest / lastError / busy / waitIdle are RequestWorker's.
class SolverLabWorker : public RequestWorker<SolverLabRequest, sample::SolverLabResult> {
 public:
  SolverLabWorker();
};

}  // namespace ss::scene

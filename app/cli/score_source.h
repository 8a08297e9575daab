// What every command that samples points needs (sample, nll, solvers): the score (a
// checkpoint, a TorchScript model or the exact score), its SDE and the data it models,
// from the command's options. Defined in sample_cmd.cpp.
#pragma once

#include <memory>
#include <string>

#include "app/cli/commands.h"
#include "core/data/toy.h"
#include "core/score/score_fn.h"
#include "core/sde/sde.h"

namespace ss::train {
struct ModelSnapshot;
}

namespace ss::app {

struct Source {
  std::shared_ptr<const score::ScoreFn> score;
  std::shared_ptr<const sde::Sde> sde;
  std::shared_ptr<const data::ToyDistribution> toy;
  std::string data, scoreName, device;
  bool conditional = false;  // a class-conditional imported model: --class goes to the model
  int64_t dim = 2;           // the data's dimension
  std::shared_ptr<const train::ModelSnapshot> snap;  // --model's (classifier-free guidance)
};

// --model FILE or --score exact (exactly one), with the shared options' data, SDE, seed and
// device. Errors name the problem; `toy` is null for a model that names no dataset.
Expected<Source> sourceFrom(const AppOptions& o, const SampleOptions& s);

}  // namespace ss::app

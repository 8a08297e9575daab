#include "core/train/quick_train.h"

#include <cmath>

#include "core/common/runtime.h"
#include "core/train/divergence.h"
#include "core/train/problem.h"
#include "core/train/snapshot.h"
#include "core/train/train_step.h"

namespace ss::train {

Expected<std::shared_ptr<const ModelSnapshot>> trainSnapshot(
    const TrainProblemSpec& spec, int64_t steps, const std::function<void(int64_t)>& progress) {
  if (steps < 1) return Error{"train steps (" + std::to_string(steps) + ") must be at least 1"};
  if (auto e = spec.train.validate(); !e) return e.error();
  auto problem = buildProblem(spec.data, spec.sde, spec.train.datasetSize, spec.train.seed);
  if (!problem) return problem.error();
  try {
    const torch::Device device(spec.device);
    TrainStep::Setup setup{spec.net, problem.value().sdeObject, problem.value().data, spec.train,
                           device};
    setup.labels = problem.value().labels;
    TrainStep step(std::move(setup));
    DivergenceWatch watch;
    for (int64_t i = 0; i < steps; ++i) {
      const auto r = step.step();
      if (watch.diverged(r.loss))
        return Error{"training diverged at step " + std::to_string(i + 1) + ": " + watch.reason() +
                     "; try a smaller learning rate"};
      if (progress && (i % 50 == 49 || i + 1 == steps)) progress(i + 1);
    }
    auto snap = std::make_shared<ModelSnapshot>();
    snap->ema = nn::cloneNet(step.ema(), spec.net);
    snap->ema->eval();
    snap->net = spec.net;
    snap->sde = problem.value().sdeObject;
    snap->data = spec.data;
    snap->step = step.steps();
    snap->device = device;
    return std::shared_ptr<const ModelSnapshot>(std::move(snap));
  } catch (const std::exception& e) {
    return Error{std::string("training failed: ") + e.what()};
  }
}

}  // namespace ss::train

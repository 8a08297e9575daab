// Trains a model for a fixed number of steps on the calling thread and returns its EMA as a
// snapshot: how a scene's "train for N steps with seed S" is reproduced headless (render,
// tests). The same seed and steps give the same weights. Torch-free header (the snapshot
// stays opaque to ui/). Any thread; blocks for the training's duration.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "core/common/error.h"
#include "core/train/trainer.h"

namespace ss::train {

// `progress(step)` is called every few steps when given. A non-finite loss is an error.
Expected<std::shared_ptr<const ModelSnapshot>> trainSnapshot(
    const TrainProblemSpec& spec, int64_t steps, const std::function<void(int64_t)>& progress = {});

}  // namespace ss::train

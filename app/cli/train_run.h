// What `train` and `train --from` share (train_cmd.cpp): the step loop with its progress bar
// and divergence watch, and the checkpoint and summary at the end.
#pragma once

#include <string>

#include "app/cli/commands.h"
#include "core/train/checkpoint.h"

namespace ss::app {

struct TrainedLoss {
  double initial = 0;   // the mean of the first 20 steps' losses
  double smoothed = 0;  // the exponential average at the end
};

// Runs t.steps steps with a progress bar on a terminal; a diverging loss (non-finite, or
// grown by orders of magnitude: train::DivergenceWatch) stops it before anything is written.
Expected<TrainedLoss> trainSteps(train::TrainStep& step, const TrainOptions& t, double lr);

// Writes the checkpoint (t.out, atomically; none when empty) and prints the summary (one
// JSON object with --json). Returns the exit code.
int finishTraining(const train::TrainStep& step, const train::CheckpointMeta& meta,
                   const TrainedLoss& loss, double wall, const TrainOptions& t,
                   const std::string& device);

// train --from CKPT (train_from.cpp).
int runTrainFrom(const AppOptions& o, const TrainOptions& t);

}  // namespace ss::app

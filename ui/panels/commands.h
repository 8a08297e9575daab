// The one contract between the panels and the explorers (the controllers): a panel edits its
// own view state and the ExplorerState, and everything the app must act on goes out as a
// typed Command through a CommandSink. Explorer2D and the image explorer implement the sink;
// tier-2 tests record what a panel sends (tests/ui/panel_harness.h). No panel holds a worker.
// UI thread.
#pragma once

#include <string>
#include <variant>

#include "core/nn/net_config.h"
#include "core/sample/solver_lab.h"
#include "core/train/trainer.h"

namespace ss::ui {

namespace cmd {
struct RequestData {};      // state.data changed: load its point cloud
struct RequestRun {};       // sample again: the 2D run (or compare panes), or the image grid(s)
struct FitView {};          // re-frame the canvas on the data
struct TrainClassifier {};  // (re)train the guidance classifier now
// The trainer's controls (its mailbox: nothing waits on a training step).
struct StartTraining {};
struct PauseTraining {};
struct StepTraining {};   // one step, then paused
struct ResetTraining {};  // re-initialise the model (same seed)
struct SetTrainConfig {   // live knobs, already validated
  train::TrainConfig config;
};
struct SaveCheckpoint {
  std::string path;
};
struct LoadCheckpoint {
  std::string path;
};
struct ApplyNet {  // restart the model with this (valid) architecture
  nn::NetConfig net;
  bool conditional = false;  // class-conditional on the data's classes (classifier-free guidance)
};
// The solver lab: open its window; run it (the exact score, or the trained model's).
struct OpenSolverLab {};
struct RunSolverLab {
  sample::SolverLabSpec spec;
  bool learned = false;
};
// The image explorer: (re)send the latent interpolation strip's request.
struct RequestInterpolation {};
// The image explorer: make the U-Net trainer for the panel's dataset and start it, from
// scratch ("") or continuing a checkpoint, once the data has loaded.
struct TrainImageModel {
  std::string from;
};
}  // namespace cmd

using Command = std::variant<cmd::RequestData, cmd::RequestRun, cmd::FitView, cmd::TrainClassifier,
                             cmd::StartTraining, cmd::PauseTraining, cmd::StepTraining,
                             cmd::ResetTraining, cmd::SetTrainConfig, cmd::SaveCheckpoint,
                             cmd::LoadCheckpoint, cmd::ApplyNet, cmd::TrainImageModel,
                             cmd::RequestInterpolation, cmd::OpenSolverLab, cmd::RunSolverLab>;

class CommandSink {
 public:
  virtual ~CommandSink() = default;
  virtual void send(const Command& command) = 0;
};

// The trainer's controls (start, pause, step, reset, knobs, save, load) go to `trainer`'s
// mailbox; returns false, doing nothing, for any other command.
bool sendToTrainer(train::Trainer& trainer, const Command& command);

}  // namespace ss::ui

// "U-Net trained here" in the image explorer: a Trainer made on demand for the panel's
// dataset ("Train from scratch", "Continue the bundled model", or --train). UI thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/scene/image_run.h"
#include "core/train/trainer.h"
#include "ui/app_window.h"
#include "ui/panels/image_panel.h"
#include "ui/panels/panels.h"

namespace ss::ui {

struct ImageTrainerSlot {
  std::unique_ptr<train::Trainer> trainer;  // the live one (null until asked for)
  std::string data;                         // the dataset `trainer` was made for
  // Another dataset's trainer is paused and kept until the explorer closes: destroying it
  // here would join its thread on the UI thread.
  std::vector<std::unique_ptr<train::Trainer>> retired;
  // TrainImageModel's checkpoint to continue ("": from scratch) until the trainer starts.
  std::optional<std::string> asked;

  // A trainer needs the images' size: `asked` starts once the first run has loaded the data
  // (or failed to). Returns true when one started.
  bool startWhenLoaded(ImagePanelState& view, const scene::ImageRunResult* run,
                       const GuiOptions& options, TrainingPanelState& trainingView);

  // A Trainer on the panel's dataset with its U-Net preset at the loaded images' size, the
  // settings of `scorescope train` for images (VP, lr 5e-4, batch 32), started at once (from
  // the checkpoint `from` unless empty). Errors go to the panel, and the current trainer is
  // kept when the new one cannot be made. Returns true when one started.
  bool start(ImagePanelState& view, const std::string& from, const scene::ImageRunResult* run,
             const GuiOptions& options, TrainingPanelState& trainingView);
};

}  // namespace ss::ui

// The image explorer's side panel: score (exact empirical subset or a U-Net checkpoint),
// sampler preset and steps, task (unconditional | inpaint + mask preset or the painter + image |
// colorize + image), seed and Sample. Edits an ImageRunRequest draft; RequestRun through the
// CommandSink (ui/panels/commands.h) asks the app to send it to the ImageRunWorker.
// UI thread, inside an ImGui window.
#pragma once

#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/scene/image_run.h"
#include "core/train/classifier.h"
#include "core/train/trainer.h"
#include "ui/panels/commands.h"
#include "ui/session/scene_file.h"  // kQuickNetworkImages, kQuickNetworkSteps

namespace ss::ui {

struct ImagePanelState {
  scene::ImageRunRequest draft;  // what the widgets show (data fixed by --data)
  std::string samplerPreset = "pc";
  std::string modelPath;   // text field; applied with Enter or Sample
  std::string imagePath;   // text field: an image file to observe; applied with Enter
  std::string error;       // why the draft is not sent
  bool paintMask = false;  // Inpaint: the mask painter is open; draft.customMask holds its mask
  // The score is the U-Net training in this window (the trainer's newest EMA snapshot, which
  // the app puts in draft.snapshot when it sends the request) instead of `draft.model`.
  bool live = false;
  bool resampleWhileTraining = true;  // re-run from the same noise once a run has played out
  std::string trainPreset = "small";  // nn::unetPreset name for a new model (TrainImageModel)
  std::string bundledModel;           // the bundled checkpoint for this dataset, when there is one
  // Compare: a second grid beside the first, the same prior draw through this sampler preset.
  bool compare = false;
  std::string comparePreset = "ode";
  // Class guidance: the app trains a classifier while `guide` is on and sends runs guided
  // toward guideClass with scale `guidance` once it is trained (unguided until then).
  bool guide = false;
  int guideClass = 0;
  float guidance = 2.0f;
  std::string guideNote;  // why the class shown is not the one asked for
};

// A live run waits for this many training steps: sampling a freshly initialised network
// shows only noise and takes the CPU the first steps need.
inline constexpr int64_t kLiveFirstSampleStep = 100;

// The sampler presets the image panel offers ("pc", "ald", "ddpm", "ode", "euler", "heun",
// "ddim", "dpmpp_2m").
const std::vector<std::string>& imageSamplerPresets();
// The request of the compare grid: `draft` with the compare preset's sampler (same steps,
// same seed, so the same prior draw). Error for an unknown preset.
Expected<scene::ImageRunRequest> compareRequest(const ImagePanelState& view);

// Sends RequestRun when a new run should start (a setting changed validly, or Sample
// pressed), TrainImageModel for "Train from scratch" / "Continue the bundled model" and
// TrainClassifier for "Retrain classifier".
// `training`: the stats of the trainer in this window, null when there is none.
// `classifier`: the guidance classifier's stats, null before it was first asked for.
void drawImagePanel(ImagePanelState& view, const scene::ImageRunResult* run, bool busy,
                    const train::TrainerStats* training, const train::ClassifierStats* classifier,
                    CommandSink& sink);

}  // namespace ss::ui

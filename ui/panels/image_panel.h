// The image explorer's side panel: score (exact empirical subset or a U-Net checkpoint),
// sampler preset and steps, task (unconditional | inpaint + mask preset or the painter + image |
// colorize + image), seed and Sample. Edits an ImageRunRequest draft; the app sends it to the
// ImageRunWorker.
// UI thread, inside an ImGui window.
#pragma once

#include <string>

#include "core/scene/image_run.h"

namespace ss::ui {

struct ImagePanelState {
  scene::ImageRunRequest draft;  // what the widgets show (data fixed by --data)
  std::string samplerPreset = "pc";
  std::string modelPath;         // text field; applied with Enter or Sample
  std::string imagePath;         // text field: an image file to observe; applied with Enter
  std::string error;             // why the draft is not sent
  bool paintMask = false;        // Inpaint: the mask painter is open; draft.customMask holds its mask
};

// Returns true when a new run should start (a setting changed validly, or Sample pressed).
bool drawImagePanel(ImagePanelState& view, const scene::ImageRunResult* run, bool busy);

}  // namespace ss::ui

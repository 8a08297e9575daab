// The latent interpolation panel of the image explorer: the two dataset images (A, B), the
// number of frames, slerp or a straight line, and "Interpolate". It edits a small state; the
// app fills in the data and score (those of the image panel) and sends the request to the
// scene::InterpolationWorker. UI thread, inside an ImGui window.
#pragma once

#include <cstdint>

#include "core/scene/image_interp.h"
#include "ui/panels/commands.h"

namespace ss::ui {

struct InterpPanelState {
  int indexA = 0, indexB = 1;  // dataset images
  int frames = 9;              // [2, 32]
  bool spherical = true;       // slerp (else linear)
  bool started = false;        // Interpolate was pressed once: edits re-run from then on
};

// Sends RequestInterpolation when a request is due: Interpolate pressed, or a setting edited
// (Enter or leaving a field, a changed method) after the first interpolation.
void drawInterpolationPanel(InterpPanelState& view, CommandSink& sink);

}  // namespace ss::ui

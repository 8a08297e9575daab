// ImageView: the image explorer's main view, drawn the same way in the window and offscreen
// (Export PNG, Record animation, `render --scene`): one grid of x_t | x̂₀ cells, or two side
// by side (compare: the same prior draw through two samplers), each under its sampler's
// name, and the latent interpolation strip under them once there is one. Owns GL textures:
// UI thread with the context current, inside an ImGui window.
#pragma once

#include <string>

#include "core/scene/image_interp.h"
#include "core/scene/image_run.h"
#include "ui/views/image_grid.h"
#include "ui/views/interp_strip.h"

namespace ss::ui {

struct ImageViewContent {
  const scene::ImageRunResult* run = nullptr;         // the main grid (with frames)
  const scene::ImageRunResult* compare = nullptr;     // the compare pane; null: one grid
  std::string titles[2];                              // the panes' sampler names (compare)
  const scene::InterpolationResult* strip = nullptr;  // null: no strip
  double t = 0;                                       // the timeline's t: each grid's nearest frame
  float bottomBand = 0;  // kept free under the grids (presentation mode's caption band)
};

class ImageView {
 public:
  // Draws at the cursor into width×height pixels of the current window.
  void draw(const ImageViewContent& content, float width, float height);

 private:
  ImageGrid m_grid, m_compareGrid;
  InterpolationStrip m_strip;
};

// The name a compare pane shows for an image sampler preset ("pc" → "reverse SDE ·
// Euler–Maruyama"); unknown names come back as they are.
std::string imageSamplerTitle(const std::string& preset);

}  // namespace ss::ui

// ImageGrid: draws a recorded image frame as a grid of cells (8×8 for 64 images), each cell
// x_t | x̂₀ side by side, from one RGBA texture per image kind (an atlas of all the tiles)
// re-uploaded only when the frame changes; nearest filtering at an integer zoom that fills
// the space. Owns GL textures: UI thread with the context current.
#pragma once

#include <memory>
#include <vector>

#include "core/scene/image_run.h"
#include "ui/views/image_atlas.h"

namespace ss::ui {

class ImageGrid {
 public:
  // Draws into the current ImGui window at the cursor, filling `width`×`height` pixels:
  // labels (t, σ(t), step, NFE; the observation when conditioned), then the grid.
  void draw(const scene::ImageRunResult& run, const std::shared_ptr<const scene::ImageFrame>& frame,
            float width, float height);
  // Columns for n images: ⌈√n⌉ (8 for 64).
  static int columns(int64_t n);
  // The narrowest width (pixels) that still shows `run` at the zoom it gets in maxWidth×height:
  // the rest can go to a view beside it (the mask painter). Inside an ImGui frame.
  static float fitWidth(const scene::ImageRunResult& run, float maxWidth, float height);

 private:
  // The zoom (pixels per image pixel; an integer when ≥ 1) of the grid in width×height below a
  // header of that height.
  static float layoutZoom(const scene::ImageRunResult& run, float width, float height,
                          float header);

  ImageAtlas m_x, m_x0, m_obs;
  const scene::ImageFrame* m_uploaded = nullptr;    // the frame whose buffers the atlases hold
  std::shared_ptr<const scene::ImageFrame> m_keep;  // keeps m_uploaded's address unique
  std::vector<float> m_obsUploaded;                 // the observation m_obs holds
};

}  // namespace ss::ui

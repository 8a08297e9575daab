// ImageAtlas: many small C×S×S float images (C = 1 or 3, values in [0, 1]) packed into one
// RGBA8 texture as a cols×rows grid of tiles (grey replicated to RGB), nearest filtering, for
// views that draw image tiles with ImGui's AddImage at an integer zoom (the interpolation
// strip; ImageGrid's atlases are the same thing). Owns a GL texture: UI thread with the
// context current.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <vector>

#include "ui/gl/objects.h"

namespace ss::ui {

struct ImageAtlas {
  gl::Texture2D texture;
  int cols = 0, rows = 0, size = 0;

  // Uploads n images (n×C×S×S floats, each C, H, W row-major) as ⌈n / cols⌉ rows of `cols`
  // tiles; reuses the texture when the atlas keeps its pixel size.
  void upload(const std::vector<float>& images, int64_t n, int channels, int tileSize,
              int tileCols);
  // The texture for AddImage, and tile i's UV corners.
  ImTextureID id() const;
  void tileUv(int i, ImVec2* uv0, ImVec2* uv1) const;
};

}  // namespace ss::ui

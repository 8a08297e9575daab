// InterpolationStrip: draws a latent interpolation (scene::InterpolationResult) as one row:
// source A framed | the decoded frames A → B | source B framed, under a caption (method,
// score, NFE, round-trip error, status). Frames not yet decoded are placeholders, so the
// strip fills in as the worker publishes. One RGBA atlas texture for the row, re-uploaded
// only when the pixels change; nearest filtering at an integer zoom. UI thread with the GL
// context current, inside an ImGui window.
#pragma once

#include <vector>

#include "core/scene/image_interp.h"
#include "ui/views/image_atlas.h"

namespace ss::ui {

class InterpolationStrip {
 public:
  // Draws into the current ImGui window at the cursor, taking `width`×`height` pixels.
  void draw(const scene::InterpolationResult& result, float width, float height);
  // The height the strip needs at the largest zoom that fits `width` (at most maxHeight).
  // Inside an ImGui frame (it measures text).
  static float fitHeight(const scene::InterpolationResult& result, float width, float maxHeight);

 private:
  void refreshAtlas(const scene::InterpolationResult& r);
  ImageAtlas m_atlas;
  std::vector<std::vector<float>>
      m_shown;  // what m_atlas holds: A, frames…, B (empty = placeholder)
  struct Key {
    const scene::InterpolationResult* result = nullptr;
    int decoded = -1;
    int64_t nfe = -1;
    double wall = -1;
    bool operator==(const Key&) const = default;
  };
  Key m_key;  // the result m_shown was taken from
};

}  // namespace ss::ui

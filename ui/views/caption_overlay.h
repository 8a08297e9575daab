// The lesson's caption line under the view (the equation of what is on screen, in large
// type on a dark band) with its title and stage counter: drawn over the canvas in
// presentation mode and by `render` for lessons. UI thread, inside an ImGui window.
#pragma once

#include <string>

#include "ui/views/camera2d.h"

namespace ss::ui {

struct CaptionText {
  std::string title;    // the lesson ("Reverse SDE vs probability flow …")
  std::string caption;  // the equation line, or the stage's caption
  int stage = -1;       // 0-based; < 0: no stage counter
  int stages = 0;
  bool keyHints = false;  // "space play · ←/→ stages · Esc exits"
};

// The band's height for a view `width` pixels wide (0 when there is nothing to show), so the
// view can leave room for it.
float captionBandHeight(const CaptionText& text, float width);

// Draws into the current window's draw list over the rectangle (origin, size), pixels.
// Returns the band's height.
float drawCaptionOverlay(const CaptionText& text, Vec2 origin, Vec2 size);

}  // namespace ss::ui

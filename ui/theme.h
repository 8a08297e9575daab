// Fonts and colours readable on a lecture-hall projector: DejaVu Sans at a size scaled by
// the monitor's content scale (high-DPI), a large font for on-canvas captions, and a dark,
// high-contrast style. UI thread, after ImGui::CreateContext.
#pragma once

#include <string>

struct ImFont;

namespace ss::ui {

struct Fonts {
  ImFont* regular = nullptr;  // panels, tick labels
  ImFont* large = nullptr;    // canvas captions
  float size = 18;            // regular size in pixels
  std::string warning;        // set when the TTF was missing and ImGui's font is used
};

// Loads the fonts into ImGui's atlas at `scale` × the base sizes and styles ImGui.
// Call before the renderer backend builds its font texture.
Fonts setupTheme(float scale);
const Fonts& fonts();

// Canvas colours (ImGui packed ABGR).
struct CanvasColours {
  unsigned background, grid, axis, text, dimText;
};
const CanvasColours& canvasColours();
// Presentation mode's high-contrast canvas (black background, brighter grid and labels).
void setHighContrast(bool on);
bool highContrast();

}  // namespace ss::ui

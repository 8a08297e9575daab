// The canvas tools' overlay on Canvas2D: probe paths (reverse SDE and PF-ODE from a dropped
// point, the ODE encode path of a data point), the points being drawn and the brush ring, as
// ImGui draw-list lines over the plot; and the paths' legend, a box for the canvas's layout
// pass. UI thread, inside Canvas2D::draw.
#pragma once

#include "ui/views/canvas2d.h"

namespace ss::ui {

// Path colours, shared with the panel's legend.
struct ProbeColours {
  unsigned sde, ode, encode, drawn;
};
const ProbeColours& probeColours();

void drawToolOverlay(const CanvasScene& scene, const Camera2D& camera, Vec2 origin, Vec2 size);

// The paths' legend, one entry per kind of path shown: its size in pixels (0 × 0: nothing
// to show), and the legend drawn with its top-left corner at `at`.
Vec2 probeLegendSize(const CanvasScene& scene);
void drawProbeLegend(const CanvasScene& scene, Vec2 at);

}  // namespace ss::ui

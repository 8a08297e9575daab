// The canvas tools' overlay on Canvas2D: probe paths (reverse SDE and PF-ODE from a dropped
// point, the ODE encode path of a data point), their legend, the points being drawn and the
// brush ring. ImGui draw-list lines over the plot. UI thread, inside Canvas2D::draw.
#pragma once

#include "ui/views/canvas2d.h"

namespace ss::ui {

// Path colours, shared with the panel's legend.
struct ProbeColours {
  unsigned sde, ode, encode, drawn;
};
const ProbeColours& probeColours();

void drawToolOverlay(const CanvasScene& scene, const Camera2D& camera, Vec2 origin, Vec2 size);

}  // namespace ss::ui

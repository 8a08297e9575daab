// Small drawing helpers the canvas layers share: arrows, dashes, faded colours, legend
// lines, short numbers. UI thread, inside an ImGui frame.
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

#include "ui/views/camera2d.h"

namespace ss::ui {

inline ImVec2 im(Vec2 v) { return ImVec2(v.x, v.y); }

// Two strokes back from `tip` along −(ux, uy), `head` long.
void arrowHead(ImDrawList* dl, ImVec2 tip, float ux, float uy, float head, ImU32 colour,
               float width);
// A line from a to b with a head at b (none under 4 pixels), at most maxHead long.
void arrowTo(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 col, float width, float maxHead);
void dashedLine(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 col, float width, float dash);
ImU32 faded(ImU32 c, float alpha);  // c with alpha in [0, 1]
// "1.2", "35", "0.004": short labels for the legends' scales.
std::string shortNumber(float v);
// 1, 2 or 5 × 10^k nearest below v.
float niceBelow(float v);
// Legend lines stacked downwards, each on its own dark backing and wrapped to `wrap` pixels
// (0: not wrapped): their block's size, and the block drawn with its top-left at `at`.
ImVec2 legendLinesSize(const std::vector<std::string>& lines, float wrap);
void drawLegendLines(ImDrawList* dl, const std::vector<std::string>& lines, ImVec2 at, float wrap);
// The dark translucent backing under a legend or caption: `box` grown by (padX, padY).
void legendBacking(ImDrawList* dl, ImVec2 p0, ImVec2 p1, int alpha = 190);

}  // namespace ss::ui

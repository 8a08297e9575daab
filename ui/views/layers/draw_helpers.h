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
// Legend lines stacked upwards from the plot's bottom-left corner, each on a dark backing;
// returns the top of the block.
float legendLines(const std::vector<std::string>& lines, Vec2 origin, Vec2 size);

}  // namespace ss::ui

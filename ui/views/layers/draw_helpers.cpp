#include "ui/views/layers/draw_helpers.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/theme.h"

namespace ss::ui {

namespace {
constexpr float kLegendLineGap = 6;  // pixels between two legend lines' text
}  // namespace

void arrowHead(ImDrawList* dl, ImVec2 tip, float ux, float uy, float head, ImU32 colour,
               float width) {
  dl->AddLine(tip, ImVec2(tip.x - head * (ux - 0.5f * uy), tip.y - head * (uy + 0.5f * ux)), colour,
              width);
  dl->AddLine(tip, ImVec2(tip.x - head * (ux + 0.5f * uy), tip.y - head * (uy - 0.5f * ux)), colour,
              width);
}

void arrowTo(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 col, float width, float maxHead) {
  dl->AddLine(a, b, col, width);
  const float hx = b.x - a.x, hy = b.y - a.y, hl = std::hypot(hx, hy);
  if (hl < 4.0f) return;
  const float ux = hx / hl, uy = hy / hl, head = std::min(0.4f * hl, maxHead);
  dl->AddLine(b, ImVec2(b.x - head * (ux - 0.5f * uy), b.y - head * (uy + 0.5f * ux)), col, width);
  dl->AddLine(b, ImVec2(b.x - head * (ux + 0.5f * uy), b.y - head * (uy - 0.5f * ux)), col, width);
}

void dashedLine(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 col, float width, float dash) {
  const float len = std::hypot(b.x - a.x, b.y - a.y);
  if (len < 0.5f) return;
  const float ux = (b.x - a.x) / len, uy = (b.y - a.y) / len;
  for (float u = 0; u < len; u += 2 * dash) {
    const float e = std::min(len, u + dash);
    dl->AddLine(ImVec2(a.x + ux * u, a.y + uy * u), ImVec2(a.x + ux * e, a.y + uy * e), col, width);
  }
}

ImU32 faded(ImU32 c, float alpha) {
  return (c & ~IM_COL32_A_MASK) |
         (static_cast<ImU32>(std::clamp(alpha, 0.0f, 1.0f) * 255.0f) << IM_COL32_A_SHIFT);
}

std::string shortNumber(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2g", v);
  return buf;
}

float niceBelow(float v) {
  const float p = std::pow(10.0f, std::floor(std::log10(v)));
  return v >= 5 * p ? 5 * p : v >= 2 * p ? 2 * p : p;
}

ImVec2 legendLinesSize(const std::vector<std::string>& lines, float wrap) {
  ImVec2 size(0, 0);
  for (const auto& line : lines) {
    const ImVec2 ts = ImGui::CalcTextSize(line.c_str(), nullptr, false, wrap > 0 ? wrap : -1.0f);
    size.x = std::max(size.x, ts.x);
    size.y += ts.y + (size.y > 0 ? kLegendLineGap : 0.0f);
  }
  return size;
}

void drawLegendLines(ImDrawList* dl, const std::vector<std::string>& lines, ImVec2 at, float wrap) {
  ImFont* font = ImGui::GetFont();
  const float px = ImGui::GetFontSize();
  for (const auto& line : lines) {
    const ImVec2 ts = ImGui::CalcTextSize(line.c_str(), nullptr, false, wrap > 0 ? wrap : -1.0f);
    legendBacking(dl, ImVec2(at.x - 4, at.y - 2), ImVec2(at.x + ts.x + 4, at.y + ts.y + 2));
    dl->AddText(font, px, at, canvasColours().text, line.c_str(), nullptr, wrap);
    at.y += ts.y + kLegendLineGap;
  }
}

void legendBacking(ImDrawList* dl, ImVec2 p0, ImVec2 p1, int alpha) {
  dl->AddRectFilled(p0, p1, IM_COL32(16, 19, 26, alpha), 4.0f);
}

}  // namespace ss::ui

#include "ui/views/caption_overlay.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "ui/theme.h"

namespace ss::ui {

float captionBandHeight(const CaptionText& text, float width) {
  if (text.caption.empty() && text.title.empty()) return 0;
  ImFont* large = fonts().large ? fonts().large : ImGui::GetFont();
  const float big = large->FontSize;
  const float pad = 0.5f * big;
  // The caption wraps inside the band.
  const ImVec2 capSize = text.caption.empty() ? ImVec2(0, 0)
                                              : large->CalcTextSizeA(big, FLT_MAX, width - 2 * pad,
                                                                     text.caption.c_str());
  return capSize.y + (text.title.empty() ? 0 : ImGui::GetFontSize() * 1.4f) + 2 * pad;
}

float drawCaptionOverlay(const CaptionText& text, Vec2 origin, Vec2 size) {
  if (text.caption.empty() && text.title.empty()) return 0;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImFont* large = fonts().large ? fonts().large : ImGui::GetFont();
  const float big = large->FontSize;
  const float small = ImGui::GetFontSize();
  const float pad = 0.5f * big;
  const float wrap = size.x - 2 * pad;
  const float bandH = captionBandHeight(text, size.x);
  const ImVec2 b0(origin.x, origin.y + size.y - bandH), b1(origin.x + size.x, origin.y + size.y);
  dl->AddRectFilled(b0, b1, IM_COL32(0, 0, 0, 215));
  dl->AddLine(b0, ImVec2(b1.x, b0.y), IM_COL32(255, 255, 255, 60), 1.0f);
  float y = b0.y + pad;
  if (!text.title.empty()) {
    std::string head = text.title;
    if (text.stage >= 0 && text.stages > 0) {
      char counter[32];
      std::snprintf(counter, sizeof counter, "   ·   %d / %d", text.stage + 1, text.stages);
      head += counter;
    }
    dl->AddText(ImVec2(b0.x + pad, y), IM_COL32(200, 200, 200, 255), head.c_str());
    // The key hints go right, when they fit beside the title.
    const char* hints =
        text.stages > 0 ? "space play · ←/→ stages · Esc exits" : "space play · Esc exits";
    const float w = ImGui::CalcTextSize(hints).x, headW = ImGui::CalcTextSize(head.c_str()).x;
    if (text.keyHints && headW + w + 3 * pad < size.x)
      dl->AddText(ImVec2(b1.x - pad - w, y), IM_COL32(150, 150, 150, 255), hints);
    y += small * 1.4f;
  }
  if (!text.caption.empty())
    dl->AddText(large, big, ImVec2(b0.x + pad, y), IM_COL32(255, 255, 255, 255),
                text.caption.c_str(), nullptr, wrap);
  return bandH;
}

}  // namespace ss::ui

// The plot's title and subtitle at the top left, and the colour legend at the top right:
// class swatches, or a colour bar for a continuous attribute (where particles start, or
// their speed). The legend sits beside the captions when it clears them, else under them.
#include <algorithm>
#include <cfloat>
#include <cstdio>

#include "ui/theme.h"
#include "ui/views/layers/layers.h"
#include "ui/views/point_renderer.h"

namespace ss::ui {

namespace {

// Where the captions ended: the legend's top must clear them.
struct CaptionBlock {
  float right = 0;   // the caption block's right edge
  float bottom = 0;  // below the last caption line
};

CaptionBlock drawTitles(const LayerFrame& fr) {
  ImDrawList* dl = fr.drawList;
  const Fonts& f = fonts();
  const float pad = 0.6f * f.size;
  // A translucent backing keeps captions legible over dense particles.
  auto backed = [&](ImFont* font, float px, ImVec2 at, const std::string& text) {
    const ImVec2 ts = font->CalcTextSizeA(px, FLT_MAX, 0.0f, text.c_str());
    dl->AddRectFilled(ImVec2(at.x - 4, at.y - 2), ImVec2(at.x + ts.x + 4, at.y + ts.y + 2),
                      IM_COL32(16, 19, 26, 170), 4.0f);
    dl->AddText(font, px, at, canvasColours().text, text.c_str());
    return ts;
  };
  ImVec2 at(fr.origin.x + pad, fr.origin.y + pad);
  CaptionBlock b{at.x, at.y};
  if (!fr.scene.title.empty()) {
    const ImVec2 ts = backed(f.large, f.large->FontSize, at, fr.scene.title);
    b.right = std::max(b.right, at.x + ts.x);
    at.y += ts.y + 0.3f * f.size;
  }
  if (!fr.scene.subtitle.empty()) {
    const ImVec2 ts = backed(f.regular, f.size, at, fr.scene.subtitle);
    b.right = std::max(b.right, at.x + ts.x);
    at.y += ts.y;
  }
  b.bottom = at.y;
  return b;
}

float legendTop(const LayerFrame& fr, const CaptionBlock& b, float left) {
  const float pad = 0.6f * fonts().size;
  return left - 6 < b.right + pad ? b.bottom + pad : fr.origin.y + pad;
}

void classLegend(const LayerFrame& fr, const CaptionBlock& b, int numClasses) {
  ImDrawList* dl = fr.drawList;
  const Fonts& f = fonts();
  const auto& colours = canvasColours();
  const float sw = 0.8f * f.size, pad = 0.6f * f.size, rowH = f.size * 1.2f;
  const int k = std::min(numClasses, 10);
  float w = 5.5f * f.size;
  for (const auto& name : fr.scene.classNames)
    w = std::max(w, 1.6f * sw + ImGui::CalcTextSize(name.c_str()).x);
  ImVec2 p(fr.origin.x + fr.plot.x - w - pad, 0);
  p.y = legendTop(fr, b, p.x);
  dl->AddRectFilled(ImVec2(p.x - 6, p.y - 4), ImVec2(p.x + w, p.y + rowH * (k + 1) + 2),
                    IM_COL32(16, 19, 26, 190), 4.0f);
  dl->AddText(ImVec2(p.x, p.y), colours.dimText, fr.scene.classHeader.c_str());
  const float* pal = categoricalPalette();
  for (int i = 0; i < k; ++i) {
    const float y = p.y + rowH * (i + 1);
    dl->AddCircleFilled(
        ImVec2(p.x + 0.5f * sw, y + 0.5f * f.size), 0.4f * sw,
        ImGui::ColorConvertFloat4ToU32(ImVec4(pal[3 * i], pal[3 * i + 1], pal[3 * i + 2], 1)));
    const std::string name = static_cast<size_t>(i) < fr.scene.classNames.size()
                                 ? fr.scene.classNames[i]
                                 : std::to_string(i + 1);
    dl->AddText(ImVec2(p.x + 1.4f * sw, y), colours.text, name.c_str());
  }
}

// The shader's viridis keys (lifted by 0.15 at the dark end) as a bar at (x, y), w × h.
void viridisBar(ImDrawList* dl, float x, float y, float w, float h) {
  static const ImVec4 keys[5] = {{0.267f, 0.005f, 0.329f, 1},
                                 {0.229f, 0.322f, 0.546f, 1},
                                 {0.128f, 0.567f, 0.551f, 1},
                                 {0.369f, 0.789f, 0.383f, 1},
                                 {0.993f, 0.906f, 0.144f, 1}};
  const int steps = 32;
  for (int i = 0; i < steps; ++i) {
    const float u = 0.15f + 0.85f * (i + 0.5f) / steps;
    const float s = u * 4.0f;
    const int j = std::min(static_cast<int>(s), 3);
    const float fr = s - j;
    const ImVec4 c(keys[j].x + (keys[j + 1].x - keys[j].x) * fr,
                   keys[j].y + (keys[j + 1].y - keys[j].y) * fr,
                   keys[j].z + (keys[j + 1].z - keys[j].z) * fr, 1);
    dl->AddRectFilled(ImVec2(x + w * i / steps, y), ImVec2(x + w * (i + 1) / steps + 0.5f, y + h),
                      ImGui::ColorConvertFloat4ToU32(c));
  }
}

void colourBarLegend(const LayerFrame& fr, const CaptionBlock& b, bool speed) {
  ImDrawList* dl = fr.drawList;
  const Fonts& f = fonts();
  const auto& colours = canvasColours();
  const float pad = 0.6f * f.size;
  const std::string label =
      fr.scene.colourLegend.empty() ? "colour: attribute" : fr.scene.colourLegend;
  const float w = std::max(7.0f * f.size, ImGui::CalcTextSize(label.c_str()).x), h = 0.6f * f.size;
  ImVec2 p(fr.origin.x + fr.plot.x - w - pad, 0);
  p.y = legendTop(fr, b, p.x);
  const float boxH = (speed ? 3.4f : 2.4f) * f.size;
  dl->AddRectFilled(ImVec2(p.x - 6, p.y - 4), ImVec2(p.x + w + 4, p.y + boxH + 4),
                    IM_COL32(16, 19, 26, 190), 4.0f);
  dl->AddText(p, colours.dimText, label.c_str());
  if (speed) {  // the bar's ends: 0 and the speed at its top
    char top[32];
    std::snprintf(top, sizeof top, "%.3g", fr.scene.speedMax);
    const float y = p.y + 1.3f * f.size + h + 0.2f * f.size;
    dl->AddText(ImVec2(p.x, y), colours.dimText, "0");
    dl->AddText(ImVec2(p.x + w - ImGui::CalcTextSize(top).x, y), colours.dimText, top);
  }
  viridisBar(dl, p.x, p.y + 1.3f * f.size, w, h);
}

class CaptionsLayer final : public CanvasLayer {
 public:
  void drawLegend(const LayerFrame& fr) override {
    const CaptionBlock b = drawTitles(fr);
    const auto* cloud = fr.scene.cloud.get();
    if (!cloud || !fr.scene.legend) return;
    if (fr.colourMode == ColourMode::Class && cloud->numClasses >= 2)
      classLegend(fr, b, cloud->numClasses);
    else if (fr.colourMode == ColourMode::Attribute || fr.colourMode == ColourMode::Speed)
      colourBarLegend(fr, b, fr.colourMode == ColourMode::Speed);
  }
};

}  // namespace

std::unique_ptr<CanvasLayer> makeCaptionsLayer() { return std::make_unique<CaptionsLayer>(); }

}  // namespace ss::ui

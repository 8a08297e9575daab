// The plot's title and its status line (the subtitle) at the top left, and the colour
// legend at the top right: class swatches, or a colour bar for a continuous attribute (where
// particles start, or their speed). Each is a box for the canvas's layout pass, which keeps
// them clear of each other and of the data, and wraps the text when the plot is narrow.
#include <algorithm>
#include <cfloat>
#include <cstdio>

#include "ui/theme.h"
#include "ui/views/layers/draw_helpers.h"
#include "ui/views/layers/layers.h"
#include "ui/views/point_renderer.h"

namespace ss::ui {

namespace {

// The widest word of `text`: narrower wraps would break a word.
float widestWord(ImFont* font, float px, const std::string& text) {
  float widest = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find_first_of(" \n", start);
    if (end == std::string::npos) end = text.size();
    widest = std::max(
        widest, font->CalcTextSizeA(px, FLT_MAX, 0.0f, text.c_str() + start, text.c_str() + end).x);
    start = end + 1;
  }
  return widest;
}

// `text` with its lines broken at spaces so that none is wider than `w` (a word wider than
// `w` keeps a line of its own). ImGui's own wrap also breaks after a '.', splitting "0.630".
std::string wrapAtSpaces(ImFont* font, float px, const std::string& text, float w) {
  auto width = [&](const std::string& s) {
    return font->CalcTextSizeA(px, FLT_MAX, 0, s.c_str()).x;
  };
  std::string out, line;
  size_t i = 0;
  while (i < text.size()) {
    const size_t sep = text.find_first_not_of(' ', i);  // the run of spaces before a word
    if (sep == std::string::npos) break;
    size_t end = text.find_first_of(" \n", sep);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(sep, end - sep);
    const std::string joined = line.empty() ? word : line + text.substr(i, sep - i) + word;
    if (!line.empty() && width(joined) > w) {
      out += line + "\n";
      line = word;
    } else {
      line = joined;
    }
    i = end;
    if (i < text.size() && text[i] == '\n') out += line + "\n", line.clear(), ++i;
  }
  return out + line;
}

// A caption in `font` at `px` on a translucent backing (legible over dense particles), that
// wraps when the layout gives it less than its natural width.
CanvasOverlay caption(const LayerFrame& fr, const char* name, ImFont* font, float px,
                      std::string text, int rank) {
  const ImVec2 ts = font->CalcTextSizeA(px, FLT_MAX, 0.0f, text.c_str());
  CanvasOverlay o;
  o.box = {name, ts.x, ts.y, Corner::TopLeft};
  o.box.minWidth = std::max(6.0f * fonts().size, widestWord(font, px, text));
  o.box.heightAt = [font, px, text](float w) {
    return font->CalcTextSizeA(px, FLT_MAX, 0, wrapAtSpaces(font, px, text, w).c_str()).y;
  };
  o.box.gap = 0.3f * fonts().size;  // under the title
  o.rank = rank;
  ImDrawList* dl = fr.drawList;
  o.draw = [dl, font, px, text = std::move(text)](const OverlayPlacement& p) {
    const std::string shown = p.wrapped ? wrapAtSpaces(font, px, text, p.rect.width()) : text;
    const ImVec2 at(p.rect.x0, p.rect.y0);
    const ImVec2 ts = font->CalcTextSizeA(px, FLT_MAX, 0, shown.c_str());
    legendBacking(dl, ImVec2(at.x - 4, at.y - 2), ImVec2(at.x + ts.x + 4, at.y + ts.y + 2), 170);
    dl->AddText(font, px, at, canvasColours().text, shown.c_str());
  };
  return o;
}

// A class's name in the legend: the scene's, else its number from 1.
std::string className(const CanvasScene& scene, int i) {
  return static_cast<size_t>(i) < scene.classNames.size() ? scene.classNames[i]
                                                          : std::to_string(i + 1);
}

// The class swatches under their header, in as many columns as keep the legend at most half
// of the plot's height (ten classes at a projector's type scale on a small screen took the
// whole right side and ran over the title).
CanvasOverlay classLegend(const LayerFrame& fr, int numClasses) {
  const Fonts& f = fonts();
  const float sw = 0.8f * f.size, rowH = f.size * 1.2f, colGap = f.size;
  const int k = std::min(numClasses, 10);
  float colW = 0;  // the widest swatch and name
  for (int i = 0; i < k; ++i)
    colW = std::max(colW, 1.6f * sw + ImGui::CalcTextSize(className(fr.scene, i).c_str()).x);
  int cols = 1;
  while (cols < k && rowH * ((k + cols - 1) / cols + 1) > 0.5f * fr.plot.y) ++cols;
  const int rows = (k + cols - 1) / cols;
  const float w = cols == 1 ? std::max(5.5f * f.size, colW) : colW + colGap;  // column stride
  const float boxW =
      cols == 1 ? w
                : std::max(ImGui::CalcTextSize(fr.scene.classHeader.c_str()).x, cols * w - colGap);
  CanvasOverlay o;
  o.box = {"class legend", boxW, rowH * (rows + 1), Corner::TopRight};
  o.box.gap = 0.6f * f.size;
  ImDrawList* dl = fr.drawList;
  o.draw = [dl, &scene = fr.scene, k, w, sw, rowH, rows, boxW](const OverlayPlacement& pl) {
    const ImVec2 p(pl.rect.x0, pl.rect.y0);
    const auto& colours = canvasColours();
    legendBacking(dl, ImVec2(p.x - 6, p.y - 4), ImVec2(p.x + boxW, p.y + rowH * (rows + 1) + 2));
    dl->AddText(ImVec2(p.x, p.y), colours.dimText, scene.classHeader.c_str());
    const float* pal = categoricalPalette();
    for (int i = 0; i < k; ++i) {
      const float x = p.x + (i / rows) * w, y = p.y + rowH * (i % rows + 1);
      dl->AddCircleFilled(
          ImVec2(x + 0.5f * sw, y + 0.5f * fonts().size), 0.4f * sw,
          ImGui::ColorConvertFloat4ToU32(ImVec4(pal[3 * i], pal[3 * i + 1], pal[3 * i + 2], 1)));
      dl->AddText(ImVec2(x + 1.4f * sw, y), colours.text, className(scene, i).c_str());
    }
  };
  return o;
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

// The label over the bar, wrapped to the box's width when the layout narrows it; the speed's
// scale (0 and its top) under the bar.
CanvasOverlay colourBarLegend(const LayerFrame& fr, bool speed) {
  const Fonts& f = fonts();
  std::string label = fr.scene.colourLegend.empty() ? "colour: attribute" : fr.scene.colourLegend;
  const float below = (speed ? 2.4f : 1.4f) * f.size;  // the bar (and its scale) under the label
  CanvasOverlay o;
  o.box = {"colour legend", std::max(7.0f * f.size, ImGui::CalcTextSize(label.c_str()).x),
           f.size + below, Corner::TopRight};
  o.box.heightAt = [label, below](float w) {
    return ImGui::CalcTextSize(label.c_str(), nullptr, false, w).y + below;
  };
  o.box.minWidth = std::max(7.0f * f.size, widestWord(ImGui::GetFont(), f.size, label));
  o.box.gap = 0.6f * f.size;
  ImDrawList* dl = fr.drawList;
  o.draw = [dl, label = std::move(label), speed,
            top = fr.scene.speedMax](const OverlayPlacement& pl) {
    const ImVec2 p(pl.rect.x0, pl.rect.y0);
    const float font = fonts().size, w = pl.rect.width(), h = 0.6f * font;
    const float wrap = pl.wrapped ? w : -1.0f;
    const float barY =
        p.y + ImGui::CalcTextSize(label.c_str(), nullptr, false, wrap).y + 0.3f * font;
    const auto& colours = canvasColours();
    legendBacking(dl, ImVec2(p.x - 6, p.y - 4), ImVec2(p.x + w + 4, pl.rect.y1 + 4));
    dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), p, colours.dimText, label.c_str(), nullptr,
                pl.wrapped ? w : 0.0f);
    if (speed) {  // the bar's ends: 0 and the speed at its top
      char end[32];
      std::snprintf(end, sizeof end, "%.3g", top);
      const float y = barY + h + 0.2f * font;
      dl->AddText(ImVec2(p.x, y), colours.dimText, "0");
      dl->AddText(ImVec2(p.x + w - ImGui::CalcTextSize(end).x, y), colours.dimText, end);
    }
    viridisBar(dl, p.x, barY, w, h);
  };
  return o;
}

class CaptionsLayer final : public CanvasLayer {
 public:
  void overlays(const LayerFrame& fr, std::vector<CanvasOverlay>& out) override {
    if (!fr.scene.title.empty())
      out.push_back(
          caption(fr, "title", fonts().large, fonts().large->FontSize, fr.scene.title, 0));
    if (!fr.scene.subtitle.empty())
      out.push_back(caption(fr, "status", fonts().regular, fonts().size, fr.scene.subtitle, 1));
    const auto* cloud = fr.scene.cloud.get();
    if (!cloud || !fr.scene.legend) return;
    if (fr.colourMode == ColourMode::Class && cloud->numClasses >= 2)
      out.push_back(classLegend(fr, cloud->numClasses));
    else if (fr.colourMode == ColourMode::Attribute || fr.colourMode == ColourMode::Speed)
      out.push_back(colourBarLegend(fr, fr.colourMode == ColourMode::Speed));
  }
};

}  // namespace

std::unique_ptr<CanvasLayer> makeCaptionsLayer() { return std::make_unique<CaptionsLayer>(); }

}  // namespace ss::ui

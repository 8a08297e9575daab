// The score field: arrows (the learned score, the exact one, or their difference; scaled,
// normalized or true length) or probability-flow streamlines, with their legends
// (preferably at the bottom left, placed by the canvas's layout pass).
#include <algorithm>
#include <cmath>
#include <functional>

#include "ui/theme.h"
#include "ui/views/layers/draw_helpers.h"
#include "ui/views/layers/layers.h"

namespace ss::ui {

namespace {

// The model behind the learned arrows, for legends: "step 1200" or "imported".
std::string modelLabel(const scene::VectorField& f) {
  return f.modelLabel.empty() ? "step " + std::to_string(f.modelStep) : f.modelLabel;
}

// Magnitude ramp for normalized arrows, u in [0, 1]: blue (small) → cyan → yellow → red
// (large); every key stays bright enough to read on the dark canvas.
ImU32 magnitudeColour(float u, int alpha = 235) {
  static const float k[4][3] = {{70, 120, 240}, {60, 205, 220}, {245, 225, 80}, {240, 80, 60}};
  u = std::clamp(std::isfinite(u) ? u : 0.0f, 0.0f, 1.0f) * 3.0f;
  const int i = std::min(2, static_cast<int>(u));
  const float f = u - static_cast<float>(i);
  auto c = [&](int ch) {
    return static_cast<int>(std::lround(k[i][ch] + f * (k[i + 1][ch] - k[i][ch])));
  };
  return IM_COL32(c(0), c(1), c(2), alpha);
}

// Which arrow sets a draw shows.
struct ArrowSets {
  bool learned = false, exact = false, difference = false;
  std::vector<float> diff;  // learned − exact, with `difference`
};

ArrowSets arrowSets(const scene::VectorField& f, const CanvasOptions& o) {
  const size_t cells = static_cast<size_t>(f.request.nx) * f.request.ny;
  ArrowSets s;
  s.learned = o.showLearnedField && f.learned.size() == 2 * cells;
  s.exact = o.showExactField && f.exact.size() == 2 * cells;
  s.difference = o.fieldDifference && s.learned && s.exact;
  if (s.difference) {
    s.diff.resize(2 * cells);
    for (size_t i = 0; i < 2 * cells; ++i) s.diff[i] = f.learned[i] - f.exact[i];
  }
  return s;
}

void magnitudes(const std::vector<float>& v, std::vector<float>& out) {
  for (size_t i = 0; i + 1 < v.size(); i += 2) {
    const float m = std::hypot(v[i], v[i + 1]);
    if (m > 0 && std::isfinite(m)) out.push_back(m);
  }
}

// Arrow lengths and colours: scaled to the field's typical size (median × 2, clamped to 0.9
// of a cell, direction exact); normalized on a log colour scale over the 2nd…98th percentile
// of the primary field (the difference, else the learned score, else the exact one).
struct ArrowScale {
  float ref = 1, lo = 0, hi = 1, maxLen = 1, cellW = 1, cellH = 1;
};

ArrowScale arrowScale(const scene::VectorField& f, const ArrowSets& s, const CanvasOptions& o) {
  const auto& r = f.request;
  std::vector<float> mags;
  if (s.difference) {
    magnitudes(s.diff, mags);
  } else {
    if (s.learned) magnitudes(f.learned, mags);
    if (s.exact) magnitudes(f.exact, mags);
  }
  if (mags.empty()) mags.push_back(0.0f);
  std::nth_element(mags.begin(), mags.begin() + mags.size() / 2, mags.end());
  ArrowScale a;
  a.ref = std::max(2.0f * mags[mags.size() / 2], 1e-12f);
  if (o.fieldLength == FieldLength::Normalized) {
    std::vector<float> pm;
    magnitudes(s.difference ? s.diff : s.learned ? f.learned : f.exact, pm);
    if (pm.empty()) pm.push_back(1.0f);
    std::sort(pm.begin(), pm.end());
    a.lo = std::max(pm[pm.size() * 2 / 100], 1e-12f);
    a.hi = std::max(pm[pm.size() * 98 / 100], a.lo * 1.001f);
  }
  a.cellW = (r.bounds[2] - r.bounds[0]) / r.nx;
  a.cellH = (r.bounds[3] - r.bounds[1]) / r.ny;
  a.maxLen = 0.9f * std::min(a.cellW, a.cellH);
  return a;
}

void drawArrows(const LayerFrame& fr, const scene::FieldRequest& r, const ArrowScale& a,
                const std::vector<float>& v, ImU32 colour, float width, bool ramp) {
  const auto& o = fr.options;
  for (int j = 0; j < r.ny; ++j)
    for (int i = 0; i < r.nx; ++i) {
      const size_t k = static_cast<size_t>(j) * r.nx + i;
      const float vx = v[2 * k], vy = v[2 * k + 1];
      const float m = std::hypot(vx, vy);
      if (!(m > 0) || !std::isfinite(m)) continue;
      const float len = o.fieldLength == FieldLength::True ? m * o.arrowScale
                        : o.fieldLength == FieldLength::Normalized
                            ? 0.85f * a.maxLen
                            : a.maxLen * std::min(1.0f, m / a.ref);
      const ImU32 c = ramp ? magnitudeColour(std::log(m / a.lo) / std::log(a.hi / a.lo)) : colour;
      const Vec2 w0{r.bounds[0] + (i + 0.5f) * a.cellW, r.bounds[1] + (j + 0.5f) * a.cellH};
      const ImVec2 p = fr.toScreen(w0), q = fr.toScreen({w0.x + vx / m * len, w0.y + vy / m * len});
      fr.drawList->AddLine(p, q, c, width);
      const float hx = q.x - p.x, hy = q.y - p.y, hl = std::hypot(hx, hy);
      if (hl >= 3.0f)
        arrowHead(fr.drawList, q, hx / hl, hy / hl, std::min(0.35f * hl, 7.0f), c, width);
    }
}

// Normalized: a colour bar for the magnitude above the legend lines (whose top is `top`).
void magnitudeBar(const LayerFrame& fr, const ArrowScale& a, bool difference, float left,
                  float top) {
  ImDrawList* dl = fr.drawList;
  const float font = fonts().size, barW = 10.0f * font, barH = 0.6f * font;
  const ImVec2 p0(left, top - 2.1f * font);
  dl->AddRectFilled(ImVec2(p0.x - 4, p0.y - 1.2f * font), ImVec2(p0.x + barW + 4, p0.y + barH + 4),
                    IM_COL32(16, 19, 26, 190), 4.0f);
  const int n = 32;
  for (int i = 0; i < n; ++i)
    dl->AddRectFilled(ImVec2(p0.x + barW * i / n, p0.y),
                      ImVec2(p0.x + barW * (i + 1) / n + 0.5f, p0.y + barH),
                      magnitudeColour((i + 0.5f) / n, 255));
  const std::string label = "‖" + std::string(difference ? "s_θ − ∇log p_t" : "s") +
                            "‖, log: " + shortNumber(a.lo) + " … " + shortNumber(a.hi);
  dl->AddText(ImVec2(p0.x, p0.y - 1.15f * font), canvasColours().text, label.c_str());
}

// True length: a reference arrow of a round magnitude about four font sizes long, and its
// label: their width.
struct ReferenceArrow {
  float mag = 1, px = 1;  // world magnitude, its length in pixels
  std::string label;
  float width() const { return px + 0.6f * fonts().size + ImGui::CalcTextSize(label.c_str()).x; }
};

ReferenceArrow referenceArrowFor(const LayerFrame& fr) {
  const float font = fonts().size, upp = fr.camera.unitsPerPixel, scale = fr.options.arrowScale;
  ReferenceArrow r;
  r.mag = niceBelow(std::max(4.0f * font * upp / std::max(scale, 1e-9f), 1e-9f));
  r.px = r.mag * scale / upp;
  r.label = "‖s‖ = " + shortNumber(r.mag);
  return r;
}

void referenceArrow(const LayerFrame& fr, float left, float top) {
  ImDrawList* dl = fr.drawList;
  const float font = fonts().size;
  const ReferenceArrow r = referenceArrowFor(fr);
  const float px = r.px;
  const ImVec2 a(left, top - 1.0f * font), b(a.x + px, a.y);
  const std::string& label = r.label;
  const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
  dl->AddRectFilled(ImVec2(a.x - 4, a.y - 0.6f * font),
                    ImVec2(b.x + 0.6f * font + ts.x + 4, a.y + 0.6f * font),
                    IM_COL32(16, 19, 26, 190), 4.0f);
  dl->AddLine(a, b, canvasColours().text, 1.6f);
  arrowHead(dl, b, 1, 0, std::min(0.35f * px, 7.0f), canvasColours().text, 1.6f);
  dl->AddText(ImVec2(b.x + 0.5f * font, a.y - 0.5f * ts.y), canvasColours().text, label.c_str());
}

// Legend lines at the bottom left, with (for normalized arrows) the magnitude's colour bar or
// (true length) a reference arrow above them, as one box for the layout pass. `extra`
// draws what goes above the lines (left, top of the lines' block); `extraH` its height.
CanvasOverlay legendBlock(const LayerFrame& fr, const char* name, std::vector<std::string> lines,
                          float extraW, float extraH,
                          std::function<void(float left, float top)> extra = {}) {
  const ImVec2 size = legendLinesSize(lines, 0);
  CanvasOverlay o;
  o.box = {name, std::max(size.x, extraW), size.y + extraH, Corner::BottomLeft};
  o.box.heightAt = [lines, extraH](float w) { return legendLinesSize(lines, w).y + extraH; };
  o.box.minWidth = std::max(extraW, 12.0f * fonts().size);
  o.box.gap = 0.6f * fonts().size;
  o.draw = [&fr, lines = std::move(lines), extra = std::move(extra)](const OverlayPlacement& p) {
    const float wrap = p.wrapped ? p.rect.width() : 0.0f;
    const float top = p.rect.y1 - legendLinesSize(lines, wrap).y;
    drawLegendLines(fr.drawList, lines, ImVec2(p.rect.x0, top), wrap);
    if (extra) extra(p.rect.x0, top - 6);
  };
  return o;
}

CanvasOverlay arrowsLegend(const LayerFrame& fr, const scene::VectorField& f, const ArrowSets& s,
                           const ArrowScale& a) {
  const auto& o = fr.options;
  const bool normalized = o.fieldLength == FieldLength::Normalized;
  std::vector<std::string> lines;
  const std::string step = " (" + modelLabel(f) + ")";
  const char* tint = normalized ? "" : s.difference ? "pink: " : "white: ";
  if (s.difference) {
    lines.push_back(std::string(tint) + "learned − exact score, s_θ − ∇log p_t" + step);
  } else {
    std::string text;
    if (s.learned) text += std::string(tint) + "learned score" + step;
    if (s.exact)
      text += std::string(text.empty() ? "" : "   ") +
              (normalized && !s.learned ? "" : "orange: ") + "exact score";
    lines.push_back(text);
  }
  if (const int k = f.request.cfgClass; k >= 0)  // the guided runs' fields (MATH.md §6)
    lines.push_back("classifier-free guidance to class " + std::to_string(k + 1) +
                    ", w = " + shortNumber(static_cast<float>(f.request.cfgScale)) +
                    ": s + w (s(x|k) − s), exact; learned with a class-conditional model");
  if (o.fieldDifference && o.showLearnedField && o.showExactField && !s.learned)
    lines.push_back("the difference s_θ − ∇log p_t needs a trained model");
  if (o.fieldLength == FieldLength::True)
    lines.push_back("true length: arrow = s·Δ, Δ = " + shortNumber(o.arrowScale) +
                    " (world units per unit score)");
  const float font = fonts().size;
  if (normalized)
    return legendBlock(
        fr, "field legend", std::move(lines), 10.0f * font + 4, 6 + 3.25f * font,
        [&fr, a, d = s.difference](float left, float top) { magnitudeBar(fr, a, d, left, top); });
  if (o.fieldLength == FieldLength::True)
    return legendBlock(fr, "field legend", std::move(lines), referenceArrowFor(fr).width(),
                       6 + 1.6f * font,
                       [&fr](float left, float top) { referenceArrow(fr, left, top); });
  return legendBlock(fr, "field legend", std::move(lines), 0, 0);
}

// Streamlines replace the arrows unless the difference is asked for.
bool streamlinesShown(const LayerFrame& fr) {
  if (!fr.scene.field || !fr.options.fieldStreamlines) return false;
  return !arrowSets(*fr.scene.field, fr.options).difference;
}

class ArrowsLayer final : public CanvasLayer {
 public:
  void drawOverlay(const LayerFrame& fr) override {
    if (!fr.scene.field || streamlinesShown(fr)) return;
    const auto& f = *fr.scene.field;
    const ArrowSets s = arrowSets(f, fr.options);
    if (!s.learned && !s.exact) return;
    const ArrowScale a = arrowScale(f, s, fr.options);
    const bool normalized = fr.options.fieldLength == FieldLength::Normalized;
    fr.clipToPlot();
    if (s.difference) {
      drawArrows(fr, f.request, a, s.diff, IM_COL32(255, 120, 170, 235), 1.8f, normalized);
    } else {
      if (s.exact)
        drawArrows(fr, f.request, a, f.exact, IM_COL32(255, 170, 60, 220), 2.0f,
                   normalized && !s.learned);
      if (s.learned)
        drawArrows(fr, f.request, a, f.learned, IM_COL32(235, 240, 255, 230), 1.6f, normalized);
    }
    fr.drawList->PopClipRect();
  }
  void overlays(const LayerFrame& fr, std::vector<CanvasOverlay>& out) override {
    if (!fr.scene.field || streamlinesShown(fr)) return;
    const ArrowSets s = arrowSets(*fr.scene.field, fr.options);
    if (!s.learned && !s.exact) return;
    out.push_back(arrowsLegend(fr, *fr.scene.field, s, arrowScale(*fr.scene.field, s, fr.options)));
  }
};

// One set of streamlines, ordered along −v: arrowheads every few font sizes of screen
// length show where particles go as t decreases.
void drawStreamlineSet(const LayerFrame& fr, const std::vector<scene::Streamline>& lines,
                       ImU32 colour, float width) {
  const float font = fonts().size, spacing = 7.0f * font, head = 0.45f * font;
  std::vector<ImVec2> pts;
  for (const auto& l : lines) {
    pts.clear();
    for (size_t i = 0; i < l.size(); ++i)
      pts.push_back(fr.toScreen({l.xy[2 * i], l.xy[2 * i + 1]}));
    if (pts.size() < 2) continue;
    fr.drawList->AddPolyline(pts.data(), static_cast<int>(pts.size()), colour,
                             l.closed ? ImDrawFlags_Closed : 0, width);
    float total = 0;
    for (size_t i = 1; i < pts.size(); ++i)
      total += std::hypot(pts[i].x - pts[i - 1].x, pts[i].y - pts[i - 1].y);
    // The first head half a spacing in (or mid-line for short lines).
    float next = std::min(0.5f * spacing, 0.5f * total), run = 0;
    for (size_t i = 1; i < pts.size(); ++i) {
      const float dx = pts[i].x - pts[i - 1].x, dy = pts[i].y - pts[i - 1].y,
                  d = std::hypot(dx, dy);
      run += d;
      if (run < next || d <= 0) continue;
      arrowHead(fr.drawList, pts[i], dx / d, dy / d, head, colour, width);
      next = run + spacing;
    }
  }
}

class StreamlinesLayer final : public CanvasLayer {
 public:
  void drawOverlay(const LayerFrame& fr) override {
    if (!streamlinesShown(fr)) return;
    const auto& f = *fr.scene.field;
    const bool learned = fr.options.showLearnedField && !f.streamLearned.empty();
    const bool exact = fr.options.showExactField && !f.streamExact.empty();
    if (!learned && !exact) return;
    fr.clipToPlot();
    if (exact) drawStreamlineSet(fr, f.streamExact, IM_COL32(255, 170, 60, 210), 1.5f);
    if (learned) drawStreamlineSet(fr, f.streamLearned, IM_COL32(235, 240, 255, 220), 1.3f);
    fr.drawList->PopClipRect();
  }
  void overlays(const LayerFrame& fr, std::vector<CanvasOverlay>& out) override {
    if (!streamlinesShown(fr)) return;
    const auto& f = *fr.scene.field;
    const bool learned = fr.options.showLearnedField && !f.streamLearned.empty();
    const bool exact = fr.options.showExactField && !f.streamExact.empty();
    if (!learned && !exact) return;
    std::string text;
    if (learned) text += "white: learned (" + modelLabel(f) + ")";
    if (exact) text += std::string(text.empty() ? "" : "   ") + "orange: exact";
    out.push_back(
        legendBlock(fr, "streamlines legend",
                    {"probability-flow streamlines, v = f − ½g²s;  " + text,
                     "arrowheads: reverse time, −v (where particles move as t decreases)"},
                    0, 0));
  }
};

}  // namespace

std::unique_ptr<CanvasLayer> makeArrowsLayer() { return std::make_unique<ArrowsLayer>(); }
std::unique_ptr<CanvasLayer> makeStreamlinesLayer() { return std::make_unique<StreamlinesLayer>(); }

}  // namespace ss::ui

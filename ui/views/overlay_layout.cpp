#include "ui/views/overlay_layout.h"

#include <algorithm>
#include <cmath>

namespace ss::ui {

float overlapArea(const ScreenRect& a, const ScreenRect& b) {
  const float w = std::min(a.x1, b.x1) - std::max(a.x0, b.x0);
  const float h = std::min(a.y1, b.y1) - std::max(a.y0, b.y0);
  return w > 0 && h > 0 ? w * h : 0.0f;
}

bool contains(const ScreenRect& outer, const ScreenRect& inner, float slack) {
  return inner.x0 >= outer.x0 - slack && inner.y0 >= outer.y0 - slack &&
         inner.x1 <= outer.x1 + slack && inner.y1 <= outer.y1 + slack;
}

namespace {

// What a candidate position costs, compared in this order: overlap with the overlays
// already placed (px², with the box's gap), area outside the canvas, data covered, then how
// far it is from its preferred corner plus how much taller wrapping made it (px).
struct Cost {
  float boxes = 0, outside = 0, data = 0, far = 0;
};

bool cheaper(const Cost& a, const Cost& b) {
  constexpr float kEps = 0.5f;  // px²: below this two areas are equal
  if (std::abs(a.boxes - b.boxes) > kEps) return a.boxes < b.boxes;
  if (std::abs(a.outside - b.outside) > kEps) return a.outside < b.outside;
  if (std::abs(a.data - b.data) > kEps) return a.data < b.data;
  return a.far < b.far;
}

ScreenRect grown(const ScreenRect& r, float by) {
  return {r.x0 - by, r.y0 - by, r.x1 + by, r.y1 + by};
}

// The widths worth trying: the natural one (narrowed to the canvas when it wraps), and for
// text that wraps, the free strips beside each data box (taken only where they clear it).
std::vector<float> widthsToTry(const OverlayLayoutInput& in, const OverlayBox& b, float ex) {
  const ScreenRect& c = in.canvas;
  const float room = c.width() - 2 * ex;
  if (!b.heightAt) return {b.width};
  std::vector<float> widths{std::min(b.width, std::max(room, b.minWidth))};
  for (const ScreenRect& d : in.data) {
    for (float w : {d.x0 - in.clearance - (c.x0 + ex), (c.x1 - ex) - (d.x1 + in.clearance)})
      if (w >= b.minWidth && w < widths.front() - 0.5f) widths.push_back(w);
  }
  return widths;
}

// Where a box of size w × h may go: lined up with the canvas's edges (at its margins), with
// the overlays placed so far (beside, above, below, aligned) and just clear of the data.
void positions(const OverlayLayoutInput& in, const std::vector<OverlayPlacement>& placed, float w,
               float h, float gap, float ex, float ey, std::vector<float>& xs,
               std::vector<float>& ys) {
  const ScreenRect& c = in.canvas;
  xs = {c.x0 + ex, c.x1 - ex - w};
  ys = {c.y0 + ey, c.y1 - ey - h};
  for (const auto& p : placed) {
    const ScreenRect& r = p.rect;
    xs.insert(xs.end(), {r.x0, r.x1 - w, r.x1 + gap, r.x0 - gap - w});
    ys.insert(ys.end(), {r.y0, r.y1 - h, r.y1 + gap, r.y0 - gap - h});
  }
  for (const ScreenRect& d : in.data) {
    xs.insert(xs.end(), {d.x1 + in.clearance, d.x0 - in.clearance - w});
    ys.insert(ys.end(), {d.y1 + in.clearance, d.y0 - in.clearance - h});
  }
}

// Inside the canvas where it fits; a box wider or taller than the canvas starts at its
// top-left edge.
float clampStart(float v, float lo, float hi, float size) {
  return size >= hi - lo ? lo : std::clamp(v, lo, hi - size);
}

Cost costOf(const OverlayLayoutInput& in, const std::vector<OverlayPlacement>& placed,
            const ScreenRect& r, float gap) {
  Cost cost;
  for (const auto& p : placed) cost.boxes += overlapArea(grown(p.rect, gap), r);
  const float area = r.width() * r.height();
  cost.outside = area - overlapArea(r, in.canvas);
  for (const ScreenRect& d : in.data) cost.data += overlapArea(d, r);
  return cost;
}

OverlayPlacement place(const OverlayLayoutInput& in, const std::vector<OverlayPlacement>& placed,
                       const OverlayBox& b) {
  const ScreenRect& c = in.canvas;
  const float ex = b.edgeX >= 0 ? b.edgeX : in.margin, ey = b.edgeY >= 0 ? b.edgeY : in.margin;
  const bool right = b.corner == Corner::TopRight || b.corner == Corner::BottomRight;
  const bool bottom = b.corner == Corner::BottomLeft || b.corner == Corner::BottomRight;
  OverlayPlacement best;
  Cost bestCost{1e30f, 1e30f, 1e30f, 1e30f};
  std::vector<float> xs, ys;
  const std::vector<float> widths = widthsToTry(in, b, ex);
  for (size_t i = 0; i < widths.size(); ++i) {
    const float w = widths[i];
    const bool wrapped = w < b.width - 0.5f;
    const float h = wrapped ? b.heightAt(w) : b.height;
    const float ax = right ? c.x1 - ex - w : c.x0 + ex, ay = bottom ? c.y1 - ey - h : c.y0 + ey;
    positions(in, placed, w, h, b.gap, ex, ey, xs, ys);
    for (const float x : xs)
      for (const float y : ys) {
        const float x0 = clampStart(x, c.x0, c.x1, w), y0 = clampStart(y, c.y0, c.y1, h);
        const ScreenRect r{x0, y0, x0 + w, y0 + h};
        Cost cost = costOf(in, placed, r, b.gap);
        // A strip beside the data is worth its narrow lines only when it clears the data:
        // where the cloud fills the plot, text keeps its natural width in its corner.
        if (i > 0 && cost.data > 0.5f) continue;
        cost.far = std::abs(x0 - ax) + std::abs(y0 - ay) + (h - b.height);
        if (!cheaper(cost, bestCost)) continue;
        bestCost = cost;
        best = {r, wrapped, cost.data > 0.5f};
      }
  }
  return best;
}

}  // namespace

std::vector<OverlayPlacement> layoutOverlays(const OverlayLayoutInput& in,
                                             const std::vector<OverlayBox>& boxes) {
  std::vector<OverlayPlacement> placed;
  placed.reserve(boxes.size());
  for (const OverlayBox& b : boxes) placed.push_back(place(in, placed, b));
  return placed;
}

std::optional<ScreenRect> particleBox(const scene::PointCloud& cloud, float a, float sigma,
                                      const Camera2D& camera, const ScreenRect& plot) {
  const size_t n = std::min(cloud.x0.size(), cloud.noise.size()) / 2;
  const size_t stride = std::max<size_t>(1, n / 20000);
  const Vec2 size{plot.width(), plot.height()};
  std::vector<float> xs, ys;
  xs.reserve(n / stride + 1), ys.reserve(n / stride + 1);
  for (size_t i = 0; i < n; i += stride) {
    const Vec2 w{a * cloud.x0[2 * i] + sigma * cloud.noise[2 * i],
                 a * cloud.x0[2 * i + 1] + sigma * cloud.noise[2 * i + 1]};
    const Vec2 p = camera.worldToPixel(w, size);
    if (!(p.x >= 0 && p.y >= 0 && p.x <= size.x && p.y <= size.y)) continue;  // NaN too
    xs.push_back(plot.x0 + p.x), ys.push_back(plot.y0 + p.y);
  }
  if (xs.empty()) return std::nullopt;
  auto at = [](std::vector<float>& v, double q) {
    const auto k = v.begin() + static_cast<std::ptrdiff_t>(q * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), k, v.end());
    return *k;
  };
  return ScreenRect{at(xs, 0.01), at(ys, 0.01), at(xs, 0.99), at(ys, 0.99)};
}

}  // namespace ss::ui

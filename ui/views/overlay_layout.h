// One layout pass for the canvas's overlays (title, status line, legends, colour bars): given
// the canvas, where the data is drawn and each overlay's measured size and preferred corner,
// it places every overlay so that none overlaps another, all stay inside the canvas (never
// cut), and they keep off the data wherever there is room along the margins; long text wraps
// to a narrower box instead of running off the edge. Pure geometry, no GL and no ImGui: the
// caller measures text (through `heightAt` for text that may wrap). Any thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/scene/point_cloud.h"
#include "ui/views/camera2d.h"

namespace ss::ui {

// An axis-aligned rectangle in logical pixels, y down.
struct ScreenRect {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  float width() const { return x1 - x0; }
  float height() const { return y1 - y0; }
};

float overlapArea(const ScreenRect& a, const ScreenRect& b);  // 0 when they only touch
bool contains(const ScreenRect& outer, const ScreenRect& inner, float slack = 0.01f);

enum class Corner { TopLeft, TopRight, BottomLeft, BottomRight };

struct OverlayBox {
  OverlayBox() = default;
  OverlayBox(std::string name, float width, float height, Corner corner)
      : name(std::move(name)), width(width), height(height), corner(corner) {}

  std::string name;             // "title", "status", "colour legend" …: tests and debugging
  float width = 0, height = 0;  // its natural size, logical pixels
  Corner corner = Corner::TopLeft;
  // Text that may wrap: its height when wrapped to `width` pixels. Null: a fixed box.
  std::function<float(float width)> heightAt;
  float minWidth = 0;  // the narrowest wrap worth trying
  float gap = 0;       // the space it keeps from overlays placed before it
  // Its distance from the canvas's edges at a corner (< 0: the layout's margin).
  float edgeX = -1, edgeY = -1;
};

struct OverlayPlacement {
  ScreenRect rect;        // where it goes; for wrapped text, its width is the wrap width
  bool wrapped = false;   // narrower than its natural width
  bool overData = false;  // no room off the data: drawn over it (on a translucent backing)
};

struct OverlayLayoutInput {
  ScreenRect canvas;             // the plot, logical pixels
  std::vector<ScreenRect> data;  // what to keep clear: the plotted data's box(es)
  float margin = 0;              // the default distance from the canvas's edges
  float clearance = 0;           // the distance kept from the data
};

// Places the boxes in order (earlier boxes choose first) and returns one placement per box.
// Each goes where it overlaps no earlier box and stays inside the canvas, then where it
// covers the least data, then nearest its preferred corner at its natural width.
std::vector<OverlayPlacement> layoutOverlays(const OverlayLayoutInput& in,
                                             const std::vector<OverlayBox>& boxes);

// One pass as it went (what the canvas last drew), for tests and debugging.
struct OverlayPass {
  OverlayLayoutInput input;
  std::vector<OverlayBox> boxes;
  std::vector<OverlayPlacement> placed;  // one per box
};

// Where the particles are drawn on the plot (x = a·x0 + σ·ε through the camera; the plot's
// rectangle in screen pixels): the box of those inside it, trimmed to the 1st…99th
// percentile along each axis so that a few strays do not claim the whole plot. Empty when
// none is visible. Looks at most ~20k particles (a stride through larger clouds).
std::optional<ScreenRect> particleBox(const scene::PointCloud& cloud, float a, float sigma,
                                      const Camera2D& camera, const ScreenRect& plot);

}  // namespace ss::ui

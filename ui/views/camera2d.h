// A 2D camera with equal aspect: a world point at the centre of the viewport and a
// world-units-per-pixel scale. Pure maths, no GL: tests use it to map world to pixels.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>

namespace ss::ui {

struct Vec2 {
  float x = 0, y = 0;
};

struct Camera2D {
  Vec2 center{0, 0};
  float unitsPerPixel = 0.01f;  // world units per framebuffer pixel

  // Pixel coordinates have their origin at the viewport's top-left, y down.
  Vec2 worldToPixel(Vec2 w, Vec2 viewport) const {
    return {(w.x - center.x) / unitsPerPixel + 0.5f * viewport.x,
            0.5f * viewport.y - (w.y - center.y) / unitsPerPixel};
  }
  Vec2 pixelToWorld(Vec2 p, Vec2 viewport) const {
    return {center.x + (p.x - 0.5f * viewport.x) * unitsPerPixel,
            center.y - (p.y - 0.5f * viewport.y) * unitsPerPixel};
  }
  // Fits the box (xmin, ymin, xmax, ymax) into the viewport with a margin fraction.
  void fit(const std::array<float, 4>& b, Vec2 viewport, float margin = 0.08f) {
    const float w = std::max(b[2] - b[0], 1e-3f), h = std::max(b[3] - b[1], 1e-3f);
    center = {0.5f * (b[0] + b[2]), 0.5f * (b[1] + b[3])};
    const float sx = w / std::max(viewport.x * (1 - 2 * margin), 1.0f);
    const float sy = h / std::max(viewport.y * (1 - 2 * margin), 1.0f);
    unitsPerPixel = std::max(sx, sy);
  }
  // Zooms by `factor` (> 1 zooms in) keeping the world point under `pixel` fixed.
  void zoomAbout(Vec2 pixel, Vec2 viewport, float factor) {
    const Vec2 before = pixelToWorld(pixel, viewport);
    unitsPerPixel = std::clamp(unitsPerPixel / factor, 1e-6f, 1e4f);
    const Vec2 after = pixelToWorld(pixel, viewport);
    center.x += before.x - after.x;
    center.y += before.y - after.y;
  }
  void panPixels(Vec2 delta) {
    center.x -= delta.x * unitsPerPixel;
    center.y += delta.y * unitsPerPixel;
  }
};

// "Nice" tick spacing (1, 2, 5 × 10^k) giving about `target` ticks over `span`.
inline float niceTickStep(float span, float target = 8.0f) {
  const float raw = span / std::max(target, 1.0f);
  const float mag = std::pow(10.0f, std::floor(std::log10(raw)));
  const float n = raw / mag;
  return mag * (n < 1.5f ? 1.0f : n < 3.5f ? 2.0f : n < 7.5f ? 5.0f : 10.0f);
}

}  // namespace ss::ui

// MaskEditor: the inpainting mask the mask painter edits, an H×W byte mask (row-major,
// 1 = known, 0 = unknown: to generate) with brush strokes, rectangles, lassos, invert, clear,
// presets and a small undo stack. Knows nothing of ImGui or torch, so tests check it exactly.
// Coordinates are continuous image pixels: pixel (i, j) covers [i, i+1)×[j, j+1) and an
// operation covers a pixel when it covers the pixel's centre (i + ½, j + ½). Any one thread.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "core/sample/masks.h"

namespace ss::ui {

class MaskEditor {
 public:
  struct Point {
    float x = 0, y = 0;  // image pixels
  };
  static constexpr size_t kUndoDepth = 32;

  MaskEditor() = default;
  MaskEditor(int width, int height, uint8_t value = 1) { reset(width, height, value); }

  // A new width×height mask of `value`; forgets the undo history.
  void reset(int width, int height, uint8_t value = 1);
  // Takes `pixels` (width×height, non-zero = known); false and unchanged when the size differs.
  bool assign(const std::vector<uint8_t>& pixels);

  int width() const { return m_w; }
  int height() const { return m_h; }
  bool empty() const { return m_pixels.empty(); }
  const std::vector<uint8_t>& pixels() const { return m_pixels; }
  uint8_t at(int x, int y) const { return m_pixels[static_cast<size_t>(y) * m_w + x]; }
  int64_t count(uint8_t value) const;  // pixels equal to value
  // Grows on every change: the painter re-uploads its overlay when it moves.
  uint64_t revision() const { return m_revision; }

  // Saves the current mask for undo; call once before each user action (a whole brush
  // stroke is one action). The edits themselves do not checkpoint.
  void checkpoint();
  bool canUndo() const { return !m_undo.empty(); }
  bool undo();

  // Pixels whose centre lies within `radius` of the segment a–b (a disc when a = b).
  void brush(Point a, Point b, float radius, uint8_t value);
  // Pixels whose centre lies in the closed box spanned by two corners (any order).
  void rectangle(Point a, Point b, uint8_t value);
  // Pixels whose centre lies inside the polygon (even–odd rule; closed implicitly).
  void lasso(const std::vector<Point>& polygon, uint8_t value);
  void invert();
  void clear();  // everything unknown
  void fillPreset(sample::MaskPreset preset, uint64_t seed = 0);

 private:
  void set(int x, int y, uint8_t value) { m_pixels[static_cast<size_t>(y) * m_w + x] = value; }
  void touched() { ++m_revision; }

  int m_w = 0, m_h = 0;
  std::vector<uint8_t> m_pixels;
  std::deque<std::vector<uint8_t>> m_undo;  // newest at the back
  uint64_t m_revision = 0;
};

}  // namespace ss::ui

#include "ui/views/mask_editor.h"

#include <algorithm>
#include <cmath>

namespace ss::ui {

void MaskEditor::reset(int width, int height, uint8_t value) {
  m_w = std::max(0, width);
  m_h = std::max(0, height);
  m_pixels.assign(static_cast<size_t>(m_w) * m_h, value ? 1 : 0);
  m_undo.clear();
  touched();
}

bool MaskEditor::assign(const std::vector<uint8_t>& pixels) {
  if (pixels.size() != m_pixels.size()) return false;
  for (size_t i = 0; i < pixels.size(); ++i) m_pixels[i] = pixels[i] ? 1 : 0;
  touched();
  return true;
}

int64_t MaskEditor::count(uint8_t value) const {
  return std::count(m_pixels.begin(), m_pixels.end(), value);
}

void MaskEditor::checkpoint() {
  if (!m_undo.empty() && m_undo.back() == m_pixels) return;  // nothing changed since the last one
  m_undo.push_back(m_pixels);
  if (m_undo.size() > kUndoDepth) m_undo.pop_front();
}

bool MaskEditor::undo() {
  if (m_undo.empty()) return false;
  m_pixels = std::move(m_undo.back());
  m_undo.pop_back();
  touched();
  return true;
}

void MaskEditor::brush(Point a, Point b, float radius, uint8_t value) {
  if (empty() || radius < 0) return;
  value = value ? 1 : 0;
  const float r2 = radius * radius;
  const float dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
  // Centres i + ½ within [min − r, max + r].
  const int x0 = std::max(0, static_cast<int>(std::ceil(std::min(a.x, b.x) - radius - 0.5f)));
  const int x1 =
      std::min(m_w - 1, static_cast<int>(std::floor(std::max(a.x, b.x) + radius - 0.5f)));
  const int y0 = std::max(0, static_cast<int>(std::ceil(std::min(a.y, b.y) - radius - 0.5f)));
  const int y1 =
      std::min(m_h - 1, static_cast<int>(std::floor(std::max(a.y, b.y) + radius - 0.5f)));
  for (int y = y0; y <= y1; ++y)
    for (int x = x0; x <= x1; ++x) {
      const float px = x + 0.5f - a.x, py = y + 0.5f - a.y;
      const float s = len2 > 0 ? std::clamp((px * dx + py * dy) / len2, 0.0f, 1.0f) : 0.0f;
      const float ex = px - s * dx, ey = py - s * dy;
      if (ex * ex + ey * ey <= r2) set(x, y, value);
    }
  touched();
}

void MaskEditor::rectangle(Point a, Point b, uint8_t value) {
  if (empty()) return;
  value = value ? 1 : 0;
  const int x0 = std::max(0, static_cast<int>(std::ceil(std::min(a.x, b.x) - 0.5f)));
  const int x1 = std::min(m_w - 1, static_cast<int>(std::floor(std::max(a.x, b.x) - 0.5f)));
  const int y0 = std::max(0, static_cast<int>(std::ceil(std::min(a.y, b.y) - 0.5f)));
  const int y1 = std::min(m_h - 1, static_cast<int>(std::floor(std::max(a.y, b.y) - 0.5f)));
  for (int y = y0; y <= y1; ++y)
    for (int x = x0; x <= x1; ++x) set(x, y, value);
  touched();
}

void MaskEditor::lasso(const std::vector<Point>& polygon, uint8_t value) {
  if (empty() || polygon.size() < 3) return;
  value = value ? 1 : 0;
  // Scanlines through the pixel centres: a centre is inside when an odd number of edge
  // crossings lie to its right (the crossing-number test, half-open in y).
  std::vector<float> xs;
  const size_t n = polygon.size();
  for (int y = 0; y < m_h; ++y) {
    const float yc = y + 0.5f;
    xs.clear();
    for (size_t i = 0; i < n; ++i) {
      const Point p = polygon[i], q = polygon[(i + 1) % n];
      if ((p.y > yc) != (q.y > yc)) xs.push_back(p.x + (yc - p.y) * (q.x - p.x) / (q.y - p.y));
    }
    std::sort(xs.begin(), xs.end());
    for (size_t k = 0; k + 1 < xs.size(); k += 2) {
      // Centres x + ½ in [xs[k], xs[k + 1]).
      const int x0 = std::max(0, static_cast<int>(std::ceil(xs[k] - 0.5f)));
      const int x1 = std::min(m_w, static_cast<int>(std::ceil(xs[k + 1] - 0.5f)));
      for (int x = x0; x < x1; ++x) set(x, y, value);
    }
  }
  touched();
}

void MaskEditor::invert() {
  for (auto& v : m_pixels) v = v ? 0 : 1;
  touched();
}

void MaskEditor::clear() {
  std::fill(m_pixels.begin(), m_pixels.end(), 0);
  touched();
}

void MaskEditor::fillPreset(sample::MaskPreset preset, uint64_t seed) {
  const auto m = sample::makeMask(preset, m_h, m_w, seed);
  for (size_t i = 0; i < m_pixels.size() && i < m.size(); ++i) m_pixels[i] = m[i] > 0.5f ? 1 : 0;
  touched();
}

}  // namespace ss::ui

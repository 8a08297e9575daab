#include "ui/views/draw_tool.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "core/common/atomic_file.h"

namespace ss::ui {

size_t DrawModel::stamp(Vec2 c, const Brush& brush) {
  const float r = std::max(brush.radius, 1e-4f);
  const auto want = static_cast<size_t>(std::max(1.0f, std::round(brush.density * r * r)));
  const size_t room = kMaxPoints - std::min(kMaxPoints, size());
  const size_t n = std::min(want, room);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::normal_distribution<float> g(0.0f, 0.5f * r);
  for (size_t i = 0; i < n; ++i) {
    float dx = 0, dy = 0;
    if (brush.gaussian) {
      do {
        dx = g(m_rng), dy = g(m_rng);
      } while (dx * dx + dy * dy > r * r);
    } else {  // uniform in the disc: radius √u keeps the area density flat
      const float rho = r * std::sqrt(u(m_rng)), phi = 2.0f * static_cast<float>(M_PI) * u(m_rng);
      dx = rho * std::cos(phi), dy = rho * std::sin(phi);
    }
    m_points.push_back(c.x + dx);
    m_points.push_back(c.y + dy);
    m_labels.push_back(std::clamp(brush.label, 0, kMaxLabels - 1));
  }
  return n;
}

void DrawModel::setPoints(std::vector<float> xy, std::vector<int> labels) {
  m_points = std::move(xy);
  m_labels = std::move(labels);
  m_labels.resize(m_points.size() / 2, 0);
}

std::vector<int> DrawModel::distinctLabels() const {
  std::vector<int> out(m_labels);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

size_t DrawModel::strokeTo(Vec2 c, const Brush& brush) {
  if (!m_inStroke) {
    m_inStroke = true;
    m_last = c;
    return stamp(c, brush);
  }
  const float spacing = 0.5f * std::max(brush.radius, 1e-4f);
  float dx = c.x - m_last.x, dy = c.y - m_last.y;
  float dist = std::hypot(dx, dy);
  size_t added = 0;
  while (dist >= spacing) {
    m_last = {m_last.x + dx / dist * spacing, m_last.y + dy / dist * spacing};
    added += stamp(m_last, brush);
    dx = c.x - m_last.x, dy = c.y - m_last.y;
    dist = std::hypot(dx, dy);
  }
  return added;
}

size_t DrawModel::erase(Vec2 c, float radius) {
  const float r2 = radius * radius;
  size_t kept = 0;
  for (size_t i = 0; i + 1 < m_points.size(); i += 2) {
    const float dx = m_points[i] - c.x, dy = m_points[i + 1] - c.y;
    if (dx * dx + dy * dy <= r2) continue;
    m_labels[kept / 2] = m_labels[i / 2];
    m_points[kept++] = m_points[i];
    m_points[kept++] = m_points[i + 1];
  }
  const size_t removed = (m_points.size() - kept) / 2;
  m_points.resize(kept);
  m_labels.resize(kept / 2);
  return removed;
}

Expected<bool> DrawModel::writeCsv(const std::string& path) const {
  if (size() < 2)
    return Error{"a dataset needs at least 2 points (" + std::to_string(size()) +
                 " drawn): paint some with the Draw tool first"};
  const bool labelled = distinctLabels().size() > 1;
  std::ostringstream s;
  s << (labelled ? "x,y,label\n" : "x,y\n");
  char row[80];
  for (size_t i = 0; i + 1 < m_points.size(); i += 2) {
    if (labelled)
      std::snprintf(row, sizeof row, "%.7g,%.7g,%d\n", m_points[i], m_points[i + 1],
                    m_labels[i / 2]);
    else
      std::snprintf(row, sizeof row, "%.7g,%.7g\n", m_points[i], m_points[i + 1]);
    s << row;
  }
  return writeFileAtomic(path, s.str());
}

std::string drawnDataDir() {
  namespace fs = std::filesystem;
  fs::path base;
  if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x)
    base = x;
  else if (const char* h = std::getenv("HOME"); h && *h)
    base = fs::path(h) / ".local" / "share";
  else
    base = fs::temp_directory_path();
  return (base / "scorescope" / "drawn").string();
}

std::string nextDrawnPath(const std::string& dir) {
  namespace fs = std::filesystem;
  for (int n = 1;; ++n) {
    const fs::path p = fs::path(dir) / ("drawn-" + std::to_string(n) + ".csv");
    std::error_code ec;
    if (!fs::exists(p, ec)) return p.string();
  }
}

}  // namespace ss::ui

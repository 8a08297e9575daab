#include "core/scene/streamlines.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace ss::scene {

std::array<float, 2> GridField::at(float x, float y) const {
  const auto& b = bounds;
  if (!(x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3]) || nx < 1 || ny < 1) return {0, 0};
  // Continuous cell index with centres at integers.
  const float fx =
      std::clamp((x - b[0]) / (b[2] - b[0]) * nx - 0.5f, 0.0f, static_cast<float>(nx - 1));
  const float fy =
      std::clamp((y - b[1]) / (b[3] - b[1]) * ny - 0.5f, 0.0f, static_cast<float>(ny - 1));
  const int i0 = std::min(static_cast<int>(fx), nx - 1),
            j0 = std::min(static_cast<int>(fy), ny - 1);
  const int i1 = std::min(i0 + 1, nx - 1), j1 = std::min(j0 + 1, ny - 1);
  const float u = fx - i0, w = fy - j0;
  auto c = [&](int i, int j, int k) { return v[(static_cast<size_t>(j) * nx + i) * 2 + k]; };
  std::array<float, 2> out{};
  for (int k = 0; k < 2; ++k)
    out[k] = (1 - w) * ((1 - u) * c(i0, j0, k) + u * c(i1, j0, k)) +
             w * ((1 - u) * c(i0, j1, k) + u * c(i1, j1, k));
  return out;
}

namespace {

struct Point {
  float x, y;
  int line, index;  // index: steps from the seed, negative on the backward half
};

// Traced points bucketed by a square cell of side `cell`, for "is another line near?".
class PointGrid {
 public:
  PointGrid(const std::array<float, 4>& b, float cell)
      : m_x0(b[0]),
        m_y0(b[1]),
        m_cell(cell),
        m_nx(std::max(1, static_cast<int>(std::ceil((b[2] - b[0]) / cell)))),
        m_ny(std::max(1, static_cast<int>(std::ceil((b[3] - b[1]) / cell)))),
        m_buckets(static_cast<size_t>(m_nx) * m_ny) {}

  void add(const Point& p) { m_buckets[bucket(p.x, p.y)].push_back(p); }

  // Calls visit(point) for every stored point within r of (x, y) until it returns true.
  template <class Visit>
  bool any(float x, float y, float r, Visit visit) const {
    const int i0 = col(x - r), i1 = col(x + r), j0 = row(y - r), j1 = row(y + r);
    for (int j = j0; j <= j1; ++j)
      for (int i = i0; i <= i1; ++i)
        for (const Point& p : m_buckets[static_cast<size_t>(j) * m_nx + i])
          if ((p.x - x) * (p.x - x) + (p.y - y) * (p.y - y) < r * r && visit(p)) return true;
    return false;
  }

 private:
  int col(float x) const {
    return std::clamp(static_cast<int>(std::floor((x - m_x0) / m_cell)), 0, m_nx - 1);
  }
  int row(float y) const {
    return std::clamp(static_cast<int>(std::floor((y - m_y0) / m_cell)), 0, m_ny - 1);
  }
  size_t bucket(float x, float y) const { return static_cast<size_t>(row(y)) * m_nx + col(x); }

  float m_x0, m_y0, m_cell;
  int m_nx, m_ny;
  std::vector<std::vector<Point>> m_buckets;
};

class Tracer {
 public:
  Tracer(const GridField& f, const StreamlineOptions& o)
      : m_f(f),
        m_o(o),
        m_h(o.stepFraction * o.separation),
        m_test(o.stopFraction * o.separation),
        m_points(f.bounds, o.separation) {
    std::vector<float> speeds(static_cast<size_t>(f.nx) * f.ny);
    for (size_t k = 0; k < speeds.size(); ++k) speeds[k] = std::hypot(f.v[2 * k], f.v[2 * k + 1]);
    std::nth_element(speeds.begin(), speeds.begin() + speeds.size() / 2, speeds.end());
    m_minSpeed = std::max(o.minSpeedFraction * speeds[speeds.size() / 2], 1e-30f);
  }

  // The unit direction at p, or nothing at a stagnation point or outside the bounds.
  bool direction(float x, float y, float sign, float* d) const {
    const auto v = m_f.at(x, y);
    const float s = std::hypot(v[0], v[1]);
    if (!(s >= m_minSpeed) || !std::isfinite(s)) return false;
    d[0] = sign * v[0] / s;
    d[1] = sign * v[1] / s;
    return true;
  }

  bool inside(float x, float y) const {
    const auto& b = m_f.bounds;
    return x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];
  }

  // Near a point of a finished line, or of this line away from the current end.
  bool crowded(float x, float y, int line, int index, bool nearSeedAllowed) const {
    const int window = static_cast<int>(std::ceil(3.0f * m_test / m_h));
    const int seedZone = static_cast<int>(std::ceil(2.0f * m_test / m_h));
    return m_points.any(x, y, m_test, [&](const Point& p) {
      if (m_dead[p.line]) return false;
      if (p.line != line) return true;
      if (std::abs(p.index - index) <= window) return false;
      return !(nearSeedAllowed && std::abs(p.index) <= seedZone);  // a loop closing on its seed
    });
  }

  // One half of a line from the seed (sign +1 along the field, −1 against it); appends
  // points (excluding the seed) and returns whether the line closed on its seed.
  bool half(float sx, float sy, float sign, int line, std::vector<float>& out) {
    float x = sx, y = sy, prev[2] = {0, 0};
    float travelled = 0;
    for (int step = 1; step <= m_o.maxSteps; ++step) {
      float k1[2], k2[2];
      if (!direction(x, y, sign, k1)) break;
      if (step > 1 && k1[0] * prev[0] + k1[1] * prev[1] < 0) break;  // overshot a sink
      if (!direction(x + 0.5f * m_h * k1[0], y + 0.5f * m_h * k1[1], sign, k2)) break;
      if (k1[0] * k2[0] + k1[1] * k2[1] < 0) break;  // the direction turns back within the step
      const float nx = x + m_h * k2[0], ny = y + m_h * k2[1];
      if (!inside(nx, ny)) break;
      travelled += m_h;
      const int index = static_cast<int>(sign) * step;
      if (sign > 0 && travelled > 4.0f * m_o.separation &&
          std::hypot(nx - sx, ny - sy) < 1.2f * m_h) {
        out.push_back(sx);
        out.push_back(sy);
        return true;
      }
      if (crowded(nx, ny, line, index, sign > 0)) break;
      x = nx;
      y = ny;
      prev[0] = k2[0];
      prev[1] = k2[1];
      out.push_back(x);
      out.push_back(y);
      m_points.add({x, y, line, index});
    }
    return false;
  }

  std::vector<Streamline> run() {
    const auto& b = m_f.bounds;
    const float sep = m_o.separation;
    std::mt19937 rng(m_o.seed);
    std::uniform_real_distribution<float> jitter(0.1f, 0.9f);
    std::vector<std::array<float, 2>> seeds;
    for (float y = b[1]; y < b[3]; y += sep)
      for (float x = b[0]; x < b[2]; x += sep)
        seeds.push_back({x + jitter(rng) * sep, y + jitter(rng) * sep});
    for (size_t i = seeds.size(); i > 1; --i)
      std::swap(seeds[i - 1], seeds[rng() % i]);  // visit in random order
    std::vector<Streamline> lines;
    for (const auto& s : seeds) {
      float d[2];
      if (!inside(s[0], s[1]) || !direction(s[0], s[1], 1, d)) continue;
      if (m_points.any(s[0], s[1], 0.9f * sep, [&](const Point& p) { return !m_dead[p.line]; }))
        continue;
      const int line = static_cast<int>(m_dead.size());
      m_dead.push_back(false);
      m_points.add({s[0], s[1], line, 0});
      std::vector<float> fwd, back;
      Streamline l;
      l.closed = half(s[0], s[1], 1, line, fwd);
      if (!l.closed) half(s[0], s[1], -1, line, back);
      // Short stubs squeezed between lines add clutter, not information.
      if ((fwd.size() + back.size()) / 2 * m_h < 0.5f * sep) {
        m_dead[line] = true;
        continue;
      }
      l.xy.reserve(back.size() + 2 + fwd.size());
      for (size_t i = back.size(); i >= 2; i -= 2)
        l.xy.insert(l.xy.end(), {back[i - 2], back[i - 1]});
      l.xy.insert(l.xy.end(), {s[0], s[1]});
      l.xy.insert(l.xy.end(), fwd.begin(), fwd.end());
      lines.push_back(std::move(l));
    }
    return lines;
  }

 private:
  const GridField& m_f;
  const StreamlineOptions& m_o;
  float m_h, m_test, m_minSpeed = 0;
  PointGrid m_points;
  std::vector<bool> m_dead;  // per line id: rejected, its points no longer count
};

}  // namespace

std::vector<Streamline> traceStreamlines(const GridField& field, const StreamlineOptions& options) {
  if (field.nx < 2 || field.ny < 2 || !field.v || !(options.separation > 0) ||
      !(options.stepFraction > 0))
    return {};
  const auto& b = field.bounds;
  if (!(b[2] > b[0] && b[3] > b[1])) return {};
  // More than ~10⁵ seeds would mean a separation far below anything drawable.
  if ((b[2] - b[0]) * (b[3] - b[1]) / (options.separation * options.separation) > 1e5f) return {};
  return Tracer(field, options).run();
}

std::vector<float> probabilityFlowDrift(const sde::SdeConfig& sde, double t, const GridField& score,
                                        float sign) {
  const double c = sde::driftCoefficient(sde, t), g = sde::diffusion(sde, t);
  const auto& b = score.bounds;
  const float cw = (b[2] - b[0]) / score.nx, ch = (b[3] - b[1]) / score.ny;
  std::vector<float> v(static_cast<size_t>(score.nx) * score.ny * 2);
  for (int j = 0; j < score.ny; ++j)
    for (int i = 0; i < score.nx; ++i) {
      const size_t k = static_cast<size_t>(j) * score.nx + i;
      const double x[2] = {b[0] + (i + 0.5) * cw, b[1] + (j + 0.5) * ch};
      for (int d = 0; d < 2; ++d)
        v[2 * k + d] = static_cast<float>(sign * (c * x[d] - 0.5 * g * g * score.v[2 * k + d]));
    }
  return v;
}

}  // namespace ss::scene

#include "core/kernels/far_field.h"

#include <array>
#include <cmath>

namespace ss::kernels {

namespace {

// ρ_p: the largest ρ with ρ^{p+1} e^{2ρ}/(p+1)! ≤ kFarTol, for p = 0 … kFarOrder.
const std::array<double, kFarOrder + 1>& orderLimits() {
  static const auto limits = [] {
    std::array<double, kFarOrder + 1> r{};
    for (int p = 0; p <= kFarOrder; ++p) {
      auto bound = [p](double rho) {
        return std::exp((p + 1) * std::log(rho) + 2 * rho - std::lgamma(p + 2.0));
      };
      double lo = 0, hi = 10;
      for (int it = 0; it < 200; ++it) {
        const double mid = 0.5 * (lo + hi);
        (bound(mid) <= kFarTol ? lo : hi) = mid;
      }
      r[static_cast<size_t>(p)] = lo;
    }
    return r;
  }();
  return limits;
}

// x^0 … x^p.
void powers(double x, int p, double* out) {
  out[0] = 1;
  for (int i = 1; i <= p; ++i) out[i] = out[i - 1] * x;
}

}  // namespace

FarField::FarField(const PointTiles& tiles, double a, double sigma)
    : m_a(a),
      m_sigma(sigma),
      m_once(new std::once_flag[tiles.nodes.size()]),
      m_moments(tiles.nodes.size() * 3 * kFarTerms, 0.0) {}

void FarField::compute(const PointTiles& tiles, int64_t n) const {
  const TileNode& nd = tiles.nodes[static_cast<size_t>(n)];
  const MomentsFn moments = activeMomentsFn();
  const double aa2s2 = m_a * m_a * 0.5 / (m_sigma * m_sigma);
  double* G = m_moments.data() + n * 3 * kFarTerms;
  for (int64_t t = nd.firstTile; t < nd.endTile; ++t)
    moments(tiles.tileCoords(t), tiles.tileBias(t), nd.center[0], nd.center[1], aa2s2, G);
}

bool FarField::sums(const PointTiles& tiles, int64_t n, const double* x, TileSums& out) const {
  const TileNode& nd = tiles.nodes[static_cast<size_t>(n)];
  if (tiles.dim != 2 || m_a * nd.radius > 2 * m_sigma) return false;
  const double e0 = x[0] - m_a * nd.center[0], e1 = x[1] - m_a * nd.center[1];
  const double s2 = m_sigma * m_sigma;
  const double v0 = m_a * e0 / s2, v1 = m_a * e1 / s2;
  const double rho = std::sqrt(v0 * v0 + v1 * v1) * nd.radius;
  const auto& limits = orderLimits();
  int p = 0;
  while (p <= kFarOrder && rho > limits[static_cast<size_t>(p)]) ++p;
  if (p > kFarOrder) return false;
  std::call_once(m_once[static_cast<size_t>(n)], [&] { compute(tiles, n); });
  double p0[kFarOrder + 1], p1[kFarOrder + 1];
  powers(v0, p, p0);
  powers(v1, p, p1);
  const double* G = m_moments.data() + n * 3 * kFarTerms;
  double s = 0, s0 = 0, s1 = 0;
  int idx = 0;
  for (int deg = 0; deg <= p; ++deg)
    for (int i = deg; i >= 0; --i, ++idx) {
      const double va = p0[i] * p1[deg - i];
      s += va * G[idx];
      s0 += va * G[kFarTerms + idx];
      s1 += va * G[2 * kFarTerms + idx];
    }
  out.minD2 = e0 * e0 + e1 * e1;
  out.sumW = s;
  out.sumWY[0] = nd.center[0] * s + s0;
  out.sumWY[1] = nd.center[1] * s + s1;
  return true;
}

}  // namespace ss::kernels

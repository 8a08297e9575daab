#include "core/kernels/empirical.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/kernels/cpu_isa.h"

namespace ss::kernels {

namespace {

constexpr double kLog2Pi = 1.8378770664093453;

TileFn activeTileFn() {
  switch (activeIsa()) {
    case Isa::Avx512:
      return tileFnAvx512();
    case Isa::Avx2:
      return tileFnAvx2();
    case Isa::Scalar:
      break;
  }
  return tileFnScalar();
}

// min ‖x − a y‖² over y in tile t's bounding box.
double boxDistance2(const PointTiles& p, int64_t t, const double* x, double a) {
  double d2 = 0;
  for (int k = 0; k < p.dim; ++k) {
    const double lo = a * p.lo[t * p.dim + k], hi = a * p.hi[t * p.dim + k];
    const double gap = x[k] < lo ? lo - x[k] : (x[k] > hi ? x[k] - hi : 0.0);
    d2 += gap * gap;
  }
  return d2;
}

// Running sums over tiles, relative to the smallest ‖x − a y‖² seen so far (ref):
// w = Σ exp(−(d² − ref)/(2σ²)), u = Σ w (x − a y).
struct Accumulator {
  int dim;
  double inv2s2;
  double ref = std::numeric_limits<double>::infinity();
  double w = 0;
  double u[kMaxTileDim] = {};

  // Tiles are evaluated relative to min(ref, their own minimum): only a tile that lowers
  // the minimum rescales what is summed so far.
  void merge(const TileSums& s, const double* x, double a) {
    if (s.minD2 < ref) {
      const double g = std::exp((s.minD2 - ref) * inv2s2);  // 0 on the first tile
      w *= g;
      for (int k = 0; k < dim; ++k) u[k] *= g;
      ref = s.minD2;
    }
    w += s.sumW;
    for (int k = 0; k < dim; ++k) u[k] += x[k] * s.sumW - a * s.sumWY[k];
  }
};

}  // namespace

int64_t empiricalEval(const PointTiles& tiles, const EmpiricalQueries& q, EmpiricalOut out,
                      double relTol) {
  const TileFn fn = activeTileFn();
  const int dim = tiles.dim;
  // Skipping a tile whose nearest possible point is C·2σ² beyond a known point drops at
  // most e^{−C} of the largest weight per point: with C = ln(M / relTol), relTol in all.
  const double logCut = relTol > 0 ? std::log(static_cast<double>(tiles.count) / relTol)
                                   : std::numeric_limits<double>::infinity();
  std::vector<double> lb(static_cast<size_t>(tiles.tiles));
  int64_t pairs = 0;
  for (int64_t i = 0; i < q.n; ++i) {
    const double* x = q.x + i * dim;
    const double a = q.a[i], sigma = q.sigma[i];
    Accumulator acc{dim, 0.5 / (sigma * sigma)};
    int64_t first = 0;
    for (int64_t t = 0; t < tiles.tiles; ++t) {
      lb[t] = boxDistance2(tiles, t, x, a);
      if (lb[t] < lb[first]) first = t;
    }
    TileSums s;
    const double inf = std::numeric_limits<double>::infinity();
    fn(tiles.tileCoords(first), tiles.tileBias(first), dim, x, a, acc.inv2s2, inf, inf, s);
    acc.merge(s, x, a);
    pairs += kTileSlots;
    const double cut = acc.ref + logCut / acc.inv2s2;
    for (int64_t t = 0; t < tiles.tiles; ++t) {
      if (t == first || lb[t] > cut) continue;
      fn(tiles.tileCoords(t), tiles.tileBias(t), dim, x, a, acc.inv2s2, acc.ref, cut, s);
      acc.merge(s, x, a);
      pairs += kTileSlots;
    }
    const double s2 = sigma * sigma;
    if (out.score)
      for (int k = 0; k < dim; ++k) out.score[i * dim + k] = -acc.u[k] / (acc.w * s2);
    if (out.logp)
      out.logp[i] = -acc.ref * acc.inv2s2 + std::log(acc.w) -
                    std::log(static_cast<double>(tiles.count)) -
                    0.5 * dim * (kLog2Pi + std::log(s2));
  }
  return pairs;
}

}  // namespace ss::kernels

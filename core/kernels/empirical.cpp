#include "core/kernels/empirical.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "core/kernels/cpu_isa.h"
#include "core/kernels/far_field.h"

namespace ss::kernels {

namespace {

// The ISA's implementation of one of the kernel's functions.
template <class Fn>
Fn forIsa(Fn scalar, Fn avx2, Fn avx512) {
  switch (activeIsa()) {
    case Isa::Avx512:
      return avx512;
    case Isa::Avx2:
      return avx2;
    case Isa::Scalar:
      break;
  }
  return scalar;
}

}  // namespace

TileFn activeTileFn() { return forIsa(tileFnScalar(), tileFnAvx2(), tileFnAvx512()); }

TileFn32 activeTileFn32() { return forIsa(tileFn32Scalar(), tileFn32Avx2(), tileFn32Avx512()); }

MomentsFn activeMomentsFn() {
  return forIsa(momentsFnScalar(), momentsFnAvx2(), momentsFnAvx512());
}

namespace {

// min and max ‖x − a y‖² over y in a box [lo, hi].
struct BoxDistance {
  double near, far;
};
BoxDistance boxDistance2(const double* lo, const double* hi, int dim, const double* x, double a) {
  BoxDistance d{0, 0};
  for (int k = 0; k < dim; ++k) {
    const double l = a * lo[k] - x[k], h = a * hi[k] - x[k];
    const double gap = l > 0 ? l : (h < 0 ? -h : 0.0);
    const double span = std::max(std::abs(l), std::abs(h));
    d.near += gap * gap;
    d.far += span * span;
  }
  return d;
}

// An upper bound on min_j ‖x − a y_j‖² in O(depth): every leaf holds a point, so the far
// corner of the leaf reached by always taking the nearer child bounds it.
double nearestPointBound(const PointTiles& tiles, const double* x, double a) {
  size_t n = 0;
  while (!tiles.nodes[n].leaf()) {
    const TileNode& l = tiles.nodes[static_cast<size_t>(tiles.nodes[n].left)];
    const TileNode& r = tiles.nodes[static_cast<size_t>(tiles.nodes[n].right)];
    const bool left = boxDistance2(l.lo, l.hi, tiles.dim, x, a).near <=
                      boxDistance2(r.lo, r.hi, tiles.dim, x, a).near;
    n = static_cast<size_t>(left ? tiles.nodes[n].left : tiles.nodes[n].right);
  }
  const TileNode& leaf = tiles.nodes[n];
  return boxDistance2(leaf.lo, leaf.hi, tiles.dim, x, a).far;
}

// e^d, by its Taylor polynomial where |d| < 1e-5 (within 2e-16): the float32 tiles return
// the running minimum rounded to float32, a hair off the float64 one, on nearly every tile.
double expNear0(double d) { return std::abs(d) < 1e-5 ? 1 + d * (1 + 0.5 * d) : std::exp(d); }

// Running sums over tiles and far-field nodes, relative to the smallest ‖x − a y‖² (or
// node-centre distance) seen so far (ref): w = Σ exp(−(d² − ref)/(2σ²)), u = Σ w (x − a y).
struct Accumulator {
  int dim;
  double inv2s2;
  double ref = std::numeric_limits<double>::infinity();
  double w = 0;
  double u[kMaxTileDim] = {};

  // s holds sums relative to s.minD2: a lower base rescales what is summed so far, a higher
  // one scales s down.
  void merge(const TileSums& s, const double* x, double a) {
    double f = 1.0;
    if (s.minD2 < ref) {
      const double g = expNear0((s.minD2 - ref) * inv2s2);  // 0 on the first merge
      w *= g;
      for (int k = 0; k < dim; ++k) u[k] *= g;
      ref = s.minD2;
    } else if (s.minD2 > ref) {
      f = expNear0((ref - s.minD2) * inv2s2);
    }
    w += f * s.sumW;
    for (int k = 0; k < dim; ++k) u[k] += f * (x[k] * s.sumW - a * s.sumWY[k]);
  }
};

// One tile's sums for one query, in float32 where the precision asked for allows it
// (empirical.h: the bound δ and when Auto takes float32), else in float64.
struct TileSummer {
  const PointTiles& tiles;
  Precision precision;
  TileFn fn = activeTileFn();
  TileFn32 fn32 = activeTileFn32();
  double errCoef = 2.0 * (tiles.dim + 5) * 0x1p-24;  // δ = errCoef·S/(2σ²)
  int64_t float32Pairs = 0;

  // bound: an upper bound on min_j ‖x − a y_j‖² (Auto's test of a far tile's share).
  void sum(int64_t t, const double* x, double a, double inv2s2, double ref, double cut,
           double bound, TileSums& s) {
    const int dim = tiles.dim;
    const double* c = tiles.centre.data() + t * dim;
    double xr[kMaxTileDim], xr2 = 0;
    for (int k = 0; k < dim; ++k) xr[k] = x[k] - a * c[k], xr2 += xr[k] * xr[k];
    if (!useFloat32(t, x, a, inv2s2, xr2, bound))
      return fn(tiles.tileCoords(t), tiles.tileBias(t), dim, x, a, inv2s2, ref, cut, s);
    fn32(tiles.tileRel32(t), tiles.tileNorm32(t), dim, xr, a, inv2s2, ref - xr2, cut - xr2, s);
    s.minD2 += xr2;  // back to ‖x − a y‖² and to sums of y
    for (int k = 0; k < dim; ++k) s.sumWY[k] += c[k] * s.sumW;
    // Its base is the running minimum rounded through float32, a hair off: rebased onto it
    // here, merge takes its plain path instead of a branch that goes either way at random
    // (2.0e9 against 1.8e9 pairs/s on one core, float32 forced).
    const double d = (ref - s.minD2) * inv2s2;
    if (std::abs(d) < 1e-2) {  // e^d within 1e-12 (its float32 sums are within 1e-6)
      const double f = 1 + d * (1 + d * (0.5 + d * (1.0 / 6 + d * (1.0 / 24))));
      s.minD2 = ref;
      s.sumW *= f;
      for (int k = 0; k < dim; ++k) s.sumWY[k] *= f;
    }
    float32Pairs += kTileSlots;
  }

  bool useFloat32(int64_t t, const double* x, double a, double inv2s2, double xr2,
                  double bound) const {
    if (precision != Precision::Auto) return precision == Precision::Float32;
    const double aR = a * tiles.extent[static_cast<size_t>(t)];
    const double delta = errCoef * aR * (aR + 2 * std::sqrt(xr2)) * inv2s2;
    if (delta <= kFloat32Tol) return true;
    if (delta > 0.1) return false;
    // The tile weighs at most kTileSlots·e^{−near/2σ²}, the total at least e^{−bound/2σ²}.
    const double* lo = tiles.lo.data() + t * tiles.dim;
    const double* hi = tiles.hi.data() + t * tiles.dim;
    const double nearD2 = boxDistance2(lo, hi, tiles.dim, x, a).near;
    const double share = kTileSlots * std::exp((bound - nearD2) * inv2s2);
    return share * delta * static_cast<double>(tiles.tiles) <= kFloat32Tol;
  }
};

// One query's walk down the tile tree, nearest child first: a node beyond the cut is
// skipped, one the far field can expand is expanded, a leaf is summed point by point.
struct QueryWalk {
  const PointTiles& tiles;
  const FarField* far;
  TileSummer& summer;
  const double* x;
  double a, logCut, bound;  // bound: an upper bound on min_j ‖x − a y_j‖²
  Accumulator acc;
  int64_t pairs = 0;

  double cut() const { return std::min(bound, acc.ref) + logCut / acc.inv2s2; }

  void visit(int64_t n, double nearD2) {
    if (nearD2 > cut()) return;
    const TileNode& nd = tiles.nodes[static_cast<size_t>(n)];
    TileSums s;
    if (far && far->sums(tiles, n, x, s)) return acc.merge(s, x, a);
    if (nd.leaf()) {
      const int64_t t = nd.firstTile;
      const double c = cut();  // +inf without pruning
      summer.sum(t, x, a, acc.inv2s2, acc.ref, c, bound, s);
      acc.merge(s, x, a);
      pairs += kTileSlots;
      return;
    }
    const TileNode& l = tiles.nodes[static_cast<size_t>(nd.left)];
    const TileNode& r = tiles.nodes[static_cast<size_t>(nd.right)];
    const double dl = boxDistance2(l.lo, l.hi, tiles.dim, x, a).near;
    const double dr = boxDistance2(r.lo, r.hi, tiles.dim, x, a).near;
    if (dl <= dr) {
      visit(nd.left, dl);
      visit(nd.right, dr);
    } else {
      visit(nd.right, dr);
      visit(nd.left, dl);
    }
  }
};

}  // namespace

int64_t empiricalEval(const PointTiles& tiles, const EmpiricalQueries& q, EmpiricalOut out,
                      double relTol, const FarField* far, Precision precision) {
  TileSummer summer{tiles, precision};
  const int dim = tiles.dim;
  // Skipping a node whose nearest possible point is C·2σ² beyond a known point drops at
  // most e^{−C} of the largest weight per point: with C = ln(M / relTol), relTol in all.
  const double inf = std::numeric_limits<double>::infinity();
  const double logCut = relTol > 0 ? std::log(static_cast<double>(tiles.count) / relTol) : inf;
  if (relTol <= 0) far = nullptr;  // every point, summed directly
  int64_t pairs = 0;
  for (int64_t i = 0; i < q.n; ++i) {
    const double* x = q.x + i * dim;
    const double a = q.a[i], sigma = q.sigma[i];
    if (far && (a != far->a() || sigma != far->sigma()))
      throw std::invalid_argument("empiricalEval: the far field was built for another (a, sigma)");
    const bool needBound = relTol > 0 || precision == Precision::Auto;
    const double bound = needBound ? nearestPointBound(tiles, x, a) : inf;
    QueryWalk walk{tiles, far,    summer, x,
                   a,     logCut, bound,  Accumulator{dim, 0.5 / (sigma * sigma)}};
    if (relTol > 0) {
      const TileNode& root = tiles.nodes[0];
      walk.visit(0, boxDistance2(root.lo, root.hi, dim, x, a).near);
    } else {  // every tile in order: no boxes to test
      for (int64_t t = 0; t < tiles.tiles; ++t) {
        TileSums s;
        summer.sum(t, x, a, walk.acc.inv2s2, walk.acc.ref, inf, bound, s);
        walk.acc.merge(s, x, a);
      }
      walk.pairs = tiles.tiles * kTileSlots;
    }
    pairs += walk.pairs;
    const Accumulator& acc = walk.acc;
    const double s2 = sigma * sigma;
    if (out.score)
      for (int k = 0; k < dim; ++k) out.score[i * dim + k] = -acc.u[k] / (acc.w * s2);
    if (out.logp)
      out.logp[i] = -acc.ref * acc.inv2s2 + std::log(acc.w) -
                    std::log(static_cast<double>(tiles.count)) -
                    0.5 * dim * (kLog2Pi + std::log(s2));
  }
  if (out.float32Pairs) *out.float32Pairs += summer.float32Pairs;
  return pairs;
}

}  // namespace ss::kernels

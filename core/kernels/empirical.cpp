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
      const double g = std::exp((s.minD2 - ref) * inv2s2);  // 0 on the first merge
      w *= g;
      for (int k = 0; k < dim; ++k) u[k] *= g;
      ref = s.minD2;
    } else if (s.minD2 > ref) {
      f = std::exp((ref - s.minD2) * inv2s2);
    }
    w += f * s.sumW;
    for (int k = 0; k < dim; ++k) u[k] += f * (x[k] * s.sumW - a * s.sumWY[k]);
  }
};

// One query's walk down the tile tree, nearest child first: a node beyond the cut is
// skipped, one the far field can expand is expanded, a leaf is summed point by point.
struct QueryWalk {
  const PointTiles& tiles;
  const FarField* far;
  TileFn fn;
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
      fn(tiles.tileCoords(t), tiles.tileBias(t), tiles.dim, x, a, acc.inv2s2, acc.ref, c, s);
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
                      double relTol, const FarField* far) {
  const TileFn fn = activeTileFn();
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
    const double bound = relTol > 0 ? nearestPointBound(tiles, x, a) : inf;
    QueryWalk walk{tiles, far, fn, x, a, logCut, bound, Accumulator{dim, 0.5 / (sigma * sigma)}};
    if (relTol > 0) {
      const TileNode& root = tiles.nodes[0];
      walk.visit(0, boxDistance2(root.lo, root.hi, dim, x, a).near);
    } else {  // every tile in order: no boxes to test
      for (int64_t t = 0; t < tiles.tiles; ++t) {
        TileSums s;
        fn(tiles.tileCoords(t), tiles.tileBias(t), dim, x, a, walk.acc.inv2s2, walk.acc.ref, inf,
           s);
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
  return pairs;
}

}  // namespace ss::kernels

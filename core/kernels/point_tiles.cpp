#include "core/kernels/point_tiles.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace ss::kernels {

namespace {

struct Builder {
  const double* pts;
  int dim;
  PointTiles& out;

  double at(int64_t i, int k) const { return pts[i * dim + k]; }

  // The widest dimension of idx[b, e).
  int widest(const std::vector<int64_t>& idx, int64_t b, int64_t e) const {
    int best = 0;
    double bestWidth = -1;
    for (int k = 0; k < dim; ++k) {
      double lo = std::numeric_limits<double>::infinity(), hi = -lo;
      for (int64_t i = b; i < e; ++i) {
        lo = std::min(lo, at(idx[i], k));
        hi = std::max(hi, at(idx[i], k));
      }
      if (hi - lo > bestWidth) bestWidth = hi - lo, best = k;
    }
    return best;
  }

  // Splits idx[b, e) at a multiple of kTileSlots along its widest dimension until each
  // part fits one tile, then lays the part out as the next tile; returns its node.
  int32_t split(std::vector<int64_t>& idx, int64_t b, int64_t e) {
    const auto node = static_cast<int32_t>(out.nodes.size());
    out.nodes.emplace_back();
    out.nodes[node].firstTile = out.tiles;
    const int64_t n = e - b;
    if (n <= kTileSlots) {
      emit(idx, b, e);
    } else {
      const int64_t tilesHere = (n + kTileSlots - 1) / kTileSlots;
      const int64_t mid = b + kTileSlots * ((tilesHere + 1) / 2);
      const int k = widest(idx, b, e);
      std::nth_element(idx.begin() + b, idx.begin() + mid, idx.begin() + e,
                       [&](int64_t i, int64_t j) { return at(i, k) < at(j, k); });
      const int32_t left = split(idx, b, mid);
      const int32_t right = split(idx, mid, e);
      out.nodes[node].left = left;
      out.nodes[node].right = right;
    }
    out.nodes[node].endTile = out.tiles;
    describe(out.nodes[node], idx, b, e);
    return node;
  }

  // The node's box (the union of its tiles'), its centre and its radius about the centre.
  void describe(TileNode& nd, const std::vector<int64_t>& idx, int64_t b, int64_t e) const {
    for (int k = 0; k < dim; ++k) {
      nd.lo[k] = std::numeric_limits<double>::infinity();
      nd.hi[k] = -nd.lo[k];
      for (int64_t t = nd.firstTile; t < nd.endTile; ++t) {
        nd.lo[k] = std::min(nd.lo[k], out.lo[t * dim + k]);
        nd.hi[k] = std::max(nd.hi[k], out.hi[t * dim + k]);
      }
      nd.center[k] = 0.5 * (nd.lo[k] + nd.hi[k]);
    }
    double r2 = 0;
    for (int64_t i = b; i < e; ++i) {
      double d2 = 0;
      for (int k = 0; k < dim; ++k)
        d2 += (at(idx[i], k) - nd.center[k]) * (at(idx[i], k) - nd.center[k]);
      r2 = std::max(r2, d2);
    }
    nd.radius = std::sqrt(r2);
  }

  void emit(const std::vector<int64_t>& idx, int64_t b, int64_t e) {
    const int64_t t = out.tiles++;
    out.size.push_back(static_cast<int32_t>(e - b));
    out.coords.resize(static_cast<size_t>((t + 1) * dim * kTileSlots), 0.0);
    out.bias.resize(static_cast<size_t>((t + 1) * kTileSlots),
                    std::numeric_limits<double>::infinity());
    double* c = out.coords.data() + t * dim * kTileSlots;
    double* bias = out.bias.data() + t * kTileSlots;
    for (int k = 0; k < dim; ++k) {
      double lo = std::numeric_limits<double>::infinity(), hi = -lo;
      for (int64_t i = b; i < e; ++i) {
        const double v = at(idx[i], k);
        c[k * kTileSlots + (i - b)] = v;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
      out.lo.push_back(lo);
      out.hi.push_back(hi);
    }
    for (int64_t i = b; i < e; ++i) bias[i - b] = 0.0;
    emitRelative(t, e - b);
  }

  // The float32 copy of tile t (its n points already laid out) relative to its box centre.
  void emitRelative(int64_t t, int64_t n) {
    out.rel32.resize(static_cast<size_t>((t + 1) * dim * kTileSlots), 0.0f);
    out.norm32.resize(static_cast<size_t>((t + 1) * kTileSlots),
                      std::numeric_limits<float>::infinity());
    const double* c = out.coords.data() + t * dim * kTileSlots;
    float* rel = out.rel32.data() + t * dim * kTileSlots;
    float* norm = out.norm32.data() + t * kTileSlots;
    double c0[kMaxTileDim];
    for (int k = 0; k < dim; ++k) {
      c0[k] = 0.5 * (out.lo[t * dim + k] + out.hi[t * dim + k]);
      out.centre.push_back(c0[k]);
    }
    double r2max = 0;
    for (int64_t i = 0; i < n; ++i) {
      double r2 = 0;
      for (int k = 0; k < dim; ++k) {
        const double v = c[k * kTileSlots + i] - c0[k];
        rel[k * kTileSlots + i] = static_cast<float>(v);
        r2 += v * v;
      }
      norm[i] = static_cast<float>(r2);
      r2max = std::max(r2max, r2);
    }
    out.extent.push_back(std::sqrt(r2max));
  }
};

}  // namespace

PointTiles buildPointTiles(const double* points, int64_t m, int dim) {
  if (m < 1 || dim < 1 || dim > kMaxTileDim)
    throw std::invalid_argument("buildPointTiles: needs m >= 1 and 1 <= dim <= 4");
  PointTiles out;
  out.dim = dim;
  out.count = m;
  std::vector<int64_t> idx(static_cast<size_t>(m));
  std::iota(idx.begin(), idx.end(), int64_t{0});
  Builder{points, dim, out}.split(idx, 0, m);
  return out;
}

}  // namespace ss::kernels

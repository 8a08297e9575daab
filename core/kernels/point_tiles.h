// A low-dimensional point set cut into tiles of at most kTileSlots points by a k-d split
// (each tile a contiguous run of nearby points with its bounding box), laid out for the
// empirical-score kernel: per tile, dim rows of kTileSlots float64 coordinates (padded
// with 0) and a row of kTileSlots biases (0 for a point, +inf for padding, added to its
// squared distance so padding never weighs). Beside them, for the float32 path
// (empirical.h), each tile's points in float32 relative to the tile's box centre, with their
// squared norms (+inf for padding), so float32 rounding scales with the tile's extent rather
// than with the coordinates. The splits are kept as a tree of nodes (the
// root first, a node's tiles contiguous) with their boxes, centres and radii, for pruning
// and far-field expansions. Immutable once built; any thread. Torch-free.
#pragma once

#include <cstdint>
#include <vector>

namespace ss::kernels {

inline constexpr int kTileSlots = 128;  // a multiple of every SIMD width (8, 4, 1)
inline constexpr int kMaxTileDim = 4;   // dimensions the tiled kernel takes

// A node of the k-d split: tiles [firstTile, endTile), children (−1 for a tile's own node).
struct TileNode {
  int64_t firstTile = 0, endTile = 0;
  int32_t left = -1, right = -1;
  double lo[kMaxTileDim] = {}, hi[kMaxTileDim] = {};  // bounding box
  double center[kMaxTileDim] = {};                    // the box's centre
  double radius = 0;                                  // max ‖y − center‖ over its points
  bool leaf() const { return left < 0; }
};

struct PointTiles {
  int dim = 0;
  int64_t count = 0;  // points
  int64_t tiles = 0;
  std::vector<double> lo, hi;   // [tiles × dim] bounding boxes
  std::vector<double> coords;   // [tiles × dim × kTileSlots]
  std::vector<double> bias;     // [tiles × kTileSlots]
  std::vector<int32_t> size;    // [tiles] points in each tile
  std::vector<double> centre;   // [tiles × dim] the tile box's centre c
  std::vector<double> extent;   // [tiles] max ‖y − c‖ over the tile's points
  std::vector<float> rel32;     // [tiles × dim × kTileSlots] y − c in float32 (padding 0)
  std::vector<float> norm32;    // [tiles × kTileSlots] ‖y − c‖² in float32 (padding +inf)
  std::vector<TileNode> nodes;  // nodes[0] is the root; a leaf holds one tile

  const double* tileCoords(int64_t t) const {
    return coords.data() + t * dim * static_cast<int64_t>(kTileSlots);
  }
  const double* tileBias(int64_t t) const { return bias.data() + t * kTileSlots; }
  const float* tileRel32(int64_t t) const {
    return rel32.data() + t * dim * static_cast<int64_t>(kTileSlots);
  }
  const float* tileNorm32(int64_t t) const { return norm32.data() + t * kTileSlots; }
};

// points: [m × dim] row-major, 1 ≤ dim ≤ kMaxTileDim, m ≥ 1. Tiles are full but one.
PointTiles buildPointTiles(const double* points, int64_t m, int dim);

}  // namespace ss::kernels

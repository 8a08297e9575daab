// DrawModel: the points of a dataset the user paints on the 2D canvas. A brush stamp adds
// points jittered in a disc (uniform, or Gaussian with std r/2 cut at r), each with the
// brush's class label; an eraser stamp removes those under it, and "use as dataset" writes
// them atomically as an x,y CSV (x,y,label when more than one label was painted) under the
// user's data dir, which the toy loader reads (its exact score is the empirical one; the
// labels become its classes, e.g. for class guidance with a trained classifier).
// Plain data, no GL: UI thread, and tests.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "ui/views/camera2d.h"

namespace ss::ui {

struct Brush {
  float radius = 0.25f;    // world units
  float density = 200.0f;  // points per unit area painted
  bool gaussian = true;    // Gaussian jitter (std r/2, cut at r); else uniform in the disc
  int label = 0;           // class of the painted points, 0..kMaxLabels-1 (shown 1-based)
};

class DrawModel {
 public:
  static constexpr size_t kMaxPoints = 20000;
  static constexpr int kMaxLabels = 8;

  explicit DrawModel(uint64_t seed = 1) : m_rng(seed) {}

  // One stamp at `c`: adds about density·r² points (at least one), the area a stroke covers
  // per stamp when stamps lie r/2 apart (see strokeTo). Returns how many were added.
  size_t stamp(Vec2 c, const Brush& brush);
  // A drag to `c`: stamps every r/2 along the way from the last stamp (the first call of a
  // stroke stamps at `c`). endStroke() ends it.
  size_t strokeTo(Vec2 c, const Brush& brush);
  void endStroke() { m_inStroke = false; }
  // Removes the points within the brush radius of `c`; returns how many.
  size_t erase(Vec2 c, float radius);
  void clear() {
    m_points.clear();
    m_labels.clear();
  }

  const std::vector<float>& points() const { return m_points; }  // n×2, world units
  const std::vector<int>& labels() const { return m_labels; }    // n
  size_t size() const { return m_points.size() / 2; }
  void setPoints(std::vector<float> xy, std::vector<int> labels = {});  // labels default to 0
  // The distinct labels painted (sorted).
  std::vector<int> distinctLabels() const;

  // "x,y" header and one row per point ("x,y,label" when more than one label was painted),
  // written atomically. Fewer than 2 points is an error that names the count (the file is
  // not touched).
  Expected<bool> writeCsv(const std::string& path) const;

 private:
  std::vector<float> m_points;
  std::vector<int> m_labels;
  std::mt19937_64 m_rng;
  Vec2 m_last{};
  bool m_inStroke = false;
};

// $XDG_DATA_HOME/scorescope/drawn, falling back to ~/.local/share/scorescope/drawn (and to
// the temp dir without a HOME).
std::string drawnDataDir();
// The first drawn-<n>.csv in `dir` that does not exist yet (n from 1).
std::string nextDrawnPath(const std::string& dir);

}  // namespace ss::ui

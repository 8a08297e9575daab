// Evenly spaced streamlines of a 2D vector field sampled on a grid (plain floats), and the
// probability-flow drift v = f − ½g²s (MATH.md §2) that the explorer traces. Torch-free and
// pure: any thread (the FieldWorker calls it on its thread).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/sde/sde_config.h"

namespace ss::scene {

// A vector field on an nx×ny grid of cell centres over `bounds` (xmin, ymin, xmax, ymax,
// world units); `v` is nx·ny×2 floats, row-major, y from ymin up (as VectorField).
struct GridField {
  std::array<float, 4> bounds{-3, -3, 3, 3};
  int nx = 0, ny = 0;
  const float* v = nullptr;

  // Bilinear between cell centres, clamped to the outermost centres; {0, 0} outside bounds.
  std::array<float, 2> at(float x, float y) const;
};

struct StreamlineOptions {
  float separation = 0.25f;   // world units between neighbouring lines (seed grid spacing)
  float stepFraction = 0.2f;  // integration step, as a fraction of `separation`
  float stopFraction = 0.5f;  // a line stops nearer than this·separation to another line
  // A line stops where the speed falls below this fraction of the grid's median speed.
  float minSpeedFraction = 1e-3f;
  int maxSteps = 2000;  // per direction
  uint32_t seed = 1;    // jitter of the seed grid
};

// One streamline: points N×2 (world units), ordered along the field's direction.
struct Streamline {
  std::vector<float> xy;
  bool closed = false;  // a loop: the last point rejoined the first
  size_t size() const { return xy.size() / 2; }
};

// Traces lines through seeds on a jittered grid (spacing `separation`), each both ways from its
// seed with RK2 on the unit direction (arclength steps: the field's magnitude varies by orders
// of magnitude and only its direction shapes a line). A line ends at the bounds, at a
// stagnation point (speed below the threshold or the direction turning back), near another
// line, after maxSteps, or when it closes on itself. Seeds closer than `separation` to a
// traced line are skipped, so the lines are roughly evenly spaced (Jobard & Lefer 1997).
std::vector<Streamline> traceStreamlines(const GridField& field,
                                         const StreamlineOptions& options = {});

// The probability-flow ODE's drift v(x,t) = f(x,t) − ½g(t)²·s(x,t) at the grid's cell centres,
// nx·ny×2 floats, from a score grid laid out as GridField. `sign` −1 gives −v, the direction
// particles move as t decreases (the reverse-time flow the explorer draws).
std::vector<float> probabilityFlowDrift(const sde::SdeConfig& sde, double t, const GridField& score,
                                        float sign = 1.0f);

}  // namespace ss::scene

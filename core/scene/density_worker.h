// The model's density heatmap: log p_t^θ(x) on a grid at the timeline's t, from the
// probability-flow ODE of the learned score (MATH.md §5, core/likelihood), computed on a
// worker progressively: coarse grids first (16×16 → … → the finest), each published as soon
// as it is done, so the view shows something at once and sharpens while t stays put. A new
// request stops the running level between ODE steps. Torch-free header: any thread; the UI
// never waits.
#pragma once

#include <array>

#include "core/scene/scene_worker.h"
#include "core/scene/vector_field.h"

namespace ss::scene {

struct DensityRequest {
  // The learned score; null: the exact score of `data` (tests, and a reference in the UI),
  // which also takes the exact log p_T as its terminal density instead of the prior.
  std::shared_ptr<const train::ModelSnapshot> model;
  std::string data = "8gaussians";  // the exact score's data (model == null)
  sde::SdeConfig sde;               // resolved; ignored with a model (it carries its own)
  double t = 0.5;
  std::array<float, 4> bounds{-3, -3, 3, 3};  // xmin, ymin, xmax, ymax (world units)
  // The finest grid's longer side; the other follows the bounds' aspect. Levels halve it
  // down to `coarsest` (16, 32, 64, 128 by default).
  int finest = 128;
  int coarsest = 16;
  double rtol = 1e-5, atol = 1e-5;  // RK45 tolerances
  bool operator==(const DensityRequest&) const = default;
};

// One finished level. Cells are row-major with y from ymin up; values at cell centres.
struct DensityGrid {
  DensityRequest request;
  int nx = 0, ny = 0;
  std::vector<float> logDensity;  // nx·ny, log p_t^θ in nats
  int level = 0, levels = 0;      // level + 1 == levels: the finest, nothing more to come
  int64_t modelStep = -1;         // -1: the exact score
  int64_t nfe = 0;                // drift evaluations of this level's ODE solve
  double seconds = 0;             // this level's wall time
  bool finest() const { return level + 1 == levels; }
};

// The grid sizes of a request's levels, coarse to fine: [{nx, ny}, …]. Empty when invalid.
std::vector<std::array<int, 2>> densityLevels(const DensityRequest& r);

// `field` with its density layer replaced by the grid (its size, bounds and values): how
// `render` hands the model's density to the canvas through the one field it draws.
VectorField withModelDensity(VectorField field, const DensityGrid& grid);

// request / latest / lastError / busy / waitIdle are RequestWorker's; its cache is withCache's.
class DensityWorker : public RequestWorker<DensityRequest, DensityGrid> {
 public:
  DensityWorker();
};

}  // namespace ss::scene

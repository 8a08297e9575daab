// Score fields on a grid for the views: the learned score of a trainer snapshot and/or the
// exact score of the data, at one t, computed on a worker and published as plain floats.
// The UI sends a request whenever t, the view, or the snapshot changes; only the newest
// request is computed. Torch-free header: any thread; the UI never waits.
#pragma once

#include <array>

#include "core/scene/scene_worker.h"
#include "core/scene/streamlines.h"

namespace ss::scene {

struct FieldRequest {
  std::shared_ptr<const train::ModelSnapshot> model;  // null: no learned field
  bool exact = true;                                  // also compute the exact score of `data`
  std::string data;                                   // dataset (for the exact score)
  sde::SdeConfig sde;                                 // resolved
  double t = 0.5;
  std::array<float, 4> bounds{-3, -3, 3, 3};  // xmin, ymin, xmax, ymax (world units)
  int nx = 24, ny = 24;                       // grid cells; vectors at cell centres
  // The exact log-density log p_t of `data` on a finer grid over the same bounds (0: none).
  int densityNx = 0, densityNy = 0;
  // With a model and a density grid: also the score error p_t·‖s_θ − ∇log p_t‖² there.
  bool scoreError = false;
  // Streamlines of the reverse-time probability flow −v = −(f − ½g²s) of the learned (with a
  // model) and/or the exact score, traced on a streamNx×streamNy grid over the same bounds
  // (0: none), about `streamSeparation` world units apart.
  bool streamLearned = false, streamExact = false;
  int streamNx = 0, streamNy = 0;
  float streamSeparation = 0.25f;
  // Classifier-free guidance toward class cfgClass (-1: off) with weight cfgScale (MATH.md §6):
  // the exact field (and its streamlines) becomes a mixture's exact CFG field s + w (s_k − s),
  // the learned one a class-conditional model's CFG field (an unconditional model's stays
  // unguided). The density and the score error stay those of the data.
  int cfgClass = -1;
  double cfgScale = 1.0;
  bool operator==(const FieldRequest&) const = default;
};

// Sets the streamline grid (fine enough for bilinear tracing: ~96 cells across) and spacing
// (the view's width over `linesAcross`) for r.bounds; leaves which scores to trace alone.
void setStreamGrid(FieldRequest& r, int linesAcross);

struct VectorField {
  FieldRequest request;
  std::vector<float> learned;     // nx·ny×2 (row-major, y from ymin up), empty without a model
  std::vector<float> exact;       // nx·ny×2, empty when not asked
  std::vector<float> logDensity;  // densityNx·densityNy (row-major, y from ymin up), or empty
  std::vector<float> scoreError;  // densityNx·densityNy: p_t·‖s_θ − ∇log p_t‖², or empty
  // Polylines (world units) ordered along −v, the direction particles move as t decreases.
  std::vector<Streamline> streamLearned, streamExact;
  double streamMillis = 0;  // time the tracing took (both sets)
  int64_t modelStep = -1;
  std::string modelLabel;  // "step 1200", or "imported" (ModelSnapshot::label)
};

// request / latest / lastError / busy / waitIdle are RequestWorker's; its cache is withCache's.
class FieldWorker : public RequestWorker<FieldRequest, VectorField> {
 public:
  FieldWorker();
};

}  // namespace ss::scene

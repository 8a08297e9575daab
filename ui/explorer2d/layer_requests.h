// The 2D explorer's change detection for its layer workers: a field or model-density
// request goes out only when it differs from the last one sent (the workers keep only the
// newest request, so asking every frame while scrubbing is fine, but re-asking for the same
// thing would restart it). The requests themselves come from ui/session/requests.h, as
// render's do. UI thread.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "core/scene/density_worker.h"
#include "core/scene/vector_field.h"
#include "core/train/classifier.h"
#include "core/train/trainer.h"
#include "ui/session/requests.h"

namespace ss::ui {

class FieldRequester {
 public:
  // The request to send now for the state's layers over `view` (nullopt: nothing new).
  // `trained`: the learned score's snapshot once the network has taken a step (else null).
  std::optional<scene::FieldRequest> next(const ExplorerState& state,
                                          const scene::PointCloud* cloud,
                                          std::shared_ptr<const train::ModelSnapshot> trained,
                                          const Viewport& view);

 private:
  std::optional<scene::FieldRequest> m_last;
};

// The model's density (PF-ODE) is seconds of work per grid: it is asked again only when t
// or the view really changed, and a new training snapshot is taken only once the last
// request is done and a few seconds have passed, so the refinement can finish while
// training runs.
class ModelDensityRequester {
 public:
  // Requests the model density when due; returns why there is no grid to show ("" when
  // there is). `recording`: a frame of an animation waits for this grid.
  // `trained`: the model's snapshot once it has trained on the shown data (else null),
  // `version` its snapshot version.
  std::string update(scene::DensityWorker& worker, const ExplorerState& state,
                     const scene::PointCloud* cloud,
                     std::shared_ptr<const train::ModelSnapshot> trained, uint64_t version,
                     const Viewport& view, bool recording);

 private:
  uint64_t m_snapshot = 0;
  double m_t = -1;
  std::array<float, 4> m_bounds{};
  bool m_coarse = false;
  bool m_recording = false;
  std::chrono::steady_clock::time_point m_asked{};
};

// The trained classifier a run should be guided by: its newest snapshot when the state asks
// for one and it was trained on the shown data (null otherwise); *used gets its version.
std::shared_ptr<const train::ClassifierSnapshot> classifierFor(
    const ExplorerState& state, const train::ClassifierTrainer& classifier, uint64_t* used);

// Keeps the background classifier in step with the explorer: guidance by a trained
// classifier starts its training for the shown data and SDE (once per spec, so a failure is
// not retried every frame), and a newly finished classifier re-runs the guided sampler.
// Returns true when a new run should be requested.
bool followClassifier(const ExplorerState& state, const scene::PointCloud* cloud,
                      train::ClassifierTrainer& classifier,
                      std::optional<train::ClassifierSpec>& requested, bool retrain,
                      uint64_t guidedBy);

}  // namespace ss::ui

// The state the 2D explorer's panels edit (dataset, SDE, time, view options) and the one
// function that turns it into what Canvas2D draws, shared by the GUI and `render`.
// Plain data, UI thread.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/sample/sampler_config.h"
#include "core/scene/point_cloud.h"
#include "core/scene/run_worker.h"
#include "core/sde/sde_config.h"
#include "ui/views/canvas2d.h"

namespace ss::ui {

struct ExplorerState {
  scene::DataRequest data;  // the dataset asked of the DataWorker
  sde::SdeConfig sde;       // the SDE in force (always valid)
  double t = 0.0;           // shown time in [0, T]
  bool playing = false;
  double playSeconds = 4.0;  // seconds for t to run from 0 to T
  bool loop = true;
  CanvasOptions canvas;
  float uiScale = 0;  // GUI type and widget scale; 0 = the monitor's content scale
  // What the canvas shows: the forward process (closed-form marginals, in the shader), or a
  // reverse run computed on the RunWorker (reverse SDE / probability-flow ODE) replayed by t.
  scene::RunMode mode = scene::RunMode::Forward;
  sample::SamplerConfig sampler;  // reverse SDE: predictor/corrector; ODE: the solver
  std::string samplerPreset = "pc";
  bool useModel = true;   // sample with the learned snapshot when one exists, else the exact score
  bool showTrails = true; // paths of the traced particles up to the shown t
};

// The run shown in a reverse mode and the point cloud built from its frame at the shown t
// (rebuilt only when the frame changes). UI thread.
struct RunView {
  std::shared_ptr<const scene::RunResult> run;
  std::shared_ptr<const scene::RunFrame> frame;
  std::shared_ptr<const scene::PointCloud> cloud;
  // Versions of run clouds have the top bit set, so they never equal a data cloud's.
  uint64_t version = 1ull << 63;
  // Picks the frame nearest t; `data` lends the mixture means and the diameter. A result of
  // another mode than `mode` (a switch not yet re-run) shows nothing.
  void update(std::shared_ptr<const scene::RunResult> latest, double t, const scene::PointCloud* data,
              std::optional<scene::RunMode> mode = std::nullopt);
};

// The SDE resolved against the cloud's diameter (VE's automatic σmax).
sde::SdeConfig resolvedSde(const ExplorerState& state, const scene::PointCloud* cloud);

// Captions and marginal coefficients for the current t.
// In a reverse mode with a run, the run's frame replaces the data cloud.
CanvasScene makeCanvasScene(const ExplorerState& state,
                            std::shared_ptr<const scene::PointCloud> cloud, uint64_t version,
                            const RunView* run = nullptr);

// The RunRequest the state describes (the SDE resolved against the data cloud).
scene::RunRequest runRequestFor(const ExplorerState& state, const scene::PointCloud* cloud,
                                std::shared_ptr<const train::ModelSnapshot> model);

// Advances t by `dt` seconds of playback: forward mode from 0 to T, reverse modes from T to
// 0 (as the sampler runs); stops there, or wraps when looping.
void advancePlayback(ExplorerState& state, double dt);

// "VP SDE", "sub-VP SDE", "VE SDE".
std::string sdeLabel(sde::SdeKind kind);

}  // namespace ss::ui

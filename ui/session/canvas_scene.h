// What one draw of the 2D canvas shows, filled from the session and the workers' latest
// results (makeCanvasScene, ui/session/explorer_state.h). Plain data, GL-free.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/scene/density_worker.h"
#include "core/scene/point_cloud.h"
#include "core/scene/probe_worker.h"
#include "core/scene/run_worker.h"
#include "core/scene/vector_field.h"

namespace ss::ui {

struct CanvasScene {
  std::shared_ptr<const scene::PointCloud> cloud;  // may be null while loading
  uint64_t cloudVersion = 0;
  float a = 1, sigma = 0;  // marginal at the shown t
  // Speed colouring: dx/dt = dadt·x0 + dsdt·ε (forward: a′(t), σ′(t); a run cloud: 0, 1,
  // its velocity kept in ε), coloured up to speedMax (the speeds' 99th percentile).
  float dadt = 0, dsdt = 0, speedMax = 0;
  std::string title;                                // large caption, e.g. "8gaussians · VP SDE"
  std::string subtitle;                             // e.g. "t = 0.30   a(t) = 0.72   σ(t) = 0.69"
  std::string colourLegend;                         // what the continuous colour encodes
  std::shared_ptr<const scene::VectorField> field;  // score arrows (may be null)
  std::shared_ptr<const scene::RunResult> run;      // reverse modes: trails of traced particles
  double runT = 0;                                  // the shown frame's time
  std::string placeholder = "Loading data…";        // shown while there is no cloud
  // Class legend: names for classes 1..k (compare overlay: one run per class), header above.
  std::vector<std::string> classNames;
  std::string classHeader = "class";
  bool legend = true;  // the colour legend at the top right
  // The model's log p_t from the PF-ODE (DensityWorker), drawn instead of the exact density
  // when CanvasOptions::densitySource is Model. Null there: the field's logDensity is the
  // model's (render fills it so), unless `modelDensityPending` says why there is none yet
  // (the GUI: "computing…", "needs a trained model"); the legend shows it.
  std::shared_ptr<const scene::DensityGrid> modelDensity;
  std::string modelDensityPending;
  bool modelDensityRefining = false;  // a newer grid is being computed (the GUI)
  // 2D inpainting: the known coordinate (0 = x₁, 1 = x₂) and its value, drawn as a dashed
  // line with its label; -1 = none.
  int fixedAxis = -1;
  float fixedValue = 0;
  // PC step-through: the run's move to draw as arrows (−1: none), and its update's equation
  // (the legend's tooltip).
  int move = -1;
  std::string moveEquation;
  // Canvas tools (ui/views/canvas_tools.h): probe paths (oldest first), the points being
  // drawn (n×2 world units, borrowed for this draw; null: none) and the brush ring's radius
  // in world units at the pointer (0: none).
  std::vector<std::shared_ptr<const scene::ProbeResult>> probes;
  const std::vector<float>* drawnPoints = nullptr;
  const std::vector<int>* drawnLabels =
      nullptr;  // their classes (palette colours); null: one colour
  float brushRadius = 0;
};

}  // namespace ss::ui

// The state the 2D explorer's panels edit (dataset, SDE, time, view options) and the one
// function that turns it into what Canvas2D draws, shared by the GUI and `render`.
// Plain data, UI thread.
#pragma once

#include <memory>
#include <string>

#include "core/scene/point_cloud.h"
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
};

// The SDE resolved against the cloud's diameter (VE's automatic σmax).
sde::SdeConfig resolvedSde(const ExplorerState& state, const scene::PointCloud* cloud);

// Captions and marginal coefficients for the current t.
CanvasScene makeCanvasScene(const ExplorerState& state,
                            std::shared_ptr<const scene::PointCloud> cloud, uint64_t version);

// Advances t by `dt` seconds of playback; stops (or wraps when looping) at T.
void advancePlayback(ExplorerState& state, double dt);

// "VP SDE", "sub-VP SDE", "VE SDE".
std::string sdeLabel(sde::SdeKind kind);

}  // namespace ss::ui

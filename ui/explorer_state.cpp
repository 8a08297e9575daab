#include "ui/explorer_state.h"

#include <algorithm>
#include <cstdio>

namespace ss::ui {

std::string sdeLabel(sde::SdeKind kind) {
  switch (kind) {
    case sde::SdeKind::VE: return "VE SDE";
    case sde::SdeKind::VP: return "VP SDE";
    case sde::SdeKind::SubVP: return "sub-VP SDE";
  }
  return "SDE";
}

sde::SdeConfig resolvedSde(const ExplorerState& state, const scene::PointCloud* cloud) {
  return state.sde.resolved(cloud ? cloud->diameter : 0.0);
}

CanvasScene makeCanvasScene(const ExplorerState& state,
                            std::shared_ptr<const scene::PointCloud> cloud, uint64_t version) {
  CanvasScene s;
  const sde::SdeConfig cfg = resolvedSde(state, cloud.get());
  const double t = std::clamp(state.t, 0.0, cfg.T);
  const sde::Marginal m = sde::marginal(cfg, t);
  s.a = static_cast<float>(m.a);
  s.sigma = static_cast<float>(m.sigma);
  s.title = (cloud ? cloud->name : state.data.data) + "  ·  " + sdeLabel(cfg.kind);
  char buf[160];
  std::snprintf(buf, sizeof buf, "t = %.3f    a(t) = %.3f    σ(t) = %.3f    forward process", t, m.a,
                m.sigma);
  s.subtitle = buf;
  s.colourLegend = "colour: position along the data";
  s.cloud = std::move(cloud);
  s.cloudVersion = version;
  return s;
}

void advancePlayback(ExplorerState& state, double dt) {
  if (!state.playing) return;
  const double T = state.sde.T;
  state.t += dt * T / std::max(state.playSeconds, 0.1);
  if (state.t > T) {
    if (state.loop) {
      state.t = 0.0;
    } else {
      state.t = T;
      state.playing = false;
    }
  }
}

}  // namespace ss::ui

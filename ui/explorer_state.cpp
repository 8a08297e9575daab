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

void RunView::update(std::shared_ptr<const scene::RunResult> latest, double t,
                     const scene::PointCloud* data, std::optional<scene::RunMode> mode) {
  run = std::move(latest);
  if (run && mode && run->request.mode != *mode) run.reset();
  auto f = run ? run->frameAt(t) : nullptr;
  if (f == frame && (cloud || !f)) return;
  frame = f;
  ++version;
  if (!f) {
    cloud.reset();
    return;
  }
  auto c = std::make_shared<scene::PointCloud>();
  c->n = run->n;
  c->x0 = f->x;
  c->noise.assign(f->x.size(), 0.0f);
  c->colour = run->colour;
  c->colour.resize(static_cast<size_t>(c->n), 0.5f);
  c->label.assign(static_cast<size_t>(c->n), 0);
  c->numClasses = 1;
  c->name = data ? data->name : run->request.data;
  c->request.data = run->request.data;
  if (data) {
    c->diameter = data->diameter;
    c->bounds = data->bounds;
    c->mixtureMeans = data->mixtureMeans;
    c->mixtureStds = data->mixtureStds;
  }
  cloud = std::move(c);
}

scene::RunRequest runRequestFor(const ExplorerState& state, const scene::PointCloud* cloud,
                                std::shared_ptr<const train::ModelSnapshot> model) {
  scene::RunRequest r;
  r.mode = state.mode;
  r.model = state.useModel ? std::move(model) : nullptr;
  r.data = state.data.data;
  r.sde = resolvedSde(state, cloud);
  r.sampler = state.sampler;
  r.particles = state.data.n;
  r.seed = state.data.seed;
  return r;
}

namespace {

const char* runLabel(const ExplorerState& state) {
  switch (state.mode) {
    case scene::RunMode::Forward: return "forward process";
    case scene::RunMode::ReverseSde: return "reverse SDE";
    case scene::RunMode::ProbabilityFlow: return "probability-flow ODE";
  }
  return "";
}

}  // namespace

CanvasScene makeCanvasScene(const ExplorerState& state,
                            std::shared_ptr<const scene::PointCloud> cloud, uint64_t version,
                            const RunView* run) {
  CanvasScene s;
  const sde::SdeConfig cfg = resolvedSde(state, cloud.get());
  const double t = std::clamp(state.t, 0.0, cfg.T);
  const sde::Marginal m = sde::marginal(cfg, t);
  s.a = static_cast<float>(m.a);
  s.sigma = static_cast<float>(m.sigma);
  s.title = (cloud ? cloud->name : state.data.data) + "  ·  " + sdeLabel(cfg.kind);
  char buf[200];
  std::snprintf(buf, sizeof buf, "t = %.3f    a(t) = %.3f    σ(t) = %.3f    %s", t, m.a, m.sigma,
                runLabel(state));
  s.subtitle = buf;
  s.colourLegend = "colour: position along the data";
  if (state.mode != scene::RunMode::Forward) {
    if (run && run->cloud && run->frame) {
      std::snprintf(buf, sizeof buf, "t = %.3f    σ(t) = %.3f    %s    NFE %lld%s    score: %s",
                    run->frame->t, sde::marginal(cfg, run->frame->t).sigma, runLabel(state),
                    static_cast<long long>(run->frame->nfe), run->run->done ? "" : " (running)",
                    run->run->scoreName.c_str());
      s.subtitle = buf;
      s.cloud = run->cloud;
      s.cloudVersion = run->version;
      s.a = 1;
      s.sigma = 0;
      s.colourLegend = "colour: direction of the prior draw x(T)";
      s.run = run->run;
      s.runT = run->frame->t;
    } else {
      s.subtitle = std::string(runLabel(state)) + ": sampling…";
      s.placeholder = "Sampling…";
    }
    return s;
  }
  s.cloud = std::move(cloud);
  s.cloudVersion = version;
  return s;
}

void advancePlayback(ExplorerState& state, double dt) {
  if (!state.playing) return;
  const double T = state.sde.T;
  const double dT = dt * T / std::max(state.playSeconds, 0.1);
  if (state.mode != scene::RunMode::Forward) {
    state.t -= dT;
    if (state.t < 0.0) {
      state.t = state.loop ? T : 0.0;
      state.playing = state.loop;
    }
    return;
  }
  state.t += dT;
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

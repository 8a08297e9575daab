#include "app/cli/commands.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/common/runtime.h"
#include "core/scene/point_cloud.h"
#include "core/scene/run_worker.h"
#include "core/scene/vector_field.h"
#include "core/train/trainer.h"
#include "ui/app_window.h"
#include "ui/offscreen_render.h"

namespace ss::app {

namespace {

int fail(const std::string& message, int code = 1) {
  std::fprintf(stderr, "scorescope: %s\n", message.c_str());
  return code;
}

// The explorer state the options describe; errors are printed and returned as a code.
Expected<ui::ExplorerState> explorerFrom(const AppOptions& o) {
  auto sde = sdeConfigFrom(o);
  if (!sde) return sde.error();
  ui::ExplorerState s;
  s.sde = sde.value();
  s.data = {o.data, o.particles, o.seed};
  s.t = o.t;
  s.canvas.followSpread = o.follow || (s.sde.kind == sde::SdeKind::VE && !o.noFollow);
  s.uiScale = o.uiScale;
  if (!(o.t >= 0.0 && o.t <= s.sde.T))
    return Error{"--t " + std::to_string(o.t) + " must lie in [0, T = " + std::to_string(s.sde.T) + "]"};
  return s;
}

void reportAutoSigma(const ui::ExplorerState& s, const scene::PointCloud& cloud) {
  if (s.sde.kind == sde::SdeKind::VE && s.sde.sigmaMaxIsAuto())
    std::printf("VE: sigma_max = %.4g (the data's diameter)\n", s.sde.resolved(cloud.diameter).sigmaMax);
}

}  // namespace

int printVersion(const AppOptions& o) {
  std::printf("ScoreScope %s\n", appVersion().c_str());
  std::printf("LibTorch %s (%s)\n", torchVersion().c_str(), torchHasCuda() ? "CUDA available" : "CPU only");
  auto choice = parseDeviceChoice(o.device);
  if (!choice) return fail(choice.error().message);
  auto dev = resolveDevice(choice.value());
  if (!dev) return fail(dev.error().message);
  std::printf("device: %s (--device %s)\n", dev.value().c_str(), o.device.c_str());
  return 0;
}

int notYetAvailable(const char* name, const char* what) {
  std::fprintf(stderr, "scorescope %s: not yet available in this version (%s).\n", name, what);
  return 1;
}

int runGuiCommand(const AppOptions& o) {
  auto state = explorerFrom(o);
  if (!state) return fail(state.error().message);
  auto choice = parseDeviceChoice(o.device);
  if (!choice) return fail(choice.error().message);
  auto dev = resolveDevice(choice.value());
  if (!dev) return fail(dev.error().message);
  setComputeThreads(o.threads > 0 ? o.threads : defaultComputeThreads());
  if (o.mode == "sde" || o.mode == "ode") {
    state.value().mode = o.mode == "sde" ? scene::RunMode::ReverseSde : scene::RunMode::ProbabilityFlow;
    state.value().t = state.value().sde.T;
    state.value().playing = true;
  } else if (o.mode != "forward") {
    return fail("unknown --mode '" + o.mode + "': choose forward, sde or ode");
  }
  state.value().canvas.showDensity = o.density;
  if (o.arrows > 0) state.value().canvas.fieldResolution = std::clamp(o.arrows, 2, 128);
  ui::GuiOptions g;
  g.frameTimes = o.frameTimes;
  g.initial = state.value();
  g.window.fontScale = o.uiScale;
  g.runtimeLine = "ScoreScope " + appVersion() + " · LibTorch " + torchVersion() + " · " + dev.value();
  g.maxFrames = o.frames;
  g.startTraining = o.train;
  g.device = dev.value();
  g.threads = o.threads > 0 ? o.threads : defaultComputeThreads();
  g.screenshot = o.screenshot;
  return ui::runGui(g);
}

int runRender(const AppOptions& o) {
  auto state = explorerFrom(o);
  if (!state) return fail(state.error().message);
  auto size = parseSize(o.size);
  if (!size) return fail(size.error().message);
  const auto [w, h] = size.value();
  setComputeThreads(o.threads > 0 ? o.threads : defaultComputeThreads());
  auto cloud = scene::buildPointCloud(state.value().data);
  if (!cloud) return fail(cloud.error().message);
  reportAutoSigma(state.value(), *cloud.value());

  ui::WindowOptions win;
  win.visible = false;
  win.width = 64;
  win.height = 64;
  // Type scales with the image so a 4K export has labels as legible as the window's.
  win.fontScale = std::clamp(static_cast<float>(h) / 800.0f, 1.0f, 3.0f);
  auto ctx = ui::UiContext::create(win);
  if (!ctx) return fail(ctx.error().message, 2);
  const bool exact = o.field == "exact" || o.field == "both";
  const bool learned = o.field == "learned" || o.field == "both";
  if (!exact && !learned && o.field != "none")
    return fail("unknown --field '" + o.field + "': choose none, exact, learned or both");
  std::shared_ptr<const train::ModelSnapshot> model;
  if (learned && o.model.empty()) return fail("--field " + o.field + " needs --model FILE (a checkpoint)");
  if (!o.model.empty()) {
    auto snap = train::loadModelSnapshot(o.model, "cpu");
    if (!snap) return fail(snap.error().message);
    model = snap.value();
  }
  state.value().canvas.showExactField = exact;
  state.value().canvas.showLearnedField = learned;
  state.value().canvas.showDensity = o.density;
  if (o.scoreError && !model) return fail("--score-error needs --model FILE (a checkpoint)");
  state.value().canvas.showScoreError = o.scoreError;
  ui::FieldSource fields;
  if (exact || learned || o.density || o.scoreError) {
    fields = [&](const std::array<float, 4>& bounds) -> std::shared_ptr<const scene::VectorField> {
      scene::FieldWorker worker;
      scene::FieldRequest r;
      r.model = model;
      r.exact = exact;
      r.data = o.data;
      r.sde = ui::resolvedSde(state.value(), cloud.value().get());
      r.t = std::max(o.t, r.sde.eps);
      r.bounds = bounds;
      r.nx = 28;
      r.ny = std::max(2, static_cast<int>(std::lround(28.0 * (bounds[3] - bounds[1]) / (bounds[2] - bounds[0]))));
      r.scoreError = o.scoreError;
      if (o.density || o.scoreError) {
        r.densityNx = std::clamp(w / 4, 64, 512);
        r.densityNy = std::max(2, static_cast<int>(std::lround(r.densityNx * (bounds[3] - bounds[1]) / (bounds[2] - bounds[0]))));
      }
      worker.request(r);
      worker.waitIdle(std::chrono::minutes(5));
      if (!worker.lastError().empty()) std::fprintf(stderr, "scorescope: field: %s\n", worker.lastError().c_str());
      return worker.latest();
    };
  }
  // A reverse run (computed to the end first), shown at --t.
  ui::RunView runView;
  if (o.mode != "forward") {
    auto& st = state.value();
    if (o.mode == "sde") {
      st.mode = scene::RunMode::ReverseSde;
      auto preset = sample::samplerPreset(o.sampler);
      if (!preset || preset.value().kind != sample::SamplerKind::Pc)
        return fail("--sampler '" + o.sampler + "' with --mode sde: choose pc, ald or ddpm");
      st.sampler = preset.value();
    } else if (o.mode == "ode") {
      st.mode = scene::RunMode::ProbabilityFlow;
      auto solver = sample::parseOdeSolver(o.sampler == "pc" ? "rk45" : o.sampler);
      if (!solver) return fail(solver.error().message);
      st.sampler.kind = sample::SamplerKind::Ode;
      st.sampler.solver = solver.value();
    } else {
      return fail("unknown --mode '" + o.mode + "': choose forward, sde or ode");
    }
    st.sampler.steps = o.steps;
    if (std::string e = st.sampler.validate(ui::resolvedSde(st, cloud.value().get())); !e.empty()) return fail(e);
    st.useModel = model != nullptr;
    scene::RunWorker runs;
    runs.request(ui::runRequestFor(st, cloud.value().get(), model));
    if (!runs.waitIdle(std::chrono::minutes(10))) return fail("the reverse run did not finish within 10 minutes");
    if (!runs.lastError().empty()) return fail(runs.lastError());
    runView.update(runs.latest(), o.t, cloud.value().get());
  }
  auto image = ui::renderExplorer(*ctx.value(), state.value(), cloud.value(), w, h, fields,
                                  o.mode == "forward" ? nullptr : &runView);
  if (!image) return fail(image.error().message);
  auto written = ui::writePng(o.out, image.value());
  if (!written) return fail(written.error().message);
  std::printf("wrote %s (%dx%d, %s, %s, t = %.3f)\n", o.out.c_str(), w, h, o.data.c_str(),
              o.sde.c_str(), o.t);
  return 0;
}

}  // namespace ss::app

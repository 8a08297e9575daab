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
#include "ui/views/canvas_tools.h"

namespace ss::app {

int fail(const char* cmd, const std::string& message, int code) {
  if (cmd)
    std::fprintf(stderr, "scorescope %s: %s\n", cmd, message.c_str());
  else
    std::fprintf(stderr, "scorescope: %s\n", message.c_str());
  return code;
}

double secondsSince(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

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
    return Error{"--t " + std::to_string(o.t) + " must lie in [0, T = " + std::to_string(s.sde.T) +
                 "]"};
  return s;
}

int printVersion(const AppOptions& o) {
  std::printf("ScoreScope %s\n", appVersion().c_str());
  std::printf("LibTorch %s (%s)\n", torchVersion().c_str(),
              torchHasCuda() ? "CUDA available" : "CPU only");
  auto choice = parseDeviceChoice(o.device);
  auto dev = choice ? resolveDevice(choice.value()) : Expected<std::string>(choice.error());
  if (!dev) return fail(nullptr, dev.error().message);
  std::printf("device: %s (--device %s)\n", dev.value().c_str(), o.device.c_str());
  return 0;
}

namespace {

// --scene FILE (its warnings printed) and --stage K into the window's options.
Expected<bool> openScene(const AppOptions& o, ui::GuiOptions& g) {
  if (o.scene.empty()) {
    if (o.stage != 0) return Error{"--stage K opens a lesson's stage: add --scene FILE"};
    return true;
  }
  auto loaded = ui::loadScene(o.scene);
  if (!loaded) return loaded.error();
  for (const auto& w : loaded.value().warnings)
    std::fprintf(stderr, "scorescope: %s: %s\n", o.scene.c_str(), w.c_str());
  g.scene = loaded.value().scene;
  g.scenePath = o.scene;
  const int stages = static_cast<int>(g.scene->stages.size());
  if (o.stage < 0 || o.stage > stages)
    return Error{"--stage " + std::to_string(o.stage) + ": " + o.scene + " has " +
                 std::to_string(stages) + (stages == 1 ? " stage" : " stages") + " (1-based)"};
  g.stage = o.stage;
  return true;
}

}  // namespace

int runGuiCommand(const AppOptions& o) {
  auto state = explorerFrom(o);
  if (!state) return fail(nullptr, state.error().message);
  // One compute thread on 2 cores (the default): a worker's OpenMP team whose second
  // thread the window preempts (playback, software OpenGL) stalls the whole team.
  auto dev = computeDeviceFrom(o);
  if (!dev) return fail(nullptr, dev.error().message);
  const int threads = o.threads > 0 ? o.threads : defaultComputeThreads();
  if (o.mode == "sde" || o.mode == "ode") {
    state.value().mode =
        o.mode == "sde" ? scene::RunMode::ReverseSde : scene::RunMode::ProbabilityFlow;
    state.value().t = state.value().sde.T;
    state.value().playing = true;
  } else if (o.mode == "compare") {
    ui::setCompare(state.value(), true);
  } else if (o.mode != "forward") {
    return fail(nullptr, "unknown --mode '" + o.mode + "': choose forward, sde, ode or compare");
  }
  if (o.stepThrough) {  // the GUI opens on the move (or the first), paused
    if (o.mode != "sde") return fail(nullptr, "--step-through needs --mode sde");
    ui::setStepThrough(state.value(), true);
    state.value().move = std::max(o.move, 0);
    ui::stepMove(state.value(), 0);  // clamps the move and puts t on it
  }
  state.value().canvas.showDensity = o.density;
  if (o.arrows > 0) state.value().canvas.fieldResolution = std::clamp(o.arrows, 2, 128);
  if (o.exactField) state.value().canvas.showExactField = true;
  if (o.play) state.value().playing = true;
  const auto colour = ui::parseColourName(o.colour);
  if (!colour) return fail(nullptr, "--colour: " + colour.error().message);
  state.value().canvas.colourMode = colour.value();
  ui::GuiOptions g;
  if (!o.frameTimes.empty())
    if (auto ok = checkOutputName(o.frameTimes, "--frame-times", ".json", "JSON"); !ok)
      return fail(nullptr, ok.error().message);
  g.frameTimes = o.frameTimes;
  g.initial = state.value();
  g.window.fontScale = o.uiScale;
  if (!o.window.empty()) {
    auto size = parseSize(o.window, "--window");
    if (!size) return fail(nullptr, size.error().message);
    g.window.width = size.value().first, g.window.height = size.value().second;
  }
  g.runtimeLine =
      "ScoreScope " + appVersion() + " · LibTorch " + torchVersion() + " · " + dev.value();
  g.maxFrames = o.frames;
  if (o.maxFps < 0 || o.maxFps > 1000)
    return fail(nullptr, "--max-fps must lie in [0, 1000] (0: auto)");
  g.maxFps = o.maxFps;
  g.exitWhenDone = o.exitWhenDone;
  g.startTraining = o.train;
  g.solverLab = o.solverLab;
  if (!o.workers.empty()) g.workersYield = o.workers == "yield";
  g.device = dev.value();
  g.threads = threads;
  if (!o.screenshot.empty())
    if (auto ok = checkOutputName(o.screenshot, "--screenshot", ".png", "a PNG"); !ok)
      return fail(nullptr, ok.error().message);
  g.screenshot = o.screenshot;
  for (const auto& p : o.probes)
    if (auto parsed = ui::parseProbeSpec(p); !parsed) return fail(nullptr, parsed.error().message);
  g.probes = o.probes;
  g.presentation = o.present;
  g.record = o.record;
  // The lesson browser greets a first launch of the plain GUI (not smoke tests, not a scene).
  g.lessons = o.lessons                          ? ui::GuiOptions::Lessons::Yes
              : o.frames == 0 && o.scene.empty() ? ui::GuiOptions::Lessons::FirstLaunch
                                                 : ui::GuiOptions::Lessons::No;
  if (auto opened = openScene(o, g); !opened) return fail(nullptr, opened.error().message);
  if (!o.model.empty()) {  // with the scene's (or the options') view
    auto with =
        ui::withModel(g.scene ? *g.scene : ui::sceneFromState(g.initial), o.model, o.modelMeta);
    if (!with) return fail(nullptr, with.error().message);
    g.scene = with.value();
  }
  return ui::runGui(g);
}

}  // namespace ss::app

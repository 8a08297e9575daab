#include "app/cli/render_scene.h"

#include <cstdio>

#include "app/cli/commands.h"
#include "core/common/runtime.h"
#include "core/sample/sampler_config.h"
#include "core/train/quick_train.h"

namespace ss::app {

namespace {

// --mode and --sampler (and --compare) into the state; a sampler the mode cannot run is an
// error, never replaced.
Expected<bool> applyMode(const AppOptions& o, ui::ExplorerState& st) {
  if (o.samplerGiven && (o.mode == "forward" || o.mode == "compare"))
    return Error{"--sampler applies to --mode sde or ode; --mode " + o.mode +
                 (o.mode == "compare" ? " takes its samplers from --compare" : " runs no sampler")};
  if (o.mode == "sde") {
    st.mode = scene::RunMode::ReverseSde;
    auto preset = sample::samplerPreset(o.sampler);
    if (!preset || preset.value().kind != sample::SamplerKind::Pc)
      return Error{"--sampler '" + o.sampler + "' with --mode sde: choose pc, ald or ddpm"};
    st.sampler = preset.value();
    st.samplerPreset = o.sampler;
  } else if (o.mode == "ode") {
    st.mode = scene::RunMode::ProbabilityFlow;
    auto solver = sample::parseOdeSolver(o.samplerGiven ? o.sampler : "rk45");
    if (!solver)
      return Error{"--sampler '" + o.sampler +
                   "' with --mode ode: choose euler, heun, rk4, rk45, ddim, dpmpp_2m, dpm_solver_3 "
                   "or edm_heun (pc, ald and ddpm sample the reverse SDE: --mode sde)"};
    st.sampler.kind = sample::SamplerKind::Ode;
    st.sampler.solver = solver.value();
  } else if (o.mode == "compare") {
    auto panes = ui::parseComparePanes(o.compare, o.steps);
    if (!panes) return panes.error();
    const double t = st.t;  // setCompare starts at T; render shows --t
    ui::setCompare(st, true);
    st.t = t;
    st.playing = false;
    st.compare.panes = panes.value();
    st.compare.overlay = o.overlay;
    for (const auto& p : st.compare.panes)
      if (p.useModel && o.model.empty() && o.compare.find("learned") != std::string::npos)
        return Error{"--compare '" + o.compare + "' has a learned pane: give --model FILE"};
    if (o.model.empty())
      for (auto& p : st.compare.panes) p.useModel = false;
  } else if (o.mode != "forward") {
    return Error{"unknown --mode '" + o.mode + "': choose forward, sde, ode or compare"};
  }
  return true;
}

// The scene the command-line options describe (no --scene).
Expected<ui::Scene> sceneFromOptions(const AppOptions& o) {
  auto state = explorerFrom(o);
  if (!state) return state.error();
  ui::Scene scene = ui::sceneFromState(state.value());
  auto& st = scene.state;
  const bool difference = o.field == "difference";
  const bool exact = o.field == "exact" || o.field == "both" || difference;
  const bool learned = o.field == "learned" || o.field == "both" || difference;
  if (!exact && !learned && o.field != "none")
    return Error{"unknown --field '" + o.field +
                 "': choose none, exact, learned, both or difference"};
  if (learned && o.model.empty())
    return Error{"--field " + o.field + " needs --model FILE (a checkpoint or TorchScript model)"};
  if (o.streamlines && (difference || o.field == "none"))
    return Error{
        "--streamlines draws the probability flow of a score: use --field learned, exact or both"};
  const auto length = ui::parseFieldLength(o.arrowLength);
  if (!length) return Error{"--arrow-length: " + length.error().message};
  if (!(o.arrowScale > 0 && o.arrowScale <= 100))
    return Error{"--arrow-scale must be in (0, 100] world units per unit of score"};
  st.canvas.fieldDifference = difference;
  st.canvas.fieldStreamlines = o.streamlines;
  st.canvas.fieldLength = length.value();
  st.canvas.arrowScale = static_cast<float>(o.arrowScale);
  if (o.scoreError && o.model.empty())
    return Error{"--score-error needs --model FILE (a checkpoint or TorchScript model)"};
  st.canvas.showExactField = exact;
  st.canvas.showLearnedField = learned;
  st.canvas.showDensity = o.density;
  const auto source = ui::parseDensitySource(o.densitySource);
  if (!source) return Error{"--density-source: " + source.error().message};
  st.canvas.densitySource = source.value();
  if (o.densitySource == "model" && o.model.empty())
    return Error{"--density-source model needs --model FILE (a checkpoint or TorchScript model)"};
  st.canvas.showScoreError = o.scoreError;
  const auto colour = ui::parseColourName(o.colour);
  if (!colour) return Error{"--colour: " + colour.error().message};
  st.canvas.colourMode = colour.value();
  st.canvas.fieldResolution = 28;
  if (!o.model.empty()) {
    auto with = ui::withModel(scene, o.model, o.modelMeta);  // an import brings data and SDE
    if (!with) return with.error();
    scene = std::move(with.value());
  }
  st.useModel = !o.model.empty();
  if (auto e = applyMode(o, st); !e) return e.error();
  st.sampler.steps = o.steps;
  return scene;
}

// --step-through / --move over the scene; t follows the shown move. Empty when fine.
std::string applyStepThrough(const AppOptions& o, ui::ExplorerState& st) {
  if (o.stepThrough) st.stepThrough = true;
  if (o.move >= 0) st.move = o.move;
  if (!st.stepThrough)
    return o.move >= 0 ? "--move needs --step-through (or a scene with step_through)" : "";
  if (st.mode != scene::RunMode::ReverseSde || st.compare.enabled)
    return "--step-through needs a reverse-SDE run (--mode sde)";
  if (!ui::stepThroughActive(st)) return "--step-through needs a predictor or a corrector";
  if (st.move >= ui::moveCount(st))
    return "--move " + std::to_string(st.move) + " is past the run's " +
           std::to_string(ui::moveCount(st)) + " moves (0-based: at most " +
           std::to_string(ui::moveCount(st) - 1) + ")";
  ui::stepMove(st, 0);
  return "";
}

}  // namespace

// The scene render draws: --scene (at --stage, with --t) or the one the options describe;
// --score exact sets its model aside.
Expected<ui::Scene> sceneForRender(const AppOptions& o) {
  if (!o.score.empty() && o.score != "exact")
    return Error{"unknown --score '" + o.score + "': the only choice is exact"};
  if (!o.score.empty() && !o.model.empty())
    return Error{"choose one of --model FILE (a checkpoint or TorchScript model) or --score exact"};
  ui::Scene scene;
  if (!o.scene.empty()) {
    if (o.samplerGiven)
      return Error{"--sampler does not apply with --scene: the scene names its sampler"};
    auto loaded = ui::loadScene(o.scene);
    if (!loaded) return loaded.error();
    for (const auto& warning : loaded.value().warnings)
      std::fprintf(stderr, "scorescope render: %s: %s\n", o.scene.c_str(), warning.c_str());
    scene = std::move(loaded.value().scene);
    if (o.stage > 0) {
      auto staged = ui::sceneAtStage(scene, o.stage - 1);
      if (!staged) return Error{o.scene + ": " + staged.error().message};
      scene = std::move(staged.value().scene);
    }
    if (o.tGiven) {
      if (!(o.t >= 0.0 && o.t <= scene.state.sde.T))
        return Error{"--t " + std::to_string(o.t) +
                     " must lie in [0, T = " + std::to_string(scene.state.sde.T) + "]"};
      scene.state.t = o.t;
    }
  } else {
    auto built = sceneFromOptions(o);
    if (!built) return built.error();
    scene = std::move(built.value());
  }

  if (auto e = applyStepThrough(o, scene.state); !e.empty()) return Error{e};
  if (o.score == "exact") scene.model = {};
  return scene;
}

// The model the scene names: a checkpoint, or trained here for its N steps (seeded).
Expected<std::shared_ptr<const train::ModelSnapshot>> sceneModel(const ui::Scene& scene,
                                                                 const AppOptions& o) {
  if (!scene.model.checkpoint.empty())
    return train::loadModelSnapshot(scene.model.checkpoint, "cpu",
                                    train::ModelOpenOptions{scene.model.meta, {}});
  if (scene.model.trainSteps <= 0) return std::shared_ptr<const train::ModelSnapshot>();
  train::TrainProblemSpec spec;
  spec.data = scene.state.data.data;
  spec.sde = scene.state.sde;
  spec.train.seed = scene.model.trainSeed;
  spec.threads = o.threads > 0 ? o.threads : defaultComputeThreads();
  std::printf("training %lld steps (seed %llu) on %s…\n",
              static_cast<long long>(scene.model.trainSteps),
              static_cast<unsigned long long>(scene.model.trainSeed), spec.data.c_str());
  std::fflush(stdout);
  return train::trainSnapshot(spec, scene.model.trainSteps);
}

// Nothing learned to draw: the exact score everywhere.
void dropLearnedLayers(ui::ExplorerState& st) {
  if (st.canvas.showDensity && st.canvas.densitySource == ui::DensitySource::Model)
    std::fprintf(stderr,
                 "scorescope render: the model density needs a model; drawing the exact one\n");
  st.canvas.densitySource = ui::DensitySource::Exact;
  st.canvas.showLearnedField = false;
  st.canvas.showScoreError = false;
  st.useModel = false;
  for (auto& p : st.compare.panes) p.useModel = false;
}

}  // namespace ss::app

#include "ui/app_window.h"

// epoxy before GLFW: GLFW must not pull in the system gl.h first.
#include <epoxy/gl.h>

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <stb/stb_image_write.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <vector>

#include "core/common/assets.h"
#include "core/common/atomic_file.h"
#include "core/scene/density_worker.h"
#include "core/scene/image_interp.h"
#include "core/scene/image_run.h"
#include "core/scene/point_cloud.h"
#include "core/scene/run_worker.h"
#include "core/scene/vector_field.h"
#include "core/train/classifier.h"
#include "core/train/trainer.h"
#include "ui/export/samples_csv.h"
#include "ui/lesson_shell.h"
#include "ui/offscreen_render.h"
#include "ui/panels/canvas_tools_panel.h"
#include "ui/panels/image_panel.h"
#include "ui/panels/interp_panel.h"
#include "ui/panels/panels.h"
#include "ui/panels/widgets.h"
#include "ui/theme.h"
#include "ui/views/canvas2d.h"
#include "ui/views/canvas_tools.h"
#include "ui/views/caption_overlay.h"
#include "ui/views/compare_view.h"
#include "ui/views/image_view.h"
#include "ui/views/mask_painter.h"

namespace ss::ui {

namespace {

// ImGui 1.86 indexes keys by the GLFW backend's key codes. Returns true when a new run
// should be requested (1–3 switch modes, 4 compare, R re-samples).
// `arrowsStepStages`: in presentation mode with a lesson, ←/→ belong to the stages.
bool handleKeys(ExplorerState& state, Canvas2D& canvas, bool arrowsStepStages = false) {
  if (ImGui::GetIO().WantTextInput) return false;
  bool resample = false;
  const scene::RunMode modes[] = {scene::RunMode::Forward, scene::RunMode::ReverseSde,
                                  scene::RunMode::ProbabilityFlow};
  for (int i = 0; i < 4; ++i) {  // 4: compare panes
    const bool compare = i == 3;
    if (!ImGui::IsKeyPressed(GLFW_KEY_1 + i)) continue;
    if (compare ? state.compare.enabled : !state.compare.enabled && state.mode == modes[i])
      continue;
    setCompare(state, compare, compare ? scene::RunMode::ReverseSde : modes[i]);
    resample = true;
  }
  if (ImGui::IsKeyPressed(GLFW_KEY_R) && state.mode != scene::RunMode::Forward) {
    state.t = state.sde.T;
    resample = true;
  }
  const double step = state.sde.T / 100.0;
  if (ImGui::IsKeyPressed(GLFW_KEY_SPACE)) state.playing = !state.playing;
  if (stepThroughActive(state)) {  // step-through: ←/→ one predictor or corrector move
    if (!arrowsStepStages && ImGui::IsKeyPressed(GLFW_KEY_RIGHT)) stepMove(state, 1);
    if (!arrowsStepStages && ImGui::IsKeyPressed(GLFW_KEY_LEFT)) stepMove(state, -1);
    if (ImGui::IsKeyPressed(GLFW_KEY_HOME)) stepMove(state, -moveCount(state));
    if (ImGui::IsKeyPressed(GLFW_KEY_END)) stepMove(state, moveCount(state));
    if (ImGui::IsKeyPressed(GLFW_KEY_F)) canvas.requestFit();
    return resample;
  }
  if (!arrowsStepStages && ImGui::IsKeyPressed(GLFW_KEY_RIGHT))
    state.t = std::min(state.sde.T, state.t + step);
  if (!arrowsStepStages && ImGui::IsKeyPressed(GLFW_KEY_LEFT))
    state.t = std::max(0.0, state.t - step);
  if (ImGui::IsKeyPressed(GLFW_KEY_HOME)) state.t = 0.0;
  if (ImGui::IsKeyPressed(GLFW_KEY_END)) state.t = state.sde.T;
  if (ImGui::IsKeyPressed(GLFW_KEY_F)) canvas.requestFit();
  return resample;
}

// What a reverse run depends on besides its sampler settings: a change re-runs it.
struct RunKey {
  std::string data;
  int64_t n = 0;
  uint64_t seed = 0;
  sde::SdeConfig sde;
  int fixedAxis = -1;
  double fixedValue = 0;
  bool operator==(const RunKey&) const = default;
};

// Frame durations as JSON with their median, p95 and p99 (written atomically); `extra`:
// more fields, e.g. "\"train_steps\":120", saying what the workers did meanwhile.
bool writeFrameTimes(const std::string& path, std::vector<double> ms,
                     const std::string& extra = {}) {
  std::vector<double> sorted = ms;
  std::sort(sorted.begin(), sorted.end());
  auto q = [&](double p) {
    return sorted.empty()
               ? 0.0
               : sorted[std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()))];
  };
  std::ostringstream f;
  f << "{" << (extra.empty() ? "" : extra + ",") << "\"frames\":" << ms.size()
    << ",\"median_ms\":" << q(0.5) << ",\"p95_ms\":" << q(0.95) << ",\"p99_ms\":" << q(0.99)
    << ",\"max_ms\":" << (sorted.empty() ? 0.0 : sorted.back()) << ",\"ms\":[";
  for (size_t i = 0; i < ms.size(); ++i) f << (i ? "," : "") << ms[i];
  f << "]}\n";
  return writeFileAtomic(path, f.str()).ok();
}

bool saveWindow(GLFWwindow* window, const std::string& path) {
  int w = 0, h = 0;
  glfwGetFramebufferSize(window, &w, &h);
  std::vector<unsigned char> px(static_cast<size_t>(w) * h * 4);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  glReadBuffer(GL_BACK);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  // GL rows run bottom to top: flip them here. stbi_flip_vertically_on_write is a
  // process-global flag, and core's data::writePng may be writing on a worker meanwhile.
  const size_t row = static_cast<size_t>(w) * 4;
  for (int y = 0; y < h / 2; ++y)
    std::swap_ranges(px.begin() + y * row, px.begin() + (y + 1) * row,
                     px.begin() + (h - 1 - y) * row);
  return writeFileAtomic(path,
                         [&](const std::string& tmp) {
                           return stbi_write_png(tmp.c_str(), w, h, 4, px.data(), w * 4) != 0;
                         })
      .ok();
}

// Asks for a new score field when what it depends on changed (the worker keeps only the
// newest request, so asking every frame while scrubbing is fine).
struct FieldKey {
  uint64_t snapshot = 0;
  double t = -1;
  std::array<float, 4> bounds{};
  int nx = 0, ny = 0;
  bool learned = false, exact = false;
  int densityNx = 0, densityNy = 0;
  bool scoreError = false;
  bool streamLearned = false, streamExact = false;
  std::string data;
  sde::SdeConfig sde;
  bool operator==(const FieldKey&) const = default;
};

void requestField(scene::FieldWorker& fields, FieldKey& last, const ExplorerState& state,
                  const scene::PointCloud* cloud, const train::Trainer& trainer,
                  const Canvas2D& canvas) {
  const auto& o = state.canvas;
  if (!cloud || (!o.showLearnedField && !o.showExactField && !o.showDensity && !o.showScoreError))
    return;
  uint64_t snapVersion = 0;
  // An untrained network's arrows would only mislead: the learned field starts after step 0.
  const auto trainStats = trainer.stats();
  const bool trained = trainStats && trainStats->step > 0;
  auto snap = trained && (o.showLearnedField || o.showScoreError) ? trainer.snapshot(&snapVersion)
                                                                  : nullptr;
  FieldKey key;
  key.snapshot = snap ? snapVersion : 0;
  key.sde = resolvedSde(state, cloud);
  key.t = std::clamp(state.t, key.sde.eps, key.sde.T);  // the score is singular at t = 0
  key.bounds = canvas.visibleWorld();
  key.nx = std::clamp(o.fieldResolution, 2, 128);
  const float aspect =
      (key.bounds[3] - key.bounds[1]) / std::max(key.bounds[2] - key.bounds[0], 1e-6f);
  key.ny = std::clamp(static_cast<int>(std::lround(key.nx * aspect)), 2, 128);
  key.learned = snap != nullptr;
  key.exact = o.showExactField;
  key.scoreError = o.showScoreError && snap != nullptr;
  // Streamlines of the learned flow, or the exact one when asked or when there is no model.
  const bool stream =
      o.fieldStreamlines && !(o.fieldDifference && o.showLearnedField && o.showExactField);
  key.streamLearned = stream && o.showLearnedField && snap;
  key.streamExact = stream && (o.showExactField || (o.showLearnedField && !snap));
  if (o.showDensity || key.scoreError) {
    key.densityNx = 160;
    key.densityNy = std::clamp(static_cast<int>(std::lround(160 * aspect)), 2, 400);
  }
  key.data = cloud->request.data;
  if (key == last || (!key.learned && !key.exact && !key.streamExact && key.densityNx == 0)) return;
  last = key;
  scene::FieldRequest r;
  r.model = snap;
  r.exact = key.exact;
  r.densityNx = key.densityNx;
  r.densityNy = key.densityNy;
  r.scoreError = key.scoreError;
  r.data = key.data;
  r.sde = key.sde;
  r.t = key.t;
  r.bounds = key.bounds;
  r.nx = key.nx;
  r.ny = key.ny;
  if (key.streamLearned || key.streamExact) {
    r.streamLearned = key.streamLearned;
    r.streamExact = key.streamExact;
    scene::setStreamGrid(r, key.nx);
  }
  fields.request(std::move(r));
}

// The trained classifier a run should be guided by: its newest snapshot when the state asks
// for one and it was trained on the shown data (null otherwise); *used gets its version.
std::shared_ptr<const train::ClassifierSnapshot> classifierFor(
    const ExplorerState& state, const train::ClassifierTrainer& classifier, uint64_t* used) {
  if (!state.trainedClassifier || state.guideClass < 0) return nullptr;
  uint64_t version = 0;
  auto snap = classifier.snapshot(&version);
  if (!snap || snap->spec.data != state.data.data) return nullptr;
  *used = version;
  return snap;
}

// Keeps the background classifier in step with the explorer: guidance by a trained
// classifier starts its training for the shown data and SDE (once per spec, so a failure is
// not retried every frame), and a newly finished classifier re-runs the guided sampler.
// Returns true when a new run should be requested.
bool followClassifier(const ExplorerState& state, const scene::PointCloud* cloud,
                      train::ClassifierTrainer& classifier,
                      std::optional<train::ClassifierSpec>& requested, bool retrain,
                      uint64_t guidedBy) {
  if (!cloud || !state.trainedClassifier || state.guideClass < 0) return false;
  train::ClassifierSpec spec;
  spec.data = state.data.data;
  spec.sde = resolvedSde(state, cloud);
  if (retrain || !requested || !(spec == *requested)) {
    requested = spec;
    classifier.train(spec);
    return false;
  }
  uint64_t version = 0;
  const auto snap = classifier.snapshot(&version);
  const auto st = classifier.stats();
  return snap && version != guidedBy && snap->spec == spec && st &&
         st->status == train::ClassifierStatus::Done && st->step == snap->step;
}
// The model's density (PF-ODE) is seconds of work per grid: ask again only when t or the
// view really changed, and take a new training snapshot only once the last request is done
// and a few seconds have passed, so the refinement can finish while training runs.
struct ModelDensityKey {
  uint64_t snapshot = 0;
  double t = -1;
  std::array<float, 4> bounds{};
  bool coarse = false;     // playing: the coarse level only
  bool recording = false;  // recording: up to kRecordDensityFinest, one model for the whole take
  std::chrono::steady_clock::time_point asked{};
};

// While an animation records, each frame waits for the model's density at its t: refined to
// 64 cells across (a few seconds a frame here) rather than the 128 of a still view (~30 s).
constexpr int kRecordDensityFinest = 64;

constexpr double kModelDensitySnapshotSeconds = 2.5;
constexpr double kModelDensityTolerance =
    1e-4;  // RK45 rtol = atol: ~1e-3 nats, 2–3× fewer steps than 1e-5

bool sameView(const std::array<float, 4>& a, const std::array<float, 4>& b) {
  // Half a finest-grid cell of the view's width: below what the heatmap can show.
  const float tol = 0.5f * std::max(a[2] - a[0], a[3] - a[1]) / 128.0f;
  for (int i = 0; i < 4; ++i)
    if (std::abs(a[i] - b[i]) > tol) return false;
  return true;
}

// Requests the model density when due; returns why there is no grid to show ("" when there is).
// `recording`: a frame of an animation waits for this grid (see kRecordDensityFinest).
std::string requestModelDensity(scene::DensityWorker& worker, ModelDensityKey& last,
                                const ExplorerState& state, const scene::PointCloud* cloud,
                                const train::Trainer& trainer, const Canvas2D& canvas,
                                bool recording) {
  const auto& o = state.canvas;
  if (!cloud || !o.showDensity || o.densitySource != DensitySource::Model) return "";
  const auto trainStats = trainer.stats();
  uint64_t version = 0;
  auto snap = trainStats && trainStats->step > 0 ? trainer.snapshot(&version) : nullptr;
  if (!snap) return "needs a trained model (start training)";
  const auto now = std::chrono::steady_clock::now();
  const auto sdeCfg = resolvedSde(state, cloud);
  const double t = std::clamp(state.t, sdeCfg.eps, sdeCfg.T);
  const auto bounds = canvas.visibleWorld();
  // While playing, t moves every frame: ask for the coarse level alone, once the last one is
  // done, so it keeps up; the refinement follows when the timeline stops.
  const bool coarse = state.playing;
  if (coarse && worker.busy()) return worker.latest() ? "" : "computing\u2026";
  const bool moved = last.snapshot == 0 || std::abs(t - last.t) > 1e-6 ||
                     !sameView(bounds, last.bounds) || coarse != last.coarse ||
                     recording != last.recording;
  const bool newModel =
      !recording && version != last.snapshot && !worker.busy() &&
      std::chrono::duration<double>(now - last.asked).count() >= kModelDensitySnapshotSeconds;
  if (moved || newModel) {
    last = {version, t, bounds, coarse, recording, now};
    scene::DensityRequest r;
    r.model = std::move(snap);
    r.t = t;
    r.bounds = bounds;
    r.rtol = r.atol = kModelDensityTolerance;
    if (coarse) r.finest = r.coarsest;
    if (recording) r.finest = kRecordDensityFinest;
    worker.request(std::move(r));
  }
  if (!worker.latest()) return worker.lastError().empty() ? "computing\u2026" : worker.lastError();
  return "";
}

// The open lesson in the side panel: its title and description, and its stages as buttons.
void drawLessonHeader(LessonShell& shell) {
  const Scene& sc = shell.scene();
  if (!ImGui::CollapsingHeader("Lesson", ImGuiTreeNodeFlags_DefaultOpen)) return;
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(sc.title.c_str());
  if (!sc.description.empty()) ImGui::TextDisabled("%s", sc.description.c_str());
  ImGui::PopTextWrapPos();
  if (!sc.stages.empty()) {
    ImGui::TextDisabled("stages (F5 presents; then ←/→ step them)");
    for (int i = 0; i < static_cast<int>(sc.stages.size()); ++i) {
      if (i > 0) ImGui::SameLine();
      const bool current = shell.stage() == i;
      if (current)
        ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
      if (ImGui::Button(std::to_string(i + 1).c_str())) shell.requestStage(i);
      if (current) ImGui::PopStyleColor();
      if (ImGui::IsItemHovered() && !sc.stages[i].caption.empty())
        ImGui::SetTooltip("%s", sc.stages[i].caption.c_str());
    }
  }
}

// `--record FILE`: the Record action with the saved export size, frames and fps.
FileAction recordOnLaunch(LessonShell& shell, const std::string& out) {
  const Prefs& p = shell.prefs();
  FileAction a;
  a.kind = FileAction::Kind::Record;
  a.path = out;
  a.width = p.exportWidth;
  a.height = p.exportHeight;
  a.frames = p.animationFrames;
  a.fps = p.animationFps;
  return a;
}

// The end of a GUI frame in both explorers: the shell's dialog (last: ImGui 1.86 asserts on
// windows begun after a modal), --record on launch, render, the smoke test's screenshot, swap.
void endGuiFrame(UiContext& ui, LessonShell& shell, const GuiOptions& options, int& frames,
                 bool lastFrame, FileAction& fileAction) {
  if (FileAction d = shell.endFrame(); d.kind != FileAction::Kind::None) fileAction = d;
  if (frames == 0 && !options.record.empty()) fileAction = recordOnLaunch(shell, options.record);
  ui.renderFrame();
  if (lastFrame && !options.screenshot.empty() && !saveWindow(ui.window(), options.screenshot))
    std::fprintf(stderr, "scorescope: cannot write %s\n", options.screenshot.c_str());
  ui.swapBuffers();
  ++frames;
}

// Save, PNG and CSV export, and starting a recording (between GUI frames: they may render
// offscreen). `draw(w, h)` renders the explorer's view; `frame` holds the shown samples (n×2).
void handleFileAction(LessonShell& shell, const FileAction& a, const ExplorerState& state,
                      const scene::ImageRunRequest* images,
                      const std::function<Expected<RenderedImage>(int, int, bool)>& draw,
                      const scene::RunFrame* frame, const std::string& imageCompare = "",
                      const Scene::Interpolation& imageInterpolation = {}) {
  switch (a.kind) {
    case FileAction::Kind::Save:
      shell.save(a.path, state, images, imageCompare, imageInterpolation);
      break;
    case FileAction::Kind::ExportPng: {
      auto image = draw(a.width, a.height, a.transparent);
      auto written = image ? writePng(a.path, image.value()) : Expected<bool>(image.error());
      if (written)
        shell.report("wrote " + a.path + " (" + std::to_string(a.width) + "×" +
                         std::to_string(a.height) + ")",
                     false);
      else
        shell.report(written.error().message, true);
      break;
    }
    case FileAction::Kind::ExportCsv: {
      if (!frame) {
        shell.report("no samples to export: run the reverse SDE or the ODE first", true);
        break;
      }
      auto written = writeSamplesCsv(a.path, frame->x);
      if (written)
        shell.report("wrote " + a.path + " (" + std::to_string(frame->x.size() / 2) +
                         " samples at t = " + std::to_string(frame->t) + ")",
                     false);
      else
        shell.report(written.error().message, true);
      break;
    }
    case FileAction::Kind::Record: {
      const bool forward = state.mode == scene::RunMode::Forward && !images;
      auto started =
          shell.recorder().start(a.path, a.width, a.height, a.frames, a.fps, forward, state.sde.T);
      if (!started) shell.report(started.error().message, true);
      break;
    }
    default:
      break;
  }
}

// "Train from scratch" / "Continue the bundled model" in the image panel (or --train): a Trainer on
// the panel's dataset with a U-Net preset at the loaded images' size, the settings of `scorescope
// train` for images (VP, lr 5e-4, batch 32), started at once. Errors go to the panel; an existing
// trainer is kept when the new one cannot be made.
bool startImageTrainer(ImagePanelState& view, const scene::ImageRunResult* run,
                       const GuiOptions& options, std::unique_ptr<train::Trainer>& trainer,
                       TrainingPanelState& trainingView) {
  view.startTraining = false;
  if (!run || run->size == 0) {
    view.error =
        "cannot train: the dataset did not load" + (run ? ": " + run->error : std::string());
    return false;
  }
  auto unet = nn::unetPreset(view.trainPreset, run->channels, run->size);
  if (!unet) {
    view.error = unet.error().message;
    return false;
  }
  train::TrainProblemSpec spec;
  spec.data = view.draft.data;  // the SDE: VP with the default ε, as `scorescope train`
  spec.net.kind = nn::NetKind::UNet;
  spec.net.unet = unet.value();
  spec.train.lr = 5e-4;
  spec.train.batch = 32;
  spec.train.seed = view.draft.seed;
  spec.device = options.device;
  spec.threads = options.threads;
  trainer = std::make_unique<train::Trainer>(spec);
  if (!view.startFrom.empty()) trainer->loadCheckpoint(view.startFrom);
  trainer->start();
  trainingView = TrainingPanelState{};
  trainingView.netDraft = spec.net;
  trainingView.checkpointPath = "unet.pt";
  view.live = true;
  return true;
}

// The image explorer: the image panel and the timeline on the left, the grid of x_t | x̂₀
// cells filling the rest. The ImageRunWorker samples; this loop only reads its latest result.
// Returns when the window closes, or with *next set when the user opened a 2D scene.
int runImageExplorer(UiContext& ui, const GuiOptions& options, LessonShell& shell,
                     const Scene& opened, std::optional<Scene>* next) {
  ExplorerState state;
  ImagePanelState view;
  InterpPanelState interpView;  // the latent interpolation strip's panel
  bool interpPending = false;   // a scene asked for a strip: sent once the workers exist
  // The timeline plays from T down to 0 on the exact score's VP SDE (ε = 1e-3).
  auto applyScene = [&](const Scene& s) {
    const float scale = state.uiScale;
    state = s.state;
    state.uiScale = scale;
    state.mode = scene::RunMode::ReverseSde;
    state.loop = false;
    state.sde = sde::SdeConfig{};
    state.sde.eps = 1e-3;
    state.t = state.sde.T;
    state.playing = true;
    view.draft = s.images;
    view.draft.data = s.state.data.data;
    view.draft.sampler = s.state.sampler;
    view.samplerPreset = s.state.samplerPreset;
    view.modelPath = view.draft.model;
    view.live = false;
    view.guide = s.images.guideClass >= 0;
    if (view.guide)
      view.guideClass = s.images.guideClass, view.guidance = static_cast<float>(s.images.guidance);
    view.compare = !s.imageCompare.empty();
    if (view.compare) view.comparePreset = s.imageCompare;
    const auto& in = s.imageInterpolation;
    interpView = InterpPanelState{};
    if (in.a >= 0) {
      interpView.indexA = in.a, interpView.indexB = in.b, interpView.frames = in.frames;
      interpView.spherical = in.spherical;
      interpView.started = true;
    }
    interpPending = interpView.started;
    const std::string bundled = assetsDir() + "/models/fashion-mnist-small.pt";
    std::error_code ec;
    view.bundledModel = view.draft.data.rfind("fashion-mnist", 0) == 0 && !assetsDir().empty() &&
                                std::filesystem::is_regular_file(bundled, ec)
                            ? bundled
                            : std::string();
  };
  applyScene(opened);
  state.uiScale = opened.state.uiScale > 0 ? opened.state.uiScale : shell.uiScale;
  view.startTraining = options.startTraining;  // --train: a small U-Net from scratch
  scene::ImageRunWorker worker;
  scene::ImageRunWorker compareWorker;  // the compare grid: the same prior draw, another sampler
  scene::InterpolationWorker interpWorker;  // the latent interpolation strip under the grid
  // "U-Net trained here": a trainer created on demand, its newest EMA snapshot sampled. One
  // for another dataset (a scene switched it) is paused and kept until the explorer closes:
  // destroying it here would join its thread on the UI thread.
  std::unique_ptr<train::Trainer> trainer;
  std::vector<std::unique_ptr<train::Trainer>> retiredTrainers;
  std::string trainerData;  // the dataset `trainer` was made for
  auto liveTrainer = [&] { return trainer && trainerData == view.draft.data; };
  // The live U-Net's newest weights when the panel samples with it (null otherwise, or while
  // there is no trainer or snapshot yet).
  auto liveSnapshot = [&]() -> std::shared_ptr<const train::ModelSnapshot> {
    return view.live && liveTrainer() ? trainer->snapshot() : nullptr;
  };
  std::optional<scene::InterpolationRequest> stripAsked;  // its newest request
  // The strip through the panel's score (the exact one, the checkpoint, or the U-Net training
  // here) and the interpolation panel's images, frames and method.
  auto sendStrip = [&] {
    scene::InterpolationRequest r;
    r.data = view.draft.data;
    r.limit = view.draft.limit;
    r.model = view.draft.model;
    r.snapshot = liveSnapshot();
    applyInterpolationPanel(interpView, r);
    stripAsked = r;
    interpWorker.request(std::move(r));
  };
  // Whether a strip result answers the newest request (not a previous scene's or score's).
  auto stripIsCurrent = [&](const scene::InterpolationResult& s) {
    const auto& a = s.request;
    return stripAsked && a.data == stripAsked->data && a.limit == stripAsked->limit &&
           a.model == stripAsked->model && a.snapshot == stripAsked->snapshot &&
           a.indexA == stripAsked->indexA && a.indexB == stripAsked->indexB &&
           a.frames == stripAsked->frames && a.spherical == stripAsked->spherical;
  };
  TrainingPanelState trainingView;
  uint64_t liveVersion = 0;  // the snapshot version the newest live run samples with
  double liveRequestedAt = -1e9;
  bool livePending = false;  // a live run was asked for before the first trained step
  // Class guidance: a classifier trained (on demand) under the run's SDE.
  train::ClassifierTrainer classifier;
  std::optional<train::ClassifierSpec> classifierSpec;  // what it was last asked to train
  uint64_t classifierVersion = 0;                       // the snapshot the newest run uses
  auto sendRun = [&] {
    view.draft.snapshot.reset();
    view.draft.classifier.reset();
    view.draft.guideClass = -1;
    if (view.guide && classifierSpec && classifierSpec->data == view.draft.data) {
      // Only a classifier trained for this data (a new dataset retrains it first).
      const auto cs = classifier.stats();
      uint64_t version = 0;
      auto snap = classifier.snapshot(&version);
      if (cs && cs->status == train::ClassifierStatus::Done && snap &&
          snap->spec == *classifierSpec) {
        view.draft.classifier = std::move(snap);
        classifierVersion = version;
        view.draft.guideClass = view.guideClass;
        view.draft.guidance = view.guidance;
      }
    }
    if (view.live) {
      const auto st = liveTrainer() ? trainer->stats() : nullptr;
      if (!st || st->step < kLiveFirstSampleStep) {
        livePending = true;  // sent once the trainer has taken its first steps
        return;
      }
      view.draft.snapshot = trainer->snapshot(&liveVersion);
      liveRequestedAt = glfwGetTime();
    }
    livePending = false;
    state.t = state.sde.T;
    state.playing = true;
    worker.request(view.draft);
    if (view.compare) {
      auto other = compareRequest(view);
      if (other)
        compareWorker.request(std::move(other.value()));
      else
        view.error = other.error().message;
    }
  };
  sendRun();
  int frames = 0;
  std::vector<double> frameMs;
  double frameStart = glfwGetTime();
  {
    ImageView
        imageView;  // the grid(s) and the strip; owns GL textures: destroyed before the UiContext
    const scene::ImageRunResult noCompareYet;  // the compare pane before its first result
    // What it shows: the GUI window and the offscreen exports draw the same.
    auto imageViewContent = [&](const scene::ImageRunResult* main,
                                const scene::ImageRunResult* compare,
                                const scene::InterpolationResult* strip) {
      ImageViewContent c;
      c.run = main;
      c.compare = view.compare ? compare : nullptr;
      if (view.compare && !c.compare) c.compare = &noCompareYet;
      c.titles[0] = imageSamplerTitle(view.samplerPreset);
      c.titles[1] = imageSamplerTitle(view.comparePreset);
      c.strip = strip;
      c.t = state.t;
      return c;  // bottomBand: the window sets it (exports have no caption band)
    };
    MaskPainter painter;  // likewise; shown left of the grid while "Paint mask…" is on
    double last = glfwGetTime();
    while (!glfwWindowShouldClose(ui.window())) {
      glfwPollEvents();
      const double now = glfwGetTime();
      if (!options.frameTimes.empty() && frames > 0) frameMs.push_back(1000.0 * (now - frameStart));
      frameStart = now;
      advancePlayback(state, now - last);
      last = now;
      auto run = worker.latest();
      if (run && !run->done && !run->frames.empty())
        holdPlaybackAtRun(state, run->frames.back()->t);
      auto other = view.compare ? compareWorker.latest() : nullptr;
      if (other && !other->done && !other->frames.empty())
        holdPlaybackAtRun(state, other->frames.back()->t);
      const bool runsBusy = worker.busy() || (view.compare && compareWorker.busy());
      const auto trainStats = liveTrainer() ? trainer->stats() : nullptr;
      auto& recorder = shell.recorder();
      // Runs that start by themselves (a newer model, a trained classifier) wait while an
      // animation records (its frames must come from one run); smoke runs (--frames) take the
      // first live run only, so they end.
      const bool autoRuns = !recorder.active();
      if (view.live && trainStats && trainStats->step >= kLiveFirstSampleStep && autoRuns) {
        uint64_t version = 0;
        trainer->snapshot(&version);
        // A run asked for before the first step, or (re-sample as it trains) a newer model
        // once the last run has played out.
        const bool playedOut = run && run->done && !runsBusy && !state.playing;
        if (livePending ||
            (view.resampleWhileTraining && options.maxFrames == 0 && playedOut &&
             version != liveVersion && trainStats->status == train::TrainerStatus::Running &&
             now - liveRequestedAt > 3.0))
          sendRun();
      }
      // Class guidance: (re)train the classifier for this data and SDE; once it is trained,
      // run again, guided.
      const auto clfStats = classifierSpec ? classifier.stats() : nullptr;
      // (The run tells the SDE; a failed run of this data still does, once it has loaded.)
      if (view.guide && run && run->size > 0 && run->request.data == view.draft.data) {
        auto spec = train::imageClassifierSpec(view.draft.data, run->sde);
        spec.seed = view.draft.seed;
        if (!classifierSpec || !(*classifierSpec == spec) ||
            std::exchange(view.retrainClassifier, false)) {
          classifier.train(spec);
          classifierSpec = spec;
        }
        uint64_t v = 0;
        if (autoRuns && clfStats && clfStats->status == train::ClassifierStatus::Done &&
            classifier.snapshot(&v) && v != classifierVersion && !runsBusy)
          sendRun();
      }
      if (recorder.active()) state.t = recorder.targetT(), state.playing = false;
      if (!ImGui::IsAnyItemActive()) ui.setScale(shell.effectiveScale(state.uiScale));
      ui.beginFrame();
      FileAction fileAction = shell.frame(false);  // no point samples to export as CSV here
      bool resample = false;
      if (auto s = shell.takeOpened()) {
        if (!isImageScene(*s)) {
          ImGui::EndFrame();
          shell.uiScale = state.uiScale;
          *next = std::move(*s);
          break;
        }
        applyScene(*s);
        resample = true;
      }
      const float top = shell.top();
      const bool presenting = shell.presentation();
      const bool arrowsStepStages = presenting && !shell.scene().stages.empty();
      if (!ImGui::GetIO().WantTextInput) {
        const double step = state.sde.T / 100.0;
        if (ImGui::IsKeyPressed(GLFW_KEY_R)) resample = true;
        if (ImGui::IsKeyPressed(GLFW_KEY_SPACE)) state.playing = !state.playing;
        if (!arrowsStepStages && ImGui::IsKeyPressed(GLFW_KEY_RIGHT))
          state.t = std::min(state.sde.T, state.t + step);
        if (!arrowsStepStages && ImGui::IsKeyPressed(GLFW_KEY_LEFT))
          state.t = std::max(0.0, state.t - step);
        if (ImGui::IsKeyPressed(GLFW_KEY_HOME)) state.t = 0.0;
        if (ImGui::IsKeyPressed(GLFW_KEY_END)) state.t = state.sde.T;
      }
      const ImVec2 display = ImGui::GetIO().DisplaySize;
      const float panelWidth = presenting ? 0.0f : std::min(26.0f * fonts().size, 0.4f * display.x);
      if (!presenting) {
        ImGui::SetNextWindowPos(ImVec2(0, top));
        ImGui::SetNextWindowSize(ImVec2(panelWidth, display.y - top));
        ImGui::Begin(
            "ScoreScope", nullptr,
            ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse);
        if (!shell.scene().title.empty()) drawLessonHeader(shell);
        resample |= drawImagePanel(view, run.get(), runsBusy, trainStats.get(), clfStats.get());
        if (drawInterpolationPanel(interpView)) sendStrip();
        drawTimelinePanel(state, nullptr);
        ImGui::SliderFloat("UI scale", &state.uiScale, 0.75f, 3.0f, "%.2f×");
        ImGui::Separator();
        ImGui::TextDisabled("%s", options.runtimeLine.c_str());
        ImGui::TextDisabled("%.0f fps", ImGui::GetIO().Framerate);
        if (!fonts().warning.empty()) errorText(fonts().warning);
        ImGui::End();
      }
      // A trainer needs the images' size: it starts once the first run has loaded the data.
      if (view.startTraining && run && (run->size > 0 || !run->error.empty())) {
        if (trainer) {  // another dataset's: paused, destroyed when the explorer closes
          trainer->pause();
          retiredTrainers.push_back(std::move(trainer));
        }
        if (startImageTrainer(view, run.get(), options, trainer, trainingView)) {
          trainerData = view.draft.data;
          sendRun();
        }
      }
      if (resample) sendRun();
      // The strip follows a scene that asks for one, and the panel's data and score (a live
      // model's newer weights do not re-run it: Interpolate does).
      if (std::exchange(interpPending, false) ||
          (interpView.started && stripAsked &&
           (stripAsked->data != view.draft.data || stripAsked->model != view.draft.model ||
            (view.draft.model.empty() && !view.live && stripAsked->limit != view.draft.limit) ||
            // (live or not: compared by whether there is a snapshot to use, so a live choice
            // with no trainer yet does not re-send every frame)
            (liveSnapshot() != nullptr) != (stripAsked->snapshot != nullptr))))
        sendStrip();
      const auto latestStrip = interpView.started ? interpWorker.latest() : nullptr;
      const auto shownStrip = latestStrip && stripIsCurrent(*latestStrip) ? latestStrip : nullptr;

      // Training strip along the bottom while a U-Net trains here (as in the 2D explorer).
      const float stripHeight =
          presenting || !liveTrainer() ? 0.0f : std::min(13.0f * fonts().size, 0.38f * display.y);
      if (stripHeight > 0) {
        ImGui::SetNextWindowPos(ImVec2(panelWidth, display.y - stripHeight));
        ImGui::SetNextWindowSize(ImVec2(display.x - panelWidth, stripHeight));
        ImGui::Begin("##training", nullptr,
                     ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                         ImGuiWindowFlags_NoBringToFrontOnFocus);
        drawTrainingPanel(*trainer, trainStats.get(),
                          trainingView);  // the U-Net has no width/depth to apply
        ImGui::End();
      }

      ImGui::SetNextWindowPos(ImVec2(panelWidth, top));
      ImGui::SetNextWindowSize(ImVec2(display.x - panelWidth, display.y - top - stripHeight));
      ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
      ImGui::Begin("##images", nullptr,
                   ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                       ImGuiWindowFlags_NoBringToFrontOnFocus);
      if (view.paintMask && view.draft.task == scene::ImageTask::Inpaint) {
        const ImVec2 all = ImGui::GetContentRegionAvail();
        // The grid keeps the zoom it has beside a painter of 30 %; the painter takes the rest.
        const float gridW = run && !run->frames.empty()
                                ? ImageGrid::fitWidth(*run, 0.7f * all.x, all.y)
                                : 0.58f * all.x;
        const float w = std::floor(std::clamp(all.x - gridW, 0.3f * all.x, 0.5f * all.x));
        ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(12, 10));
        ImGui::BeginChild("##painter", ImVec2(w, all.y), false,
                          ImGuiWindowFlags_AlwaysUseWindowPadding);
        if (painter.draw(run.get(), w - 24, all.y - 20)) {  // an edit finished, or Inpaint
          view.draft.customMask = painter.mask().pixels();
          sendRun();
        }
        ImGui::EndChild();
        ImGui::PopStyleVar();
        ImGui::SameLine(0, 0);
      }
      const ImVec2 avail = ImGui::GetContentRegionAvail();
      // The interpolation strip, once asked for, takes a band under the grid(s).
      const auto interp = shownStrip;
      if (run && !run->frames.empty()) {
        auto content = imageViewContent(run.get(), other.get(), interp.get());
        content.bottomBand = presenting ? captionBandHeight(shell.caption(), avail.x) : 0.0f;
        imageView.draw(content, avail.x, avail.y);
      } else if (view.live && livePending) {
        ImGui::SetCursorPos(ImVec2(16, 16));
        ImGui::TextDisabled("the first samples come after %lld training steps…",
                            static_cast<long long>(kLiveFirstSampleStep));
      } else {
        ImGui::SetCursorPos(ImVec2(16, 16));
        if (run && !run->error.empty()) {
          errorText(run->error);
        } else {
          ImGui::TextDisabled("loading %s…", view.draft.data.c_str());
          ImGui::SetCursorPosX(16);
          ImGui::ProgressBar(run ? static_cast<float>(run->loadProgress) : 0.0f,
                             ImVec2(20 * ImGui::GetFontSize(), 0));
        }
      }
      if (presenting) {
        const ImVec2 o = ImGui::GetWindowPos(), sz = ImGui::GetWindowSize();
        drawCaptionOverlay(shell.caption(), {o.x, o.y}, {sz.x, sz.y});
      }
      ImGui::End();
      ImGui::PopStyleVar();

      // Smoke tests: stop after maxFrames once the run is done and played to t = 0.
      // (Guidance: once the classifier has trained and guided a run, or failed.)
      const bool guided = !view.guide || classifierVersion != 0 ||
                          (clfStats && clfStats->status == train::ClassifierStatus::Failed);
      const bool interpolated =
          !interpView.started || (shownStrip && shownStrip->done && !interpWorker.busy());
      const bool finished = run && run->done && !runsBusy &&
                            (!view.compare || (other && other->done)) && !livePending && guided &&
                            interpolated && !state.playing;
      const bool lastFrame = options.maxFrames > 0 && frames + 1 >= options.maxFrames &&
                             !recorder.active() &&
                             (finished || frames + 1 >= options.maxFrames + 6000);
      endGuiFrame(ui, shell, options, frames, lastFrame, fileAction);

      // File actions that render offscreen run here, between GUI frames.
      auto drawExport = [&](int w, int h, bool) -> Expected<RenderedImage> {
        if (!run || run->frames.empty()) return Error{"no images to draw yet"};
        // As the window shows it.
        auto content = imageViewContent(run.get(), other.get(), shownStrip.get());
        content.bottomBand = 0;
        return renderImageView(ui, content, w, h);
      };
      scene::ImageRunRequest saved = view.draft;  // the panel's guidance, trained or not yet
      saved.guideClass = view.guide ? view.guideClass : -1;
      saved.guidance = view.guidance;
      Scene::Interpolation interpolation;
      if (interpView.started)
        interpolation = {interpView.indexA, interpView.indexB, interpView.frames,
                         interpView.spherical};
      handleFileAction(shell, fileAction, state, &saved, drawExport, nullptr,
                       view.compare ? view.comparePreset : std::string(), interpolation);
      if (recorder.active()) {
        bool failed = false;
        const auto& prefs = shell.prefs();
        // A frame waits for every run shown (and the strip, when asked for) to be complete.
        // (A recording started while the classifier trains records the unguided run: runs do
        // not switch by themselves during a take.)
        const bool ready = run && run->done && !runsBusy &&
                           (!view.compare || (other && other->done)) && interpolated;
        const std::string msg = recorder.tick(
            ready, [&] { return drawExport(prefs.exportWidth, prefs.exportHeight, false); },
            &failed);
        if (!msg.empty()) shell.report(msg, failed);
      }
      if (lastFrame) break;
    }
  }
  if (!options.frameTimes.empty() && !writeFrameTimes(options.frameTimes, frameMs))
    std::fprintf(stderr, "scorescope: cannot write %s\n", options.frameTimes.c_str());
  return 0;
}

// The 2D explorer. Returns when the window closes, or with *next set when the user opened an
// image scene.
int run2D(UiContext& ui, const GuiOptions& options, LessonShell& shell, const Scene& opened,
          std::optional<Scene>* next) {
  ExplorerState state = opened.state;
  state.uiScale = opened.state.uiScale > 0 ? opened.state.uiScale : shell.uiScale;
  scene::DataWorker worker;
  worker.request(state.data);
  DataPanelState dataView;
  ProcessPanelState processView;
  TrainingPanelState trainingView;
  train::TrainProblemSpec spec;
  spec.data = state.data.data;
  spec.sde = state.sde;
  spec.device = options.device;
  spec.threads = options.threads;
  train::Trainer trainer(spec);
  if (options.startTraining) trainer.start();
  scene::FieldWorker fields;
  scene::DensityWorker modelDensity;  // the model's log p_t through the PF-ODE, refined
  ModelDensityKey lastModelDensity;
  std::string modelDensityPending;
  train::ClassifierTrainer classifier;  // class guidance's trained classifier (on demand)
  std::optional<train::ClassifierSpec> classifierSpec;  // what it was last asked to train
  uint64_t guidedBy = 0;                                // the classifier snapshot the last run used
  FieldKey lastField;
  scene::RunWorker runs;
  RunView runView;
  RunKey lastRun;
  CompareRuns compareRuns;                                // compare mode: one run per pane
  bool firstRun = state.mode != scene::RunMode::Forward;  // started in a reverse mode
  SamplingPanelState samplingView;
  CanvasTools tools;  // probes and drawing on the canvas (owns the probe worker)
  bool scriptedProbes = options.probes.empty();  // --probe: queued once the data is in
  // Scenes: what the open one asks of the model ("train N steps" pauses at N), and whether
  // the camera must re-frame on the next draw.
  SceneModel appliedModel;
  int64_t pauseAtStep = 0;
  bool fitPending = false;
  auto applyModel = [&](const SceneModel& m) {
    if (m == appliedModel) return;
    appliedModel = m;
    if (m.none()) return;
    spec.data = state.data.data;
    spec.sde = state.sde;
    if (m.trainSteps > 0) spec.train.seed = m.trainSeed;
    trainer.setProblem(spec);  // a fresh model on the scene's data and SDE, then:
    if (!m.checkpoint.empty())
      trainer.loadCheckpoint(m.checkpoint);
    else
      trainer.start(), pauseAtStep = m.trainSteps;
  };
  auto applyScene = [&](const Scene& s) {
    const ExplorerState before = state;
    state = s.state;
    state.uiScale = s.state.uiScale > 0 ? s.state.uiScale : before.uiScale;
    if (!(state.data.data == before.data.data && state.data.n == before.data.n &&
          state.data.seed == before.data.seed))
      worker.request(state.data);
    fitPending = true;
    firstRun = state.mode != scene::RunMode::Forward;
    applyModel(s.model);
  };
  applyModel(opened.model);
  int frames = 0;
  std::vector<double> frameMs;
  std::string frameHeavy;  // per timed frame: '1' while training or a reverse run was at work
  double frameStart = glfwGetTime();
  {
    Canvas2D canvas;          // owns GL objects: destroyed before the UiContext
    CompareView compareView;  // compare mode's other panes (GL objects too); canvas is pane 0
    compareView.setLeader(&canvas);
    double last = glfwGetTime();
    while (!glfwWindowShouldClose(ui.window())) {
      glfwPollEvents();
      const double now = glfwGetTime();
      if (!options.frameTimes.empty() && frames > 0) {
        frameMs.push_back(1000.0 * (now - frameStart));
        // Whether the heavy workers (training, a reverse run) were at work during the frame:
        // the benchmark compares frames with and without them.
        const auto st = trainer.stats();
        frameHeavy.push_back(
            (st && st->status == train::TrainerStatus::Running) || runs.busy() ? '1' : '0');
      }
      frameStart = now;
      advancePlayback(state, now - last);
      last = now;

      uint64_t version = 0;
      auto cloud = worker.latest(&version);
      auto stats = trainer.stats();
      // The trainer follows the explorer's dataset and SDE (a change restarts the model).
      if (spec.data != state.data.data || !(spec.sde == state.sde)) {
        spec.data = state.data.data;
        spec.sde = state.sde;
        if (stats) spec.train = stats->train;
        trainer.setProblem(spec);
      }
      if (pauseAtStep > 0 && stats && stats->step >= pauseAtStep) trainer.pause(), pauseAtStep = 0;
      auto& recorder = shell.recorder();
      if (recorder.active()) state.t = recorder.targetT(), state.playing = false;
      if (!ImGui::IsAnyItemActive())
        ui.setScale(shell.effectiveScale(state.uiScale));  // no-op unless it changed
      ui.beginFrame();
      FileAction fileAction = shell.frame(runView.run != nullptr);
      if (auto s = shell.takeOpened()) {
        if (isImageScene(*s)) {
          ImGui::EndFrame();
          shell.uiScale = state.uiScale;
          *next = std::move(*s);
          break;
        }
        applyScene(*s);
      }
      if (std::exchange(fitPending, false)) canvas.requestFit();
      bool resample =
          handleKeys(state, canvas, shell.presentation() && !shell.scene().stages.empty());
      stepMove(state, 0);  // step-through: t stays on the shown move (no-op otherwise)
      const float top = shell.top();
      const bool presenting = shell.presentation();

      const ImVec2 display = ImGui::GetIO().DisplaySize;
      // Presentation mode hides the panels and the training strip: the canvas fills the screen.
      const float panelWidth = presenting ? 0.0f : std::min(26.0f * fonts().size, 0.4f * display.x);
      ImGui::SetNextWindowPos(ImVec2(0, top));
      ImGui::SetNextWindowSize(ImVec2(panelWidth, display.y - top));
      if (!presenting) {
        ImGui::Begin(
            "ScoreScope", nullptr,
            ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse);
        if (!shell.scene().title.empty()) drawLessonHeader(shell);
        if (drawDataPanel(state, dataView, cloud.get(), worker.busy(), worker.lastError()))
          worker.request(state.data);
        if (const auto a = drawCanvasToolsPanel(tools, state, drawnDataDir()); a.dataChanged) {
          worker.request(state.data);  // the drawn CSV; runs, fields and the trainer follow
          if (a.train) {
            spec.data = state.data.data;
            spec.sde = state.sde;
            if (stats) spec.train = stats->train;
            trainer.setProblem(spec);
            trainer.start();
          }
        }
        drawProcessPanel(state, processView, cloud.get());
        const bool comparing = state.compare.enabled;
        resample |= drawSamplingPanel(
            state, samplingView, comparing ? compareRuns.run(0) : runView.run.get(),
            comparing ? compareRuns.busy() : runs.busy(),
            comparing ? compareRuns.lastError() : runs.lastError(), trainer.snapshot() != nullptr);
        bool retrainClassifier = false;
        const auto clfStats = classifier.stats();
        resample |= drawGuidancePanel(state, cloud.get(), clfStats.get(), retrainClassifier);
        resample |= followClassifier(state, cloud.get(), classifier, classifierSpec,
                                     retrainClassifier, guidedBy);
        drawTimelinePanel(state, cloud.get());
        if (drawViewPanel(state, cloud.get())) canvas.requestFit();
        ImGui::Separator();
        ImGui::TextDisabled("%s", options.runtimeLine.c_str());
        ImGui::TextDisabled("%.0f fps · %s particles", ImGui::GetIO().Framerate,
                            cloud ? std::to_string(cloud->n).c_str() : "–");
        if (!fonts().warning.empty()) errorText(fonts().warning);
        if (!canvas.error().empty()) errorText(canvas.error());
        ImGui::End();
      }

      // Training strip along the bottom, under the canvas: controls | loss plot | knobs.
      const float stripHeight =
          presenting ? 0.0f : std::min(13.0f * fonts().size, 0.38f * display.y);
      if (!presenting) {
        ImGui::SetNextWindowPos(ImVec2(panelWidth, display.y - stripHeight));
        ImGui::SetNextWindowSize(ImVec2(display.x - panelWidth, stripHeight));
        ImGui::Begin("##training", nullptr,
                     ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                         ImGuiWindowFlags_NoBringToFrontOnFocus);
        if (drawTrainingPanel(trainer, stats.get(), trainingView)) {
          spec.net = trainingView.netDraft;
          if (stats) spec.train = stats->train;
          trainer.setProblem(spec);
        }
        ImGui::End();
      }

      ImGui::SetNextWindowPos(ImVec2(panelWidth, top));
      ImGui::SetNextWindowSize(ImVec2(display.x - panelWidth, display.y - stripHeight - top));
      ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
      ImGui::Begin("##canvas", nullptr,
                   ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                       ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse);
      const ImVec2 avail = ImGui::GetContentRegionAvail();
      if (cloud && state.mode != scene::RunMode::Forward && !state.compare.enabled) {
        const RunKey key{state.data.data, state.data.n,
                         state.data.seed, resolvedSde(state, cloud.get()),
                         state.fixedAxis, state.fixedValue};
        if (resample || firstRun || !(key == lastRun)) {
          firstRun = false;
          lastRun = key;
          runs.request(runRequestFor(state, cloud.get(), trainer.snapshot(),
                                     classifierFor(state, classifier, &guidedBy)));
        }
        auto latestRun = runs.latest();
        if (latestRun && !latestRun->done && !latestRun->frames.empty())
          holdPlaybackAtRun(state, latestRun->frames.back()->t);
        runView.update(std::move(latestRun), state.t, cloud.get(), state.mode);
      }
      CanvasScene scene = makeCanvasScene(state, cloud, version, &runView);
      scene.field = fields.latest();
      scene.modelDensity = modelDensity.latest();
      scene.modelDensityPending = modelDensityPending;
      scene.modelDensityRefining = modelDensity.busy();
      // In presentation mode the caption band sits under the plot, not over its axis.
      const float band = presenting ? captionBandHeight(shell.caption(), avail.x) : 0.0f;
      // Canvas tools work alike on the canvas and on every compare pane (pane 0 is the canvas).
      std::optional<float> lineDrag;
      const CanvasPointer* pointer = nullptr;
      if (state.compare.enabled) {  // compare mode: the panes (canvas is pane 0)
        if (cloud) compareRuns.update(state, cloud.get(), trainer.snapshot(), resample);
        compareView.setPanEnabled(tools.tool == CanvasTool::Pan);
        compareView.setDecorate([&tools](CanvasScene& s) { tools.decorate(s); });
        compareView.draw(state, cloud, version, compareRuns.views(), {avail.x, avail.y - band},
                         true, scene.field);
        if (compareView.takeUserMoved()) state.canvas.followSpread = false;
        lineDrag = compareView.lineDrag();
        pointer = &compareView.pointer();
      } else {
        canvas.setPanEnabled(tools.tool == CanvasTool::Pan);
        tools.decorate(scene);
        canvas.draw(scene, state.canvas, {avail.x, avail.y - band}, true);
        lineDrag = canvas.lineDrag();
        pointer = &canvas.pointer();
      }
      if (lineDrag) {  // dragging the inpainting line re-runs, live
        const double snapped = std::round(*lineDrag * 100.0) / 100.0;  // 0.01: not a run per pixel
        if (snapped != state.fixedValue) state.fixedValue = snapped;
      }
      tools.handlePointer(*pointer, state, cloud.get(), trainer.snapshot());
      if (cloud && !std::exchange(scriptedProbes, true))
        for (const auto& text : options.probes)
          if (auto p = parseProbeSpec(text))
            tools.probe(p.value().tool, p.value().at, state, cloud.get(), trainer.snapshot(),
                        canvas.geometry().camera.unitsPerPixel);
      tools.poll();
      requestField(fields, lastField, state, cloud.get(), trainer, canvas);
      modelDensityPending = requestModelDensity(modelDensity, lastModelDensity, state, cloud.get(),
                                                trainer, canvas, shell.recorder().active());
      if (canvas.takeUserMoved()) state.canvas.followSpread = false;
      if (presenting) {
        const ImVec2 o = ImGui::GetWindowPos(), sz = ImGui::GetWindowSize();
        drawCaptionOverlay(shell.caption(), {o.x, o.y}, {sz.x, sz.y});
      }
      ImGui::End();
      ImGui::PopStyleVar();

      // Smoke tests: stop after maxFrames once the first cloud has arrived (or a while after).
      const bool lastFrame = options.maxFrames > 0 && frames + 1 >= options.maxFrames &&
                             !recorder.active() &&
                             ((cloud && tools.idle()) || frames + 1 >= options.maxFrames + 600);
      endGuiFrame(ui, shell, options, frames, lastFrame, fileAction);

      // File actions that render offscreen run here, between GUI frames.
      auto fieldNow = [&](const std::array<float, 4>&) { return fields.latest(); };
      const RunView* shownRun =
          state.mode != scene::RunMode::Forward && runView.run ? &runView : nullptr;
      auto drawExport = [&](int w, int h, bool transparent) -> Expected<RenderedImage> {
        if (!cloud) return Error{"no data to draw yet"};
        ExplorerState shown = state;
        shown.canvas.transparentBackground = transparent;
        if (state.compare.enabled)
          return renderCompare(ui, shown, cloud, compareRuns.views(), w, h);
        return renderExplorer(ui, shown, cloud, w, h, fieldNow, shownRun);
      };
      handleFileAction(shell, fileAction, state, nullptr, drawExport, runView.frame.get());
      if (recorder.active()) {
        // A frame is ready when the run is complete and the field (if shown) is for this t;
        // with the model's density shown, also its finished grid at this t (as
        // requestModelDensity: only a model that has trained has one).
        const auto f = fields.latest();
        const auto md = modelDensity.latest();
        const auto ts = trainer.stats();
        FrameReadiness r;
        r.cloud = cloud != nullptr;
        r.runNeeded = state.mode != scene::RunMode::Forward || state.compare.enabled;
        r.runDone = state.compare.enabled ? compareRuns.done() : runView.run && runView.run->done;
        r.fieldNeeded = state.canvas.showDensity || state.canvas.showExactField ||
                        state.canvas.showScoreError ||
                        (state.canvas.showLearnedField && trainer.snapshot());
        if (f) r.fieldT = f->request.t;
        r.modelDensityNeeded = state.canvas.showDensity &&
                               state.canvas.densitySource == DensitySource::Model && ts &&
                               ts->step > 0 && trainer.snapshot();
        if (md) r.densityT = md->request.t, r.densityFinest = md->finest();
        const bool ready =
            frameReady(r, std::clamp(state.t, resolvedSde(state, cloud.get()).eps, state.sde.T));
        bool failed = false;
        const auto& prefs = shell.prefs();
        const std::string msg = recorder.tick(
            ready, [&] { return drawExport(prefs.exportWidth, prefs.exportHeight, false); },
            &failed);
        if (!msg.empty()) shell.report(msg, failed);
      }
      if (lastFrame) break;
    }
  }
  if (!options.frameTimes.empty()) {
    // What the workers got done while the frames were timed (the benchmark's "busy" is busy).
    const auto st = trainer.stats();
    const auto run = runs.latest();
    const std::string extra = "\"train_steps\":" + std::to_string(st ? st->step : 0) +
                              ",\"run_frames\":" + std::to_string(run ? run->frames.size() : 0) +
                              ",\"run_done\":" + (run && run->done ? "true" : "false") +
                              ",\"field\":" + (fields.latest() ? "true" : "false") +
                              ",\"heavy\":\"" + frameHeavy + "\"";
    if (!writeFrameTimes(options.frameTimes, frameMs, extra))
      std::fprintf(stderr, "scorescope: cannot write %s\n", options.frameTimes.c_str());
  }
  return 0;
}

}  // namespace

int runGui(const GuiOptions& options) {
  auto created = UiContext::create(options.window);
  if (!created) {
    std::fprintf(stderr, "scorescope: %s\n", created.error().message.c_str());
    return 2;
  }
  UiContext& ui = *created.value();
  Scene first = options.scene ? *options.scene : sceneFromState(options.initial);
  if (!options.scene && isImageScene(first)) {
    first.images.data = options.initial.data.data;
    first.images.seed = options.initial.data.seed;
    first.state.sampler.steps = options.imageSteps > 0 ? options.imageSteps : 1000;
    first.images.sampler = first.state.sampler;
    if (options.imageLimit > 0) first.images.limit = options.imageLimit;
    first.state.playing = options.initial.playing;
  }
  LessonShell shell(ui, first, options.scenePath);
  if (options.workersYield) shell.prefs().workersYield = *options.workersYield;
  shell.uiScale = options.initial.uiScale > 0 ? options.initial.uiScale : ui.scale();
  if (options.presentation) shell.togglePresentation();
  if (options.lessons == GuiOptions::Lessons::Yes ||
      (options.lessons == GuiOptions::Lessons::FirstLaunch && shell.firstLaunch()))
    shell.showLessons();
  std::optional<Scene> next = std::move(first);
  int code = 0;
  while (next && code == 0) {
    const Scene s = std::move(*next);
    next.reset();
    code = isImageScene(s) ? runImageExplorer(ui, options, shell, s, &next)
                           : run2D(ui, options, shell, s, &next);
  }
  return code;
}

}  // namespace ss::ui

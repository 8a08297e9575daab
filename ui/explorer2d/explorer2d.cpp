#include "ui/explorer2d/explorer2d.h"

// epoxy before GLFW: GLFW must not pull in the system gl.h first.
#include <epoxy/gl.h>

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "core/common/assets.h"
#include "core/scene/density_worker.h"
#include "core/scene/point_cloud.h"
#include "core/scene/run_worker.h"
#include "core/scene/vector_field.h"
#include "core/train/classifier.h"
#include "core/train/trainer.h"
#include "ui/explorer2d/keys.h"
#include "ui/explorer2d/layer_requests.h"
#include "ui/frame_pacer.h"
#include "ui/gui_frame.h"
#include "ui/panels/canvas_tools_panel.h"
#include "ui/panels/panels.h"
#include "ui/panels/widgets.h"
#include "ui/theme.h"
#include "ui/views/canvas2d.h"
#include "ui/views/canvas_tools.h"
#include "ui/views/caption_overlay.h"
#include "ui/views/compare_view.h"

namespace ss::ui {

namespace {

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

class Explorer2D {
 public:
  Explorer2D(UiContext& ui, const GuiOptions& options, LessonShell& shell, const Scene& opened);
  // One GUI frame; false when the loop ends (the last smoke-test frame, or *next was set).
  bool frame(std::optional<Scene>* next);
  void writeTimings() const;

 private:
  void applyModel(const SceneModel& m);
  void applyScene(const Scene& s);
  void restartTrainer(bool keepSettings);
  void beginFrame();
  void drawSidePanel(float width, float top, float height);
  void drawTrainingStrip(float x, float y, float width, float height);
  void drawCanvasWindow(float x, float y, float width, float height);
  void updateRun();
  void drawPlot(Vec2 size);
  void requestLayers();
  void exportAndRecord(const FileAction& fileAction);
  bool recordingFrameReady() const;
  bool runFinishedForBenchmark() const;

  UiContext& m_ui;
  const GuiOptions& m_options;
  LessonShell& m_shell;
  ExplorerState m_state;
  // Workers.
  scene::DataWorker m_data;
  train::TrainProblemSpec m_spec;
  train::Trainer m_trainer;
  scene::FieldWorker m_fields;
  scene::DensityWorker m_modelDensity;    // the model's log p_t through the PF-ODE, refined
  train::ClassifierTrainer m_classifier;  // class guidance's trained classifier (on demand)
  scene::RunWorker m_runs;
  CompareRuns m_compareRuns;  // compare mode: one run per pane
  CanvasTools m_tools;        // probes and drawing on the canvas (owns the probe worker)
  // Panels' own state.
  DataPanelState m_dataView;
  ProcessPanelState m_processView;
  TrainingPanelState m_trainingView;
  SamplingPanelState m_samplingView;
  // Change detection.
  FieldRequester m_fieldRequests;
  ModelDensityRequester m_densityRequests;
  std::string m_modelDensityPending;
  std::optional<train::ClassifierSpec> m_classifierSpec;  // what it was last asked to train
  uint64_t m_guidedBy = 0;  // the classifier snapshot the last run used
  RunView m_runView;
  RunKey m_lastRun;
  bool m_firstRun = false;  // a reverse mode was opened: run once the data is in
  bool m_scriptedProbes = false;
  // Scenes: what the open one asks of the model ("train N steps" pauses at N), and whether
  // the camera must re-frame on the next draw.
  SceneModel m_appliedModel;
  int64_t m_pauseAtStep = 0;
  bool m_fitPending = false;
  // This frame's reads: each snapshot once, so one frame never mixes model versions.
  std::shared_ptr<const scene::PointCloud> m_cloud;
  uint64_t m_cloudVersion = 0;
  std::shared_ptr<const train::TrainerStats> m_stats;
  std::shared_ptr<const train::ModelSnapshot> m_model;
  bool m_resample = false;
  // Views (GL objects: destroyed before the UiContext, with this explorer).
  Canvas2D m_canvas;
  CompareView m_compareView;  // compare mode's other panes; m_canvas is pane 0
  // When frames are drawn (on demand), and whether playback waits for the run.
  FramePacer m_pacer;
  bool m_heldByRun = false;
  double m_runRequestedAt = -1;  // --exit-when-done: when the shown run was asked for
  // Frame timing (the frame-time benchmark) and the smoke test's frame count.
  int m_frames = 0;
  std::vector<double> m_frameMs;
  std::string m_frameHeavy;  // per timed frame: '1' while training or a reverse run was at work
  double m_frameStart = 0, m_last = 0;
};

Explorer2D::Explorer2D(UiContext& ui, const GuiOptions& options, LessonShell& shell,
                       const Scene& opened)
    : m_ui(ui),
      m_options(options),
      m_shell(shell),
      m_state(opened.state),
      m_spec([&] {
        train::TrainProblemSpec spec;
        spec.data = opened.state.data.data;
        spec.sde = opened.state.sde;
        spec.device = options.device;
        spec.threads = options.threads;
        return spec;
      }()),
      m_trainer(m_spec),
      m_firstRun(opened.state.mode != scene::RunMode::Forward),
      m_pacer(options.maxFps, ui.softwareRenderer(),
              options.maxFrames > 0 || !options.frameTimes.empty()),
      m_scriptedProbes(options.probes.empty()) {  // --probe: queued once the data is in
  m_state.uiScale = opened.state.uiScale > 0 ? opened.state.uiScale : shell.uiScale;
  m_data.request(m_state.data);
  if (options.startTraining) m_trainer.start();
  applyModel(opened.model);
  m_compareView.setLeader(&m_canvas);
  m_frameStart = m_last = glfwGetTime();
}

void Explorer2D::applyModel(const SceneModel& m) {
  if (m == m_appliedModel) return;
  m_appliedModel = m;
  if (m.none()) return;
  m_spec.data = m_state.data.data;
  m_spec.sde = m_state.sde;
  if (m.trainSteps > 0) m_spec.train.seed = m.trainSeed;
  m_trainer.setProblem(m_spec);  // a fresh model on the scene's data and SDE, then:
  if (!m.checkpoint.empty())
    m_trainer.loadCheckpoint(m.checkpoint);
  else
    m_trainer.start(), m_pauseAtStep = m.trainSteps;
}

void Explorer2D::applyScene(const Scene& s) {
  const ExplorerState before = m_state;
  m_state = s.state;
  m_state.uiScale = s.state.uiScale > 0 ? s.state.uiScale : before.uiScale;
  if (!(m_state.data.data == before.data.data && m_state.data.n == before.data.n &&
        m_state.data.seed == before.data.seed))
    m_data.request(m_state.data);
  m_fitPending = true;
  m_firstRun = m_state.mode != scene::RunMode::Forward;
  applyModel(s.model);
}

// A fresh model on the explorer's dataset and SDE, with the training settings in force.
void Explorer2D::restartTrainer(bool keepSettings) {
  m_spec.data = m_state.data.data;
  m_spec.sde = m_state.sde;
  if (keepSettings && m_stats) m_spec.train = m_stats->train;
  m_trainer.setProblem(m_spec);
}

// Timing, playback, this frame's reads, and the trainer following the explorer.
void Explorer2D::beginFrame() {
  // The view changes by itself while the timeline plays (unless it waits for the run) or a
  // recording runs; otherwise only input and the workers' results redraw it.
  const bool animating = (m_state.playing && !m_heldByRun) || m_shell.recorder().active();
  m_pacer.waitForFrame(animating, ImGui::IsAnyItemActive() || ImGui::GetIO().WantTextInput);
  const double now = glfwGetTime();
  if (!m_options.frameTimes.empty() && m_frames > 0) {
    m_frameMs.push_back(1000.0 * (now - m_frameStart));
    // Whether the heavy workers (training, a reverse run) were at work during the frame:
    // the benchmark compares frames with and without them.
    const auto st = m_trainer.stats();
    m_frameHeavy.push_back(
        (st && st->status == train::TrainerStatus::Running) || m_runs.busy() ? '1' : '0');
  }
  m_frameStart = now;
  advancePlayback(m_state, now - m_last);
  m_last = now;
  m_cloud = m_data.latest(&m_cloudVersion);
  m_stats = m_trainer.stats();
  m_model = m_trainer.snapshot();
  // The trainer follows the explorer's dataset and SDE (a change restarts the model).
  if (m_spec.data != m_state.data.data || !(m_spec.sde == m_state.sde)) restartTrainer(true);
  if (m_pauseAtStep > 0 && m_stats && m_stats->step >= m_pauseAtStep)
    m_trainer.pause(), m_pauseAtStep = 0;
  auto& recorder = m_shell.recorder();
  if (recorder.active()) m_state.t = recorder.targetT(), m_state.playing = false;
  if (!ImGui::IsAnyItemActive())
    m_ui.setScale(m_shell.effectiveScale(m_state.uiScale));  // no-op unless it changed
  m_ui.beginFrame();
}

bool Explorer2D::frame(std::optional<Scene>* next) {
  beginFrame();
  FileAction fileAction = m_shell.frame(m_runView.run != nullptr);
  if (auto s = m_shell.takeOpened()) {
    if (isImageScene(*s)) {
      ImGui::EndFrame();
      m_shell.uiScale = m_state.uiScale;
      *next = std::move(*s);
      return false;
    }
    applyScene(*s);
  }
  if (std::exchange(m_fitPending, false)) m_canvas.requestFit();
  m_resample =
      handleKeys(m_state, m_canvas, m_shell.presentation() && !m_shell.scene().stages.empty());
  stepMove(m_state, 0);  // step-through: t stays on the shown move (no-op otherwise)
  const float top = m_shell.top();
  const bool presenting = m_shell.presentation();
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  // Presentation mode hides the panels and the training strip: the canvas fills the screen.
  const float panelWidth = presenting ? 0.0f : std::min(26.0f * fonts().size, 0.4f * display.x);
  const float stripHeight = presenting ? 0.0f : std::min(13.0f * fonts().size, 0.38f * display.y);
  if (!presenting) {
    drawSidePanel(panelWidth, top, display.y - top);
    drawTrainingStrip(panelWidth, display.y - stripHeight, display.x - panelWidth, stripHeight);
  }
  drawCanvasWindow(panelWidth, top, display.x - panelWidth, display.y - stripHeight - top);
  // Smoke tests: stop after maxFrames once the first cloud has arrived (or a while after).
  const bool lastFrame =
      isLastFrame(m_options, m_shell, m_frames, (m_cloud && m_tools.idle()), 600);
  endGuiFrame(m_ui, m_shell, m_options, m_frames, lastFrame, fileAction);
  exportAndRecord(fileAction);
  return !lastFrame && !runFinishedForBenchmark();
}

// --exit-when-done: the shown reverse run is done; prints how long it took in the window.
bool Explorer2D::runFinishedForBenchmark() const {
  const auto& run = m_runView.run;
  if (!m_options.exitWhenDone || !run || !run->done || m_runRequestedAt < 0) return false;
  std::printf(
      "{\"run_seconds\":%.3f,\"nfe\":%lld,\"particles\":%lld,\"frames\":%d,"
      "\"max_fps\":%.0f}\n",
      glfwGetTime() - m_runRequestedAt, static_cast<long long>(run->nfe),
      static_cast<long long>(run->n), m_pacer.framesDrawn(), m_pacer.maxFps());
  std::fflush(stdout);
  return true;
}

void Explorer2D::drawSidePanel(float width, float top, float height) {
  beginSidePanel(m_shell, width, top, height);
  const auto* cloud = m_cloud.get();
  if (drawDataPanel(m_state, m_dataView, cloud, m_data.busy(), m_data.lastError()))
    m_data.request(m_state.data);
  if (const auto a = drawCanvasToolsPanel(m_tools, m_state, drawnDataDir()); a.dataChanged) {
    m_data.request(m_state.data);  // the drawn CSV; runs, fields and the trainer follow
    if (a.train) restartTrainer(true), m_trainer.start();
  }
  drawProcessPanel(m_state, m_processView, cloud);
  const bool comparing = m_state.compare.enabled;
  m_resample |= drawSamplingPanel(
      m_state, m_samplingView, comparing ? m_compareRuns.run(0) : m_runView.run.get(),
      comparing ? m_compareRuns.busy() : m_runs.busy(),
      comparing ? m_compareRuns.lastError() : m_runs.lastError(), m_model != nullptr);
  bool retrainClassifier = false;
  const auto clfStats = m_classifier.stats();
  m_resample |= drawGuidancePanel(m_state, cloud, clfStats.get(), retrainClassifier);
  m_resample |= followClassifier(m_state, cloud, m_classifier, m_classifierSpec, retrainClassifier,
                                 m_guidedBy);
  drawTimelinePanel(m_state, cloud);
  if (drawViewPanel(m_state, cloud)) m_canvas.requestFit();
  drawPanelFooter(m_options,
                  " · " + (cloud ? std::to_string(cloud->n) : std::string("–")) + " particles");
  if (!m_canvas.error().empty()) errorText(m_canvas.error());
  ImGui::End();
}

// Along the bottom, under the canvas: controls | loss plot | knobs.
void Explorer2D::drawTrainingStrip(float x, float y, float width, float height) {
  ImGui::SetNextWindowPos(ImVec2(x, y));
  ImGui::SetNextWindowSize(ImVec2(width, height));
  ImGui::Begin("##training", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoBringToFrontOnFocus);
  if (drawTrainingPanel(m_trainer, m_stats.get(), m_trainingView)) {
    m_spec.net = m_trainingView.netDraft;
    if (m_stats) m_spec.train = m_stats->train;
    m_trainer.setProblem(m_spec);
  }
  ImGui::End();
}

void Explorer2D::drawCanvasWindow(float x, float y, float width, float height) {
  ImGui::SetNextWindowPos(ImVec2(x, y));
  ImGui::SetNextWindowSize(ImVec2(width, height));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::Begin("##canvas", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  updateRun();
  // In presentation mode the caption band sits under the plot, not over its axis.
  const bool presenting = m_shell.presentation();
  const float band = presenting ? captionBandHeight(m_shell.caption(), avail.x) : 0.0f;
  drawPlot({avail.x, avail.y - band});
  requestLayers();
  if (m_canvas.takeUserMoved()) m_state.canvas.followSpread = false;
  if (presenting) {
    const ImVec2 o = ImGui::GetWindowPos(), sz = ImGui::GetWindowSize();
    drawCaptionOverlay(m_shell.caption(), {o.x, o.y}, {sz.x, sz.y});
  }
  ImGui::End();
  ImGui::PopStyleVar();
}

// A reverse mode (not compare): (re)request the run when what it depends on changed, and
// pick its frame at t.
void Explorer2D::updateRun() {
  m_heldByRun = false;
  const auto* cloud = m_cloud.get();
  if (!cloud || m_state.mode == scene::RunMode::Forward || m_state.compare.enabled) return;
  const RunKey key{m_state.data.data,           m_state.data.n,    m_state.data.seed,
                   resolvedSde(m_state, cloud), m_state.fixedAxis, m_state.fixedValue};
  if (m_resample || m_firstRun || !(key == m_lastRun)) {
    m_firstRun = false;
    m_lastRun = key;
    m_runRequestedAt = glfwGetTime();
    m_runs.request(
        runRequestFor(m_state, cloud, m_model, classifierFor(m_state, m_classifier, &m_guidedBy)));
  }
  auto latestRun = m_runs.latest();
  m_heldByRun = latestRun && !latestRun->done && !latestRun->frames.empty() &&
                holdPlaybackAtRun(m_state, latestRun->frames.back()->t);
  m_runView.update(std::move(latestRun), m_state.t, cloud, m_state.mode);
}

// The canvas, or compare mode's panes (the canvas is pane 0); canvas tools work alike on
// every pane.
void Explorer2D::drawPlot(Vec2 size) {
  CanvasScene scene = makeCanvasScene(m_state, m_cloud, m_cloudVersion, &m_runView);
  scene.field = m_fields.latest();
  scene.modelDensity = m_modelDensity.latest();
  scene.modelDensityPending = m_modelDensityPending;
  scene.modelDensityRefining = m_modelDensity.busy();
  std::optional<float> lineDrag;
  const CanvasPointer* pointer = nullptr;
  if (m_state.compare.enabled) {
    if (m_cloud) m_compareRuns.update(m_state, m_cloud.get(), m_model, m_resample);
    m_compareView.setPanEnabled(m_tools.tool == CanvasTool::Pan);
    m_compareView.setDecorate([this](CanvasScene& s) { m_tools.decorate(s); });
    m_compareView.draw(m_state, m_cloud, m_cloudVersion, m_compareRuns.views(), size, true,
                       scene.field);
    if (m_compareView.takeUserMoved()) m_state.canvas.followSpread = false;
    lineDrag = m_compareView.lineDrag();
    pointer = &m_compareView.pointer();
  } else {
    m_canvas.setPanEnabled(m_tools.tool == CanvasTool::Pan);
    m_tools.decorate(scene);
    m_canvas.draw(scene, m_state.canvas, size, true);
    lineDrag = m_canvas.lineDrag();
    pointer = &m_canvas.pointer();
  }
  if (lineDrag) {  // dragging the inpainting line re-runs, live
    const double snapped = std::round(*lineDrag * 100.0) / 100.0;  // 0.01: not a run per pixel
    if (snapped != m_state.fixedValue) m_state.fixedValue = snapped;
  }
  m_tools.handlePointer(*pointer, m_state, m_cloud.get(), m_model);
}

// Probes asked on the command line, and the field and model-density workers' requests.
void Explorer2D::requestLayers() {
  const auto* cloud = m_cloud.get();
  if (cloud && !std::exchange(m_scriptedProbes, true))
    for (const auto& text : m_options.probes)
      if (auto p = parseProbeSpec(text))
        m_tools.probe(p.value().tool, p.value().at, m_state, cloud, m_model,
                      m_canvas.geometry().camera.unitsPerPixel);
  m_tools.poll();
  // An untrained network's arrows would only mislead: the learned field starts after step 0.
  const bool trained = m_stats && m_stats->step > 0;
  const Viewport view = m_canvas.viewport();
  if (auto r = m_fieldRequests.next(m_state, cloud, trained ? m_model : nullptr, view))
    m_fields.request(std::move(*r));
  m_modelDensityPending = m_densityRequests.update(m_modelDensity, m_state, cloud, m_trainer, view,
                                                   m_shell.recorder().active());
}

// File actions that render offscreen, and the recording's next frame (between GUI frames).
void Explorer2D::exportAndRecord(const FileAction& fileAction) {
  auto fieldNow = [&](const Viewport&) { return m_fields.latest(); };
  const RunView* shownRun =
      m_state.mode != scene::RunMode::Forward && m_runView.run ? &m_runView : nullptr;
  auto drawExport = [&](int w, int h, bool transparent) -> Expected<RenderedImage> {
    if (!m_cloud) return Error{"no data to draw yet"};
    ExplorerState shown = m_state;
    shown.canvas.transparentBackground = transparent;
    if (m_state.compare.enabled)
      return renderCompare(m_ui, shown, m_cloud, m_compareRuns.views(), w, h);
    return renderExplorer(m_ui, shown, m_cloud, w, h, fieldNow, shownRun);
  };
  handleFileAction(m_shell, fileAction, m_state, nullptr, drawExport, m_runView.frame.get());
  if (m_shell.recorder().active()) tickRecording(m_shell, recordingFrameReady(), drawExport);
}

// A recorded frame is ready when the run is complete and the field (if shown) is for this
// t; with the model's density shown, also its finished grid at this t (only a model that
// has trained has one).
bool Explorer2D::recordingFrameReady() const {
  const auto f = m_fields.latest();
  const auto md = m_modelDensity.latest();
  const auto ts = m_trainer.stats();
  const auto model = m_trainer.snapshot();
  const auto& c = m_state.canvas;
  FrameReadiness r;
  r.cloud = m_cloud != nullptr;
  r.runNeeded = m_state.mode != scene::RunMode::Forward || m_state.compare.enabled;
  r.runDone = m_state.compare.enabled ? m_compareRuns.done() : m_runView.run && m_runView.run->done;
  r.fieldNeeded =
      c.showDensity || c.showExactField || c.showScoreError || (c.showLearnedField && model);
  if (f) r.fieldT = f->request.t;
  r.modelDensityNeeded =
      c.showDensity && c.densitySource == DensitySource::Model && ts && ts->step > 0 && model;
  if (md) r.densityT = md->request.t, r.densityFinest = md->finest();
  return frameReady(r, evaluationTime(resolvedSde(m_state, m_cloud.get()), m_state.t));
}

// What the workers got done while the frames were timed (the benchmark's "busy" is busy).
void Explorer2D::writeTimings() const {
  if (m_options.frameTimes.empty()) return;
  const auto st = m_trainer.stats();
  const auto run = m_runs.latest();
  const std::string extra = "\"train_steps\":" + std::to_string(st ? st->step : 0) +
                            ",\"run_frames\":" + std::to_string(run ? run->frames.size() : 0) +
                            ",\"run_done\":" + (run && run->done ? "true" : "false") +
                            ",\"field\":" + (m_fields.latest() ? "true" : "false") +
                            ",\"heavy\":\"" + m_frameHeavy + "\"";
  if (!writeFrameTimes(m_options.frameTimes, m_frameMs, extra))
    std::fprintf(stderr, "scorescope: cannot write %s\n", m_options.frameTimes.c_str());
}

}  // namespace

int run2D(UiContext& ui, const GuiOptions& options, LessonShell& shell, const Scene& opened,
          std::optional<Scene>* next) {
  Explorer2D explorer(ui, options, shell, opened);
  while (!glfwWindowShouldClose(ui.window()))
    if (!explorer.frame(next)) break;
  explorer.writeTimings();
  return 0;
}

}  // namespace ss::ui

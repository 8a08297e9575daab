#include "ui/explorer2d/explorer2d.h"
#include "ui/explorer2d/explorer2d_impl.h"

// epoxy before GLFW: GLFW must not pull in the system gl.h first.
#include <epoxy/gl.h>

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <variant>
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
namespace detail {

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
      m_scriptedProbes(options.probes.empty()),  // --probe: queued once the data is in
      m_pacer(options.maxFps, ui.softwareRenderer(),
              options.maxFrames > 0 || !options.frameTimes.empty()) {
  m_state.uiScale = opened.state.uiScale > 0 ? opened.state.uiScale : shell.uiScale;
  m_data.request(m_state.data);
  if (options.startTraining) m_trainer.start();
  if (options.solverLab) {  // --solver-lab: open it and run its defaults with the exact score
    m_solverLabView.open = true;
    m_solverLabPending = cmd::RunSolverLab{solverLabSpec(m_solverLabView, 0).take(), false};
  }
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
  setTrainerProblem();  // a fresh model on the scene's data and SDE, then:
  m_awaitingModel = !m.checkpoint.empty();
  if (!m.checkpoint.empty())
    m_trainer.loadCheckpoint(m.checkpoint, m.meta);
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
  setTrainerProblem();
}

void Explorer2D::setTrainerProblem() {
  m_shownModel.problemChanged(m_trainer.snapshot());
  m_trainer.setProblem(m_spec);
}

// Probes show paths under the data and SDE they were dropped on: another clears them.
void Explorer2D::forgetStaleProbes() {
  if (m_cloud) m_tools.followShown(m_cloud->request.data, resolvedSde(m_state, m_cloud.get()));
}

// The newest field, if it is still of the shown data and SDE (not while a new one computes).
std::shared_ptr<const scene::VectorField> Explorer2D::shownField() const {
  auto f = m_fields.latest();
  if (f && !(m_cloud && stillShown(f->request.data, f->request.sde, m_state, *m_cloud))) return {};
  return f;
}

// Timing, playback, this frame's reads, and the trainer following the explorer.
void Explorer2D::beginFrame() {
  // The view changes by itself while the timeline plays (unless it waits for the run) or a
  // recording runs; otherwise only input and the workers' results redraw it.
  const bool animating = (m_state.playing && !m_heldByRun) || m_shell.recorder().active();
  const bool working = (m_stats && m_stats->status == train::TrainerStatus::Running) ||
                       m_runs.busy() || m_compareRuns.busy();
  m_pacer.waitForFrame(animating, ImGui::IsAnyItemActive() || ImGui::GetIO().WantTextInput,
                       working && !m_shell.recorder().active());
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
  m_model = m_shownModel.shown(m_trainer.snapshot(&m_modelVersion));
  forgetStaleProbes();
  // The trainer follows the explorer's dataset and SDE (a change restarts the model).
  if (m_spec.data != m_state.data.data || !(m_spec.sde == m_state.sde)) restartTrainer(true);
  if (m_pauseAtStep > 0 && m_stats && m_stats->step > 0 && m_trainStep0 < 0)
    m_trainStep0 = m_stats->step, m_trainAt0 = now;
  if (m_pauseAtStep > 0 && m_stats && m_stats->step >= m_pauseAtStep) {
    m_trainer.pause(), m_pauseAtStep = 0;
    m_trainStep1 = m_stats->step, m_trainAt1 = now;
  }
  auto& recorder = m_shell.recorder();
  if (recorder.active()) showRecordedFrame(m_state, recorder.targetFrame(), recorder.targetT());
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
  drawSolverLab();
  // Smoke tests: stop after maxFrames once the first cloud has arrived (or a while after).
  const bool lastFrame =
      isLastFrame(m_options, m_shell, m_frames, (m_cloud && m_tools.idle()), 600);
  endGuiFrame(m_ui, m_shell, m_options, m_frames, lastFrame, fileAction);
  exportAndRecord(fileAction);
  return !lastFrame && !runFinishedForBenchmark();
}

// --exit-when-done: the shown reverse run is done (or the scene's training reached its step
// count); prints how long it took in the window.
bool Explorer2D::runFinishedForBenchmark() const {
  if (m_options.exitWhenDone && m_trainStep1 > m_trainStep0 && m_trainStep0 >= 0) {
    std::printf("{\"train_steps\":%lld,\"train_seconds\":%.3f,\"frames\":%d,\"max_fps\":%.0f}\n",
                static_cast<long long>(m_trainStep1 - m_trainStep0), m_trainAt1 - m_trainAt0,
                m_pacer.framesDrawn(), m_pacer.maxFps());
    std::fflush(stdout);
    return true;
  }
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
  drawDataPanel(m_state, m_dataView, cloud, m_data.busy(), m_data.lastError(), *this);
  if (const auto a = drawCanvasToolsPanel(m_tools, m_state, drawnDataDir()); a.dataChanged) {
    m_data.request(m_state.data);  // the drawn CSV; runs, fields and the trainer follow
    if (a.train) restartTrainer(true), m_trainer.start();
  }
  drawProcessPanel(m_state, m_processView, cloud);
  const bool comparing = m_state.compare.enabled;
  drawSamplingPanel(m_state, m_samplingView, comparing ? m_compareRuns.run(0) : m_runView.run.get(),
                    comparing ? m_compareRuns.busy() : m_runs.busy(),
                    comparing ? m_compareRuns.lastError() : m_runs.lastError(), m_model != nullptr,
                    *this);
  const auto clfStats = m_classifier.stats();
  drawGuidancePanel(m_state, cloud, clfStats.get(), *this);
  m_resample |= followClassifier(m_state, cloud, m_classifier, m_classifierSpec,
                                 std::exchange(m_retrainClassifier, false), m_guidedBy);
  drawTimelinePanel(m_state, cloud);
  drawViewPanel(m_state, cloud, *this);
  drawPanelFooter(m_options,
                  " · " + (cloud ? std::to_string(cloud->n) : std::string("–")) + " particles");
  if (!m_canvas.error().empty()) errorText(m_canvas.error());
  endSidePanel();
}

// Along the bottom, under the canvas: controls | loss plot | knobs.
void Explorer2D::drawTrainingStrip(float x, float y, float width, float height) {
  ImGui::SetNextWindowPos(ImVec2(x, y));
  ImGui::SetNextWindowSize(ImVec2(width, height));
  // A scrollbar when the strip overflows (a projector's type scale on a small screen): every
  // control stays reachable.
  ImGui::Begin("##training", nullptr,
               ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize |
                   ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoBringToFrontOnFocus);
  drawTrainingPanel(m_stats.get(), m_trainingView, *this);
  ImGui::End();
}

void Explorer2D::send(const Command& command) {
  if (sendToTrainer(m_trainer, command)) return;
  if (std::holds_alternative<cmd::RequestData>(command)) {
    m_data.request(m_state.data);
  } else if (std::holds_alternative<cmd::RequestRun>(command)) {
    m_resample = true;
  } else if (std::holds_alternative<cmd::FitView>(command)) {
    m_canvas.requestFit();
  } else if (std::holds_alternative<cmd::TrainClassifier>(command)) {
    m_retrainClassifier = true;  // followClassifier starts it, right after the panel
  } else if (const auto* net = std::get_if<cmd::ApplyNet>(&command)) {
    m_spec.net = net->net;  // a fresh model with the settings in force
    m_spec.conditional = net->conditional;
    if (m_stats) m_spec.train = m_stats->train;
    setTrainerProblem();
  } else if (std::holds_alternative<cmd::OpenSolverLab>(command)) {
    m_solverLabView.open = true;
  } else if (const auto* lab = std::get_if<cmd::RunSolverLab>(&command)) {
    m_solverLabPending = *lab;  // sent by drawSolverLab once the data's cloud is in
  }
  // (TrainImageModel is the image explorer's.)
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

// The solver lab's window; a run it asked for goes to the worker once the cloud (VE's σmax)
// is in, with the data and SDE in force and the model when it fits them.
void Explorer2D::drawSolverLab() {
  if (m_solverLabPending && m_cloud) {
    scene::SolverLabRequest r{m_solverLabPending->spec, m_state.data.data,
                              resolvedSde(m_state, m_cloud.get()),
                              m_solverLabPending->learned ? m_model : nullptr};
    m_solverLab.request(std::move(r));
    m_solverLabPending.reset();
  }
  const auto lab = m_solverLab.latest();
  drawSolverLabWindow(m_solverLabView, lab.get(), m_solverLab.busy(), m_solverLab.lastError(),
                      m_model != nullptr, m_state.data.seed, *this);
}

}  // namespace detail

int run2D(UiContext& ui, const GuiOptions& options, LessonShell& shell, const Scene& opened,
          std::optional<Scene>* next) {
  detail::Explorer2D explorer(ui, options, shell, opened);
  while (!glfwWindowShouldClose(ui.window()))
    if (!explorer.frame(next)) break;
  explorer.writeTimings();
  return 0;
}

}  // namespace ss::ui

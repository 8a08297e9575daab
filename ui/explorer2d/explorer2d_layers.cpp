// The 2D explorer's run, plot, layer requests and exports (explorer2d_impl.h).
#include "ui/explorer2d/explorer2d_impl.h"

// epoxy before GLFW: GLFW must not pull in the system gl.h first.
#include <epoxy/gl.h>

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <cmath>
#include <cstdio>

#include "ui/gui_frame.h"

namespace ss::ui::detail {

void Explorer2D::updateRun() {
  m_heldByRun = false;
  const auto* cloud = m_cloud.get();
  if (!cloud || m_state.mode == scene::RunMode::Forward || m_state.compare.enabled) return;
  const RunKey key{m_state.data.data,           m_state.data.n,    m_state.data.seed,
                   resolvedSde(m_state, cloud), m_state.fixedAxis, m_state.fixedValue};
  // A model opened from a file reaches the trainer a moment after the scene: a run that
  // started before it (with the exact score) runs again with it, once.
  bool modelArrived = false;
  if (m_awaitingModel && m_model && m_stats && (m_stats->step > 0 || m_stats->imported)) {
    m_awaitingModel = false;
    modelArrived = !m_firstRun;
  }
  if (m_resample || m_firstRun || modelArrived || !(key == m_lastRun)) {
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
  scene.field = shownField();
  scene.modelDensity = m_modelDensity.latest();
  scene.modelDensityPending = m_modelDensityPending;
  if (const auto& d = scene.modelDensity;
      d && !(m_cloud && stillShown(d->request.data, d->request.sde, m_state, *m_cloud))) {
    scene.modelDensity = nullptr;  // the previous data's or SDE's: the new one is computing
    if (scene.modelDensityPending.empty()) scene.modelDensityPending = "computing\u2026";
  }
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
  const Viewport view = m_canvas.viewport();
  if (auto r = m_fieldRequests.next(m_state, cloud, trainedModel(), view))
    m_fields.request(std::move(*r));
  m_modelDensityPending =
      m_densityRequests.update(m_modelDensity, m_state, cloud, trainedModel(), m_modelVersion, view,
                               m_shell.recorder().active());
}

// An untrained network's arrows would only mislead: the learned field starts after step 0
// (an imported model is trained).
std::shared_ptr<const train::ModelSnapshot> Explorer2D::trainedModel() const {
  const bool trained = m_stats && (m_stats->step > 0 || m_stats->imported);
  return trained ? m_model : nullptr;
}

// File actions that render offscreen, and the recording's next frame (between GUI frames).
void Explorer2D::exportAndRecord(const FileAction& fileAction) {
  auto fieldNow = [&](const Viewport&) { return shownField(); };
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

// A recorded frame is ready when the run is complete and the field (when requestLayers asks
// for one: the same request) is for this t; with the model's density shown, also its
// finished grid at this t (only a model that has trained has one).
bool Explorer2D::recordingFrameReady() const {
  const auto f = shownField();
  const auto md = m_modelDensity.latest();
  const auto model = trainedModel();
  const auto& c = m_state.canvas;
  FrameReadiness r;
  r.cloud = m_cloud != nullptr;
  r.runNeeded = m_state.mode != scene::RunMode::Forward || m_state.compare.enabled;
  r.runDone = m_state.compare.enabled ? m_compareRuns.done() : m_runView.run && m_runView.run->done;
  r.fieldNeeded =
      m_cloud && fieldRequestFor(m_state, *m_cloud, model, m_canvas.viewport()).has_value();
  if (f) r.fieldT = f->request.t;
  r.modelDensityNeeded = c.showDensity && c.densitySource == DensitySource::Model && model;
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

}  // namespace ss::ui::detail

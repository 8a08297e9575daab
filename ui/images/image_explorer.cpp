#include "ui/images/image_explorer.h"

// epoxy before GLFW: GLFW must not pull in the system gl.h first.
#include <epoxy/gl.h>

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/common/assets.h"
#include "core/scene/image_interp.h"
#include "core/scene/image_run.h"
#include "core/train/classifier.h"
#include "core/train/trainer.h"
#include "ui/frame_pacer.h"
#include "ui/gui_frame.h"
#include "ui/images/image_scene.h"
#include "ui/images/image_trainer.h"
#include "ui/panels/commands.h"
#include "ui/panels/image_panel.h"
#include "ui/panels/interp_panel.h"
#include "ui/panels/panels.h"
#include "ui/panels/widgets.h"
#include "ui/session/requests.h"
#include "ui/theme.h"
#include "ui/views/caption_overlay.h"
#include "ui/views/image_view.h"
#include "ui/views/mask_painter.h"

namespace ss::ui {

namespace {

// The panels' CommandSink: what they send is acted on as it arrives.
class ImageExplorer : public CommandSink {
 public:
  ImageExplorer(UiContext& ui, const GuiOptions& options, LessonShell& shell, const Scene& opened);
  // One GUI frame; false when the loop ends (the last smoke-test frame, or *next was set).
  bool frame(std::optional<Scene>* next);
  void writeTimings() const;
  void send(const Command& command) override;

 private:
  void applyScene(const Scene& s);
  void sendRun();
  void sendStrip();
  bool stripIsCurrent(const scene::InterpolationResult& s) const;
  std::shared_ptr<const train::ModelSnapshot> liveSnapshot() const;
  bool liveTrainer() const { return m_trainer.trainer && m_trainer.data == m_view.draft.data; }
  void beginFrame();
  void followTraining(double now);
  void followClassifier();
  bool handleKeys();
  void drawSidePanel(float width, float top, float height);
  void followStrip();
  void drawImages(float x, float y, float width, float height);
  void drawPainter(ImVec2 all);
  ImageViewContent content() const;
  bool finished() const;
  void exportAndRecord(const FileAction& fileAction);

  UiContext& m_ui;
  const GuiOptions& m_options;
  LessonShell& m_shell;
  ExplorerState m_state;
  ImagePanelState m_view;
  InterpPanelState m_interpView;  // the latent interpolation strip's panel
  bool m_interpPending = false;   // a scene asked for a strip: sent once the workers exist
  scene::ImageRunWorker m_worker;
  scene::ImageRunWorker m_compareWorker;      // the compare grid: the same prior, another sampler
  scene::InterpolationWorker m_interpWorker;  // the latent interpolation strip under the grid
  ImageTrainerSlot m_trainer;                 // "U-Net trained here", made on demand
  std::optional<scene::InterpolationRequest> m_stripAsked;  // its newest request
  TrainingPanelState m_trainingView;
  uint64_t m_liveVersion = 0;  // the snapshot version the newest live run samples with
  double m_liveRequestedAt = -1e9;
  bool m_livePending = false;  // a live run was asked for before the first trained step
  // Class guidance: a classifier trained (on demand) under the run's SDE.
  train::ClassifierTrainer m_classifier;
  std::optional<train::ClassifierSpec> m_classifierSpec;  // what it was last asked to train
  uint64_t m_classifierVersion = 0;                       // the snapshot the newest run uses
  bool m_retrainClassifier = false;                       // the panel asked to retrain it
  // This frame's reads.
  std::shared_ptr<const scene::ImageRunResult> m_run, m_other;
  std::shared_ptr<const scene::InterpolationResult> m_shownStrip;
  std::shared_ptr<const train::TrainerStats> m_trainStats;
  std::shared_ptr<const train::ClassifierStats> m_clfStats;
  bool m_runsBusy = false;
  bool m_resample = false;
  // Views (GL textures: destroyed before the UiContext, with this explorer).
  ImageView m_imageView;                       // the grid(s) and the strip
  const scene::ImageRunResult m_noCompareYet;  // the compare pane before its first result
  MaskPainter m_painter;                       // shown left of the grid while "Paint mask…" is on
  FramePacer m_pacer;                          // frames on demand
  bool m_heldByRun = false;
  double m_runRequestedAt = -1;  // --exit-when-done: when the newest run was asked for
  int m_frames = 0;
  std::vector<double> m_frameMs;
  double m_frameStart = 0, m_last = 0;
};

ImageExplorer::ImageExplorer(UiContext& ui, const GuiOptions& options, LessonShell& shell,
                             const Scene& opened)
    : m_ui(ui),
      m_options(options),
      m_shell(shell),
      m_pacer(options.maxFps, ui.softwareRenderer(),
              options.maxFrames > 0 || !options.frameTimes.empty()) {
  applyScene(opened);
  m_state.uiScale = opened.state.uiScale > 0 ? opened.state.uiScale : shell.uiScale;
  if (options.startTraining) m_trainer.asked = "";  // --train: a small U-Net from scratch
  sendRun();
  m_frameStart = m_last = glfwGetTime();
}

void ImageExplorer::applyScene(const Scene& s) {
  applyImageScene(s, m_state, m_view, m_interpView);
  m_interpPending = m_interpView.started;
}

// The live U-Net's newest weights when the panel samples with it (null otherwise, or while
// there is no trainer or snapshot yet).
std::shared_ptr<const train::ModelSnapshot> ImageExplorer::liveSnapshot() const {
  return m_view.live && liveTrainer() ? m_trainer.trainer->snapshot() : nullptr;
}

// The strip through the panel's score (the exact one, the checkpoint, or the U-Net training
// here) and the interpolation panel's images, frames and method.
void ImageExplorer::sendStrip() {
  scene::ImageRunRequest run = m_view.draft;
  run.snapshot = liveSnapshot();
  auto r = interpolationRequestFor(run, stripOf(m_interpView));
  m_stripAsked = r;
  m_interpWorker.request(std::move(r));
}

// Whether a strip result answers the newest request (not a previous scene's or score's).
bool ImageExplorer::stripIsCurrent(const scene::InterpolationResult& s) const {
  const auto& a = s.request;
  const auto& b = m_stripAsked;
  return b && a.data == b->data && a.limit == b->limit && a.model == b->model &&
         a.snapshot == b->snapshot && a.indexA == b->indexA && a.indexB == b->indexB &&
         a.frames == b->frames && a.spherical == b->spherical;
}

void ImageExplorer::sendRun() {
  auto& view = m_view;
  view.draft.snapshot.reset();
  view.draft.classifier.reset();
  view.draft.guideClass = -1;
  if (view.guide && m_classifierSpec && m_classifierSpec->data == view.draft.data) {
    // Only a classifier trained for this data (a new dataset retrains it first).
    const auto cs = m_classifier.stats();
    uint64_t version = 0;
    auto snap = m_classifier.snapshot(&version);
    if (cs && cs->status == train::ClassifierStatus::Done && snap &&
        snap->spec == *m_classifierSpec) {
      view.draft.classifier = std::move(snap);
      m_classifierVersion = version;
      view.draft.guideClass = view.guideClass;
      view.draft.guidance = view.guidance;
    }
  }
  if (view.live) {
    const auto st = liveTrainer() ? m_trainer.trainer->stats() : nullptr;
    if (!st || st->step < kLiveFirstSampleStep) {
      m_livePending = true;  // sent once the trainer has taken its first steps
      return;
    }
    view.draft.snapshot = m_trainer.trainer->snapshot(&m_liveVersion);
    m_liveRequestedAt = glfwGetTime();
  }
  m_livePending = false;
  m_runRequestedAt = glfwGetTime();
  m_state.t = m_state.sde.T;
  m_state.playing = true;
  m_worker.request(view.draft);
  if (view.compare) {
    auto other = compareRequest(view);
    if (other)
      m_compareWorker.request(std::move(other.value()));
    else
      view.error = other.error().message;
  }
}

void ImageExplorer::beginFrame() {
  const bool animating = (m_state.playing && !m_heldByRun) || m_shell.recorder().active();
  const bool working =  // last frame's view of the runs and the trainer
      m_runsBusy || (m_trainStats && m_trainStats->status == train::TrainerStatus::Running);
  m_pacer.waitForFrame(animating, ImGui::IsAnyItemActive() || ImGui::GetIO().WantTextInput,
                       working && !m_shell.recorder().active());
  const double now = glfwGetTime();
  if (!m_options.frameTimes.empty() && m_frames > 0)
    m_frameMs.push_back(1000.0 * (now - m_frameStart));
  m_frameStart = now;
  advancePlayback(m_state, now - m_last);
  m_last = now;
  m_run = m_worker.latest();
  m_heldByRun = false;
  if (m_run && !m_run->done && !m_run->frames.empty())
    m_heldByRun = holdPlaybackAtRun(m_state, m_run->frames.back()->t);
  m_other = m_view.compare ? m_compareWorker.latest() : nullptr;
  if (m_other && !m_other->done && !m_other->frames.empty())
    m_heldByRun |= holdPlaybackAtRun(m_state, m_other->frames.back()->t);
  m_runsBusy = m_worker.busy() || (m_view.compare && m_compareWorker.busy());
  m_trainStats = liveTrainer() ? m_trainer.trainer->stats() : nullptr;
  followTraining(now);
  followClassifier();
  auto& recorder = m_shell.recorder();
  if (recorder.active()) m_state.t = recorder.targetT(), m_state.playing = false;
  if (!ImGui::IsAnyItemActive()) m_ui.setScale(m_shell.effectiveScale(m_state.uiScale));
  m_ui.beginFrame();
}

// Runs that start by themselves (a newer model, a trained classifier) wait while an
// animation records (its frames must come from one run); smoke runs (--frames) take the
// first live run only, so they end.
void ImageExplorer::followTraining(double now) {
  const auto& st = m_trainStats;
  if (!m_view.live || !st || st->step < kLiveFirstSampleStep || m_shell.recorder().active()) return;
  uint64_t version = 0;
  m_trainer.trainer->snapshot(&version);
  // A run asked for before the first step, or (re-sample as it trains) a newer model once
  // the last run has played out.
  const bool playedOut = m_run && m_run->done && !m_runsBusy && !m_state.playing;
  if (m_livePending || (m_view.resampleWhileTraining && m_options.maxFrames == 0 && playedOut &&
                        version != m_liveVersion && st->status == train::TrainerStatus::Running &&
                        now - m_liveRequestedAt > 3.0))
    sendRun();
}

// Class guidance: (re)train the classifier for this data and SDE; once it is trained, run
// again, guided. (The run tells the SDE; a failed run of this data still does, once it has
// loaded.)
void ImageExplorer::followClassifier() {
  m_clfStats = m_classifierSpec ? m_classifier.stats() : nullptr;
  auto& view = m_view;
  if (!view.guide || !m_run || m_run->size == 0 || m_run->request.data != view.draft.data) return;
  auto spec = train::imageClassifierSpec(view.draft.data, m_run->sde);
  spec.seed = view.draft.seed;
  if (!m_classifierSpec || !(*m_classifierSpec == spec) ||
      std::exchange(m_retrainClassifier, false)) {
    m_classifier.train(spec);
    m_classifierSpec = spec;
  }
  uint64_t v = 0;
  if (!m_shell.recorder().active() && m_clfStats &&
      m_clfStats->status == train::ClassifierStatus::Done && m_classifier.snapshot(&v) &&
      v != m_classifierVersion && !m_runsBusy)
    sendRun();
}

bool ImageExplorer::handleKeys() {
  if (ImGui::GetIO().WantTextInput) return false;
  const bool arrowsStepStages = m_shell.presentation() && !m_shell.scene().stages.empty();
  auto& s = m_state;
  const double step = s.sde.T / 100.0;
  if (ImGui::IsKeyPressed(GLFW_KEY_SPACE)) s.playing = !s.playing;
  if (!arrowsStepStages && ImGui::IsKeyPressed(GLFW_KEY_RIGHT)) s.t = std::min(s.sde.T, s.t + step);
  if (!arrowsStepStages && ImGui::IsKeyPressed(GLFW_KEY_LEFT)) s.t = std::max(0.0, s.t - step);
  if (ImGui::IsKeyPressed(GLFW_KEY_HOME)) s.t = 0.0;
  if (ImGui::IsKeyPressed(GLFW_KEY_END)) s.t = s.sde.T;
  return ImGui::IsKeyPressed(GLFW_KEY_R);
}

bool ImageExplorer::frame(std::optional<Scene>* next) {
  beginFrame();
  FileAction fileAction = m_shell.frame(false);  // no point samples to export as CSV here
  m_resample = false;
  if (auto s = m_shell.takeOpened()) {
    if (!isImageScene(*s)) {
      ImGui::EndFrame();
      m_shell.uiScale = m_state.uiScale;
      *next = std::move(*s);
      return false;
    }
    applyScene(*s);
    m_resample = true;
  }
  const float top = m_shell.top();
  const bool presenting = m_shell.presentation();
  m_resample |= handleKeys();
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  const float panelWidth = presenting ? 0.0f : std::min(26.0f * fonts().size, 0.4f * display.x);
  if (!presenting) drawSidePanel(panelWidth, top, display.y - top);
  if (m_trainer.startWhenLoaded(m_view, m_run.get(), m_options, m_trainingView)) sendRun();
  if (m_resample) sendRun();
  followStrip();
  // Training strip along the bottom while a U-Net trains here (as in the 2D explorer).
  const float stripHeight =
      presenting || !liveTrainer() ? 0.0f : std::min(13.0f * fonts().size, 0.38f * display.y);
  if (stripHeight > 0) {
    ImGui::SetNextWindowPos(ImVec2(panelWidth, display.y - stripHeight));
    ImGui::SetNextWindowSize(ImVec2(display.x - panelWidth, stripHeight));
    ImGui::Begin("##training", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);
    drawTrainingPanel(m_trainStats.get(), m_trainingView, *this);
    ImGui::End();
  }
  drawImages(panelWidth, top, display.x - panelWidth, display.y - top - stripHeight);
  const bool lastFrame = isLastFrame(m_options, m_shell, m_frames, finished(), 6000);
  endGuiFrame(m_ui, m_shell, m_options, m_frames, lastFrame, fileAction);
  exportAndRecord(fileAction);
  if (m_options.exitWhenDone && finished()) {  // the liveness benchmark's hook
    std::printf("{\"run_seconds\":%.3f,\"nfe\":%lld,\"frames\":%d,\"max_fps\":%.0f}\n",
                glfwGetTime() - m_runRequestedAt, static_cast<long long>(m_run->frames.back()->nfe),
                m_pacer.framesDrawn(), m_pacer.maxFps());
    std::fflush(stdout);
    return false;
  }
  return !lastFrame;
}

void ImageExplorer::drawSidePanel(float width, float top, float height) {
  beginSidePanel(m_shell, width, top, height);
  drawImagePanel(m_view, m_run.get(), m_runsBusy, m_trainStats.get(), m_clfStats.get(), *this);
  drawInterpolationPanel(m_interpView, *this);
  drawTimelinePanel(m_state, nullptr);
  ImGui::SliderFloat("UI scale", &m_state.uiScale, 0.75f, 3.0f, "%.2f×");
  drawPanelFooter(m_options);
  endSidePanel();
}

void ImageExplorer::send(const Command& command) {
  if (liveTrainer() && sendToTrainer(*m_trainer.trainer, command)) return;
  if (std::holds_alternative<cmd::RequestRun>(command))
    m_resample = true;
  else if (std::holds_alternative<cmd::TrainClassifier>(command))
    m_retrainClassifier = true;  // followClassifier starts it
  else if (std::holds_alternative<cmd::RequestInterpolation>(command))
    sendStrip();
  else if (const auto* train = std::get_if<cmd::TrainImageModel>(&command))
    m_trainer.asked = train->from;  // started once the data has loaded
  // (The U-Net has no width or depth to apply: ApplyNet is the 2D explorer's.)
}

// The strip follows a scene that asks for one, and the panel's data and score (a live
// model's newer weights do not re-run it: Interpolate does).
void ImageExplorer::followStrip() {
  const auto& a = m_stripAsked;
  const auto& d = m_view.draft;
  if (std::exchange(m_interpPending, false) ||
      (m_interpView.started && a &&
       (a->data != d.data || a->model != d.model ||
        (d.model.empty() && !m_view.live && a->limit != d.limit) ||
        // (live or not: compared by whether there is a snapshot to use, so a live choice
        // with no trainer yet does not re-send every frame)
        (liveSnapshot() != nullptr) != (a->snapshot != nullptr))))
    sendStrip();
  const auto latest = m_interpView.started ? m_interpWorker.latest() : nullptr;
  m_shownStrip = latest && stripIsCurrent(*latest) ? latest : nullptr;
}

// What the grid shows: the GUI window and the offscreen exports draw the same (bottomBand:
// the window sets it; exports have no caption band).
ImageViewContent ImageExplorer::content() const {
  ImageViewContent c;
  c.run = m_run.get();
  c.compare = m_view.compare ? m_other.get() : nullptr;
  if (m_view.compare && !c.compare) c.compare = &m_noCompareYet;
  c.titles[0] = imageSamplerTitle(m_view.samplerPreset);
  c.titles[1] = imageSamplerTitle(m_view.comparePreset);
  c.strip = m_shownStrip.get();
  c.t = m_state.t;
  return c;
}

void ImageExplorer::drawImages(float x, float y, float width, float height) {
  ImGui::SetNextWindowPos(ImVec2(x, y));
  ImGui::SetNextWindowSize(ImVec2(width, height));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::Begin("##images", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoBringToFrontOnFocus);
  if (m_view.paintMask && m_view.draft.task == scene::ImageTask::Inpaint)
    drawPainter(ImGui::GetContentRegionAvail());
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const bool presenting = m_shell.presentation();
  if (m_run && !m_run->frames.empty()) {
    auto c = content();
    c.bottomBand = presenting ? captionBandHeight(m_shell.caption(), avail.x) : 0.0f;
    m_imageView.draw(c, avail.x, avail.y);
  } else if (m_view.live && m_livePending) {
    ImGui::SetCursorPos(ImVec2(16, 16));
    ImGui::TextDisabled("the first samples come after %lld training steps…",
                        static_cast<long long>(kLiveFirstSampleStep));
  } else {
    ImGui::SetCursorPos(ImVec2(16, 16));
    if (m_run && !m_run->error.empty()) {
      errorText(m_run->error);
    } else {
      ImGui::TextDisabled("loading %s…", m_view.draft.data.c_str());
      ImGui::SetCursorPosX(16);
      ImGui::ProgressBar(m_run ? static_cast<float>(m_run->loadProgress) : 0.0f,
                         ImVec2(20 * ImGui::GetFontSize(), 0));
    }
  }
  if (presenting) {
    const ImVec2 o = ImGui::GetWindowPos(), sz = ImGui::GetWindowSize();
    drawCaptionOverlay(m_shell.caption(), {o.x, o.y}, {sz.x, sz.y});
  }
  ImGui::End();
  ImGui::PopStyleVar();
}

// The mask painter left of the grid: the grid keeps the zoom it has beside a painter of 30 %;
// the painter takes the rest.
void ImageExplorer::drawPainter(ImVec2 all) {
  const float gridW = m_run && !m_run->frames.empty()
                          ? ImageGrid::fitWidth(*m_run, 0.7f * all.x, all.y)
                          : 0.58f * all.x;
  const float w = std::floor(std::clamp(all.x - gridW, 0.3f * all.x, 0.5f * all.x));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(12, 10));
  ImGui::BeginChild("##painter", ImVec2(w, all.y), false, ImGuiWindowFlags_AlwaysUseWindowPadding);
  if (m_painter.draw(m_run.get(), w - 24, all.y - 20)) {  // an edit finished, or Inpaint
    m_view.draft.customMask = m_painter.mask().pixels();
    sendRun();
  }
  ImGui::EndChild();
  ImGui::PopStyleVar();
  ImGui::SameLine(0, 0);
}

// Smoke tests stop once the run is done and played to t = 0 (with guidance: once the
// classifier has trained and guided a run, or failed; with a strip: once it is done).
bool ImageExplorer::finished() const {
  const bool guided = !m_view.guide || m_classifierVersion != 0 ||
                      (m_clfStats && m_clfStats->status == train::ClassifierStatus::Failed);
  const bool interpolated =
      !m_interpView.started || (m_shownStrip && m_shownStrip->done && !m_interpWorker.busy());
  return m_run && m_run->done && !m_runsBusy && (!m_view.compare || (m_other && m_other->done)) &&
         !m_livePending && guided && interpolated && !m_state.playing;
}

// File actions that render offscreen, and the recording's next frame (between GUI frames).
void ImageExplorer::exportAndRecord(const FileAction& fileAction) {
  auto drawExport = [&](int w, int h, bool) -> Expected<RenderedImage> {
    if (!m_run || m_run->frames.empty()) return Error{"no images to draw yet"};
    auto c = content();  // as the window shows it
    c.bottomBand = 0;
    return renderImageView(m_ui, c, w, h);
  };
  scene::ImageRunRequest saved = m_view.draft;  // the panel's guidance, trained or not yet
  saved.guideClass = m_view.guide ? m_view.guideClass : -1;
  saved.guidance = m_view.guidance;
  Scene::Interpolation interpolation;
  if (m_interpView.started) interpolation = stripOf(m_interpView);
  handleFileAction(m_shell, fileAction, m_state, &saved, drawExport, nullptr,
                   m_view.compare ? m_view.comparePreset : std::string(), interpolation);
  auto& recorder = m_shell.recorder();
  if (!recorder.active()) return;
  // A frame waits for every run shown (and the strip, when asked for) to be complete. (A
  // recording started while the classifier trains records the unguided run: runs do not
  // switch by themselves during a take.)
  const bool interpolated =
      !m_interpView.started || (m_shownStrip && m_shownStrip->done && !m_interpWorker.busy());
  const bool ready = m_run && m_run->done && !m_runsBusy &&
                     (!m_view.compare || (m_other && m_other->done)) && interpolated;
  tickRecording(m_shell, ready, drawExport);
}

void ImageExplorer::writeTimings() const {
  if (!m_options.frameTimes.empty() && !writeFrameTimes(m_options.frameTimes, m_frameMs))
    std::fprintf(stderr, "scorescope: cannot write %s\n", m_options.frameTimes.c_str());
}

}  // namespace

int runImageExplorer(UiContext& ui, const GuiOptions& options, LessonShell& shell,
                     const Scene& opened, std::optional<Scene>* next) {
  ImageExplorer explorer(ui, options, shell, opened);
  while (!glfwWindowShouldClose(ui.window()))
    if (!explorer.frame(next)) break;
  explorer.writeTimings();
  return 0;
}

}  // namespace ss::ui

#include "ui/app_window.h"

#include <epoxy/gl.h>
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <stb/stb_image_write.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include "core/scene/image_run.h"
#include "core/scene/point_cloud.h"
#include "core/scene/run_worker.h"
#include "core/scene/vector_field.h"
#include "core/train/trainer.h"
#include "ui/panels/image_panel.h"
#include "ui/panels/panels.h"
#include "ui/panels/widgets.h"
#include "ui/theme.h"
#include "ui/views/canvas2d.h"
#include "ui/views/image_grid.h"
#include "ui/views/mask_painter.h"

namespace ss::ui {

namespace {

// ImGui 1.86 indexes keys by the GLFW backend's key codes. Returns true when a new run
// should be requested (1–3 switch modes, R re-samples).
bool handleKeys(ExplorerState& state, Canvas2D& canvas) {
  if (ImGui::GetIO().WantTextInput) return false;
  bool resample = false;
  const scene::RunMode modes[] = {scene::RunMode::Forward, scene::RunMode::ReverseSde,
                                  scene::RunMode::ProbabilityFlow};
  for (int i = 0; i < 3; ++i)
    if (ImGui::IsKeyPressed(GLFW_KEY_1 + i) && state.mode != modes[i]) {
      state.mode = modes[i];
      state.t = state.mode == scene::RunMode::Forward ? 0.0 : state.sde.T;
      state.playing = state.mode != scene::RunMode::Forward;
      resample = true;
    }
  if (ImGui::IsKeyPressed(GLFW_KEY_R) && state.mode != scene::RunMode::Forward) {
    state.t = state.sde.T;
    resample = true;
  }
  const double step = state.sde.T / 100.0;
  if (ImGui::IsKeyPressed(GLFW_KEY_SPACE)) state.playing = !state.playing;
  if (ImGui::IsKeyPressed(GLFW_KEY_RIGHT)) state.t = std::min(state.sde.T, state.t + step);
  if (ImGui::IsKeyPressed(GLFW_KEY_LEFT)) state.t = std::max(0.0, state.t - step);
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
  bool operator==(const RunKey&) const = default;
};

// Frame durations as JSON with their median, p95 and p99 (written atomically).
bool writeFrameTimes(const std::string& path, std::vector<double> ms) {
  std::vector<double> sorted = ms;
  std::sort(sorted.begin(), sorted.end());
  auto q = [&](double p) {
    return sorted.empty() ? 0.0 : sorted[std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()))];
  };
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp);
    f << "{\"frames\":" << ms.size() << ",\"median_ms\":" << q(0.5) << ",\"p95_ms\":" << q(0.95)
      << ",\"p99_ms\":" << q(0.99) << ",\"max_ms\":" << (sorted.empty() ? 0.0 : sorted.back())
      << ",\"ms\":[";
    for (size_t i = 0; i < ms.size(); ++i) f << (i ? "," : "") << ms[i];
    f << "]}\n";
    if (!f) return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  return !ec;
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
    std::swap_ranges(px.begin() + y * row, px.begin() + (y + 1) * row, px.begin() + (h - 1 - y) * row);
  const std::string tmp = path + ".tmp";
  const bool ok = stbi_write_png(tmp.c_str(), w, h, 4, px.data(), w * 4) != 0;
  std::error_code ec;
  if (ok) std::filesystem::rename(tmp, path, ec);
  return ok && !ec;
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
  std::string data;
  sde::SdeConfig sde;
  bool operator==(const FieldKey&) const = default;
};

void requestField(scene::FieldWorker& fields, FieldKey& last, const ExplorerState& state,
                  const scene::PointCloud* cloud, const train::Trainer& trainer, const Canvas2D& canvas) {
  const auto& o = state.canvas;
  if (!cloud || (!o.showLearnedField && !o.showExactField && !o.showDensity && !o.showScoreError)) return;
  uint64_t snapVersion = 0;
  auto snap = o.showLearnedField || o.showScoreError ? trainer.snapshot(&snapVersion) : nullptr;
  FieldKey key;
  key.snapshot = snap ? snapVersion : 0;
  key.sde = resolvedSde(state, cloud);
  key.t = std::clamp(state.t, key.sde.eps, key.sde.T);  // the score is singular at t = 0
  key.bounds = canvas.visibleWorld();
  key.nx = std::clamp(o.fieldResolution, 2, 128);
  const float aspect = (key.bounds[3] - key.bounds[1]) / std::max(key.bounds[2] - key.bounds[0], 1e-6f);
  key.ny = std::clamp(static_cast<int>(std::lround(key.nx * aspect)), 2, 128);
  key.learned = snap != nullptr;
  key.exact = o.showExactField;
  key.scoreError = o.showScoreError && snap != nullptr;
  if (o.showDensity || key.scoreError) {
    key.densityNx = 160;
    key.densityNy = std::clamp(static_cast<int>(std::lround(160 * aspect)), 2, 400);
  }
  key.data = cloud->request.data;
  if (key == last || (!key.learned && !key.exact && key.densityNx == 0)) return;
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
  fields.request(std::move(r));
}


// The image explorer: the image panel and the timeline on the left, the grid of x_t | x̂₀
// cells filling the rest. The ImageRunWorker samples; this loop only reads its latest result.
int runImageExplorer(UiContext& ui, const GuiOptions& options) {
  ExplorerState state = options.initial;
  if (state.uiScale <= 0) state.uiScale = ui.scale();
  state.mode = scene::RunMode::ReverseSde;  // the timeline plays from T down to 0
  state.loop = false;
  state.sde = sde::SdeConfig{};  // the exact score's VP SDE, for the timeline's schedule
  state.sde.eps = 1e-3;
  state.t = state.sde.T;
  state.playing = true;
  ImagePanelState view;
  view.draft.data = state.data.data;
  view.draft.seed = state.data.seed;
  view.draft.sampler = sample::samplerPreset("pc").take();
  view.draft.sampler.steps = options.imageSteps > 0 ? options.imageSteps : 1000;
  if (options.imageLimit > 0) view.draft.limit = options.imageLimit;
  scene::ImageRunWorker worker;
  worker.request(view.draft);
  int frames = 0;
  std::vector<double> frameMs;
  double frameStart = glfwGetTime();
  {
    ImageGrid grid;  // owns GL textures: destroyed before the UiContext
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
      if (!ImGui::IsAnyItemActive()) ui.setScale(state.uiScale);
      ui.beginFrame();
      bool resample = false;
      if (!ImGui::GetIO().WantTextInput) {
        const double step = state.sde.T / 100.0;
        if (ImGui::IsKeyPressed(GLFW_KEY_R)) resample = true;
        if (ImGui::IsKeyPressed(GLFW_KEY_SPACE)) state.playing = !state.playing;
        if (ImGui::IsKeyPressed(GLFW_KEY_RIGHT)) state.t = std::min(state.sde.T, state.t + step);
        if (ImGui::IsKeyPressed(GLFW_KEY_LEFT)) state.t = std::max(0.0, state.t - step);
        if (ImGui::IsKeyPressed(GLFW_KEY_HOME)) state.t = 0.0;
        if (ImGui::IsKeyPressed(GLFW_KEY_END)) state.t = state.sde.T;
      }
      const ImVec2 display = ImGui::GetIO().DisplaySize;
      const float panelWidth = std::min(26.0f * fonts().size, 0.4f * display.x);
      ImGui::SetNextWindowPos(ImVec2(0, 0));
      ImGui::SetNextWindowSize(ImVec2(panelWidth, display.y));
      ImGui::Begin("ScoreScope", nullptr,
                   ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse);
      resample |= drawImagePanel(view, run.get(), worker.busy());
      drawTimelinePanel(state, nullptr);
      ImGui::SliderFloat("UI scale", &state.uiScale, 0.75f, 3.0f, "%.2f×");
      ImGui::Separator();
      ImGui::TextDisabled("%s", options.runtimeLine.c_str());
      ImGui::TextDisabled("%.0f fps", ImGui::GetIO().Framerate);
      if (!fonts().warning.empty()) errorText(fonts().warning);
      ImGui::End();
      if (resample) {
        state.t = state.sde.T;
        state.playing = true;
        worker.request(view.draft);
      }

      ImGui::SetNextWindowPos(ImVec2(panelWidth, 0));
      ImGui::SetNextWindowSize(ImVec2(display.x - panelWidth, display.y));
      ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
      ImGui::Begin("##images", nullptr,
                   ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoBringToFrontOnFocus);
      if (view.paintMask && view.draft.task == scene::ImageTask::Inpaint) {
        const ImVec2 all = ImGui::GetContentRegionAvail();
        // The grid keeps the zoom it has beside a painter of 30 %; the painter takes the rest.
        const float gridW = run && !run->frames.empty() ? ImageGrid::fitWidth(*run, 0.7f * all.x, all.y)
                                                        : 0.58f * all.x;
        const float w = std::floor(std::clamp(all.x - gridW, 0.3f * all.x, 0.5f * all.x));
        ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(12, 10));
        ImGui::BeginChild("##painter", ImVec2(w, all.y), false, ImGuiWindowFlags_AlwaysUseWindowPadding);
        if (painter.draw(run.get(), w - 24, all.y - 20)) {  // an edit finished, or Inpaint
          view.draft.customMask = painter.mask().pixels();
          state.t = state.sde.T;
          state.playing = true;
          worker.request(view.draft);
        }
        ImGui::EndChild();
        ImGui::PopStyleVar();
        ImGui::SameLine(0, 0);
      }
      const ImVec2 avail = ImGui::GetContentRegionAvail();
      if (run && !run->frames.empty()) {
        grid.draw(*run, run->frameAt(state.t), avail.x, avail.y);
      } else {
        ImGui::SetCursorPos(ImVec2(16, 16));
        if (run && !run->error.empty()) errorText(run->error);
        else ImGui::TextDisabled("loading %s…", view.draft.data.c_str());
      }
      ImGui::End();
      ImGui::PopStyleVar();

      // Smoke tests: stop after maxFrames once the run is done and played to t = 0.
      const bool finished = run && run->done && !worker.busy() && !state.playing;
      const bool lastFrame = options.maxFrames > 0 && frames + 1 >= options.maxFrames &&
                             (finished || frames + 1 >= options.maxFrames + 6000);
      ui.renderFrame();
      if (lastFrame && !options.screenshot.empty() && !saveWindow(ui.window(), options.screenshot))
        std::fprintf(stderr, "scorescope: cannot write %s\n", options.screenshot.c_str());
      ui.swapBuffers();
      ++frames;
      if (lastFrame) break;
    }
  }
  if (!options.frameTimes.empty() && !writeFrameTimes(options.frameTimes, frameMs))
    std::fprintf(stderr, "scorescope: cannot write %s\n", options.frameTimes.c_str());
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
  if (scene::looksLikeImageDataset(options.initial.data.data)) return runImageExplorer(ui, options);

  ExplorerState state = options.initial;
  if (state.uiScale <= 0) state.uiScale = ui.scale();
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
  FieldKey lastField;
  scene::RunWorker runs;
  RunView runView;
  RunKey lastRun;
  bool firstRun = state.mode != scene::RunMode::Forward;  // started in a reverse mode
  SamplingPanelState samplingView;
  int frames = 0;
  std::vector<double> frameMs;
  double frameStart = glfwGetTime();
  {
    Canvas2D canvas;  // owns GL objects: destroyed before the UiContext
    double last = glfwGetTime();
    while (!glfwWindowShouldClose(ui.window())) {
      glfwPollEvents();
      const double now = glfwGetTime();
      if (!options.frameTimes.empty() && frames > 0) frameMs.push_back(1000.0 * (now - frameStart));
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
      if (!ImGui::IsAnyItemActive()) ui.setScale(state.uiScale);  // no-op unless it changed
      ui.beginFrame();
      bool resample = handleKeys(state, canvas);

      const ImVec2 display = ImGui::GetIO().DisplaySize;
      const float panelWidth = std::min(26.0f * fonts().size, 0.4f * display.x);
      ImGui::SetNextWindowPos(ImVec2(0, 0));
      ImGui::SetNextWindowSize(ImVec2(panelWidth, display.y));
      ImGui::Begin("ScoreScope", nullptr,
                   ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse);
      if (drawDataPanel(state, dataView, cloud.get(), worker.busy(), worker.lastError()))
        worker.request(state.data);
      drawProcessPanel(state, processView, cloud.get());
      resample |= drawSamplingPanel(state, samplingView, runView.run.get(), runs.busy(), runs.lastError(),
                                    trainer.snapshot() != nullptr);
      drawTimelinePanel(state, cloud.get());
      if (drawViewPanel(state, cloud.get())) canvas.requestFit();
      ImGui::Separator();
      ImGui::TextDisabled("%s", options.runtimeLine.c_str());
      ImGui::TextDisabled("%.0f fps · %s particles", ImGui::GetIO().Framerate,
                          cloud ? std::to_string(cloud->n).c_str() : "–");
      if (!fonts().warning.empty()) errorText(fonts().warning);
      if (!canvas.error().empty()) errorText(canvas.error());
      ImGui::End();

      // Training strip along the bottom, under the canvas: controls | loss plot | knobs.
      const float stripHeight = std::min(13.0f * fonts().size, 0.38f * display.y);
      ImGui::SetNextWindowPos(ImVec2(panelWidth, display.y - stripHeight));
      ImGui::SetNextWindowSize(ImVec2(display.x - panelWidth, stripHeight));
      ImGui::Begin("##training", nullptr,
                   ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoBringToFrontOnFocus);
      if (drawTrainingPanel(trainer, stats.get(), trainingView)) {
        spec.net = trainingView.netDraft;
        if (stats) spec.train = stats->train;
        trainer.setProblem(spec);
      }
      ImGui::End();

      ImGui::SetNextWindowPos(ImVec2(panelWidth, 0));
      ImGui::SetNextWindowSize(ImVec2(display.x - panelWidth, display.y - stripHeight));
      ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
      ImGui::Begin("##canvas", nullptr,
                   ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                       ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse);
      const ImVec2 avail = ImGui::GetContentRegionAvail();
      if (cloud && state.mode != scene::RunMode::Forward) {
        const RunKey key{state.data.data, state.data.n, state.data.seed, resolvedSde(state, cloud.get())};
        if (resample || firstRun || !(key == lastRun)) {
          firstRun = false;
          lastRun = key;
          runs.request(runRequestFor(state, cloud.get(), trainer.snapshot()));
        }
        runView.update(runs.latest(), state.t, cloud.get(), state.mode);
      }
      CanvasScene scene = makeCanvasScene(state, cloud, version, &runView);
      scene.field = fields.latest();
      canvas.draw(scene, state.canvas, {avail.x, avail.y}, true);
      requestField(fields, lastField, state, cloud.get(), trainer, canvas);
      if (canvas.takeUserMoved()) state.canvas.followSpread = false;
      ImGui::End();
      ImGui::PopStyleVar();

      // Smoke tests: stop after maxFrames once the first cloud has arrived (or a while after).
      const bool lastFrame = options.maxFrames > 0 && frames + 1 >= options.maxFrames &&
                             (cloud || frames + 1 >= options.maxFrames + 600);
      ui.renderFrame();
      if (lastFrame && !options.screenshot.empty() && !saveWindow(ui.window(), options.screenshot))
        std::fprintf(stderr, "scorescope: cannot write %s\n", options.screenshot.c_str());
      ui.swapBuffers();
      ++frames;
      if (lastFrame) break;
    }
  }
  if (!options.frameTimes.empty() && !writeFrameTimes(options.frameTimes, frameMs))
    std::fprintf(stderr, "scorescope: cannot write %s\n", options.frameTimes.c_str());
  return 0;
}

}  // namespace ss::ui

#include "ui/gui_frame.h"

// epoxy before GLFW: GLFW must not pull in the system gl.h first.
#include <epoxy/gl.h>

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <stb/stb_image_write.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/common/atomic_file.h"
#include "ui/export/samples_csv.h"
#include "ui/panels/widgets.h"
#include "ui/theme.h"

namespace ss::ui {

namespace {

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

}  // namespace

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

void handleFileAction(LessonShell& shell, const FileAction& a, const ExplorerState& state,
                      const scene::ImageRunRequest* images, const ExportDraw& draw,
                      const scene::RunFrame* frame, const std::string& imageCompare,
                      const Scene::Interpolation& imageInterpolation) {
  switch (a.kind) {
    case FileAction::Kind::Save:
      shell.save(a.path, state, images, imageCompare, imageInterpolation);
      break;
    case FileAction::Kind::OpenModel:
      shell.openModel(a.path, a.metaFile, state);
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

void tickRecording(LessonShell& shell, bool ready, const ExportDraw& draw) {
  bool failed = false;
  const auto& prefs = shell.prefs();
  const std::string msg = shell.recorder().tick(
      ready, [&] { return draw(prefs.exportWidth, prefs.exportHeight, false); }, &failed);
  if (!msg.empty()) shell.report(msg, failed);
}

bool writeFrameTimes(const std::string& path, std::vector<double> ms, const std::string& extra) {
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

void beginSidePanel(LessonShell& shell, float width, float top, float height) {
  ImGui::SetNextWindowPos(ImVec2(0, top));
  ImGui::SetNextWindowSize(ImVec2(width, height));
  ImGui::Begin("ScoreScope", nullptr,
               ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse);
  // ImGui's default: widgets take 65 % of the width and labels the rest; a panel narrowed by
  // a large type scale (26 type heights wanted, 40 % of the window given) keeps 8 type
  // heights for labels, so "dataset" or "particles" are not cut at the panel's edge.
  const float labels = 8.0f * ImGui::GetFontSize();
  float item = std::floor(0.65f * width);
  if (width - item < labels) item = std::max(0.5f * width, width - labels);
  ImGui::PushItemWidth(item);
  if (!shell.scene().title.empty()) drawLessonHeader(shell);
}

void endSidePanel() {
  ImGui::PopItemWidth();
  ImGui::End();
}

bool isLastFrame(const GuiOptions& options, LessonShell& shell, int frames, bool finished,
                 int grace) {
  const int n = options.maxFrames;
  return n > 0 && frames + 1 >= n && !shell.recorder().active() &&
         (finished || frames + 1 >= n + grace);
}

void drawPanelFooter(const GuiOptions& options, const std::string& extra) {
  ImGui::Separator();
  ImGui::TextDisabled("%s", options.runtimeLine.c_str());
  ImGui::TextDisabled("%.0f fps%s", ImGui::GetIO().Framerate, extra.c_str());
  if (!fonts().warning.empty()) errorText(fonts().warning);
}

}  // namespace ss::ui

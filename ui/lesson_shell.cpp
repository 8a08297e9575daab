#include "ui/lesson_shell.h"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <cstdio>
#include <filesystem>

#include "core/common/runtime.h"
#include "ui/theme.h"

namespace ss::ui {

namespace fs = std::filesystem;

LessonShell::LessonShell(UiContext& ui, Scene scene, std::string path)
    : m_ui(ui), m_scene(std::move(scene)) {
  m_menu.scenePath = std::move(path);
  const std::string dir = configDir();
  if (!dir.empty()) {
    m_prefsPath = (fs::path(dir) / "prefs.json").string();
    m_iniPath = (fs::path(dir) / "imgui.ini").string();
    std::string warning;
    std::error_code ec;
    m_firstLaunch = !fs::exists(m_prefsPath, ec);
    m_prefs = loadPrefs(m_prefsPath, &warning);
    if (!warning.empty()) m_menu.report(warning, true);
  }
  if (!m_menu.scenePath.empty()) m_prefs.addRecent(m_menu.scenePath);
  if (!m_scene.title.empty()) m_menu.report(m_scene.title, false);
}

LessonShell::~LessonShell() {
  // ImGui keeps the ini path as a raw pointer into m_iniPath: save now and let go of it.
  if (ImGui::GetCurrentContext() && ImGui::GetIO().IniFilename) {
    ImGui::SaveIniSettingsToDisk(m_iniPath.c_str());
    ImGui::GetIO().IniFilename = nullptr;
  }
  if (presentation()) togglePresentation();
  m_recorder.cancel();
  if (!m_prefsPath.empty()) {
    auto saved = savePrefs(m_prefsPath, m_prefs);
    if (!saved) std::fprintf(stderr, "scorescope: %s\n", saved.error().message.c_str());
  }
}

std::optional<Scene> LessonShell::takeOpened() { return std::exchange(m_opened, std::nullopt); }

void LessonShell::open(const std::string& path) {
  auto loaded = loadScene(path);
  if (!loaded) {
    m_menu.report(loaded.error().message, true);  // the current scene stays
    return;
  }
  m_scene = loaded.value().scene;
  m_stage = -1;
  m_menu.scenePath = path;
  m_prefs.addRecent(path);
  const auto& w = loaded.value().warnings;
  if (!w.empty()) {
    for (const auto& warning : w)
      std::fprintf(stderr, "scorescope: %s: %s\n", path.c_str(), warning.c_str());
    m_menu.report(fs::path(path).filename().string() + ": " + std::to_string(w.size()) +
                      " warning(s), defaults used: " + w.front(),
                  true);
  } else {
    m_menu.report("opened " + (m_scene.title.empty() ? path : m_scene.title), false);
  }
  m_opened = m_scene;
}

void LessonShell::openModel(const std::string& path, const std::string& metaFile,
                            const ExplorerState& state) {
  Scene shown = m_scene;
  shown.state = state;
  auto with = withModel(shown, path, metaFile);
  if (!with) {
    m_menu.report(with.error().message, true);
    return;
  }
  m_scene = with.value();
  m_opened = m_scene;
  m_menu.report("opening " + path + "…", false);
}

void LessonShell::goToStage(int index) {
  if (m_scene.stages.empty()) return;
  index = std::clamp(index, 0, static_cast<int>(m_scene.stages.size()) - 1);
  auto staged = sceneAtStage(m_scene, index);
  if (!staged) {
    m_menu.report(staged.error().message, true);
    return;
  }
  m_stage = index;
  Scene s = staged.value().scene;
  s.stages = m_scene.stages;
  m_opened = std::move(s);
}

void LessonShell::save(const std::string& path, const ExplorerState& state,
                       const scene::ImageRunRequest* images, const std::string& imageCompare,
                       const Scene::Interpolation& imageInterpolation) {
  Scene s = m_scene;
  s.state = state;
  s.state.playing = false;
  if (images) {
    s.images = *images;
    s.images.snapshot.reset();  // a live model and a trained classifier are not part of a scene
    s.images.classifier.reset();
    s.imageCompare = imageCompare;
    s.imageInterpolation = imageInterpolation;
    s.state.data.data = images->data;
    s.state.sampler = images->sampler;
  }
  if (auto saved = saveScene(path, s); !saved) {
    m_menu.report(saved.error().message, true);
    return;
  }
  m_scene = s;
  m_menu.scenePath = path;
  m_prefs.addRecent(path);
  m_menu.report("saved " + path, false);
}

void LessonShell::togglePresentation() {
  GLFWwindow* w = m_ui.window();
  m_menu.presentation = !m_menu.presentation;
  setHighContrast(m_menu.presentation);
  GLFWmonitor* monitor = glfwGetPrimaryMonitor();
  const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr;
  if (m_menu.presentation && mode) {
    glfwGetWindowPos(w, &m_windowed[0], &m_windowed[1]);
    glfwGetWindowSize(w, &m_windowed[2], &m_windowed[3]);
    glfwSetWindowMonitor(w, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
  } else if (!m_menu.presentation && glfwGetWindowMonitor(w)) {
    glfwSetWindowMonitor(w, nullptr, m_windowed[0], m_windowed[1], std::max(m_windowed[2], 640),
                         std::max(m_windowed[3], 400), GLFW_DONT_CARE);
  }
  if (m_menu.presentation && m_stage < 0 && !m_scene.stages.empty()) goToStage(0);
}

void LessonShell::showLessons() {
  m_menu.dialog = FileMenuState::Dialog::Lessons;
  m_menu.dialogJustOpened = true;
}

FileAction LessonShell::frame(bool hasRun) {
  ImGui::GetIO().IniFilename = m_iniPath.empty() ? nullptr : m_iniPath.c_str();
  if (presentation() && !ImGui::GetIO().WantTextInput && !m_scene.stages.empty()) {
    if (ImGui::IsKeyPressed(GLFW_KEY_RIGHT) || ImGui::IsKeyPressed(GLFW_KEY_PAGE_DOWN))
      goToStage(m_stage + 1);
    if (ImGui::IsKeyPressed(GLFW_KEY_LEFT) || ImGui::IsKeyPressed(GLFW_KEY_PAGE_UP))
      goToStage(std::max(0, m_stage - 1));
  }
  FileAction action = handle(drawFileMenu(m_menu, m_prefs, m_recorder.status(), hasRun));
  if (const int stuck =
          setWorkerPriority(m_prefs.workersYield ? WorkerPriority::Yield : WorkerPriority::Share))
    m_menu.report(std::to_string(stuck) +
                      " running background worker(s) keep yielding until they restart (Linux "
                      "raises a thread's priority only with CAP_SYS_NICE or RLIMIT_NICE \u2265 "
                      "10); new work shares",
                  true);
  return action;
}

FileAction LessonShell::endFrame() { return handle(drawFileDialog(m_menu, m_prefs)); }

FileAction LessonShell::handle(FileAction action) {
  switch (action.kind) {
    case FileAction::Kind::Open:
      open(action.path);
      return {};
    case FileAction::Kind::TogglePresentation:
      togglePresentation();
      return {};
    case FileAction::Kind::CancelRecord:
      m_recorder.cancel();
      m_menu.report("recording cancelled", false);
      return {};
    case FileAction::Kind::Quit:  // the explorer's loop ends at its next check
      glfwSetWindowShouldClose(m_ui.window(), GLFW_TRUE);
      return {};
    default:
      return action;  // Save, exports, Record: the explorer has the state they need
  }
}

CaptionText LessonShell::caption() const {
  CaptionText c;
  c.title = m_scene.title;
  c.caption = m_scene.caption;
  if (m_stage >= 0 && m_stage < static_cast<int>(m_scene.stages.size())) {
    if (!m_scene.stages[m_stage].caption.empty()) c.caption = m_scene.stages[m_stage].caption;
    c.stage = m_stage;
    c.stages = static_cast<int>(m_scene.stages.size());
  }
  c.keyHints = presentation();
  return c;
}

}  // namespace ss::ui

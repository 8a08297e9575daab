#include "ui/panels/file_menu.h"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <stb/stb_image.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iterator>

#include "core/common/assets.h"
#include "core/train/model_open.h"
#include "ui/panels/widgets.h"
#include "ui/session/export_paths.h"
#include "ui/session/scene_file.h"

namespace ss::ui {

namespace fs = std::filesystem;

namespace {

using Dialog = FileMenuState::Dialog;

// Open model: what the typed file holds, shown under the fields before it is opened (the
// metadata sits in a small record of the archive; checkpoints are only named).
void describeTypedModel(FileMenuState& s) {
  if (s.path != s.describedPath || s.metaPath != s.describedMeta) {
    s.describedPath = s.path, s.describedMeta = s.metaPath;
    s.description.clear(), s.descriptionIsError = false;
    std::error_code ec;
    if (!s.path.empty() && fs::is_regular_file(s.path, ec)) {
      auto d = train::describeModelFile(s.path, s.metaPath, /*checkpointDetails=*/false);
      s.descriptionIsError = !d.ok();
      s.description = d ? d.value().summary : d.error().message;
    }
  }
  if (s.description.empty()) return;
  if (s.descriptionIsError) ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.45f, 0.42f, 1.0f));
  ImGui::TextWrapped("%s", s.description.c_str());
  if (s.descriptionIsError) ImGui::PopStyleColor();
}

void openDialog(FileMenuState& s, Dialog d, std::string path) {
  s.dialog = d;
  s.dialogJustOpened = true;
  s.path = std::move(path);
}

// A text field bound to a std::string (ImGui 1.86 has no std::string overload without the
// misc/cpp helper). Returns true when Enter was pressed.
bool pathField(const char* label, std::string& text, bool focus) {
  char buf[1024];
  std::snprintf(buf, sizeof buf, "%s", text.c_str());
  if (focus) ImGui::SetKeyboardFocusHere();
  ImGui::SetNextItemWidth(-1);
  const bool enter = ImGui::InputText(label, buf, sizeof buf, ImGuiInputTextFlags_EnterReturnsTrue);
  text = buf;
  return enter;
}

const gl::Texture2D* thumbnail(FileMenuState& s, const std::string& scene) {
  if (auto it = s.thumbnails.find(scene); it != s.thumbnails.end()) return &it->second;
  if (std::find(s.missingThumbnails.begin(), s.missingThumbnails.end(), scene) !=
      s.missingThumbnails.end())
    return nullptr;
  const fs::path p =
      fs::path(scene).parent_path() / "thumbs" / (fs::path(scene).stem().string() + ".png");
  int w = 0, h = 0, c = 0;
  unsigned char* px = stbi_load(p.string().c_str(), &w, &h, &c, 4);
  if (!px) {
    s.missingThumbnails.push_back(scene);
    return nullptr;
  }
  auto [it, _] = s.thumbnails.emplace(scene, gl::Texture2D::create(w, h, px));
  stbi_image_free(px);
  return &it->second;
}

// The built-in lessons as a grid of thumbnails with their titles; a click opens one.
FileAction drawLessons(FileMenuState& s) {
  FileAction action;
  struct Lesson {
    std::string path, title, description;
  };
  static std::vector<Lesson> lessons;  // read once: the presets do not change while running
  if (lessons.empty())
    for (const auto& p : builtinScenes()) {
      auto loaded = loadScene(p);
      lessons.push_back({p, loaded ? loaded.value().scene.title : lessonLabel(p),
                         loaded ? loaded.value().scene.description : loaded.error().message});
    }
  if (lessons.empty()) {
    errorText(
        "No built-in lessons found (assets/scenes beside the executable or in the source tree; "
        "$SCORESCOPE_ASSETS overrides).");
    return action;
  }
  const float font = ImGui::GetFontSize();
  const float thumbW = 14 * font, thumbH = thumbW * 10 / 16;
  const int cols =
      std::max(1, static_cast<int>(ImGui::GetContentRegionAvail().x / (thumbW + font)));
  for (size_t i = 0; i < lessons.size(); ++i) {
    const auto& l = lessons[i];
    if (i % cols != 0) ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::PushID(static_cast<int>(i));
    bool clicked = false;
    if (const auto* tex = thumbnail(s, l.path)) {
      clicked = ImGui::ImageButton(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(tex->id())),
                                   ImVec2(thumbW, thumbH));
    } else {
      clicked = ImGui::Button(lessonLabel(l.path).c_str(), ImVec2(thumbW, thumbH));
    }
    if (ImGui::IsItemHovered() && !l.description.empty()) {
      ImGui::BeginTooltip();
      ImGui::PushTextWrapPos(28 * font);
      ImGui::TextUnformatted(l.description.c_str());
      ImGui::PopTextWrapPos();
      ImGui::EndTooltip();
    }
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + thumbW);
    ImGui::TextUnformatted(l.title.c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopID();
    ImGui::EndGroup();
    if (clicked) {
      action.kind = FileAction::Kind::Open;
      action.path = l.path;
    }
  }
  return action;
}

// A path dialog's fields: the path (with recent scenes for Open), and the export size,
// background and animation settings where they apply. Returns true when it is accepted;
// Cancel clears `open`.
bool drawPathForm(FileMenuState& s, Prefs& prefs, bool focus, bool& open) {
  bool accept = false;
  const char* hint = s.dialog == Dialog::Record ? "output: demo.gif, demo.mp4 or a folder/"
                     : s.dialog == Dialog::OpenModel
                         ? "a ScoreScope checkpoint, or a TorchScript model (docs/MODEL_FORMAT.md)"
                         : "path";
  ImGui::TextDisabled("%s", hint);
  accept = pathField("##path", s.path, focus);
  if (s.dialog == Dialog::OpenModel) {
    ImGui::TextDisabled("metadata JSON, for a TorchScript file without scorescope.json (optional)");
    accept |= pathField("##meta", s.metaPath, false);
    describeTypedModel(s);
    ImGui::TextWrapped(
        "An imported model brings its SDE and dataset; the learned layers, samplers and "
        "likelihood use it. Start trains a model of our own instead.");
  }
  if (s.dialog == Dialog::ExportPng || s.dialog == Dialog::Record) {
    int size[2] = {prefs.exportWidth, prefs.exportHeight};
    ImGui::InputInt2("size (pixels)", size);
    prefs.exportWidth = std::clamp(size[0], 16, 16384);
    prefs.exportHeight = std::clamp(size[1], 16, 16384);
  }
  if (s.dialog == Dialog::ExportPng) {
    ImGui::Checkbox("transparent background", &prefs.transparentPng);
    tooltip("2D views: alpha 0 where nothing is drawn, for slides with their own background");
  }
  if (s.dialog == Dialog::Record) {
    ImGui::InputInt("frames", &prefs.animationFrames);
    prefs.animationFrames = std::clamp(prefs.animationFrames, 2, 10000);
    ImGui::InputDouble("fps", &prefs.animationFps, 1, 10, "%.0f");
    prefs.animationFps = std::clamp(prefs.animationFps, 1.0, 120.0);
    ImGui::TextDisabled(
        "The timeline runs once (forward 0 to T, reverse runs T to 0); GIF up to 50 fps.");
  }
  if (s.dialog == Dialog::Open && !prefs.recentScenes.empty()) {
    ImGui::Separator();
    ImGui::TextDisabled("recent");
    for (const auto& r : prefs.recentScenes)
      if (ImGui::Selectable(r.c_str())) s.path = r, accept = true;
  }
  accept |= ImGui::Button(s.dialog == Dialog::Open || s.dialog == Dialog::OpenModel ? "Open"
                          : s.dialog == Dialog::Record                              ? "Record"
                                                                                    : "Save");
  ImGui::SameLine();
  if (ImGui::Button("Cancel")) open = false;
  return accept;
}

// The action an accepted dialog asks for, with the export settings.
FileAction acceptedAction(FileMenuState& s, Prefs& prefs) {
  FileAction action;
  action.path = s.path;
  action.width = prefs.exportWidth;
  action.height = prefs.exportHeight;
  action.frames = prefs.animationFrames;
  action.fps = prefs.animationFps;
  action.transparent = prefs.transparentPng;
  using Kind = FileAction::Kind;  // indexed by Dialog: None, Open, SaveAs, ExportPng, …
  constexpr Kind kKinds[] = {Kind::None,      Kind::Open,      Kind::Save,
                             Kind::ExportPng, Kind::ExportCsv, Kind::Record};
  if (static_cast<size_t>(s.dialog) < std::size(kKinds))
    action.kind = kKinds[static_cast<size_t>(s.dialog)];
  if (s.dialog == Dialog::OpenModel) action.kind = Kind::OpenModel, action.metaFile = s.metaPath;
  if (s.dialog == Dialog::Record) {
    const std::string ext = fs::path(s.path).extension().string();  // remembered for next time
    prefs.animationFormat = ext == ".mp4" ? "mp4" : ext == ".gif" ? "gif" : "png";
  }
  return action;
}

}  // namespace

FileAction drawFileDialog(FileMenuState& s, Prefs& prefs) {
  FileAction action;
  if (s.dialog == Dialog::None) return action;
  const char* titles[] = {"",
                          "Open scene",
                          "Save scene as",
                          "Export PNG",
                          "Export samples (CSV)",
                          "Record animation",
                          "Lessons",
                          "Open model"};
  const char* title = titles[static_cast<int>(s.dialog)];
  if (s.dialogJustOpened) ImGui::OpenPopup(title);
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  const bool lessons = s.dialog == Dialog::Lessons;
  ImGui::SetNextWindowSize(
      lessons ? ImVec2(display.x * 0.8f, display.y * 0.8f) : ImVec2(40 * ImGui::GetFontSize(), 0),
      ImGuiCond_Appearing);
  ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.5f), ImGuiCond_Appearing,
                          ImVec2(0.5f, 0.5f));
  bool open = true;
  if (!ImGui::BeginPopupModal(title, &open)) {
    s.dialog = Dialog::None;
    return action;
  }
  const bool focus = std::exchange(s.dialogJustOpened, false);
  bool accept = false;
  if (lessons) {
    action = drawLessons(s);
  } else {
    accept = drawPathForm(s, prefs, focus, open);
  }
  if (accept && !s.path.empty()) action = acceptedAction(s, prefs);
  if (action.kind != FileAction::Kind::None || !open || ImGui::IsKeyPressed(GLFW_KEY_ESCAPE)) {
    ImGui::CloseCurrentPopup();
    s.dialog = Dialog::None;
  }
  ImGui::EndPopup();
  return action;
}

namespace {

std::string stemOr(const std::string& path, const std::string& fallback) {
  return path.empty() ? fallback : fs::path(path).stem().string();
}

// The export dialog's first path: the scene's name (or `fallback`) + `suffix`, in the
// default folder of `kind` (ui/session/export_paths.h).
std::string exportPath(const FileMenuState& s, ExportKind kind, const std::string& fallback,
                       const std::string& suffix) {
  return defaultExportPath(kind, s.scenePath, stemOr(s.scenePath, fallback) + suffix, processEnv());
}

// View: presentation mode and its type scale, and how background work shares the CPU.
void drawViewMenu(FileMenuState& s, Prefs& prefs, FileAction& action) {
  if (ImGui::BeginMenu("View")) {
    if (ImGui::MenuItem("Presentation mode", "F5", s.presentation))
      action.kind = FileAction::Kind::TogglePresentation;
    ImGui::SliderFloat("presentation type scale", &prefs.presentationScale, 1.0f, 3.0f, "%.2f×");
    ImGui::MenuItem("Background work yields to the display", nullptr, &prefs.workersYield);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip(
          "On: training, sampling and fields run only on CPU time the window does not want, so\n"
          "frames stay even (they slow down when software OpenGL needs every core).\n"
          "Off: they keep a steady smaller share (nice +10) and finish sooner.");
    ImGui::EndMenu();
  }
}

// Right of the menus: a recording's progress and Cancel, else the last message.
void drawMenuBarStatus(const FileMenuState& s, const RecordingStatus& recording,
                       FileAction& action) {
  if (recording.active) {
    ImGui::Separator();
    char label[64];
    std::snprintf(label, sizeof label, "recording %d/%d", recording.framesDone,
                  recording.framesTotal);
    ImGui::ProgressBar(
        recording.framesTotal > 0 ? float(recording.framesDone) / recording.framesTotal : 0.0f,
        ImVec2(12 * ImGui::GetFontSize(), 0), label);
    if (ImGui::SmallButton("Cancel")) action.kind = FileAction::Kind::CancelRecord;
  } else if (!s.message.empty()) {
    ImGui::Separator();
    ImGui::PushStyleColor(ImGuiCol_Text, s.messageIsError ? ImVec4(1.0f, 0.45f, 0.42f, 1.0f)
                                                          : ImVec4(0.6f, 0.8f, 0.6f, 1.0f));
    ImGui::TextUnformatted(s.message.c_str());
    ImGui::PopStyleColor();
  }
}

}  // namespace

std::string lessonLabel(const std::string& path) {
  std::string s = fs::path(path).stem().string();
  std::replace(s.begin(), s.end(), '-', ' ');
  return s;
}

float menuBarHeight(const FileMenuState& state) {
  return state.presentation ? 0.0f : ImGui::GetFrameHeight();
}

FileAction drawFileMenu(FileMenuState& s, Prefs& prefs, const RecordingStatus& recording,
                        bool hasRun) {
  FileAction action;
  const ImGuiIO& io = ImGui::GetIO();
  if (!io.WantTextInput && s.dialog == Dialog::None) {
    if (io.KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_O)) openDialog(s, Dialog::Open, s.scenePath);
    if (io.KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_Q)) action.kind = FileAction::Kind::Quit;
    if (io.KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_S)) {
      if (s.scenePath.empty())
        openDialog(s, Dialog::SaveAs, "scene.json");
      else
        action = {FileAction::Kind::Save, s.scenePath};
    }
    if (ImGui::IsKeyPressed(GLFW_KEY_F5) ||
        (s.presentation && ImGui::IsKeyPressed(GLFW_KEY_ESCAPE)))
      action.kind = FileAction::Kind::TogglePresentation;
  }
  if (!s.presentation && ImGui::BeginMainMenuBar()) {
    if (ImGui::BeginMenu("File")) {
      if (ImGui::MenuItem("Lessons…")) openDialog(s, Dialog::Lessons, "");
      if (ImGui::MenuItem("Open scene…", "Ctrl+O")) openDialog(s, Dialog::Open, s.scenePath);
      if (ImGui::MenuItem("Open model…")) openDialog(s, Dialog::OpenModel, "");
      if (ImGui::BeginMenu("Open recent", !prefs.recentScenes.empty())) {
        for (const auto& r : prefs.recentScenes)
          if (ImGui::MenuItem(r.c_str())) action = {FileAction::Kind::Open, r};
        ImGui::EndMenu();
      }
      if (ImGui::MenuItem("Save scene", "Ctrl+S")) {
        if (s.scenePath.empty())
          openDialog(s, Dialog::SaveAs, "scene.json");
        else
          action = {FileAction::Kind::Save, s.scenePath};
      }
      if (ImGui::MenuItem("Save scene as…"))
        openDialog(s, Dialog::SaveAs, s.scenePath.empty() ? "scene.json" : s.scenePath);
      ImGui::Separator();
      if (ImGui::MenuItem("Export PNG…"))
        openDialog(s, Dialog::ExportPng, exportPath(s, ExportKind::Picture, "scorescope", ".png"));
      if (ImGui::MenuItem("Export samples (CSV)…", nullptr, false, hasRun))
        openDialog(s, Dialog::ExportCsv, exportPath(s, ExportKind::Samples, "samples", ".csv"));
      if (ImGui::MenuItem("Record animation…", nullptr, false, !recording.active))
        openDialog(
            s, Dialog::Record,
            exportPath(s, ExportKind::Video, "scorescope",
                       prefs.animationFormat == "png" ? "-frames/" : "." + prefs.animationFormat));
      if (ImGui::MenuItem("Cancel recording", nullptr, false, recording.active))
        action.kind = FileAction::Kind::CancelRecord;
      ImGui::Separator();
      if (ImGui::MenuItem("Quit", "Ctrl+Q")) action.kind = FileAction::Kind::Quit;
      ImGui::EndMenu();
    }
    drawViewMenu(s, prefs, action);
    drawMenuBarStatus(s, recording, action);
    ImGui::EndMainMenuBar();
  }
  return action;
}

}  // namespace ss::ui

// What the 2D explorer and the image explorer share around their views: the open scene (its
// title, caption and stages), the File/View menu and its outcome line, preferences and recent
// files, presentation mode (full screen, large type, panels hidden, the caption band, stage
// keys) and the timeline recorder. The explorers apply the scenes it hands them. UI thread.
#pragma once

#include <optional>
#include <string>

#include "ui/panels/file_menu.h"
#include "ui/prefs.h"
#include "ui/recorder.h"
#include "ui/session/scene_file.h"
#include "ui/ui_context.h"
#include "ui/views/caption_overlay.h"

namespace ss::ui {

class LessonShell {
 public:
  // Reads the preferences (a corrupt file is reported, defaults used) and points ImGui's
  // layout file beside them. `scene`/`path`: what the app opened with (path may be empty).
  LessonShell(UiContext& ui, Scene scene, std::string path);
  ~LessonShell();  // saves the preferences; leaves full screen

  // Inside an ImGui frame, before the explorer's windows: the menu bar, its dialogs and the
  // keys (Ctrl+O, Ctrl+S, F5, Esc; in presentation mode ←/→ and PgUp/PgDn step the stages).
  // Returns what the explorer must do (open/save are handled here and come back as
  // `opened` / nothing). `hasRun`: samples exist to export.
  FileAction frame(bool hasRun);
  // At the end of the frame, after the explorer's windows: the open dialog, if any; its
  // action (Save, exports, Record) for the explorer, or None.
  FileAction endFrame();

  // A scene the user opened (or a stage reached) that the explorer must apply now; reset
  // after reading. `needsOtherExplorer`: it is an image scene in the 2D explorer or vice versa.
  std::optional<Scene> takeOpened();
  // Save: the explorer's state as a scene (the open scene's title, caption, model and stages
  // kept), written atomically; the outcome lands in the status line.
  // `images` and `imageCompare` (the compare grid's sampler preset, "" for none): the image
  // explorer's run, null in the 2D explorer.
  void save(const std::string& path, const ExplorerState& state,
            const scene::ImageRunRequest* images, const std::string& imageCompare = "",
            const Scene::Interpolation& imageInterpolation = {});
  void report(const std::string& message, bool error) { m_menu.report(message, error); }
  // File > Open model: the scene as it is shown (`state`) with this model (withModel); the
  // explorer applies it as an opened scene. A bad file is reported and changes nothing.
  void openModel(const std::string& path, const std::string& metaFile, const ExplorerState& state);

  float top() const { return menuBarHeight(m_menu); }  // pixels the menu bar takes
  bool presentation() const { return m_menu.presentation; }
  void togglePresentation();
  void showLessons();
  bool firstLaunch() const { return m_firstLaunch; }  // no preferences were saved before
  // Goes to stage `index` of the open lesson (clamped): the staged scene comes back through
  // takeOpened().
  void requestStage(int index) { goToStage(index); }
  float effectiveScale(float uiScale) const {
    return presentation() ? uiScale * m_prefs.presentationScale : uiScale;
  }
  CaptionText caption() const;  // title, the current stage's caption (or the scene's)
  const Scene& scene() const { return m_scene; }
  int stage() const { return m_stage; }
  TimelineRecorder& recorder() { return m_recorder; }
  Prefs& prefs() { return m_prefs; }
  const std::string& message() const { return m_menu.message; }

  float uiScale = 1.0f;  // the user's type scale, carried across the two explorers

 private:
  FileAction handle(FileAction action);  // Open, presentation, cancel here; the rest returned
  void open(const std::string& path);
  void goToStage(int index);

  UiContext& m_ui;
  Scene m_scene;
  int m_stage = -1;
  std::optional<Scene> m_opened;
  FileMenuState m_menu;
  Prefs m_prefs;
  std::string m_prefsPath, m_iniPath;
  TimelineRecorder m_recorder;
  bool m_firstLaunch = false;
  int m_windowed[4] = {0, 0, 0, 0};  // x, y, w, h before full screen
};

}  // namespace ss::ui

// The main menu bar (File, View) and its dialogs: open/save scenes (Ctrl+O, Ctrl+S, recent
// files, the built-in lessons with thumbnails), open a model (ours or TorchScript), export the view
// as PNG at any size or the samples as CSV, record the timeline as GIF/MP4/PNGs with a progress bar
// and Cancel, and presentation mode (F5). It only edits paths and settings and returns what to do;
// the app does it. UI thread, inside an ImGui frame.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ui/gl/objects.h"
#include "ui/prefs.h"

namespace ss::ui {

struct FileAction {
  enum class Kind {
    None,
    Open,
    OpenModel,  // path: a checkpoint or TorchScript model; metaFile: its metadata, if apart
    Save,
    ExportPng,
    ExportCsv,
    Record,
    CancelRecord,
    TogglePresentation,
    Quit
  };
  Kind kind = Kind::None;
  std::string path, metaFile;
  int width = 0, height = 0;  // ExportPng, Record
  int frames = 0;             // Record
  double fps = 30;            // Record
  bool transparent = false;   // ExportPng: no background behind the plot (2D views)
};

// Shown while an animation is being recorded.
struct RecordingStatus {
  bool active = false;
  int framesDone = 0, framesTotal = 0;
  std::string out;
};

struct FileMenuState {
  std::string scenePath;  // the open scene's file: Save writes it (empty: Save asks)
  std::string message;    // the last outcome ("saved …" or an error), shown in the status line
  bool messageIsError = false;
  bool presentation = false;
  // dialog state
  enum class Dialog { None, Open, SaveAs, ExportPng, ExportCsv, Record, Lessons, OpenModel };
  Dialog dialog = Dialog::None;
  bool dialogJustOpened = false;
  std::string path;      // the dialog's path field
  std::string metaPath;  // Open model: a TorchScript model's metadata file, if apart
  // Open model: what the typed file holds (its metadata's summary, or why it cannot open),
  // read again only when the path or the metadata file changes.
  std::string describedPath, describedMeta, description;
  bool descriptionIsError = false;
  std::map<std::string, gl::Texture2D> thumbnails;  // lesson file → its thumbnail (loaded lazily)
  std::vector<std::string> missingThumbnails;

  void report(const std::string& text, bool error) { message = text, messageIsError = error; }
};

// Draws the bar (at the top of the display); handles Ctrl+O, Ctrl+S and F5. `hasRun`:
// whether samples exist to export. Returns the chosen action (at most one).
FileAction drawFileMenu(FileMenuState& state, Prefs& prefs, const RecordingStatus& recording,
                        bool hasRun);
// The open dialog, if any: call after every other window of the frame (ImGui 1.86 asserts
// when a window begins after a modal in the same frame).
FileAction drawFileDialog(FileMenuState& state, Prefs& prefs);

// The height of the menu bar in pixels (0 in presentation mode, where it is hidden).
float menuBarHeight(const FileMenuState& state);

// "lessons/03-reverse-sde-vs-ode.json" → "03 reverse sde vs ode" (for lists without a title).
std::string lessonLabel(const std::string& path);

}  // namespace ss::ui

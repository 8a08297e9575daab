// What both explorers (2D and images) do around their own content each GUI frame: the
// lesson header, the end of the frame (dialogs, --record, the smoke test's screenshot, the
// swap), the File menu's save and exports, and the frame-time benchmark's file.
// UI thread, inside the GUI loop.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/scene/image_run.h"
#include "core/scene/run_worker.h"
#include "ui/app_window.h"
#include "ui/lesson_shell.h"
#include "ui/offscreen_render.h"
#include "ui/panels/file_menu.h"
#include "ui/ui_context.h"

namespace ss::ui {

// The open lesson in the side panel: its title and description, and its stages as buttons.
void drawLessonHeader(LessonShell& shell);

// The end of a GUI frame: the shell's dialog (last: ImGui 1.86 asserts on windows begun
// after a modal), --record on launch, render, the smoke test's screenshot, swap. Counts
// `frames`; a dialog's file action lands in `fileAction`.
void endGuiFrame(UiContext& ui, LessonShell& shell, const GuiOptions& options, int& frames,
                 bool lastFrame, FileAction& fileAction);

// Renders the explorer's view offscreen: (width, height, transparent background).
using ExportDraw = std::function<Expected<RenderedImage>(int, int, bool)>;

// Save, PNG and CSV export, and starting a recording (between GUI frames: they may render
// offscreen). `images`: the image explorer's run (null in 2D); `frame`: the shown samples
// (n×2) for CSV export (null: none).
void handleFileAction(LessonShell& shell, const FileAction& a, const ExplorerState& state,
                      const scene::ImageRunRequest* images, const ExportDraw& draw,
                      const scene::RunFrame* frame, const std::string& imageCompare = "",
                      const Scene::Interpolation& imageInterpolation = {});

// While an animation records: hands the recorder its next frame, drawn by `draw` at the
// export size once `ready`, and reports what it says.
void tickRecording(LessonShell& shell, bool ready, const ExportDraw& draw);

// Frame durations as JSON with their median, p95 and p99 (written atomically); `extra`:
// more fields, e.g. "\"train_steps\":120", saying what the workers did meanwhile.
bool writeFrameTimes(const std::string& path, std::vector<double> ms,
                     const std::string& extra = {});

// The side panel on the left (`width` wide from `top` down, `height` tall), with the open
// lesson's header; the caller draws its panels and calls endSidePanel().
void beginSidePanel(LessonShell& shell, float width, float top, float height);
void endSidePanel();

// Smoke tests (--frames N): the frame to stop at is frame N once `finished`, or `grace`
// frames later at the latest; never while an animation records.
bool isLastFrame(const GuiOptions& options, LessonShell& shell, int frames, bool finished,
                 int grace);

// The side panel's footer in both explorers: the runtime line, fps (and `extra`), warnings.
void drawPanelFooter(const GuiOptions& options, const std::string& extra = {});

}  // namespace ss::ui

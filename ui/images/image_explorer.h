// The image explorer: the image panel, the interpolation panel and the timeline on the left,
// the grid of x_t | x̂₀ cells (and a compare grid, the interpolation strip, the mask painter)
// filling the rest, with the workers they drive (image runs, the strip, a U-Net trained
// here, the guidance classifier). The workers sample; the loop only reads their latest
// results. UI thread, inside the GUI loop.
#pragma once

#include <optional>

#include "ui/app_window.h"
#include "ui/lesson_shell.h"
#include "ui/ui_context.h"

namespace ss::ui {

// Runs the image explorer on `opened` until the window closes (returns 0), or until the
// user opens a 2D scene (returns 0 with *next set).
int runImageExplorer(UiContext& ui, const GuiOptions& options, LessonShell& shell,
                     const Scene& opened, std::optional<Scene>* next);

}  // namespace ss::ui

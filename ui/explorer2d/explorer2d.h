// The 2D explorer: the side panels, the training strip along the bottom and the canvas (or
// compare mode's panes), with the workers they drive (data, trainer, runs, fields, the
// model's density, the classifier, canvas tools). Its requests come from the session model
// (ui/session/requests.h), as render's do. UI thread, inside the GUI loop.
#pragma once

#include <optional>

#include "ui/app_window.h"
#include "ui/lesson_shell.h"
#include "ui/ui_context.h"

namespace ss::ui {

// Runs the 2D explorer on `opened` until the window closes (returns 0), or until the user
// opens an image scene (returns 0 with *next set).
int run2D(UiContext& ui, const GuiOptions& options, LessonShell& shell, const Scene& opened,
          std::optional<Scene>* next);

}  // namespace ss::ui

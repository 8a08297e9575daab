#include "ui/app_window.h"

#include <cstdio>
#include <optional>

#include "ui/explorer2d/explorer2d.h"
#include "ui/images/image_explorer.h"
#include "ui/lesson_shell.h"
#include "ui/ui_context.h"

namespace ss::ui {

// One window, one lesson shell (menus, lessons, presentation mode, recording) and, in turn,
// the explorer the open scene needs: 2D or images. Opening a scene of the other kind ends
// one explorer and starts the other.
int runGui(const GuiOptions& options) {
  auto created = UiContext::create(options.window);
  if (!created) {
    std::fprintf(stderr, "scorescope: %s\n", created.error().message.c_str());
    return 2;
  }
  UiContext& ui = *created.value();
  Scene first = options.scene ? *options.scene : sceneFromState(options.initial);
  if (!options.scene && isImageScene(first)) {
    first.images.data = options.initial.data.data;
    first.images.seed = options.initial.data.seed;
    first.state.sampler.steps = options.imageSteps > 0 ? options.imageSteps : 1000;
    first.images.sampler = first.state.sampler;
    if (options.imageLimit > 0) first.images.limit = options.imageLimit;
    first.state.playing = options.initial.playing;
  }
  LessonShell shell(ui, first, options.scenePath);
  if (options.workersYield) shell.prefs().workersYield = *options.workersYield;
  shell.uiScale = options.initial.uiScale > 0 ? options.initial.uiScale : ui.scale();
  if (options.stage > 0) shell.requestStage(options.stage - 1);
  if (options.presentation) shell.togglePresentation();
  if (options.lessons == GuiOptions::Lessons::Yes ||
      (options.lessons == GuiOptions::Lessons::FirstLaunch && shell.firstLaunch()))
    shell.showLessons();
  std::optional<Scene> next = std::move(first);
  int code = 0;
  while (next && code == 0) {
    const Scene s = std::move(*next);
    next.reset();
    code = isImageScene(s) ? runImageExplorer(ui, options, shell, s, &next)
                           : run2D(ui, options, shell, s, &next);
  }
  return code;
}

}  // namespace ss::ui

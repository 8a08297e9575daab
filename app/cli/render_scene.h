// What `scorescope render` draws: the scene (--scene at --stage, or the one the options
// describe) and the model it samples with. Main thread.
#pragma once

#include <memory>

#include "app/cli/options.h"
#include "core/common/error.h"
#include "core/train/trainer.h"
#include "ui/session/scene_file.h"

namespace ss::app {

// The scene render draws: --scene (at --stage, with --t) or the one the options describe;
// --score exact sets its model aside.
Expected<ui::Scene> sceneForRender(const AppOptions& o);

// The scene's model: its checkpoint, or "train N steps" done here; null when it has none.
Expected<std::shared_ptr<const train::ModelSnapshot>> sceneModel(const ui::Scene& scene,
                                                                 const AppOptions& o);

// Nothing learned to draw: the exact score everywhere (says so when the model's density
// was asked for).
void dropLearnedLayers(ui::ExplorerState& st);

}  // namespace ss::app

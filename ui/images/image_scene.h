// A scene opened in the image explorer, as the explorer's state and its panels' state:
// the timeline plays the reverse run from T to 0 on the exact score's VP SDE (ε = 1e-3), the
// image panel takes the scene's image run, sampler, guidance and compare grid, and the
// interpolation panel its strip. UI thread.
#pragma once

#include <string>

#include "ui/panels/image_panel.h"
#include "ui/panels/interp_panel.h"
#include "ui/session/scene_file.h"

namespace ss::ui {

// The checkpoint assets/models holds for an image dataset (fashion-mnist-small.pt for
// Fashion-MNIST, twemoji-small.pt for Twemoji), or "" when there is none.
std::string bundledModelFor(const std::string& data);

// Fills `state`, `view` and `interp` from `s` (the UI scale stays `state`'s); `view`'s
// bundled model is bundledModelFor its data.
void applyImageScene(const Scene& s, ExplorerState& state, ImagePanelState& view,
                     InterpPanelState& interp);

// The interpolation panel's strip as a scene holds it (what a request and a saved scene ask
// for, whether or not it was started).
Scene::Interpolation stripOf(const InterpPanelState& interp);

}  // namespace ss::ui

#include "ui/images/image_scene.h"

#include <filesystem>

#include "core/common/assets.h"
#include "ui/session/requests.h"

namespace ss::ui {

std::string bundledModelFor(const std::string& data) {
  const char* name = data.rfind("fashion-mnist", 0) == 0 ? "fashion-mnist-small.pt"
                     : data == "twemoji"                 ? "twemoji-small.pt"
                                                         : nullptr;
  if (!name || assetsDir().empty()) return {};
  const std::string path = assetsDir() + "/models/" + name;
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec) ? path : std::string();
}

void applyImageScene(const Scene& s, ExplorerState& state, ImagePanelState& view,
                     InterpPanelState& interp) {
  const float scale = state.uiScale;
  state = s.state;
  state.uiScale = scale;
  state.mode = scene::RunMode::ReverseSde;
  state.loop = false;
  state.sde = sde::SdeConfig{};
  state.sde.eps = 1e-3;
  state.t = state.sde.T;
  state.playing = true;
  view.draft = imageRunRequestFor(s);
  view.samplerPreset = s.state.samplerPreset;
  view.modelPath = view.draft.model;
  view.live = false;
  view.guide = s.images.guideClass >= 0;
  if (view.guide)
    view.guideClass = s.images.guideClass, view.guidance = static_cast<float>(s.images.guidance);
  view.compare = !s.imageCompare.empty();
  if (view.compare) view.comparePreset = s.imageCompare;
  const auto& in = s.imageInterpolation;
  interp = InterpPanelState{};
  if (in.a >= 0) {
    interp.indexA = in.a, interp.indexB = in.b, interp.frames = in.frames;
    interp.spherical = in.spherical;
    interp.started = true;
  }
  view.bundledModel = bundledModelFor(view.draft.data);
}

Scene::Interpolation stripOf(const InterpPanelState& interp) {
  return {interp.indexA, interp.indexB, interp.frames, interp.spherical};
}

}  // namespace ss::ui

// Scenes: everything that reproduces a view (dataset, SDE, model, sampler, mode, layers,
// camera, t, seeds, and for images the image run) as a JSON file, read leniently (unknown
// or missing fields get defaults and a warning; a broken file is an error), written
// atomically. The GUI's File menu, `scorescope --scene` and `render --scene` share it.
// Plain data, any thread.
#pragma once

#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/scene/image_run.h"
#include "ui/session/explorer_state.h"

namespace ss::ui {

// The model a scene samples with: a checkpoint, or "train for N steps with seed S", or none
// (the exact score).
struct SceneModel {
  // Our checkpoint or a TorchScript model (docs/MODEL_FORMAT.md); absolute once read
  // (relative paths are the scene file's). `meta`: a TorchScript model's metadata file when
  // it has none of its own ("model_meta").
  std::string checkpoint, meta;
  int64_t trainSteps = 0;  // > 0: train this many steps instead
  uint64_t trainSeed = 0;
  bool none() const { return checkpoint.empty() && trainSteps <= 0; }
  bool operator==(const SceneModel&) const = default;
};

// One step of a lesson: a caption, and a JSON object merged over the scene (RFC 7386
// merge patch), e.g. {"mode": "ode", "time": {"t": 1}}.
struct SceneStage {
  std::string caption;
  std::string patch = "{}";
};

struct Scene {
  std::string title;
  std::string description;  // what the lesson shows, a sentence or two
  std::string caption;      // the equation line shown under the view in presentation mode
  ExplorerState state;      // data, SDE, t, mode, sampler, layers, camera
  SceneModel model;
  // Image datasets: the image explorer's run (its data follows state.data.data; its sampler
  // is state.sampler).
  scene::ImageRunRequest images;
  // Image datasets: a second grid from the same prior draw through this sampler preset
  // ("ode", "pc", …; empty = no compare grid).
  std::string imageCompare;
  // Image datasets: the latent interpolation strip between dataset images a and b (off while
  // a < 0), with `frames` points, slerp or a straight line.
  struct Interpolation {
    int a = -1, b = 1, frames = 9;
    bool spherical = true;
    bool operator==(const Interpolation&) const = default;
  } imageInterpolation;
  std::vector<SceneStage> stages;
  std::string baseDir;  // where relative paths in it (and in its stages) are resolved from
};

struct LoadedScene {
  Scene scene;
  std::vector<std::string> warnings;  // each names the field, e.g. "layers.arows: unknown field"
};

// True when the scene's data is an image dataset (the image explorer shows it).
bool isImageScene(const Scene& scene);

// `baseDir` resolves relative data and checkpoint paths (the scene file's directory).
Expected<LoadedScene> parseScene(const std::string& json, const std::string& baseDir = "");
std::string sceneToJson(const Scene& scene);  // pretty, every field, stable order
Expected<LoadedScene> loadScene(const std::string& path);
// Atomic: a temp file beside `path`, then rename.
Expected<bool> saveScene(const std::string& path, const Scene& scene);

// The scene with stage `index`'s patch applied over it (the stage's caption replaces the
// scene's when set); an index out of range is an error.
Expected<LoadedScene> sceneAtStage(const Scene& scene, int index);

// The scene with the model at `path` (our checkpoint, or a TorchScript model with
// `metaFile` when it has no metadata of its own). An imported model brings its SDE and, when
// its metadata names one, its dataset (an image model's makes it an image scene); a
// checkpoint is described on the trainer's thread when it loads. Reads only the archive's
// small metadata record: fit for the UI thread. Errors name the file and the problem.
// An image scene gets the grid a network starts with (setQuickNetworkGrid).
Expected<Scene> withModel(Scene scene, const std::string& path, const std::string& metaFile);

// The grid a U-Net score starts with (opened with --model or File > Open model…, or chosen
// in the image panel): a few seconds on a CPU, where 64 images × 1000 steps take about 24
// minutes with the bundled U-Net; the panel's "Full run" puts those back.
inline constexpr int64_t kQuickNetworkImages = 16;
// DDIM at 50 steps: with the bundled U-Net, 16 inpainted images in 1.4 s on a 2-core CPU, the
// filled half clean, where 100 ancestral steps left it speckled (docs/IMAGE_QUALITY.md).
inline constexpr int kQuickNetworkSteps = 50;
inline constexpr const char* kQuickNetworkPreset = "ddim";
// Sets that grid on an image scene: kQuickNetworkPreset (any SDE: DDIM is written through
// a(t), σ(t)), kQuickNetworkSteps steps, kQuickNetworkImages images.
void setQuickNetworkGrid(Scene& scene);

// The scene a GUI/command-line state describes (no model, no stages).
Scene sceneFromState(const ExplorerState& state);

}  // namespace ss::ui

#include "ui/session/scene_file.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/common/atomic_file.h"
#include "core/train/model_open.h"
#include "ui/session/scene_json_parts.h"

namespace ss::ui {

namespace fs = std::filesystem;

namespace {

constexpr const char* kFormat = "scorescope-scene";
constexpr int kVersion = 1;

void readData(const json& root, Scene& scene, std::vector<std::string>& w,
              const std::string& baseDir) {
  Section d(root, "data", "data", w);
  d.get("name", scene.state.data.data);
  d.get("n", scene.state.data.n);
  d.get("seed", scene.state.data.seed);
  scene.state.data.data = resolvePath(scene.state.data.data, baseDir);
  if (scene.state.data.n < 1 || scene.state.data.n > 2000000) {
    d.warn("n (" + std::to_string(scene.state.data.n) + ") must lie in [1, 2000000]; 20000 used");
    scene.state.data.n = 20000;
  }
}

// "model": {"checkpoint": FILE} or {"train_steps": N, "seed": S}, or null.
Expected<bool> readModel(Section& top, Scene& scene, std::vector<std::string>& w,
                         const std::string& baseDir) {
  if (const json* m = top.optional("model")) {
    if (!m->is_object())
      return Error{
          "model must be an object: {\"checkpoint\": FILE} or {\"train_steps\": N, \"seed\": S}"};
    Section s(*m, "model", w);
    if (s.optional("checkpoint")) s.get("checkpoint", scene.model.checkpoint);
    if (s.optional("model_meta")) s.get("model_meta", scene.model.meta);
    if (s.optional("train_steps")) s.get("train_steps", scene.model.trainSteps);
    if (s.optional("seed")) s.get("seed", scene.model.trainSeed);
    scene.model.checkpoint = resolvePath(scene.model.checkpoint, baseDir);
    scene.model.meta = resolvePath(scene.model.meta, baseDir);
    if (!scene.model.meta.empty() && scene.model.checkpoint.empty())
      return Error{"model.model_meta describes a TorchScript model: give it with checkpoint"};
    if (!scene.model.checkpoint.empty() && scene.model.trainSteps > 0)
      return Error{"model: give a checkpoint or train_steps, not both"};
    s.finish();
    if (scene.model.trainSteps < 0 || scene.model.trainSteps > 10000000)
      return Error{"model.train_steps (" + std::to_string(scene.model.trainSteps) +
                   ") must lie in [0, 10000000]"};
  }
  return true;
}

// The mode, the model switch and PC step-through: "step_through": true, "move": K
// (0-based) and "move_particles": M (arrows for M particles beside the traced ones).
void readMode(Section& top, Scene& scene, std::vector<std::string>& w) {
  std::string mode = scene::toString(scene.state.mode);
  top.get("mode", mode);
  if (mode == "forward")
    scene.state.mode = scene::RunMode::Forward;
  else if (mode == "sde")
    scene.state.mode = scene::RunMode::ReverseSde;
  else if (mode == "ode")
    scene.state.mode = scene::RunMode::ProbabilityFlow;
  else
    w.push_back("mode: '" + mode + "' is not forward, sde or ode; forward used");
  if (top.optional("use_model")) top.get("use_model", scene.state.useModel);
  if (top.optional("step_through")) top.get("step_through", scene.state.stepThrough);
  if (top.optional("move")) top.get("move", scene.state.move);
  if (top.optional("move_particles")) top.get("move_particles", scene.state.moveParticles);
  if (scene.state.moveParticles < 0 || scene.state.moveParticles > 2000) {
    w.push_back("move_particles (" + std::to_string(scene.state.moveParticles) +
                ") must lie in [0, 2000]; 0 used");
    scene.state.moveParticles = 0;
  }
  if (scene.state.move < 0) {
    w.push_back("move (" + std::to_string(scene.state.move) + ") must be at least 0; 0 used");
    scene.state.move = 0;
  }
}

void readTime(const json& root, Scene& scene, std::vector<std::string>& w) {
  Section t(root, "time", "time", w);
  t.get("t", scene.state.t);
  t.get("playing", scene.state.playing);
  t.get("play_seconds", scene.state.playSeconds);
  t.get("loop", scene.state.loop);
  if (!(scene.state.t >= 0 && scene.state.t <= scene.state.sde.T)) {
    t.warn("t (" + std::to_string(scene.state.t) + ") lies outside [0, T]; clamped");
    scene.state.t =
        std::clamp(std::isfinite(scene.state.t) ? scene.state.t : 0.0, 0.0, scene.state.sde.T);
  }
  if (!(scene.state.playSeconds > 0.05 && scene.state.playSeconds < 3600)) {
    t.warn("play_seconds must lie in (0.05, 3600); 4 used");
    scene.state.playSeconds = 4.0;
  }
}

// 2D inpainting ("inpaint_2d") and class guidance ("guidance"), both optional.
void readConditions(Section& top, Scene& scene, std::vector<std::string>& w) {
  if (const json* f = top.optional("inpaint_2d")) {
    Section in(*f, "inpaint_2d", w);
    in.get("axis", scene.state.fixedAxis);
    in.get("value", scene.state.fixedValue);
    if (scene.state.fixedAxis < -1 || scene.state.fixedAxis > 1) {
      in.warn("axis must be 0 (x1), 1 (x2) or -1 (off); off used");
      scene.state.fixedAxis = -1;
    }
  }
  if (const json* f = top.optional("guidance")) {
    Section g(*f, "guidance", w);
    g.get("class", scene.state.guideClass);
    g.get("scale", scene.state.guidance);
    std::string by = scene.state.classifierFree      ? "free"
                     : scene.state.trainedClassifier ? "trained"
                                                     : "exact";
    if (g.optional("classifier")) g.get("classifier", by);
    if (by != "exact" && by != "trained" && by != "free")
      g.warn("classifier must be exact, trained or free (classifier-free); exact used");
    scene.state.trainedClassifier = by == "trained";
    scene.state.classifierFree = by == "free";
    if (scene.state.guideClass < -1) scene.state.guideClass = -1;
    if (!(scene.state.guidance >= 0) || !std::isfinite(scene.state.guidance)) {
      g.warn("scale must be ≥ 0; 1 used");
      scene.state.guidance = 1.0;
    }
  }
}

// "stages": [{"caption": ..., "set": {...}}], each a merge patch over the scene.
Expected<bool> readStages(Section& top, Scene& scene, std::vector<std::string>& w) {
  if (const json* st = top.optional("stages")) {
    if (!st->is_array())
      return Error{"stages must be an array of {\"caption\": ..., \"set\": {...}}"};
    for (size_t i = 0; i < st->size(); ++i) {
      const json& s = (*st)[i];
      if (!s.is_object()) return Error{"stages[" + std::to_string(i) + "] must be an object"};
      SceneStage stage;
      Section sec(s, "stages[" + std::to_string(i) + "]", w);
      sec.get("caption", stage.caption);
      if (const json* p = sec.optional("set")) {
        if (!p->is_object())
          return Error{"stages[" + std::to_string(i) + "].set must be an object"};
        stage.patch = p->dump();
      }
      sec.finish();
      scene.stages.push_back(std::move(stage));
    }
  }
  return true;
}

}  // namespace

bool isImageScene(const Scene& scene) {
  return scene::looksLikeImageDataset(scene.state.data.data);
}

Expected<Scene> withModel(Scene scene, const std::string& path, const std::string& metaFile) {
  auto d = train::describeModelFile(path, metaFile, /*checkpointDetails=*/false);
  if (!d) return d.error();
  scene.model = SceneModel{};
  scene.model.checkpoint = path;
  scene.model.meta = metaFile;
  if (!d.value().meta) {  // a checkpoint: its SDE is read when it loads
    if (isImageScene(scene)) setQuickNetworkGrid(scene);
    return scene;
  }
  const auto& m = *d.value().meta;
  if (!m.dataset.empty()) scene.state.data.data = m.dataset;
  scene.state.sde = m.sde;
  if (m.image) {
    if (!metaFile.empty())
      return Error{path +
                   ": an image model carries its metadata inside (scorescope.json); "
                   "--model-meta is for 2D models"};
    scene.images.data = scene.state.data.data;
    scene.images.model = path;
  }
  if (isImageScene(scene)) setQuickNetworkGrid(scene);
  return scene;
}

void setQuickNetworkGrid(Scene& scene) {
  scene.state.samplerPreset = kQuickNetworkPreset;
  scene.state.sampler = sample::samplerPreset(scene.state.samplerPreset).value();
  scene.state.sampler.steps = kQuickNetworkSteps;
  scene.images.sampler = scene.state.sampler;
  scene.images.n = kQuickNetworkImages;
}

Scene sceneFromState(const ExplorerState& state) {
  Scene s;
  s.state = state;
  s.state.playing = false;
  s.images.data = state.data.data;
  return s;
}

Expected<LoadedScene> parseScene(const std::string& text, const std::string& baseDir) {
  json root;
  try {
    root = json::parse(text);
  } catch (const std::exception& e) {
    return Error{std::string("not valid JSON: ") + e.what()};
  }
  if (!root.is_object()) return Error{"a scene must be a JSON object"};
  if (auto f = root.find("format"); f != root.end() && (!f->is_string() || *f != kFormat))
    return Error{"not a ScoreScope scene (format is " + f->dump() + ", expected \"" + kFormat +
                 "\")"};
  LoadedScene out;
  auto& w = out.warnings;
  Scene& scene = out.scene;
  scene.baseDir = baseDir;
  Section top(root, "scene", w);
  top.known({"data", "sde", "sampler", "time", "layers", "camera", "images"});
  std::string format = kFormat;
  int version = kVersion;
  top.get("format", format);
  top.get("version", version);
  if (version > kVersion)
    w.push_back("version " + std::to_string(version) + " is newer than this app reads (" +
                std::to_string(kVersion) + "); fields it does not know are ignored");
  top.get("title", scene.title);
  if (top.optional("description")) top.get("description", scene.description);
  if (top.optional("caption")) top.get("caption", scene.caption);
  readData(root, scene, w, baseDir);
  readSde(root, scene.state.sde, w);
  if (auto e = scene.state.sde.validate(); !e) return Error{"sde: " + e.error().message};
  if (auto m = readModel(top, scene, w, baseDir); !m) return m.error();
  readSampler(root, scene.state.sampler, scene.state.samplerPreset, w);
  readMode(top, scene, w);
  if (auto e = scene.state.sampler.validate(scene.state.sde.kind); !e) {
    if (scene.state.mode != scene::RunMode::Forward) return Error{"sampler: " + e.error().message};
    // Forward mode runs no sampler, but the user may switch to a reverse run: say so, and
    // keep the default sampler rather than one that would fail then.
    w.push_back("sampler: " + e.error().message + "; the default sampler (pc) kept");
    scene.state.sampler = sample::SamplerConfig{};
    scene.state.samplerPreset = "pc";
  }
  readTime(root, scene, w);
  readLayers(root, scene, w);
  readCamera(root, scene, w);
  if (top.optional("ui_scale")) top.get("ui_scale", scene.state.uiScale);
  if (const json* c = top.optional("compare")) {
    if (c->is_object())
      readCompare(*c, scene, w);
    else
      w.push_back("compare: not an object, ignored");
    if (scene.state.compare.enabled && scene.state.mode == scene::RunMode::Forward)
      scene.state.mode = scene::RunMode::ReverseSde;  // compare panes are reverse runs
  }
  readConditions(top, scene, w);
  scene.images.data = scene.state.data.data;
  scene.images.sampler = scene.state.sampler;
  if (isImageScene(scene) || top.optional("images")) readImages(root, scene, w, baseDir);
  if (scene.images.model.empty()) scene.images.model = scene.model.checkpoint;
  if (auto s = readStages(top, scene, w); !s) return s.error();
  if (stepThroughActive(scene.state)) {  // t follows the shown move, paused
    if (scene.state.move >= moveCount(scene.state))
      w.push_back("move (" + std::to_string(scene.state.move) + ") is past the run's " +
                  std::to_string(moveCount(scene.state)) + " moves; the last used");
    stepMove(scene.state, 0);
  }
  top.finish();  // before `out` is returned: its warnings belong in it
  return out;
}

std::string sceneToJson(const Scene& scene) {
  const auto& s = scene.state;
  const auto& c = s.canvas;
  json j;
  j["format"] = kFormat;
  j["version"] = kVersion;
  j["title"] = scene.title;
  j["description"] = scene.description;
  j["caption"] = scene.caption;
  j["data"] = {{"name", s.data.data}, {"n", s.data.n}, {"seed", s.data.seed}};
  j["sde"] = sdeJson(s.sde);
  if (!scene.model.checkpoint.empty()) {
    j["model"] = {{"checkpoint", scene.model.checkpoint}};
    if (!scene.model.meta.empty()) j["model"]["model_meta"] = scene.model.meta;
  } else if (scene.model.trainSteps > 0)
    j["model"] = {{"train_steps", scene.model.trainSteps}, {"seed", scene.model.trainSeed}};
  else
    j["model"] = nullptr;
  j["sampler"] = samplerJson(s.sampler, s.samplerPreset);
  j["mode"] = scene::toString(s.mode);
  j["use_model"] = s.useModel;
  if (s.stepThrough)
    j["step_through"] = true, j["move"] = s.move, j["move_particles"] = s.moveParticles;
  j["time"] = {
      {"t", s.t}, {"playing", s.playing}, {"play_seconds", s.playSeconds}, {"loop", s.loop}};
  j["layers"] = layersJson(c);
  j["camera"] = cameraJson(c);
  j["ui_scale"] = s.uiScale;
  if (s.compare.enabled || s.compare.overlay) j["compare"] = compareJson(s.compare);
  if (s.fixedAxis >= 0) j["inpaint_2d"] = {{"axis", s.fixedAxis}, {"value", s.fixedValue}};
  if (s.guideClass >= 0)
    j["guidance"] = {{"class", s.guideClass},
                     {"scale", s.guidance},
                     {"classifier", s.classifierFree      ? "free"
                                    : s.trainedClassifier ? "trained"
                                                          : "exact"}};
  if (isImageScene(scene)) j["images"] = imagesJson(scene);
  json stages = json::array();
  for (const auto& st : scene.stages) {
    json patch = json::parse(st.patch, nullptr, false);
    stages.push_back(
        {{"caption", st.caption}, {"set", patch.is_discarded() ? json::object() : patch}});
  }
  j["stages"] = stages;
  return j.dump(2) + "\n";
}

Expected<LoadedScene> loadScene(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Error{path + ": cannot open the scene file"};
  std::stringstream ss;
  ss << f.rdbuf();
  if (!f && !f.eof()) return Error{path + ": cannot read the scene file"};
  const std::string base = fs::absolute(fs::path(path)).parent_path().string();
  auto scene = parseScene(ss.str(), base);
  if (!scene) return Error{path + ": " + scene.error().message};
  return scene;
}

Expected<bool> saveScene(const std::string& path, const Scene& scene) {
  return writeFileAtomic(path, sceneToJson(scene));
}

Expected<LoadedScene> sceneAtStage(const Scene& scene, int index) {
  if (index < 0 || index >= static_cast<int>(scene.stages.size()))
    return Error{"stage " + std::to_string(index + 1) + " does not exist (the scene has " +
                 std::to_string(scene.stages.size()) + ")"};
  json base = json::parse(sceneToJson(scene));
  json patch = json::parse(scene.stages[index].patch, nullptr, false);
  if (patch.is_discarded() || !patch.is_object())
    return Error{"stages[" + std::to_string(index) + "].set is not a JSON object"};
  base.merge_patch(patch);
  // The scene's own paths are absolute already; a stage's relative ones are the scene file's.
  auto out = parseScene(base.dump(), scene.baseDir);
  if (!out) return Error{"stage " + std::to_string(index + 1) + ": " + out.error().message};
  out.value().scene.stages = scene.stages;
  if (!scene.stages[index].caption.empty()) out.value().scene.caption = scene.stages[index].caption;
  return out;
}

}  // namespace ss::ui

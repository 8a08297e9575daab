#include "ui/session/scene_file.h"

#include "core/common/atomic_file.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace ss::ui {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kFormat = "scorescope-scene";
constexpr int kVersion = 1;

// Reads one JSON object leniently: a missing key or a value of the wrong type keeps the
// default and adds a warning; keys nobody asked for are reported by finish().
class Section {
 public:
  Section(const json& parent, const std::string& key, std::string path,
          std::vector<std::string>& warnings)
      : m_path(std::move(path)), m_warnings(warnings) {
    auto it = parent.find(key);
    if (it == parent.end()) {
      m_warnings.push_back(m_path + ": missing, defaults used");
    } else if (!it->is_object()) {
      m_warnings.push_back(m_path + ": not an object, defaults used");
    } else {
      m_obj = &*it;
    }
  }
  Section(const json& obj, std::string path, std::vector<std::string>& warnings)
      : m_obj(&obj), m_path(std::move(path)), m_warnings(warnings) {}
  ~Section() { finish(); }

  bool present() const { return m_obj != nullptr; }

  template <class T>
  void get(const char* key, T& out) {
    m_seen.insert(key);
    if (!m_obj) return;
    auto it = m_obj->find(key);
    if (it == m_obj->end()) {
      m_missing.push_back(key);
      return;
    }
    try {
      if constexpr (std::is_same_v<T, bool>) {
        if (!it->is_boolean()) throw std::runtime_error("");
      } else if constexpr (std::is_arithmetic_v<T>) {
        if (!it->is_number()) throw std::runtime_error("");
      } else if constexpr (std::is_same_v<T, std::string>) {
        if (!it->is_string()) throw std::runtime_error("");
      }
      out = it->get<T>();
    } catch (const std::exception&) {
      m_warnings.push_back(m_path + "." + key + ": " + it->dump() +
                           " has the wrong type, default kept");
    }
  }
  // A value that may be absent without a warning.
  const json* optional(const char* key) {
    m_seen.insert(key);
    if (!m_obj) return nullptr;
    auto it = m_obj->find(key);
    return it == m_obj->end() || it->is_null() ? nullptr : &*it;
  }
  void warn(const std::string& message) { m_warnings.push_back(m_path + ": " + message); }
  const std::string& path() const { return m_path; }

  // Marks keys that other Sections read, so they are not reported as unknown.
  void known(std::initializer_list<const char*> keys) {
    for (const char* k : keys) m_seen.insert(k);
  }
  void finish() {
    if (!m_obj) return;
    if (!m_missing.empty()) {
      std::string list;
      for (const auto& k : m_missing) list += (list.empty() ? "" : ", ") + k;
      m_warnings.push_back(m_path + ": missing " + list + ", defaults used");
    }
    for (auto it = m_obj->begin(); it != m_obj->end(); ++it)
      if (!m_seen.count(it.key()))
        m_warnings.push_back(m_path + "." + it.key() + ": unknown field, ignored");
    m_obj = nullptr;
  }

 private:
  const json* m_obj = nullptr;
  std::string m_path;
  std::vector<std::string>& m_warnings;
  std::vector<std::string> m_missing;
  std::set<std::string> m_seen;
};

// Relative file paths in a scene are the scene file's; built-in names and specs stay.
std::string resolvePath(const std::string& p, const std::string& baseDir) {
  if (p.empty() || baseDir.empty()) return p;
  if (p.rfind("folder:", 0) == 0) return "folder:" + resolvePath(p.substr(7), baseDir);
  const fs::path path(p);
  if (path.is_absolute()) return p;
  const bool looksLikeFile = p.find('/') != std::string::npos || path.has_extension();
  if (!looksLikeFile) return p;  // "8gaussians", "fashion-mnist:test", "twemoji"
  return (fs::path(baseDir) / path).lexically_normal().string();
}

json sdeJson(const sde::SdeConfig& c) {
  return {{"kind", std::string(sde::toString(c.kind))},
          {"beta_min", c.betaMin},
          {"beta_max", c.betaMax},
          {"sigma_min", c.sigmaMin},
          {"sigma_max", c.sigmaMax},
          {"N", c.N},
          {"T", c.T},
          {"eps", c.eps}};
}

json samplerJson(const sample::SamplerConfig& s, const std::string& preset) {
  return {{"preset", preset},
          {"predictor", sample::toString(s.predictor)},
          {"corrector", sample::toString(s.corrector)},
          {"ode", s.kind == sample::SamplerKind::Ode},
          {"solver", sample::toString(s.solver)},
          {"steps", s.steps},
          {"snr", s.snr},
          {"corrector_steps", s.correctorSteps},
          {"rtol", s.rtol},
          {"atol", s.atol},
          {"denoise", s.denoise}};
}

void readSde(const json& root, sde::SdeConfig& c, std::vector<std::string>& w) {
  Section s(root, "sde", "sde", w);
  std::string kind(sde::toString(c.kind));
  s.get("kind", kind);
  if (auto k = sde::parseSdeKind(kind))
    c.kind = *k;
  else
    s.warn("kind '" + kind + "' is not vp, subvp or ve; vp used");
  s.get("beta_min", c.betaMin);
  s.get("beta_max", c.betaMax);
  s.get("sigma_min", c.sigmaMin);
  s.get("sigma_max", c.sigmaMax);
  s.get("N", c.N);
  s.get("T", c.T);
  s.get("eps", c.eps);
}

void readSampler(const json& root, sample::SamplerConfig& c, std::string& preset,
                 std::vector<std::string>& w) {
  Section s(root, "sampler", "sampler", w);
  s.get("preset", preset);
  if (auto p = sample::samplerPreset(preset))
    c = p.value();
  else
    s.warn("preset '" + preset + "' is unknown; pc used"), preset = "pc";
  std::string predictor = sample::toString(c.predictor), corrector = sample::toString(c.corrector),
              solver = sample::toString(c.solver);
  bool ode = c.kind == sample::SamplerKind::Ode;
  s.get("predictor", predictor);
  s.get("corrector", corrector);
  s.get("ode", ode);
  s.get("solver", solver);
  s.get("steps", c.steps);
  s.get("snr", c.snr);
  s.get("corrector_steps", c.correctorSteps);
  s.get("rtol", c.rtol);
  s.get("atol", c.atol);
  s.get("denoise", c.denoise);
  c.kind = ode ? sample::SamplerKind::Ode : sample::SamplerKind::Pc;
  if (auto p = sample::parsePredictor(predictor))
    c.predictor = p.value();
  else
    s.warn(p.error().message);
  if (auto p = sample::parseCorrector(corrector))
    c.corrector = p.value();
  else
    s.warn(p.error().message);
  if (auto p = sample::parseOdeSolver(solver))
    c.solver = p.value();
  else
    s.warn(p.error().message);
}

// Compare mode: {"enabled", "overlay", "picked", "panes": [{"mode": "sde"|"ode",
// "sampler": {...as the scene's sampler...}, "use_model"}]} (2 or 3 panes).
void readCompare(const json& c, Scene& scene, std::vector<std::string>& w) {
  auto& spec = scene.state.compare;
  Section s(c, "compare", w);
  s.get("enabled", spec.enabled);
  s.get("overlay", spec.overlay);
  s.get("picked", spec.picked);
  spec.picked = std::max<int64_t>(0, spec.picked);
  const json* panes = s.optional("panes");
  if (!panes) return;
  if (!panes->is_array() || panes->size() < 2 || panes->size() > 3) {
    s.warn("panes must be a list of 2 or 3 panes; reverse SDE | PF-ODE used");
    return;
  }
  std::vector<ComparePane> out;
  for (size_t i = 0; i < panes->size(); ++i) {
    const std::string path = "compare.panes[" + std::to_string(i) + "]";
    if (!(*panes)[i].is_object()) {
      w.push_back(path + ": not an object; reverse SDE | PF-ODE used");
      return;
    }
    ComparePane p;
    Section ps((*panes)[i], path, w);
    std::string mode = "sde";
    ps.get("mode", mode);
    ps.get("use_model", p.useModel);
    if (mode != "sde" && mode != "ode")
      ps.warn("mode '" + mode + "' is not sde or ode; sde used"), mode = "sde";
    p.mode = mode == "ode" ? scene::RunMode::ProbabilityFlow : scene::RunMode::ReverseSde;
    ps.known({"sampler"});
    std::vector<std::string> sw;
    readSampler((*panes)[i], p.sampler, p.samplerPreset, sw);
    for (auto& x : sw) w.push_back(path + "." + x);
    p.sampler.kind = mode == "ode" ? sample::SamplerKind::Ode : sample::SamplerKind::Pc;
    out.push_back(std::move(p));
  }
  spec.panes = std::move(out);
}

// The score field's style; optional keys (scenes written before they existed load quietly).
void readFieldStyle(Section& s, CanvasOptions& c) {
  auto flag = [&](const char* key, bool& out) {
    if (const json* v = s.optional(key)) {
      if (v->is_boolean())
        out = v->get<bool>();
      else
        s.warn(std::string(key) + ": " + v->dump() + " is not true or false, default kept");
    }
  };
  flag("field_difference", c.fieldDifference);
  flag("streamlines", c.fieldStreamlines);
  if (const json* v = s.optional("arrow_length")) {
    const auto length = v->is_string() ? parseFieldLength(v->get<std::string>()) : std::nullopt;
    if (length)
      c.fieldLength = *length;
    else
      s.warn("arrow_length " + v->dump() + " is not scaled, normalized or true; default kept");
  }
  if (const json* v = s.optional("arrow_scale")) {
    if (v->is_number() && v->get<double>() > 0 && v->get<double>() <= 100)
      c.arrowScale = v->get<float>();
    else
      s.warn("arrow_scale " + v->dump() + " is not a number in (0, 100]; default kept");
  }
}

void readLayers(const json& root, Scene& scene, std::vector<std::string>& w) {
  auto& c = scene.state.canvas;
  Section s(root, "layers", "layers", w);
  s.get("point_size", c.pointSize);
  s.get("alpha", c.alpha);
  std::string colour = colourName(c.colourMode);
  s.get("colour", colour);
  if (!parseColourName(colour, c.colourMode))
    s.warn("colour '" + colour + "' is not auto, class, attribute or speed; auto used");
  s.get("grid", c.showGrid);
  s.get("means", c.showMeans);
  s.get("learned_field", c.showLearnedField);
  s.get("exact_field", c.showExactField);
  s.get("field_resolution", c.fieldResolution);
  c.fieldResolution = std::clamp(c.fieldResolution, 2, 128);
  readFieldStyle(s, c);
  s.get("trails", c.showTrails);
  scene.state.showTrails = c.showTrails;
  s.get("density", c.showDensity);
  s.get("log_density", c.logDensity);
  std::string source = toString(c.densitySource);
  if (s.optional("density_source")) s.get("density_source", source);
  if (source == "exact")
    c.densitySource = DensitySource::Exact;
  else if (source == "model")
    c.densitySource = DensitySource::Model;
  else
    s.warn("density_source '" + source + "' is not exact or model; exact used");
  s.get("score_error", c.showScoreError);
}

void readCamera(const json& root, Scene& scene, std::vector<std::string>& w) {
  auto& c = scene.state.canvas;
  Section s(root, "camera", "camera", w);
  s.get("follow_spread", c.followSpread);
  if (const json* v = s.optional("view")) {
    if (v->is_array() && v->size() == 4 &&
        std::all_of(v->begin(), v->end(), [](const json& x) { return x.is_number(); })) {
      std::array<float, 4> b{};
      for (int i = 0; i < 4; ++i) b[i] = (*v)[i].get<float>();
      if (b[2] > b[0] && b[3] > b[1])
        c.view = b;
      else
        s.warn("view must be [xmin, ymin, xmax, ymax] with max > min; the data is framed");
    } else {
      s.warn("view must be [xmin, ymin, xmax, ymax]; the data is framed");
    }
  }
}

void readImages(const json& root, Scene& scene, std::vector<std::string>& w,
                const std::string& baseDir) {
  auto& r = scene.images;
  Section s(root, "images", "images", w);
  int64_t limit = r.limit, n = r.n, index = r.imageIndex;
  uint64_t seed = r.seed;
  s.get("limit", limit);
  s.get("model", r.model);
  r.model = resolvePath(r.model, baseDir);
  s.get("n", n);
  s.get("seed", seed);
  s.get("image_index", index);
  r.limit = std::clamp<int64_t>(limit, 1, 100000);
  r.n = std::clamp<int64_t>(n, 1, 256);
  r.seed = seed;
  r.imageIndex = std::max<int64_t>(0, index);
  std::string task = scene::toString(r.task), mask = sample::toString(r.mask);
  s.get("task", task);
  s.get("mask", mask);
  if (task == "unconditional")
    r.task = scene::ImageTask::Unconditional;
  else if (task == "inpaint")
    r.task = scene::ImageTask::Inpaint;
  else if (task == "colorize")
    r.task = scene::ImageTask::Colorize;
  else
    s.warn("task '" + task + "' is not unconditional, inpaint or colorize; unconditional used");
  if (!sample::parseMaskPreset(mask, &r.mask))
    s.warn("mask '" + mask + "' is unknown; left-half used");
  r.guideClass = -1;
  if (const json* g = s.optional("guidance")) {
    const bool ok = g->is_object() && g->contains("class") && (*g)["class"].is_number_integer() &&
                    (!g->contains("scale") || (*g)["scale"].is_number());
    if (ok && (*g)["class"].get<int>() >= 0) {
      r.guideClass = (*g)["class"].get<int>();
      r.guidance = g->contains("scale") ? (*g)["scale"].get<double>() : 1.0;
      if (!(r.guidance >= 0) || !std::isfinite(r.guidance)) {
        s.warn("guidance.scale " + (*g)["scale"].dump() + " must be a number ≥ 0; unguided");
        r.guideClass = -1;
      }
    } else {
      s.warn("guidance: " + g->dump() + " is not {\"class\": K ≥ 0, \"scale\": w}; unguided");
    }
  }
  scene.imageInterpolation = {};
  if (const json* ip = s.optional("interpolate")) {
    auto& in = scene.imageInterpolation;
    const auto num = [&](const char* k, int& out, int lo, int hi) {
      if (!ip->contains(k)) return true;
      const auto& v = (*ip)[k];
      if (!v.is_number_integer() || v.get<int>() < lo || v.get<int>() > hi) return false;
      out = v.get<int>();
      return true;
    };
    std::string method = "slerp";
    if (ip->is_object() && ip->contains("method") && (*ip)["method"].is_string())
      method = (*ip)["method"].get<std::string>();
    const bool ok = ip->is_object() && ip->contains("a") && num("a", in.a, 0, 1 << 30) &&
                    num("b", in.b, 0, 1 << 30) && num("frames", in.frames, 2, 32) &&
                    (method == "slerp" || method == "linear");
    if (ok) {
      in.spherical = method == "slerp";
    } else {
      s.warn("interpolate: " + ip->dump() +
             " is not {\"a\": K, \"b\": K, \"frames\": 2..32, \"method\": "
             "\"slerp\" | \"linear\"}; no strip");
      in = {};
    }
  }
  std::string compare;
  if (const json* c = s.optional("compare")) {
    if (c->is_string())
      compare = c->get<std::string>();
    else
      s.warn("compare: " + c->dump() + " is not a sampler preset name; no compare grid");
  }
  if (!compare.empty() && !sample::samplerPreset(compare)) {
    s.warn("compare '" + compare + "' is not a sampler preset; no compare grid");
    compare.clear();
  }
  scene.imageCompare = compare;
}

}  // namespace

bool isImageScene(const Scene& scene) {
  return scene::looksLikeImageDataset(scene.state.data.data);
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
  {
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
  readSde(root, scene.state.sde, w);
  if (std::string e = scene.state.sde.validate(); !e.empty()) return Error{"sde: " + e};
  if (const json* m = top.optional("model")) {
    if (!m->is_object())
      return Error{
          "model must be an object: {\"checkpoint\": FILE} or {\"train_steps\": N, \"seed\": S}"};
    Section s(*m, "model", w);
    if (s.optional("checkpoint")) s.get("checkpoint", scene.model.checkpoint);
    if (s.optional("train_steps")) s.get("train_steps", scene.model.trainSteps);
    if (s.optional("seed")) s.get("seed", scene.model.trainSeed);
    scene.model.checkpoint = resolvePath(scene.model.checkpoint, baseDir);
    if (!scene.model.checkpoint.empty() && scene.model.trainSteps > 0)
      return Error{"model: give a checkpoint or train_steps, not both"};
    s.finish();
    if (scene.model.trainSteps < 0 || scene.model.trainSteps > 10000000)
      return Error{"model.train_steps (" + std::to_string(scene.model.trainSteps) +
                   ") must lie in [0, 10000000]"};
  }
  readSampler(root, scene.state.sampler, scene.state.samplerPreset, w);
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
  // PC step-through (reverse SDE): "step_through": true, "move": K (0-based) and
  // "move_particles": M (arrows for M particles beside the traced ones), all optional.
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
  if (std::string e = scene.state.sampler.validate(scene.state.sde.kind);
      !e.empty() && scene.state.mode != scene::RunMode::Forward)
    return Error{"sampler: " + e};
  {
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
    std::string by = scene.state.trainedClassifier ? "trained" : "exact";
    if (g.optional("classifier")) g.get("classifier", by);
    if (by != "exact" && by != "trained") g.warn("classifier must be exact or trained; exact used");
    scene.state.trainedClassifier = by == "trained";
    if (scene.state.guideClass < -1) scene.state.guideClass = -1;
    if (!(scene.state.guidance >= 0) || !std::isfinite(scene.state.guidance)) {
      g.warn("scale must be ≥ 0; 1 used");
      scene.state.guidance = 1.0;
    }
  }
  scene.images.data = scene.state.data.data;
  scene.images.sampler = scene.state.sampler;
  if (isImageScene(scene) || top.optional("images")) readImages(root, scene, w, baseDir);
  if (scene.images.model.empty()) scene.images.model = scene.model.checkpoint;
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
  if (!scene.model.checkpoint.empty())
    j["model"] = {{"checkpoint", scene.model.checkpoint}};
  else if (scene.model.trainSteps > 0)
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
  j["layers"] = {{"point_size", c.pointSize},
                 {"alpha", c.alpha},
                 {"colour", colourName(c.colourMode)},
                 {"grid", c.showGrid},
                 {"means", c.showMeans},
                 {"learned_field", c.showLearnedField},
                 {"exact_field", c.showExactField},
                 {"field_resolution", c.fieldResolution},
                 {"field_difference", c.fieldDifference},
                 {"streamlines", c.fieldStreamlines},
                 {"arrow_length", toString(c.fieldLength)},
                 {"arrow_scale", c.arrowScale},
                 {"trails", c.showTrails},
                 {"density", c.showDensity},
                 {"log_density", c.logDensity},
                 {"density_source", toString(c.densitySource)},
                 {"score_error", c.showScoreError}};
  j["camera"] = {{"follow_spread", c.followSpread}};
  if (c.view) j["camera"]["view"] = *c.view;
  j["ui_scale"] = s.uiScale;
  if (s.compare.enabled || s.compare.overlay) {
    json panes = json::array();
    for (const auto& p : s.compare.panes) {
      json pj = {{"mode", p.mode == scene::RunMode::ProbabilityFlow ? "ode" : "sde"},
                 {"sampler", samplerJson(p.sampler, p.samplerPreset)},
                 {"use_model", p.useModel}};
      panes.push_back(pj);
    }
    j["compare"] = {{"enabled", s.compare.enabled},
                    {"overlay", s.compare.overlay},
                    {"picked", s.compare.picked},
                    {"panes", panes}};
  }
  if (s.fixedAxis >= 0) j["inpaint_2d"] = {{"axis", s.fixedAxis}, {"value", s.fixedValue}};
  if (s.guideClass >= 0)
    j["guidance"] = {{"class", s.guideClass},
                     {"scale", s.guidance},
                     {"classifier", s.trainedClassifier ? "trained" : "exact"}};
  if (isImageScene(scene)) {
    const auto& r = scene.images;
    j["images"] = {{"limit", r.limit},
                   {"model", r.model},
                   {"n", r.n},
                   {"seed", r.seed},
                   {"task", scene::toString(r.task)},
                   {"mask", sample::toString(r.mask)},
                   {"image_index", r.imageIndex}};
    if (!scene.imageCompare.empty()) j["images"]["compare"] = scene.imageCompare;
    if (r.guideClass >= 0)
      j["images"]["guidance"] = {{"class", r.guideClass}, {"scale", r.guidance}};
    if (const auto& in = scene.imageInterpolation; in.a >= 0)
      j["images"]["interpolate"] = {{"a", in.a},
                                    {"b", in.b},
                                    {"frames", in.frames},
                                    {"method", in.spherical ? "slerp" : "linear"}};
  }
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

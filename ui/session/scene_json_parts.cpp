#include "ui/session/scene_json_parts.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "core/common/field_list.h"

namespace ss::ui {

namespace fs = std::filesystem;

std::string resolvePath(const std::string& p, const std::string& baseDir) {
  if (p.empty() || baseDir.empty()) return p;
  if (p.rfind("folder:", 0) == 0) return "folder:" + resolvePath(p.substr(7), baseDir);
  const fs::path path(p);
  if (path.is_absolute()) return p;
  const bool looksLikeFile = p.find('/') != std::string::npos || path.has_extension();
  if (!looksLikeFile) return p;  // "8gaussians", "fashion-mnist:test", "twemoji"
  return (fs::path(baseDir) / path).lexically_normal().string();
}

namespace {

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
  if (s.optional("arrow_length"))
    s.getName("arrow_length", c.fieldLength, parseFieldLength, toString(c.fieldLength));
  if (const json* v = s.optional("arrow_scale")) {
    if (v->is_number() && v->get<double>() > 0 && v->get<double>() <= 100)
      c.arrowScale = v->get<float>();
    else
      s.warn("arrow_scale " + v->dump() + " is not a number in (0, 100]; default kept");
  }
}

// "guidance": {"class": K ≥ 0, "scale": w}; anything else leaves the run unguided.
void readImageGuidance(Section& s, scene::ImageRunRequest& r) {
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
}

// "interpolate": {"a": K, "b": K, "frames": 2..32, "method": "slerp" | "linear"}.
void readInterpolation(Section& s, Scene& scene) {
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
}

// "compare": a sampler preset for a second grid from the same prior draw.
void readImageCompare(Section& s, Scene& scene) {
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

// The plain keys of a part, each with its field, in one list that the writer and the reader
// share (f(key, field)); the keys with names or checks of their own are handled beside it.
template <class C, class F>
void samplerNumbers(C& c, F&& f) {
  // clang-format off
  eachField(f, "steps", c.steps, "snr", c.snr, "corrector_steps", c.correctorSteps, "rtol", c.rtol,
            "atol", c.atol, "denoise", c.denoise);
  // clang-format on
}

// The field's solvers' keys: optional (scenes written before them load quietly).
template <class C, class F>
void solverNumbers(C& c, F&& f) {
  eachField(f, "eta", c.eta, "churn", c.churn, "rho", c.rho);
}

template <class C, class F>
void layerSwitches(C& c, F&& f) {
  // clang-format off
  eachField(f, "point_size", c.pointSize, "alpha", c.alpha, "grid", c.showGrid, "means", c.showMeans,
            "learned_field", c.showLearnedField, "exact_field", c.showExactField,
            "field_resolution", c.fieldResolution, "trails", c.showTrails, "density", c.showDensity,
            "log_density", c.logDensity, "score_error", c.showScoreError);
  // clang-format on
}

// A reader or writer for those lists: s.get(key, field) or j[key] = field.
auto reader(Section& s) {
  return [&s](const char* key, auto& field) { s.get(key, field); };
}
auto writer(json& j) {
  return [&j](const char* key, const auto& field) { j[key] = field; };
}

}  // namespace

json sdeJson(const sde::SdeConfig& c) { return json::parse(c.toJson()); }

json samplerJson(const sample::SamplerConfig& s, const std::string& preset) {
  json j = {{"preset", preset},
            {"predictor", sample::toString(s.predictor)},
            {"corrector", sample::toString(s.corrector)},
            {"ode", s.kind == sample::SamplerKind::Ode},
            {"solver", sample::toString(s.solver)},
            {"schedule", sample::toString(s.schedule)}};
  samplerNumbers(s, writer(j));
  solverNumbers(s, writer(j));
  return j;
}

void readSde(const json& root, sde::SdeConfig& c, std::vector<std::string>& w) {
  Section s(root, "sde", "sde", w);
  const sde::SdeKind before = c.kind;
  s.getName("kind", c.kind, sde::parseSdeKind, std::string(sde::toString(c.kind)));
  // A scene naming rf without T gets rf's T < 1 (docs/PROCESSES.md), as --sde rf does.
  if (c.kind != before && c.T == sde::defaultT(before)) c.T = sde::defaultT(c.kind);
  sde::forEachNumber(c, reader(s));
}

void readSampler(const json& root, sample::SamplerConfig& c, std::string& preset,
                 std::vector<std::string>& w) {
  Section s(root, "sampler", "sampler", w);
  s.get("preset", preset);
  if (auto p = sample::samplerPreset(preset))
    c = p.value();
  else
    s.warn("preset '" + preset + "' is unknown; pc used"), preset = "pc";
  bool ode = c.kind == sample::SamplerKind::Ode;
  s.getName("predictor", c.predictor, sample::parsePredictor, sample::toString(c.predictor));
  s.getName("corrector", c.corrector, sample::parseCorrector, sample::toString(c.corrector));
  s.get("ode", ode);
  s.getName("solver", c.solver, sample::parseOdeSolver, sample::toString(c.solver));
  if (s.optional("schedule"))
    s.getName("schedule", c.schedule, sample::parseTimeSchedule, sample::toString(c.schedule));
  samplerNumbers(c, reader(s));
  solverNumbers(c, [&](const char* key, auto& field) {
    if (s.optional(key)) reader(s)(key, field);
  });
  c.kind = ode ? sample::SamplerKind::Ode : sample::SamplerKind::Pc;
}

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
    if (const json* kind = ps.optional("sde")) {  // the pane's own SDE (absent: the scene's)
      auto parsed = kind->is_string() ? sde::parseSdeKind(kind->get<std::string>())
                                      : Expected<sde::SdeKind>(Error{"not a name"});
      if (parsed)
        p.sde = parsed.value();
      else
        ps.warn("sde " + kind->dump() + ": " + parsed.error().message + "; the scene's used");
    }
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

void readLayers(const json& root, Scene& scene, std::vector<std::string>& w) {
  auto& c = scene.state.canvas;
  Section s(root, "layers", "layers", w);
  layerSwitches(c, reader(s));
  c.fieldResolution = std::clamp(c.fieldResolution, 2, 128);
  s.getName("colour", c.colourMode, parseColourName, colourName(c.colourMode));
  readFieldStyle(s, c);
  if (s.optional("density_source"))
    s.getName("density_source", c.densitySource, parseDensitySource, toString(c.densitySource));
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
  std::string task = scene::toString(r.task);
  s.get("task", task);
  if (task == "unconditional")
    r.task = scene::ImageTask::Unconditional;
  else if (task == "inpaint")
    r.task = scene::ImageTask::Inpaint;
  else if (task == "colorize")
    r.task = scene::ImageTask::Colorize;
  else
    s.warn("task '" + task + "' is not unconditional, inpaint or colorize; unconditional used");
  s.getName("mask", r.mask, sample::parseMaskPreset, sample::toString(r.mask));
  readImageGuidance(s, r);
  readInterpolation(s, scene);
  readImageCompare(s, scene);
}

json compareJson(const CompareSpec& c) {
  json panes = json::array();
  for (const auto& p : c.panes) {
    json pj = {{"mode", p.mode == scene::RunMode::ProbabilityFlow ? "ode" : "sde"},
               {"sampler", samplerJson(p.sampler, p.samplerPreset)},
               {"use_model", p.useModel}};
    if (p.sde) pj["sde"] = std::string(sde::toString(*p.sde));
    panes.push_back(std::move(pj));
  }
  return {{"enabled", c.enabled}, {"overlay", c.overlay}, {"picked", c.picked}, {"panes", panes}};
}

json layersJson(const CanvasOptions& c) {
  json j = {{"colour", colourName(c.colourMode)}, {"field_difference", c.fieldDifference},
            {"streamlines", c.fieldStreamlines},  {"arrow_length", toString(c.fieldLength)},
            {"arrow_scale", c.arrowScale},        {"density_source", toString(c.densitySource)}};
  layerSwitches(c, writer(j));
  return j;
}

json cameraJson(const CanvasOptions& c) {
  json j = {{"follow_spread", c.followSpread}};
  if (c.view) j["view"] = *c.view;
  return j;
}

json imagesJson(const Scene& scene) {
  const auto& r = scene.images;
  json j = {{"limit", r.limit},
            {"model", r.model},
            {"n", r.n},
            {"seed", r.seed},
            {"task", scene::toString(r.task)},
            {"mask", sample::toString(r.mask)},
            {"image_index", r.imageIndex}};
  if (!scene.imageCompare.empty()) j["compare"] = scene.imageCompare;
  if (r.guideClass >= 0) j["guidance"] = {{"class", r.guideClass}, {"scale", r.guidance}};
  if (const auto& in = scene.imageInterpolation; in.a >= 0)
    j["interpolate"] = {{"a", in.a},
                        {"b", in.b},
                        {"frames", in.frames},
                        {"method", in.spherical ? "slerp" : "linear"}};
  return j;
}

}  // namespace ss::ui

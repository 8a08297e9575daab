#include "core/model/model_meta.h"

#include <nlohmann/json.hpp>

#include "core/common/enum_names.h"
#include "core/common/json_read.h"

namespace ss::model {

namespace {

constexpr const char* kFormat = "scorescope-score-model";
constexpr int kVersion = 1;

constexpr EnumName<Output> kOutputs[] = {
    {Output::Score, "score"}, {Output::Eps, "eps"}, {Output::X0, "x0"}, {Output::V, "v"}};
constexpr EnumName<TimeInput> kTimeInputs[] = {{TimeInput::T, "t"},
                                               {TimeInput::T999, "999t"},
                                               {TimeInput::Sigma, "sigma"},
                                               {TimeInput::LogSigma, "log_sigma"}};

using jsonread::Json;

Status readData(const Json& j, ModelMeta& m) {
  if (!j.is_object()) return jsonread::typeError("data", "an object", j);
  std::string kind;
  if (auto it = j.find("kind"); it == j.end() || !it->is_string())
    return Error{"data.kind must be \"points\" or \"image\""};
  else
    kind = it->get<std::string>();
  if (kind == "points") {
    if (!j.contains("dim")) return Error{"data.dim is missing (points need their dimension)"};
    if (auto s = jsonread::readKey(j, "dim", "data.", m.dim); !s) return s;
    if (m.dim < 1) return invalid("data.dim", m.dim, "must be at least 1");
    return Ok{};
  }
  if (kind != "image")
    return Error{"data.kind: unknown kind '" + kind + "' (expected points, image)"};
  m.image = true;
  std::vector<int> shape;
  if (!j.contains("shape")) return Error{"data.shape is missing (images need [C, H, W])"};
  if (auto s = jsonread::readKey(j, "shape", "data.", shape); !s) return s;
  if (shape.size() != 3 || shape[0] < 1 || shape[1] < 1 || shape[2] < 1)
    return Error{"data.shape must be [C, H, W] with positive sizes, got " + j["shape"].dump()};
  m.shape.assign(shape.begin(), shape.end());
  if (auto it = j.find("range"); it != j.end()) {
    if (!it->is_array() || it->size() != 2 || !(*it)[0].is_number() || !(*it)[1].is_number() ||
        (*it)[0].get<double>() >= (*it)[1].get<double>())
      return Error{"data.range must be [low, high] with low < high, got " + it->dump()};
    m.rangeLo = (*it)[0].get<double>(), m.rangeHi = (*it)[1].get<double>();
  }
  return Ok{};
}

Status readSde(const Json& j, const std::string& dataset, ModelMeta& m) {
  if (!j.is_object()) return jsonread::typeError("sde", "an object", j);
  if (auto s = jsonread::readKey(
          j, "type", "sde.", +[](const std::string& n) { return sde::parseSdeKind(n); },
          m.sde.kind);
      !s)
    return s;
  if (!j.contains("type"))
    return Error{"sde.type is missing (expected ve, vp, subvp, vp-cosine, rf)"};
  // The kind's defaults under the parameters given: rf's T is 0.999 (its g is singular at 1).
  m.sde = sde::defaultsFor(m.sde.kind);
  Status s = Ok{};
  sde::forEachNumber(m.sde, [&](const char* key, auto& field) {
    if (s) s = jsonread::readKey(j, key, "sde.", field);
  });
  if (!s) return s;
  if (m.sde.kind == sde::SdeKind::VE && m.sde.sigmaMaxIsAuto() && dataset.empty())
    return Error{"sde.sigma_max is required for a VE model without a dataset to derive it from"};
  if (auto v = m.sde.validate(); !v) return Error{"sde: " + v.error().message};
  return Ok{};
}

Status readClasses(const Json& j, ModelMeta& m) {
  if (auto s = jsonread::readKey(j, "classes", "", m.classes); !s) return s;
  if (m.classes < 0) return invalid("classes", m.classes, "must be a non-negative count");
  if (auto it = j.find("class_names"); it != j.end()) {
    if (!it->is_array()) return jsonread::typeError("class_names", "an array of strings", *it);
    for (const auto& n : *it) {
      if (!n.is_string()) return jsonread::typeError("class_names", "an array of strings", *it);
      m.classNames.push_back(n.get<std::string>());
    }
    if (m.classes == 0) m.classes = static_cast<int>(m.classNames.size());
    if (static_cast<int>(m.classNames.size()) != m.classes)
      return Error{"class_names has " + std::to_string(m.classNames.size()) +
                   " names but classes = " + std::to_string(m.classes)};
  }
  return Ok{};
}

Status readStrings(const Json& j, ModelMeta& m) {
  for (auto [key, out] : {std::pair{"dataset", &m.dataset}, std::pair{"name", &m.name},
                          std::pair{"notes", &m.notes}}) {
    auto it = j.find(key);
    if (it == j.end()) continue;
    if (!it->is_string()) return jsonread::typeError(key, "a string", *it);
    *out = it->get<std::string>();
  }
  return Ok{};
}

}  // namespace

std::string toString(Output o) { return nameOf(kOutputs, o); }
std::string toString(TimeInput t) { return nameOf(kTimeInputs, t); }
Expected<Output> parseOutput(const std::string& s) { return parseName(kOutputs, s, "output"); }
Expected<TimeInput> parseTimeInput(const std::string& s) {
  return parseName(kTimeInputs, s, "time_input");
}

std::vector<int64_t> ModelMeta::sampleShape() const {
  return image ? shape : std::vector<int64_t>{dim};
}

Expected<ModelMeta> parseModelMeta(const std::string& text) {
  const Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error{"the metadata is not valid JSON"};
  if (!j.is_object()) return Error{"the metadata must be a JSON object"};
  ModelMeta m;
  if (j.value("format", std::string()) != kFormat)
    return Error{"format must be \"" + std::string(kFormat) + "\", got " +
                 (j.contains("format") ? j["format"].dump() : std::string("nothing"))};
  if (auto s = jsonread::readKey(j, "version", "", m.version); !s) return s.error();
  if (m.version != kVersion)
    return Error{"version " + std::to_string(m.version) + " is not supported (this build reads " +
                 std::to_string(kVersion) + ")"};
  if (auto s = readStrings(j, m); !s) return s.error();
  for (const char* key : {"data", "sde", "output"})
    if (!j.contains(key)) return Error{std::string(key) + " is missing"};
  if (auto s = readData(j["data"], m); !s) return s.error();
  if (auto s = readSde(j["sde"], m.dataset, m); !s) return s.error();
  if (auto s = jsonread::readKey(j, "output", "", parseOutput, m.output); !s) return s.error();
  if (auto s = jsonread::readKey(j, "time_input", "", parseTimeInput, m.timeInput); !s)
    return s.error();
  if (auto s = readClasses(j, m); !s) return s.error();
  return m;
}

std::string toJson(const ModelMeta& m) {
  Json data = m.image
                  ? Json{{"kind", "image"}, {"shape", m.shape}, {"range", {m.rangeLo, m.rangeHi}}}
                  : Json{{"kind", "points"}, {"dim", m.dim}};
  Json sde = {{"type", std::string(sde::toString(m.sde.kind))}};
  sde::forEachNumber(m.sde, [&](const char* key, const auto& v) { sde[key] = v; });
  Json j = {
      {"format", kFormat}, {"version", m.version},         {"data", data},
      {"sde", sde},        {"output", toString(m.output)}, {"time_input", toString(m.timeInput)}};
  if (m.classes > 0) j["classes"] = m.classes;
  if (!m.classNames.empty()) j["class_names"] = m.classNames;
  if (!m.dataset.empty()) j["dataset"] = m.dataset;
  if (!m.name.empty()) j["name"] = m.name;
  if (!m.notes.empty()) j["notes"] = m.notes;
  return j.dump(2);
}

std::string summary(const ModelMeta& m) {
  std::string s = m.name.empty() ? std::string("imported model") : m.name;
  if (!m.dataset.empty()) s += " · " + m.dataset;
  std::string kind(sde::toString(m.sde.kind));
  for (auto& c : kind) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  s += " · " + kind + " · " + toString(m.output) + " · t-input " + toString(m.timeInput);
  if (m.image)
    s += " · " + std::to_string(m.shape[0]) + "×" + std::to_string(m.shape[1]) + "×" +
         std::to_string(m.shape[2]);
  else
    s += " · " + std::to_string(m.dim) + "D";
  if (m.classes > 0) s += " · " + std::to_string(m.classes) + " classes";
  return s;
}

}  // namespace ss::model

// TrainConfig's names, validation and JSON round trip. Torch-free (train_config.h is included
// by ui/). JSON keys are snake_case, as in the validation messages:
//   {"loss": {"objective": "dsm", "weighting": "sigma2", "importance_sampling": false,
//             "ssm_projections": 1, "rademacher": true},
//    "lr": 0.002, "batch": 512, "grad_clip": 1, "warmup": 100, "ema_decay": 0.999,
//    "seed": 0, "dataset_size": 65536, "divergence_factor": 1000}
// Missing keys keep their defaults and unknown keys are ignored (older and newer files load);
// a key of the wrong type, an unknown enum name or a value that fails validate() is an error.
#include "core/train/train_config.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>
#include <sstream>

namespace ss::train {

std::string toString(Weighting w) {
  switch (w) {
    case Weighting::Sigma2:
      return "sigma2";
    case Weighting::G2:
      return "g2";
    case Weighting::One:
      return "one";
  }
  return "?";
}

std::string toString(Objective o) {
  switch (o) {
    case Objective::Dsm:
      return "dsm";
    case Objective::Ssm:
      return "ssm";
  }
  return "?";
}

bool parseWeighting(const std::string& s, Weighting* out) {
  Weighting w;
  if (s == "sigma2")
    w = Weighting::Sigma2;
  else if (s == "g2")
    w = Weighting::G2;
  else if (s == "one")
    w = Weighting::One;
  else
    return false;
  if (out) *out = w;
  return true;
}

bool parseObjective(const std::string& s, Objective* out) {
  Objective o;
  if (s == "dsm")
    o = Objective::Dsm;
  else if (s == "ssm")
    o = Objective::Ssm;
  else
    return false;
  if (out) *out = o;
  return true;
}

namespace {

template <class V>
std::string describe(const char* field, V value, const char* rule) {
  std::ostringstream s;
  s << field << " (" << value << ") " << rule;
  return s.str();
}

}  // namespace

std::string TrainConfig::validate() const {
  if (!std::isfinite(lr) || lr <= 0) return describe("lr", lr, "must be a positive number");
  if (batch < 1) return describe("batch", batch, "must be at least 1");
  if (!std::isfinite(gradClip) || gradClip < 0)
    return describe("grad_clip", gradClip, "must be a non-negative number (0 = off)");
  if (warmup < 0) return describe("warmup", warmup, "must be non-negative (0 = off)");
  if (!std::isfinite(emaDecay) || emaDecay < 0 || emaDecay >= 1)
    return describe("ema_decay", emaDecay, "must be in [0, 1)");
  if (datasetSize < 1) return describe("dataset_size", datasetSize, "must be at least 1");
  if (!std::isfinite(divergenceFactor) || divergenceFactor <= 1)
    return describe("divergence_factor", divergenceFactor, "must be a number greater than 1");
  if (loss.ssmProjections < 1)
    return describe("loss.ssm_projections", loss.ssmProjections, "must be at least 1");
  // loss.importanceSampling with a weighting other than g2 is allowed and ignored: the UI
  // keeps the switch while the weighting changes.
  return {};
}

std::string TrainConfig::toJson() const {
  nlohmann::json j;
  j["loss"] = {{"objective", toString(loss.objective)},
               {"weighting", toString(loss.weighting)},
               {"importance_sampling", loss.importanceSampling},
               {"ssm_projections", loss.ssmProjections},
               {"rademacher", loss.rademacher}};
  j["lr"] = lr;
  j["batch"] = batch;
  j["grad_clip"] = gradClip;
  j["warmup"] = warmup;
  j["ema_decay"] = emaDecay;
  j["seed"] = seed;
  j["dataset_size"] = datasetSize;
  j["divergence_factor"] = divergenceFactor;
  return j.dump(2);
}

namespace {

using Json = nlohmann::json;

std::string typeError(const std::string& field, const char* want, const Json& v) {
  return "train config: " + field + " must be " + want + ", got " + v.dump();
}

// Each reader leaves `out` alone when the key is missing and returns an error message (empty
// when fine). `prefix` is "" or "loss." for the message.
std::string readDouble(const Json& obj, const char* key, const std::string& prefix, double& out) {
  auto it = obj.find(key);
  if (it == obj.end()) return {};
  if (!it->is_number()) return typeError(prefix + key, "a number", *it);
  out = it->get<double>();
  return {};
}

std::string readInt(const Json& obj, const char* key, const std::string& prefix, int& out) {
  auto it = obj.find(key);
  if (it == obj.end()) return {};
  const bool integral =
      it->is_number_integer() || (it->is_number_float() && std::isfinite(it->get<double>()) &&
                                  std::floor(it->get<double>()) == it->get<double>());
  if (!integral) return typeError(prefix + key, "an integer", *it);
  const double v = it->is_number_unsigned()  ? static_cast<double>(it->get<uint64_t>())
                   : it->is_number_integer() ? static_cast<double>(it->get<int64_t>())
                                             : it->get<double>();
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max())
    return typeError(prefix + key, "an integer in the int range", *it);
  out = static_cast<int>(v);
  return {};
}

std::string readU64(const Json& obj, const char* key, const std::string& prefix, uint64_t& out) {
  auto it = obj.find(key);
  if (it == obj.end()) return {};
  if (it->is_number_unsigned()) {
    out = it->get<uint64_t>();
    return {};
  }
  return typeError(prefix + key, "a non-negative integer", *it);
}

std::string readBool(const Json& obj, const char* key, const std::string& prefix, bool& out) {
  auto it = obj.find(key);
  if (it == obj.end()) return {};
  if (!it->is_boolean()) return typeError(prefix + key, "true or false", *it);
  out = it->get<bool>();
  return {};
}

template <class E>
std::string readEnum(const Json& obj, const char* key, const std::string& prefix,
                     bool (*parse)(const std::string&, E*), const char* valid, E& out) {
  auto it = obj.find(key);
  if (it == obj.end()) return {};
  if (!it->is_string() || !parse(it->get<std::string>(), &out))
    return typeError(prefix + key, valid, *it);
  return {};
}

std::string readLoss(const Json& j, LossConfig& c) {
  const std::string p = "loss.";
  std::string e;
  if (!(e = readEnum(j, "objective", p, parseObjective, "one of \"dsm\", \"ssm\"", c.objective))
           .empty())
    return e;
  if (!(e = readEnum(j, "weighting", p, parseWeighting, "one of \"sigma2\", \"g2\", \"one\"",
                     c.weighting))
           .empty())
    return e;
  if (!(e = readBool(j, "importance_sampling", p, c.importanceSampling)).empty()) return e;
  if (!(e = readInt(j, "ssm_projections", p, c.ssmProjections)).empty()) return e;
  return readBool(j, "rademacher", p, c.rademacher);
}

}  // namespace

Expected<TrainConfig> TrainConfig::fromJson(const std::string& json) {
  Json j;
  try {
    j = Json::parse(json);
  } catch (const Json::exception& e) {
    return Error{std::string("train config: not valid JSON: ") + e.what()};
  }
  if (!j.is_object()) return Error{"train config: expected a JSON object, got " + j.dump()};
  TrainConfig c;
  std::string e;
  if (auto it = j.find("loss"); it != j.end()) {
    if (!it->is_object()) return Error{typeError("loss", "an object", *it)};
    if (!(e = readLoss(*it, c.loss)).empty()) return Error{e};
  }
  const std::string p;
  if (!(e = readDouble(j, "lr", p, c.lr)).empty()) return Error{e};
  if (!(e = readInt(j, "batch", p, c.batch)).empty()) return Error{e};
  if (!(e = readDouble(j, "grad_clip", p, c.gradClip)).empty()) return Error{e};
  if (!(e = readInt(j, "warmup", p, c.warmup)).empty()) return Error{e};
  if (!(e = readDouble(j, "ema_decay", p, c.emaDecay)).empty()) return Error{e};
  if (!(e = readU64(j, "seed", p, c.seed)).empty()) return Error{e};
  if (!(e = readInt(j, "dataset_size", p, c.datasetSize)).empty()) return Error{e};
  if (!(e = readDouble(j, "divergence_factor", p, c.divergenceFactor)).empty()) return Error{e};
  if (std::string v = c.validate(); !v.empty()) return Error{"train config: " + v};
  return c;
}

}  // namespace ss::train

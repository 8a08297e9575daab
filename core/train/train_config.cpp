// TrainConfig's names, validation and JSON round trip. Torch-free (train_config.h is included
// by ui/). JSON keys are snake_case, as in the validation messages:
//   {"loss": {"objective": "dsm", "weighting": "sigma2", "importance_sampling": false,
//             "ssm_projections": 1, "rademacher": true},
//    "lr": 0.002, "batch": 512, "grad_clip": 1, "warmup": 100, "ema_decay": 0.999,
//    "seed": 0, "dataset_size": 65536, "divergence_factor": 1000, "cfg_dropout": 0.15}
// Missing keys keep their defaults and unknown keys are ignored (older and newer files load);
// a key of the wrong type, an unknown enum name or a value that fails validate() is an error.
#include "core/train/train_config.h"

#include <nlohmann/json.hpp>

#include <cmath>

#include "core/common/enum_names.h"
#include "core/common/field_list.h"
#include "core/common/json_read.h"

namespace ss::train {

namespace {

constexpr EnumName<Weighting> kWeightings[] = {{Weighting::Sigma2, "sigma2"},
                                               {Weighting::G2, "g2"},
                                               {Weighting::One, "one"},
                                               {Weighting::Flow, "flow"},
                                               {Weighting::Edm, "edm"}};
constexpr EnumName<Objective> kObjectives[] = {{Objective::Dsm, "dsm"}, {Objective::Ssm, "ssm"}};

}  // namespace

std::string toString(Weighting w) { return nameOf(kWeightings, w); }
std::string toString(Objective o) { return nameOf(kObjectives, o); }

Expected<Weighting> parseWeighting(const std::string& s) {
  return parseName(kWeightings, s, "weighting");
}

Expected<Objective> parseObjective(const std::string& s) {
  return parseName(kObjectives, s, "objective");
}

Status TrainConfig::validate() const {
  if (!std::isfinite(lr) || lr <= 0) return invalid("lr", lr, "must be a positive number");
  if (batch < 1) return invalid("batch", batch, "must be at least 1");
  if (!std::isfinite(gradClip) || gradClip < 0)
    return invalid("grad_clip", gradClip, "must be a non-negative number (0 = off)");
  if (warmup < 0) return invalid("warmup", warmup, "must be non-negative (0 = off)");
  if (!std::isfinite(emaDecay) || emaDecay < 0 || emaDecay >= 1)
    return invalid("ema_decay", emaDecay, "must be in [0, 1)");
  if (datasetSize < 1) return invalid("dataset_size", datasetSize, "must be at least 1");
  if (!std::isfinite(divergenceFactor) || divergenceFactor <= 1)
    return invalid("divergence_factor", divergenceFactor, "must be a number greater than 1");
  if (!std::isfinite(cfgDropout) || cfgDropout < 0 || cfgDropout >= 1)
    return invalid("cfg_dropout", cfgDropout, "must be in [0, 1)");
  if (loss.ssmProjections < 1)
    return invalid("loss.ssm_projections", loss.ssmProjections, "must be at least 1");
  // loss.importanceSampling with a weighting other than g2 is allowed and ignored: the UI
  // keeps the switch while the weighting changes.
  return Ok{};
}

namespace {

// The keys of the plain fields, one list for writing and reading (the enums are beside them).
constexpr auto kLossFields = [](auto& c, auto&& f) {
  // clang-format off
  eachField(f, "importance_sampling", c.importanceSampling, "ssm_projections", c.ssmProjections,
            "rademacher", c.rademacher);
  // clang-format on
};
constexpr auto kFields = [](auto& c, auto&& f) {
  // clang-format off
  eachField(f, "lr", c.lr, "batch", c.batch, "grad_clip", c.gradClip, "warmup", c.warmup,
            "ema_decay", c.emaDecay, "seed", c.seed, "dataset_size", c.datasetSize,
            "divergence_factor", c.divergenceFactor, "cfg_dropout", c.cfgDropout);
  // clang-format on
};

Status readLoss(const jsonread::Json& j, LossConfig& c) {
  const std::string p = "loss.";
  Status s = jsonread::readKey(j, "objective", p, parseObjective, c.objective);
  if (s) s = jsonread::readKey(j, "weighting", p, parseWeighting, c.weighting);
  if (s) s = jsonread::readFields(j, p, c, kLossFields);
  return s;
}

}  // namespace

std::string TrainConfig::toJson() const {
  auto j = jsonread::writeFields(*this, kFields);
  j["loss"] = jsonread::writeFields(loss, kLossFields);
  j["loss"]["objective"] = toString(loss.objective);
  j["loss"]["weighting"] = toString(loss.weighting);
  return j.dump(2);
}

Expected<TrainConfig> TrainConfig::fromJson(const std::string& json) {
  using jsonread::Json;
  const auto fail = [](const std::string& what) { return Error{"train config: " + what}; };
  Json j;
  try {
    j = Json::parse(json);
  } catch (const Json::exception& e) {
    return fail(std::string("not valid JSON: ") + e.what());
  }
  if (!j.is_object()) return fail("expected a JSON object, got " + j.dump());
  TrainConfig c;
  if (auto it = j.find("loss"); it != j.end()) {
    if (!it->is_object()) return fail(jsonread::typeError("loss", "an object", *it).message);
    if (auto s = readLoss(*it, c.loss); !s) return fail(s.error().message);
  }
  if (auto s = jsonread::readFields(j, "", c, kFields); !s) return fail(s.error().message);
  if (auto s = c.validate(); !s) return fail(s.error().message);
  return c;
}

}  // namespace ss::train

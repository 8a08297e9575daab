// NetConfig validation and its JSON form. Torch-free (the header is a ui/ service header);
// nlohmann/json is linked privately to core. JSON keys are snake_case, the same names that
// validation messages use:
//   {"kind": "mlp" | "unet",
//    "mlp":  {"dim", "width", "depth", "time_features", "time_scale", "x_features", "x_scale",
//             "classes"},
//    "unet": {"channels", "size", "base_channels", "multipliers", "groups", "time_features",
//             "time_scale"}}
// Missing fields keep their defaults; unknown keys are ignored (newer files stay readable).
#include "core/nn/net_config.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <sstream>

#include "core/common/enum_names.h"
#include "core/common/field_list.h"
#include "core/common/json_read.h"

namespace ss::nn {

namespace {

using nlohmann::json;

// Generous upper bounds: they stop a typo from allocating gigabytes, not real experiments.
constexpr int kMaxWidth = 8192;
constexpr int kMaxDepth = 64;
constexpr int kMaxFeatures = 8192;
constexpr int kMaxDim = 1 << 20;
constexpr int kMaxSize = 1024;
constexpr int kMaxChannels = 1024;
constexpr int kMaxLevels = 6;
constexpr int kMaxMultiplier = 16;
constexpr int kMaxClasses = 1024;

// Ok when lo ≤ v ≤ hi. Values print as doubles, as the messages always have.
Status checkRange(const std::string& field, int v, int lo, int hi) {
  const double value = v;
  if (v < lo)
    return invalid(field, value,
                   lo == 1 ? "must be positive" : "must be at least " + std::to_string(lo));
  if (v > hi) return invalid(field, value, "must be at most " + std::to_string(hi));
  return Ok{};
}

Status checkEvenFeatures(const std::string& field, int v, bool allowZero) {
  if (allowZero && v == 0) return Ok{};
  if (auto s = checkRange(field, v, allowZero ? 0 : 2, kMaxFeatures); !s) return s;
  if (v % 2 != 0) return invalid(field, double(v), "must be even (sin/cos pairs)");
  return Ok{};
}

Status checkScale(const std::string& field, double v) {
  if (!std::isfinite(v) || v <= 0) return invalid(field, v, "must be a positive number");
  return Ok{};
}

Status validateMlp(const MlpConfig& c) {
  Status s = checkRange("mlp.dim", c.dim, 1, kMaxDim);
  if (s) s = checkRange("mlp.width", c.width, 1, kMaxWidth);
  if (s) s = checkRange("mlp.depth", c.depth, 1, kMaxDepth);
  if (s) s = checkEvenFeatures("mlp.time_features", c.timeFeatures, false);
  if (s) s = checkScale("mlp.time_scale", c.timeScale);
  if (s) s = checkEvenFeatures("mlp.x_features", c.xFeatures, true);
  if (s && c.xFeatures > 0) s = checkScale("mlp.x_scale", c.xScale);
  if (s && c.classes != 0) s = checkRange("mlp.classes", c.classes, 2, kMaxClasses);
  return s;
}

// Every GroupNorm sees base·mult channels (or a sum of such counts at a skip concat).
Status checkGroups(const UNetConfig& c) {
  std::ostringstream s;
  if (c.baseChannels % c.groups != 0) {
    s << "unet.base_channels (" << c.baseChannels << ") must be divisible by unet.groups ("
      << c.groups << ")";
    return Error{s.str()};
  }
  for (size_t i = 0; i < c.multipliers.size(); ++i) {
    const int ch = c.baseChannels * c.multipliers[i];
    if (ch % c.groups != 0) {
      s << "unet.base_channels × unet.multipliers[" << i << "] (" << ch
        << ") must be divisible by unet.groups (" << c.groups << ")";
      return Error{s.str()};
    }
  }
  return Ok{};
}

Status checkLevels(const UNetConfig& c) {
  if (c.multipliers.empty()) return Error{"unet.multipliers must list at least one resolution"};
  const int levels = static_cast<int>(c.multipliers.size());
  if (levels > kMaxLevels) {
    std::ostringstream s;
    s << "unet.multipliers has " << levels << " resolutions; at most " << kMaxLevels;
    return Error{s.str()};
  }
  for (int i = 0; i < levels; ++i) {
    const std::string field = "unet.multipliers[" + std::to_string(i) + "]";
    if (auto s = checkRange(field, c.multipliers[i], 1, kMaxMultiplier); !s) return s;
  }
  return Ok{};
}

Status checkSize(const UNetConfig& c) {
  if (auto s = checkRange("unet.size", c.size, 1, kMaxSize); !s) return s;
  const int levels = static_cast<int>(c.multipliers.size());
  const int factor = 1 << (levels - 1);
  if (c.size % factor != 0) {
    std::ostringstream s;
    s << "unet.size (" << c.size << ") must be divisible by 2^(levels - 1) = " << factor << " for "
      << levels << " resolutions (unet.multipliers)";
    return Error{s.str()};
  }
  return Ok{};
}

Status validateUNet(const UNetConfig& c) {
  if (c.channels != 1 && c.channels != 3)
    return invalid("unet.channels", double(c.channels), "must be 1 (grey) or 3 (RGB)");
  Status s = checkRange("unet.base_channels", c.baseChannels, 1, kMaxChannels);
  if (s) s = checkRange("unet.groups", c.groups, 1, kMaxChannels);
  if (s) s = checkLevels(c);
  if (s) s = checkGroups(c);
  if (s) s = checkSize(c);
  if (s) s = checkEvenFeatures("unet.time_features", c.timeFeatures, false);
  if (s) s = checkScale("unet.time_scale", c.timeScale);
  if (s && !(c.sigmaData >= 0 && c.sigmaData <= 100))
    return invalid("unet.sigma_data", c.sigmaData, "must be in [0, 100] (0: no preconditioning)");
  return s;
}

constexpr EnumName<NetKind> kKinds[] = {{NetKind::Mlp, "mlp"}, {NetKind::UNet, "unet"}};

// ---- the JSON keys: one list per network, for writing and reading --------------------------

constexpr auto kMlpFields = [](auto& c, auto&& f) {
  // clang-format off
  eachField(f, "dim", c.dim, "width", c.width, "depth", c.depth, "time_features", c.timeFeatures,
            "time_scale", c.timeScale, "x_features", c.xFeatures, "x_scale", c.xScale,
            "classes", c.classes);
  // clang-format on
};

constexpr auto kUNetFields = [](auto& c, auto&& f) {
  // clang-format off
  eachField(f, "channels", c.channels, "size", c.size, "base_channels", c.baseChannels,
            "multipliers", c.multipliers, "groups", c.groups, "time_features", c.timeFeatures,
            "time_scale", c.timeScale, "sigma_data", c.sigmaData);
  // clang-format on
};

// The object j[name], when there, into c through `fields`.
template <class C, class Fields>
Status readPart(const json& j, const char* name, C& c, Fields fields) {
  auto it = j.find(name);
  if (it == j.end()) return Ok{};
  if (!it->is_object()) return jsonread::typeError(name, "an object", *it);
  return jsonread::readFields(*it, std::string(name) + ".", c, fields);
}

}  // namespace

std::string toString(NetKind kind) { return nameOf(kKinds, kind); }

Expected<NetKind> parseNetKind(const std::string& name) {
  return parseName(kKinds, name, "network kind");
}

Expected<UNetConfig> unetPreset(const std::string& name, int channels, int size) {
  UNetConfig c;
  c.channels = channels;
  c.size = size;
  if (name == "small") {
    c.baseChannels = 16;
    c.multipliers = {1, 2};
    c.groups = 8;
    c.timeFeatures = 32;
  } else if (name == "large") {
    c.baseChannels = 64;
    c.multipliers = {1, 2, 2};
    c.groups = 16;
    c.timeFeatures = 128;
  } else {
    return Error{"unknown U-Net preset '" + name + "': choose small or large"};
  }
  c.sigmaData = kImageSigmaData;
  if (auto s = validateUNet(c); !s) return s.error();
  return c;
}

Status NetConfig::validate() const {
  // Only the active network's settings matter; the other one is kept for the UI's draft.
  return kind == NetKind::UNet ? validateUNet(unet) : validateMlp(mlp);
}

std::string NetConfig::toJson() const {
  json j;
  j["kind"] = toString(kind);
  j["mlp"] = jsonread::writeFields(mlp, kMlpFields);
  j["unet"] = jsonread::writeFields(unet, kUNetFields);
  return j.dump();
}

Expected<NetConfig> NetConfig::fromJson(const std::string& text) {
  const auto fail = [](const std::string& what) { return Error{"network config: " + what}; };
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    return fail(std::string("not valid JSON (") + e.what() + ")");
  }
  if (!j.is_object()) return fail("expected a JSON object, got " + j.dump());
  NetConfig c;
  Status s = jsonread::readKey(j, "kind", "", parseNetKind, c.kind);
  if (s) s = readPart(j, "mlp", c.mlp, kMlpFields);
  if (s) s = readPart(j, "unet", c.unet, kUNetFields);
  // A stored config that cannot build a network is reported here, not at makeNet.
  if (s) s = c.validate();
  if (!s) return fail(s.error().message);
  return c;
}

}  // namespace ss::nn

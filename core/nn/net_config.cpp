// NetConfig validation and its JSON form. Torch-free (the header is a ui/ service header);
// nlohmann/json is linked privately to core. JSON keys are snake_case, the same names that
// validation messages use:
//   {"kind": "mlp" | "unet",
//    "mlp":  {"dim", "width", "depth", "time_features", "time_scale", "x_features", "x_scale"},
//    "unet": {"channels", "size", "base_channels", "multipliers", "groups", "time_features",
//             "time_scale"}}
// Missing fields keep their defaults; unknown keys are ignored (newer files stay readable).
#include "core/nn/net_config.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>
#include <sstream>

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

std::string describe(const std::string& field, double value, const std::string& rule) {
  std::ostringstream s;
  s << field << " (" << value << ") " << rule;
  return s.str();
}

// Empty when lo ≤ v ≤ hi.
std::string checkRange(const std::string& field, int v, int lo, int hi) {
  if (v < lo) {
    return describe(field, v,
                    lo == 1 ? "must be positive" : "must be at least " + std::to_string(lo));
  }
  if (v > hi) return describe(field, v, "must be at most " + std::to_string(hi));
  return {};
}

std::string checkEvenFeatures(const std::string& field, int v, bool allowZero) {
  if (allowZero && v == 0) return {};
  if (auto e = checkRange(field, v, allowZero ? 0 : 2, kMaxFeatures); !e.empty()) return e;
  if (v % 2 != 0) return describe(field, v, "must be even (sin/cos pairs)");
  return {};
}

std::string checkScale(const std::string& field, double v) {
  if (!std::isfinite(v) || v <= 0) return describe(field, v, "must be a positive number");
  return {};
}

std::string validateMlp(const MlpConfig& c) {
  if (auto e = checkRange("mlp.dim", c.dim, 1, kMaxDim); !e.empty()) return e;
  if (auto e = checkRange("mlp.width", c.width, 1, kMaxWidth); !e.empty()) return e;
  if (auto e = checkRange("mlp.depth", c.depth, 1, kMaxDepth); !e.empty()) return e;
  if (auto e = checkEvenFeatures("mlp.time_features", c.timeFeatures, false); !e.empty()) return e;
  if (auto e = checkScale("mlp.time_scale", c.timeScale); !e.empty()) return e;
  if (auto e = checkEvenFeatures("mlp.x_features", c.xFeatures, true); !e.empty()) return e;
  if (c.xFeatures > 0) {
    if (auto e = checkScale("mlp.x_scale", c.xScale); !e.empty()) return e;
  }
  return {};
}

std::string validateUNet(const UNetConfig& c) {
  if (c.channels != 1 && c.channels != 3)
    return describe("unet.channels", c.channels, "must be 1 (grey) or 3 (RGB)");
  if (auto e = checkRange("unet.base_channels", c.baseChannels, 1, kMaxChannels); !e.empty())
    return e;
  if (auto e = checkRange("unet.groups", c.groups, 1, kMaxChannels); !e.empty()) return e;
  if (c.multipliers.empty()) return "unet.multipliers must list at least one resolution";
  const int levels = static_cast<int>(c.multipliers.size());
  if (levels > kMaxLevels) {
    std::ostringstream s;
    s << "unet.multipliers has " << levels << " resolutions; at most " << kMaxLevels;
    return s.str();
  }
  for (int i = 0; i < levels; ++i) {
    const std::string field = "unet.multipliers[" + std::to_string(i) + "]";
    if (auto e = checkRange(field, c.multipliers[i], 1, kMaxMultiplier); !e.empty()) return e;
  }
  // Every GroupNorm sees base·mult channels (or a sum of such counts at a skip concat).
  if (c.baseChannels % c.groups != 0) {
    std::ostringstream s;
    s << "unet.base_channels (" << c.baseChannels << ") must be divisible by unet.groups ("
      << c.groups << ")";
    return s.str();
  }
  for (int i = 0; i < levels; ++i) {
    const int ch = c.baseChannels * c.multipliers[i];
    if (ch % c.groups != 0) {
      std::ostringstream s;
      s << "unet.base_channels × unet.multipliers[" << i << "] (" << ch
        << ") must be divisible by unet.groups (" << c.groups << ")";
      return s.str();
    }
  }
  if (auto e = checkRange("unet.size", c.size, 1, kMaxSize); !e.empty()) return e;
  const int factor = 1 << (levels - 1);
  if (c.size % factor != 0) {
    std::ostringstream s;
    s << "unet.size (" << c.size << ") must be divisible by 2^(levels - 1) = " << factor << " for "
      << levels << " resolutions (unet.multipliers)";
    return s.str();
  }
  if (auto e = checkEvenFeatures("unet.time_features", c.timeFeatures, false); !e.empty()) return e;
  if (auto e = checkScale("unet.time_scale", c.timeScale); !e.empty()) return e;
  return {};
}

const char* kindName(NetKind k) { return k == NetKind::UNet ? "unet" : "mlp"; }

// ---- reading -------------------------------------------------------------------------

// An int-valued JSON number (integral floats such as 128.0 pass), or a message naming `field`.
std::string readIntValue(const json& v, const std::string& field, int& out) {
  double d = 0;
  if (v.is_number_unsigned()) {
    d = static_cast<double>(v.get<uint64_t>());
  } else if (v.is_number_integer()) {
    d = static_cast<double>(v.get<int64_t>());
  } else if (v.is_number_float() && std::isfinite(v.get<double>()) &&
             v.get<double>() == std::floor(v.get<double>())) {
    d = v.get<double>();
  } else {
    return field + " must be an integer, got " + v.dump();
  }
  if (d < std::numeric_limits<int>::min() || d > std::numeric_limits<int>::max())
    return field + " = " + v.dump() + " is out of range";
  out = static_cast<int>(d);
  return {};
}

// Each reader leaves `out` alone when the key is missing and returns a message on a wrong type.
std::string readInt(const json& obj, const char* key, const std::string& where, int& out) {
  auto it = obj.find(key);
  if (it == obj.end()) return {};
  return readIntValue(*it, where + "." + key, out);
}

std::string readDouble(const json& obj, const char* key, const std::string& where, double& out) {
  auto it = obj.find(key);
  if (it == obj.end()) return {};
  if (!it->is_number()) return where + "." + key + " must be a number, got " + it->dump();
  out = it->get<double>();
  return {};
}

std::string readMlp(const json& j, MlpConfig& c) {
  if (!j.is_object()) return "mlp must be an object, got " + j.dump();
  for (auto [key, field] : {std::pair<const char*, int*>{"dim", &c.dim},
                            {"width", &c.width},
                            {"depth", &c.depth},
                            {"time_features", &c.timeFeatures},
                            {"x_features", &c.xFeatures}})
    if (auto e = readInt(j, key, "mlp", *field); !e.empty()) return e;
  if (auto e = readDouble(j, "time_scale", "mlp", c.timeScale); !e.empty()) return e;
  if (auto e = readDouble(j, "x_scale", "mlp", c.xScale); !e.empty()) return e;
  return {};
}

std::string readUNet(const json& j, UNetConfig& c) {
  if (!j.is_object()) return "unet must be an object, got " + j.dump();
  for (auto [key, field] : {std::pair<const char*, int*>{"channels", &c.channels},
                            {"size", &c.size},
                            {"base_channels", &c.baseChannels},
                            {"groups", &c.groups},
                            {"time_features", &c.timeFeatures}})
    if (auto e = readInt(j, key, "unet", *field); !e.empty()) return e;
  if (auto e = readDouble(j, "time_scale", "unet", c.timeScale); !e.empty()) return e;
  if (auto it = j.find("multipliers"); it != j.end()) {
    if (!it->is_array()) return "unet.multipliers must be an array of integers, got " + it->dump();
    std::vector<int> mults(it->size());
    for (size_t i = 0; i < it->size(); ++i)
      if (auto e = readIntValue((*it)[i], "unet.multipliers[" + std::to_string(i) + "]", mults[i]);
          !e.empty())
        return e;
    c.multipliers = std::move(mults);
  }
  return {};
}

}  // namespace

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
  if (std::string e = validateUNet(c); !e.empty()) return Error{e};
  return c;
}

std::string NetConfig::validate() const {
  // Only the active network's settings matter; the other one is kept for the UI's draft.
  return kind == NetKind::UNet ? validateUNet(unet) : validateMlp(mlp);
}

std::string NetConfig::toJson() const {
  json j;
  j["kind"] = kindName(kind);
  j["mlp"] = {{"dim", mlp.dim},
              {"width", mlp.width},
              {"depth", mlp.depth},
              {"time_features", mlp.timeFeatures},
              {"time_scale", mlp.timeScale},
              {"x_features", mlp.xFeatures},
              {"x_scale", mlp.xScale}};
  j["unet"] = {{"channels", unet.channels},
               {"size", unet.size},
               {"base_channels", unet.baseChannels},
               {"multipliers", unet.multipliers},
               {"groups", unet.groups},
               {"time_features", unet.timeFeatures},
               {"time_scale", unet.timeScale}};
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
  if (auto it = j.find("kind"); it != j.end()) {
    if (!it->is_string()) return fail("kind must be \"mlp\" or \"unet\", got " + it->dump());
    const auto name = it->get<std::string>();
    if (name == "mlp") {
      c.kind = NetKind::Mlp;
    } else if (name == "unet") {
      c.kind = NetKind::UNet;
    } else {
      return fail("kind must be \"mlp\" or \"unet\", got \"" + name + "\"");
    }
  }
  if (auto it = j.find("mlp"); it != j.end())
    if (auto e = readMlp(*it, c.mlp); !e.empty()) return fail(e);
  if (auto it = j.find("unet"); it != j.end())
    if (auto e = readUNet(*it, c.unet); !e.empty()) return fail(e);
  // A stored config that cannot build a network is reported here, not at makeNet.
  if (auto e = c.validate(); !e.empty()) return fail(e);
  return c;
}

}  // namespace ss::nn

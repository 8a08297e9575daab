#include "core/train/checkpoint.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/common/runtime.h"
#include "core/train/checkpoint_records.h"

namespace ss::train {

namespace {

constexpr const char* kFormat = "scorescope-checkpoint";
constexpr int kFormatVersion = 1;
// CRC-32 of the weights (checkpoint_records.h). Checkpoints written before it was added
// have none and still load.
constexpr const char* kHashKey = "weights_crc32";

sde::SdeConfig sdeFromJson(const nlohmann::json& j) {
  sde::SdeConfig c;
  c.kind = sde::parseSdeKind(j.at("kind").get<std::string>()).take();
  c.betaMin = j.at("beta_min").get<double>();
  c.betaMax = j.at("beta_max").get<double>();
  c.sigmaMin = j.at("sigma_min").get<double>();
  c.sigmaMax = j.at("sigma_max").get<double>();
  c.N = j.at("N").get<int>();
  c.T = j.at("T").get<double>();
  c.eps = j.at("eps").get<double>();
  return c;
}

std::string metaToJson(const CheckpointMeta& m) {
  nlohmann::json j = {{"format", kFormat},
                      {"version", kFormatVersion},
                      {"data", m.data},
                      {"sde", nlohmann::json::parse(m.sde.toJson())},
                      {"net", nlohmann::json::parse(m.net.toJson())},
                      {"train", nlohmann::json::parse(m.train.toJson())},
                      {"step", m.step},
                      {"app_version", m.appVersion}};
  return j.dump();
}

// Parses and validates the description; errors name the file.
Expected<CheckpointMeta> metaFromArchive(const std::string& path,
                                         torch::serialize::InputArchive& archive) {
  c10::IValue value;
  if (!archive.try_read("scorescope_meta", value) || !value.isString())
    return Error{path + ": not a ScoreScope checkpoint (no ScoreScope description inside)"};
  try {
    auto j = nlohmann::json::parse(value.toStringRef());
    if (j.value("format", "") != kFormat) return Error{path + ": not a ScoreScope checkpoint"};
    if (j.value("version", 0) != kFormatVersion)
      return Error{path + ": checkpoint format version " + std::to_string(j.value("version", 0)) +
                   " is not supported (this build reads version " + std::to_string(kFormatVersion) +
                   ")"};
    CheckpointMeta m;
    m.data = j.at("data").get<std::string>();
    m.sde = sdeFromJson(j.at("sde"));
    auto net = nn::NetConfig::fromJson(j.at("net").dump());
    if (!net) return Error{path + ": " + net.error().message};
    m.net = net.value();
    auto train = TrainConfig::fromJson(j.at("train").dump());
    if (!train) return Error{path + ": " + train.error().message};
    m.train = train.value();
    m.step = j.at("step").get<int64_t>();
    m.appVersion = j.value("app_version", "");
    if (auto e = m.sde.validate(); !e) return Error{path + ": SDE: " + e.error().message};
    if (m.sde.kind == sde::SdeKind::VE && m.sde.sigmaMaxIsAuto())
      return Error{path + ": SDE: sigma_max is not resolved"};
    if (auto e = m.net.validate(); !e) return Error{path + ": network: " + e.error().message};
    if (auto e = m.train.validate(); !e) return Error{path + ": training: " + e.error().message};
    if (m.step < 0) return Error{path + ": negative step count"};
    return m;
  } catch (const std::exception& e) {
    return Error{path + ": damaged checkpoint description (" + std::string(e.what()) + ")"};
  }
}

Expected<bool> openArchive(const std::string& path, torch::serialize::InputArchive& archive) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Error{path + ": no such file"};
  try {
    archive.load_from(path);
  } catch (const std::exception& e) {
    std::string what = e.what();
    what = what.substr(0, what.find('\n'));
    return Error{path + ": not a readable checkpoint (corrupt or truncated: " + what + ")"};
  }
  return true;
}

// The stored hash, when there is one, against the loaded weights' own.
Status checkHash(torch::serialize::InputArchive& archive, TrainStep& step) {
  c10::IValue stored;
  if (!archive.try_read(kHashKey, stored)) return Ok{};
  if (!stored.isString()) return Error{std::string("record '") + kHashKey + "' is not a string"};
  const std::string actual = weightsHash(step.net(), step.ema());
  if (stored.toStringRef() != actual)
    return Error{"the weights are damaged: their checksum is " + actual + ", the file says " +
                 stored.toStringRef()};
  return Ok{};
}

bool allFinite(torch::nn::Module& m) {
  for (const auto& p : m.parameters())
    if (!torch::isfinite(p).all().item<bool>()) return false;
  return true;
}

}  // namespace

Expected<bool> saveCheckpoint(const std::string& path, const TrainStep& step,
                              const CheckpointMeta& meta) {
  namespace fs = std::filesystem;
  const fs::path out(path);
  std::error_code ec;
  if (out.has_parent_path() && !fs::is_directory(out.parent_path(), ec))
    return Error{path + ": folder " + out.parent_path().string() + " does not exist"};
  const std::string tmp = path + ".tmp";
  try {
    torch::serialize::OutputArchive archive;
    CheckpointMeta m = meta;
    if (m.appVersion.empty()) m.appVersion = appVersion();
    archive.write("scorescope_meta", c10::IValue(metaToJson(m)));
    step.save(archive);
    archive.write(kHashKey, c10::IValue(weightsHash(step.net(), step.ema())));
    archive.save_to(tmp);
  } catch (const std::exception& e) {
    fs::remove(tmp, ec);
    return Error{path + ": cannot write the checkpoint (" + std::string(e.what()).substr(0, 200) +
                 ")"};
  }
  // Flush to disk before the rename, so a crash leaves the old file or the new one whole.
  if (int fd = ::open(tmp.c_str(), O_RDONLY); fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  fs::rename(tmp, out, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return Error{path + ": " + ec.message()};
  }
  return true;
}

Expected<CheckpointMeta> readCheckpointMeta(const std::string& path) {
  torch::serialize::InputArchive archive;
  if (auto ok = openArchive(path, archive); !ok) return ok.error();
  return metaFromArchive(path, archive);
}

Expected<std::unique_ptr<TrainStep>> loadCheckpoint(const std::string& path, torch::Tensor data,
                                                    torch::Device device, torch::Tensor labels) {
  torch::serialize::InputArchive archive;
  if (auto ok = openArchive(path, archive); !ok) return ok.error();
  auto meta = metaFromArchive(path, archive);
  if (!meta) return meta.error();
  const auto& m = meta.value();
  if (auto ok = checkRecordLengths(path, archive); !ok)
    return Error{path + ": " + ok.error().message};
  try {
    TrainStep::Setup setup;
    setup.net = m.net;
    setup.sde = sde::Sde::create(m.sde);
    setup.data = std::move(data);
    setup.labels = std::move(labels);
    setup.config = m.train;
    setup.device = device;
    const int64_t inputDim = m.net.kind == nn::NetKind::Mlp ? m.net.mlp.dim : -1;
    if (inputDim > 0 && (setup.data.dim() != 2 || setup.data.size(1) != inputDim))
      return Error{path + ": the network takes " + std::to_string(inputDim) +
                   "-dimensional data, the dataset has shape " + c10::str(setup.data.sizes())};
    auto step = std::make_unique<TrainStep>(std::move(setup));
    if (auto ok = step->load(archive, m.step); !ok) return Error{path + ": " + ok.error().message};
    if (auto ok = checkHash(archive, *step); !ok) return Error{path + ": " + ok.error().message};
    if (!allFinite(step->net()) || !allFinite(step->ema()))
      return Error{path + ": the checkpoint's weights contain NaN or infinity"};
    return step;
  } catch (const std::exception& e) {
    std::string what = e.what();
    what = what.substr(0, what.find('\n'));
    return Error{path + ": does not match its own description (" + what + ")"};
  }
}

}  // namespace ss::train

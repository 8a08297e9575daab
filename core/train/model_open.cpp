#include "core/train/model_open.h"

#include <filesystem>
#include <sstream>

#include "core/model/model_import.h"
#include "core/train/checkpoint.h"
#include "core/train/problem.h"
#include "core/train/snapshot.h"

namespace ss::train {

namespace {

using model::FileKind;

Expected<std::shared_ptr<const ModelSnapshot>> openCheckpoint(const std::string& path,
                                                              const std::string& device) {
  auto meta = readCheckpointMeta(path);
  if (!meta) return meta.error();
  auto problem = buildProblem(meta.value().data, meta.value().sde, meta.value().train.datasetSize,
                              meta.value().train.seed);
  if (!problem) return Error{path + ": its dataset cannot be loaded: " + problem.error().message};
  auto step =
      loadCheckpoint(path, problem.value().data, torch::Device(device), problem.value().labels);
  if (!step) return step.error();
  auto snap = std::make_shared<ModelSnapshot>();
  try {  // the loader checked every record: a throw here is a bug, still not a crash
    snap->ema = nn::cloneNet(step.value()->ema(), meta.value().net);
  } catch (const std::exception& e) {
    return Error{path + ": " + e.what()};
  }
  snap->ema->eval();
  snap->net = meta.value().net;
  snap->sde = problem.value().sdeObject;
  snap->data = meta.value().data;
  snap->step = meta.value().step;
  snap->device = torch::Device(device);
  snap->source = path;
  return std::shared_ptr<const ModelSnapshot>(std::move(snap));
}

// The imported model's SDE: resolved against its dataset when it names one (VE's σmax),
// whose sample shape must match the metadata's.
Expected<std::shared_ptr<const sde::Sde>> importedSde(const std::string& path,
                                                      const model::ModelMeta& m) {
  if (m.dataset.empty()) return sde::Sde::create(m.sde);
  auto problem = buildProblem(m.dataset, m.sde, 4096, 0, /*imageLimit=*/64);
  if (!problem)
    return Error{path + ": its dataset '" + m.dataset +
                 "' cannot be loaded: " + problem.error().message};
  const auto sizes = problem.value().data.sizes().slice(1);
  if (std::vector<int64_t>(sizes.begin(), sizes.end()) != m.sampleShape()) {
    std::ostringstream s;
    s << path << ": the metadata's data shape " << c10::IntArrayRef(m.sampleShape())
      << " does not match its dataset '" << m.dataset << "' (samples of shape " << sizes << ")";
    return Error{s.str()};
  }
  return problem.value().sdeObject;
}

Expected<std::shared_ptr<const ModelSnapshot>> openImported(const std::string& path,
                                                            const std::string& device,
                                                            const ModelOpenOptions& o) {
  auto meta = model::readModelMeta(path, o.metaFile);
  if (!meta) return meta.error();
  const auto& m = meta.value();
  if (m.image && m.shape[1] != m.shape[2])
    return Error{path + ": images must be square (data.shape [C, H, H])"};
  if (m.classes > 0 && !o.label)
    return Error{path + " is class-conditional (" + std::to_string(m.classes) +
                 " classes): choose a class with --class K"};
  if (m.classes > 0 && o.label && (*o.label < 0 || *o.label >= m.classes))
    return Error{"--class " + std::to_string(*o.label) + " is out of range: " + path + " has " +
                 std::to_string(m.classes) + " classes (0 to " + std::to_string(m.classes - 1) +
                 ")"};
  auto sde = importedSde(path, m);
  if (!sde) return sde.error();
  auto module = model::loadModule(path, m, torch::Device(device));
  if (!module) return module.error();
  auto score = std::make_shared<model::ScriptScoreFn>(module.value(), m, sde.value(), path,
                                                      m.classes > 0 ? o.label : std::nullopt);
  if (auto ok = model::probe(*score, *sde.value(), torch::Device(device)); !ok) return ok.error();
  auto snap = std::make_shared<ModelSnapshot>();
  snap->imported = score;
  snap->meta = std::make_shared<const model::ModelMeta>(m);
  snap->sde = sde.value();
  snap->data = m.dataset;
  snap->device = torch::Device(device);
  snap->source = path;
  return std::shared_ptr<const ModelSnapshot>(std::move(snap));
}

}  // namespace

Expected<std::shared_ptr<const ModelSnapshot>> loadModelSnapshot(const std::string& path,
                                                                 const std::string& device,
                                                                 const ModelOpenOptions& o) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Error{path + ": no such file"};
  const auto kind = model::fileKind(path);
  if (kind == FileKind::Other)
    return Error{path +
                 ": neither a ScoreScope checkpoint nor a TorchScript model (not a "
                 "PyTorch archive)"};
  if (kind == FileKind::TorchScriptWithMeta || !o.metaFile.empty()) {
    if (kind == FileKind::ZipArchive && readCheckpointMeta(path))
      return Error{path + " is a ScoreScope checkpoint: --model-meta is for TorchScript models"};
    return openImported(path, device, o);
  }
  if (auto meta = readCheckpointMeta(path); !meta) {
    // Not ours: a TorchScript archive without metadata says what it lacks.
    auto imported = model::readModelMeta(path);
    return imported ? meta.error() : imported.error();
  }
  return openCheckpoint(path, device);
}

Expected<ModelDescription> describeModelFile(const std::string& path, const std::string& metaFile,
                                             bool checkpointDetails) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Error{path + ": no such file"};
  ModelDescription d;
  const auto kind = model::fileKind(path);
  if (kind == FileKind::Other)
    return Error{path +
                 ": neither a ScoreScope checkpoint nor a TorchScript model (not a "
                 "PyTorch archive)"};
  if (kind == FileKind::TorchScriptWithMeta || !metaFile.empty()) {
    auto m = model::readModelMeta(path, metaFile);
    if (!m) return m.error();
    d.summary = model::summary(m.value());
    d.meta = m.value();
    return d;
  }
  if (!checkpointDetails) {
    d.summary = "ScoreScope checkpoint";
    return d;
  }
  auto meta = readCheckpointMeta(path);
  if (!meta) {
    auto imported = model::readModelMeta(path);
    return imported ? meta.error() : imported.error();
  }
  const auto& c = meta.value();
  const std::string sdeName(sde::toString(c.sde.kind));
  d.summary = "ScoreScope checkpoint · " + c.data + " · " + sdeName + " · " +
              nn::toString(c.net.kind) + " · step " + std::to_string(c.step);
  return d;
}

}  // namespace ss::train

#include "core/model/model_import.h"

#include <caffe2/serialize/file_adapter.h>
#include <caffe2/serialize/inline_container.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace ss::model {

namespace {

constexpr const char* kExtra = "extra/scorescope.json";

std::string firstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

Expected<std::string> readText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot read the file"};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

FileKind fileKind(const std::string& path) {
  try {
    caffe2::serialize::PyTorchStreamReader reader(path);
    return reader.hasRecord(kExtra) ? FileKind::TorchScriptWithMeta : FileKind::ZipArchive;
  } catch (const std::exception&) {
    return FileKind::Other;
  }
}

Expected<ModelMeta> readModelMeta(const std::string& path, const std::string& metaFile) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Error{path + ": no such file"};
  std::string text, source;
  if (!metaFile.empty()) {
    auto t = readText(metaFile);
    if (!t) return t.error();
    text = t.value(), source = metaFile;
  } else {
    try {
      caffe2::serialize::PyTorchStreamReader reader(path);
      if (!reader.hasRecord(kExtra))
        return Error{path +
                     " has no scorescope.json: give its metadata with --model-meta FILE "
                     "(docs/MODEL_FORMAT.md)"};
      auto [data, size] = reader.getRecord(kExtra);
      text.assign(static_cast<const char*>(data.get()), size);
      source = path + " (scorescope.json)";
    } catch (const std::exception& e) {
      return Error{path + ": not a TorchScript archive (" + firstLine(e.what()) + ")"};
    }
  }
  auto meta = parseModelMeta(text);
  if (!meta) return Error{source + ": " + meta.error().message};
  return meta;
}

Expected<std::shared_ptr<torch::jit::Module>> loadModule(const std::string& path,
                                                         const ModelMeta& meta,
                                                         torch::Device device) {
  std::shared_ptr<torch::jit::Module> module;
  try {
    module = std::make_shared<torch::jit::Module>(torch::jit::load(path, device));
  } catch (const std::exception& e) {
    return Error{path + ": not a loadable TorchScript module (" + firstLine(e.what()) + ")"};
  }
  module->eval();
  // Frozen (weights as constants, the graph folded for inference): 5-10 % faster on a 2D
  // MLP (bench/import_speed). A module freezing refuses still runs as it is.
  try {
    module = std::make_shared<torch::jit::Module>(torch::jit::freeze(*module));
  } catch (const std::exception&) {
  }
  auto forward = module->find_method("forward");
  if (!forward) return Error{path + ": the module has no forward method"};
  const auto& args = forward->function().getSchema().arguments();  // self, x, t[, y]
  const size_t want = meta.classes > 0 ? 4 : 3;
  if (args.size() != want) {
    std::string has;
    for (size_t i = 1; i < args.size(); ++i) has += (i > 1 ? ", " : "") + args[i].name();
    return Error{path + ": forward(" + has + ") takes " + std::to_string(args.size() - 1) +
                 " arguments; the metadata says forward(" +
                 (meta.classes > 0 ? "x, t, y) (a class-conditional model with " +
                                         std::to_string(meta.classes) + " classes)"
                                   : std::string("x, t) (no classes)")) +
                 (args.size() == 4 && meta.classes == 0
                      ? ": a class-conditional model needs \"classes\" in its metadata"
                      : "")};
  }
  return module;
}

Status probe(const ScriptScoreFn& score, const sde::Sde& sde, torch::Device device) {
  auto shape = score.meta().sampleShape();
  shape.insert(shape.begin(), 2);
  const auto opts = torch::TensorOptions().dtype(torch::kFloat32).device(device);
  torch::manual_seed(0);
  const auto x = torch::randn(shape, opts) * sde::priorStd(sde.config());
  for (double t : {sde.T(), 0.5 * (sde.T() + sde.eps()), std::max(sde.eps(), 1e-3)}) {
    try {
      score(x, torch::full({2}, t, opts));
    } catch (const std::exception& e) {
      return Error{e.what()};
    }
  }
  return Ok{};
}

}  // namespace ss::model

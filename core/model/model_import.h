// Opening a TorchScript score model (docs/MODEL_FORMAT.md): the archive's embedded metadata
// (the `scorescope.json` extra file) or metadata given beside it, the module loaded onto a
// device, and the checks that turn a wrong file into a message naming what is wrong: not a
// TorchScript archive, metadata missing or unparsable, a forward whose signature does not
// match the metadata, an output of the wrong shape or not finite. Any thread. LibTorch.
#pragma once

#include <torch/script.h>

#include <memory>
#include <optional>
#include <string>

#include "core/common/error.h"
#include "core/model/model_meta.h"
#include "core/model/script_score.h"

namespace ss::model {

// What the file is, found without loading its weights.
enum class FileKind { TorchScriptWithMeta, ZipArchive, Other };
FileKind fileKind(const std::string& path);

// The metadata: `metaFile` (a JSON file) when given, else the archive's own; an error when
// neither has any ("… has no scorescope.json: give its metadata with --model-meta FILE").
Expected<ModelMeta> readModelMeta(const std::string& path, const std::string& metaFile = "");

// The module on `device`, with its forward's signature checked against the metadata.
Expected<std::shared_ptr<torch::jit::Module>> loadModule(const std::string& path,
                                                         const ModelMeta& meta,
                                                         torch::Device device);

// Calls the score on a small batch of the metadata's shape at a few times in [ε, T] and
// reports a wrong shape, a failing forward or a non-finite output as an error.
Status probe(const ScriptScoreFn& score, const sde::Sde& sde, torch::Device device);

}  // namespace ss::model

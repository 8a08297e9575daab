// Opening a score model from a file for the views, the CLI and scenes: one of our
// checkpoints (its EMA weights) or a TorchScript model in docs/MODEL_FORMAT.md's format,
// told apart by their contents. Torch-free header: ui/ passes paths and reads descriptions.
// Any thread; every failure is an Error naming the file and the problem.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/common/error.h"
#include "core/model/model_meta.h"

namespace ss::train {

struct ModelSnapshot;  // core/train/snapshot.h (LibTorch); opaque to ui/

struct ModelOpenOptions {
  // Metadata for a TorchScript file without its own scorescope.json (--model-meta FILE).
  std::string metaFile;
  // The class a class-conditional imported model is asked for (--class K); other models
  // leave it to the caller (classifier guidance).
  std::optional<int64_t> label;
};

// `device`: a resolved device string ("cpu", "cuda:0"); the model is loaded onto it.
Expected<std::shared_ptr<const ModelSnapshot>> loadModelSnapshot(
    const std::string& path, const std::string& device, const ModelOpenOptions& options = {});

// What a model file holds, before loading it: the imported metadata (and its summary), or
// "ScoreScope checkpoint · moons · vp · mlp · step 4000". `checkpointDetails = false` skips
// reading a checkpoint's description (which loads the archive): the UI thread asks that way,
// since only imported models' metadata is cheap to read (a small record of the archive).
struct ModelDescription {
  std::optional<model::ModelMeta> meta;  // set for an imported model
  std::string summary;
};
Expected<ModelDescription> describeModelFile(const std::string& path,
                                             const std::string& metaFile = "",
                                             bool checkpointDetails = true);

}  // namespace ss::train

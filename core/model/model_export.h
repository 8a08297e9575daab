// Writes one of our models as a TorchScript score model (docs/MODEL_FORMAT.md): the network's
// forward written out in TorchScript over its EMA weights, with the scorescope.json
// metadata, so PyTorch loads it with torch.jit.load and ScoreScope opens it like any import.
// Our networks predict −σ·s (score = out/σ), so the export returns −out as "eps" with
// time_input "t". Atomic (temp file + rename). Any thread. LibTorch.
#pragma once

#include <string>

#include "core/common/error.h"
#include "core/train/snapshot.h"

namespace ss::model {

// `snap`: our own model (not an imported one). Errors name what cannot be exported.
Status exportModel(const train::ModelSnapshot& snap, const std::string& out,
                   const std::string& name = "");

// The TorchScript module alone (tests compare it with the native network).
Expected<torch::jit::Module> scriptedNet(const train::ModelSnapshot& snap);

}  // namespace ss::model

// ModelSnapshot: an immutable copy of the trainer's EMA model for views on other threads,
// or an imported TorchScript model (docs/MODEL_FORMAT.md). The network is a deep copy in
// eval mode that nobody trains; evaluate it under NoGradGuard/InferenceMode. Uses LibTorch:
// not for ui/ (ui/ only passes the pointer on).
#pragma once

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include "core/model/model_meta.h"
#include "core/nn/score_net.h"
#include "core/sde/sde.h"

namespace ss::train {

struct ModelSnapshot {
  std::shared_ptr<nn::ScoreNet> ema;  // null for an imported model
  nn::NetConfig net;                  // ours only
  // An imported model: its score (the ScriptScoreFn) and metadata; null for ours.
  std::shared_ptr<const score::ScoreFn> imported;
  std::shared_ptr<const model::ModelMeta> meta;
  std::shared_ptr<const sde::Sde> sde;
  std::string data;
  int64_t step = 0;
  torch::Device device = torch::kCPU;
  std::string source;  // the file it was opened from ("" for the trainer's own)
  // The learned score as a ScoreFn (shares `ema`, or the imported module).
  std::shared_ptr<const score::ScoreFn> scoreFn() const {
    if (imported) return imported;
    return std::make_shared<nn::NetScoreFn>(ema, sde);
  }
  // The classes of our class-conditional MLP (classifier-free guidance), else 0 (imported
  // conditional models say so in `meta`).
  int cfgClasses() const {
    return !imported && ema && net.kind == nn::NetKind::Mlp ? net.mlp.classes : 0;
  }
  // Whether it models images, and their channels and (square) size.
  bool isImage() const { return meta ? meta->image : net.kind == nn::NetKind::UNet; }
  int channels() const { return meta ? static_cast<int>(meta->shape[0]) : net.unet.channels; }
  int imageSize() const { return meta ? static_cast<int>(meta->shape[2]) : net.unet.size; }
  // Whether views should use it: an imported model always, ours once it has trained (a
  // step-0 network is noise).
  bool trained() const { return imported || step > 0; }
  // Short, for legends: "step 1200" for ours, "imported" for a TorchScript model.
  std::string label() const {
    return imported ? std::string("imported") : "step " + std::to_string(step);
  }
  // "step 1200" for ours; "eps, time input 999t" for a TorchScript model.
  std::string provenance() const {
    if (!meta) return "step " + std::to_string(step);
    return model::toString(meta->output) + ", time input " + model::toString(meta->timeInput);
  }
};

// Whether the snapshot was trained (step > 0, or imported) on `data` under this SDE, so a view may
// use it in place of the exact score. VE's σmax is resolved against each side's own draw of the
// data, so it only has to agree up to sampling (5 %).
inline bool snapshotFits(const ModelSnapshot& m, const std::string& data, const sde::SdeConfig& b) {
  if (!m.trained() || m.data != data || !m.sde) return false;
  const auto& a = m.sde->config();
  if (a.kind != b.kind || a.betaMin != b.betaMin || a.betaMax != b.betaMax ||
      a.sigmaMin != b.sigmaMin || a.T != b.T || a.eps != b.eps)
    return false;
  return std::abs(a.sigmaMax - b.sigmaMax) <= 0.05 * std::max(a.sigmaMax, b.sigmaMax);
}

}  // namespace ss::train

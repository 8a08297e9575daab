// ModelSnapshot: an immutable copy of the trainer's EMA model for views on other threads.
// The network is a deep copy in eval mode that nobody trains; evaluate it under
// NoGradGuard/InferenceMode. Uses LibTorch: not for ui/ (ui/ only passes the pointer on).
#pragma once

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include "core/nn/score_net.h"
#include "core/sde/sde.h"

namespace ss::train {

struct ModelSnapshot {
  std::shared_ptr<nn::ScoreNet> ema;
  nn::NetConfig net;
  std::shared_ptr<const sde::Sde> sde;
  std::string data;
  int64_t step = 0;
  torch::Device device = torch::kCPU;
  // The learned score as a ScoreFn (shares `ema`).
  std::shared_ptr<const score::ScoreFn> scoreFn() const {
    return std::make_shared<nn::NetScoreFn>(ema, sde);
  }
};

// Whether the snapshot was trained (step > 0) on `data` under this SDE, so a view may use it
// in place of the exact score. VE's σmax is resolved against each side's own draw of the
// data, so it only has to agree up to sampling (5 %).
inline bool snapshotFits(const ModelSnapshot& m, const std::string& data, const sde::SdeConfig& b) {
  if (m.step <= 0 || m.data != data || !m.sde) return false;
  const auto& a = m.sde->config();
  if (a.kind != b.kind || a.betaMin != b.betaMin || a.betaMax != b.betaMax ||
      a.sigmaMin != b.sigmaMin || a.T != b.T || a.eps != b.eps)
    return false;
  return std::abs(a.sigmaMax - b.sigmaMax) <= 0.05 * std::max(a.sigmaMax, b.sigmaMax);
}

}  // namespace ss::train

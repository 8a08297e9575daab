// ModelSnapshot: an immutable copy of the trainer's EMA model for views on other threads.
// The network is a deep copy in eval mode that nobody trains; evaluate it under
// NoGradGuard/InferenceMode. Uses LibTorch: not for ui/ (ui/ only passes the pointer on).
#pragma once

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

}  // namespace ss::train

// Checkpoints: model + EMA + optimizer + RNG + configs + step + dataset/SDE description in
// one LibTorch archive, written atomically (temp file, fsync, rename). Loading validates
// everything and returns a clear error for a missing, corrupt, truncated, foreign or
// mismatched file; it never touches a model the caller already has. Any thread (one call
// per TrainStep at a time). Uses LibTorch: not for ui/.
#pragma once

#include <memory>
#include <string>

#include "core/common/error.h"
#include "core/nn/net_config.h"
#include "core/sde/sde_config.h"
#include "core/train/train_config.h"
#include "core/train/train_step.h"

namespace ss::train {

struct CheckpointMeta {
  std::string data;    // dataset name or file, as given
  sde::SdeConfig sde;  // resolved (VE's σmax filled in)
  nn::NetConfig net;
  TrainConfig train;
  int64_t step = 0;
  std::string appVersion;
};

Expected<bool> saveCheckpoint(const std::string& path, const TrainStep& step,
                              const CheckpointMeta& meta);

// Reads only the description (for the UI to show before loading).
Expected<CheckpointMeta> readCheckpointMeta(const std::string& path);

// Builds a TrainStep from the checkpoint: same weights, EMA, optimizer state, RNG and step.
// `data` is the training set to continue on ([M, ...], matching the net's input); `labels`
// its labels ([M] int64), which a class-conditional network needs.
Expected<std::unique_ptr<TrainStep>> loadCheckpoint(const std::string& path, torch::Tensor data,
                                                    torch::Device device = torch::kCPU,
                                                    torch::Tensor labels = {});

}  // namespace ss::train

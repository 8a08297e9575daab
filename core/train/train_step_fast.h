// TrainStep's fast-path state (train_step.cpp builds and steps it, train_step_io.cpp saves
// and loads around it). Internal to core/train; owned by one TrainStep, so one thread.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "core/train/train_step.h"

namespace ss::train {

// Views into flat buffers: layer l (0..depth-1 hidden, depth = output) has W [out, in] and
// b [out]; parameters are laid out in the module's order (hidden0.weight, hidden0.bias, ...).
struct TrainStep::Fast {
  int64_t dim = 0, width = 0, depth = 0, freqs = 0, in = 0, total = 0;
  torch::Tensor flat, emaFlat, grad, expAvg, expAvgSq;
  std::vector<torch::Tensor> W, b, gW, gb;
  std::vector<int64_t> offsets;  // per parameter, into the flat buffers
  torch::Tensor timeW;           // [freqs], the net's buffer
  int64_t adamStep = 0;
  bool adamInFlat = true;  // the flat moments are current (else m_adam's state is)
  // Per-batch buffers (reallocated when the batch size changes).
  int64_t batch = -1;
  torch::Tensor X, proj;  // [B, in], [B, freqs]
  // One per worker (a share of the batch's rows each with single-threaded BLAS when LibTorch
  // has several threads); worker 0 accumulates straight into `grad`.
  struct Work {
    std::vector<torch::Tensor> A, H;   // per hidden layer [chunk, width]; A holds σ(A)
    torch::Tensor O, G, D0, D1, ones;  // [chunk, dim] ×2, [chunk, width] ×2, [chunk]
    torch::Tensor grad;                // flat, like `grad`
    std::vector<torch::Tensor> gW, gb;
    double loss = 0;
  };
  std::vector<Work> work;
};

}  // namespace ss::train

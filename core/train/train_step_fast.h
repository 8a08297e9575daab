// TrainStep's fast-path state (train_step.cpp builds and steps it, train_step_io.cpp saves
// and loads around it). Internal to core/train; owned by one TrainStep, so one thread.
#pragma once

#include <torch/torch.h>

#include <ATen/record_function.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "core/train/losses.h"
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

  // (Re)allocates the per-batch buffers for B rows, `parts` workers and `chunk` rows a
  // chunk, when any changed. `params`: the module's parameters (worker k > 0's gradients).
  void reserve(int64_t B, int64_t parts, int64_t chunk, const std::vector<torch::Tensor>& params);
};

namespace detail {

// One batch's draws, in the generic step's order (batch indices, times, noise): σ(t) and z
// per row, and λ(t)/σ(t)² per row (undefined when λ = σ²).
struct FastDraws {
  torch::Tensor sigma, z, factor;
};

// The profile's phases (RECORD_FUNCTION scopes: bench/README.md): enter() ends the last.
class FastPhase {
 public:
  void enter(const char* name);

 private:
  std::optional<at::RecordFunction> m_scope;
};

// Draws the batch and writes its input rows [x_t, sin(2π t W), cos(2π t W)] into f.X.
FastDraws drawFastBatch(TrainStep::Fast& f, const torch::Tensor& data, const sde::Sde& sde,
                        const LossConfig& loss, int64_t B, at::Generator& gen);

// Forward, loss and backward of rows [begin, end) chunk by chunk into w's gradient and
// loss (`phase`: the profile's scopes, null when workers run in parallel).
void fastForwardBackward(TrainStep::Fast& f, TrainStep::Fast::Work& w, const FastDraws& draws,
                         int64_t begin, int64_t end, int64_t chunk, int64_t B, FastPhase* phase);

}  // namespace detail

}  // namespace ss::train

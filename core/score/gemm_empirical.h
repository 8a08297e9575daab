// The empirical score of a high-dimensional point set (images, flattened) on the CPU:
// −‖x − a y‖² = 2a x·y − a²‖y‖² − ‖x‖² with the points centred once (so the terms stay
// small), the two products (X·Yᵀ and W·Y) in float32 sgemm and the softmax in float64,
// chunked over queries. The score is within what x's own float32 rounding moves it (MATH.md
// §7, tested against the float64 LibTorch path); log p is not offered: float32 products put
// ~0.01 nats into it at σ ≈ 0.01, so it keeps the float64 path. CPU tensors, no autograd.
// Immutable; any thread.
#pragma once

#include <torch/torch.h>

#include "core/score/empirical_backend.h"

namespace ss::score {

class GemmEmpirical final : public EmpiricalBackend {
 public:
  // points: [M, d] (d > 4), CPU. chunkBytes bounds the [rows, M] buffers per chunk.
  GemmEmpirical(const torch::Tensor& points, int64_t chunkBytes);

  static bool accepts(const torch::Tensor& points, const torch::Tensor& x);
  bool hasLogProb() const override { return false; }

 private:
  // x: [B, ...] flattening to [B, d].
  void eval(const torch::Tensor& x, const torch::Tensor& a, const torch::Tensor& sigma,
            torch::Tensor* score, torch::Tensor* logp) const override;

  torch::Tensor m_centered32;  // [M, d] float32, y − mean
  torch::Tensor m_mean;        // [d] float64
  torch::Tensor m_norm2;       // [1, M] float64, ‖y − mean‖²
  int64_t m_chunkBytes;
};

}  // namespace ss::score

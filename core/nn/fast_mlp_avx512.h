// The fast MLP path's AVX-512 hidden layers (fast_mlp.cpp): C[r, :] = SiLU?(b + Σ_k A[r, k]
// W[:, k]) with W packed into panels of 64 output columns, SiLU in the epilogue. Internal to
// core/nn. Any thread (no state but the ISA choice, made once).
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace ss::nn::detail {

// Whether the AVX-512 layers run (Intel CPUs with AVX-512F by default;
// SCORESCOPE_SCORE_AVX512=1 or 0 forces it).
bool useAvx512();

// W [N, K] → [N/64][K][64].
torch::Tensor pack64(const torch::Tensor& W);

// A [n, K] (row stride lda) → C [n, N] (row stride N); packed [N/64][K][64]; N % 64 == 0.
void layer512(const float* A, int64_t lda, int64_t n, const float* packed, const float* bias,
              int64_t K, int64_t N, float* C, bool act);

}  // namespace ss::nn::detail

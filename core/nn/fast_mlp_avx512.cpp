// The AVX-512 hidden layers of the fast MLP path (fast_mlp_avx512.h).
#include "core/nn/fast_mlp_avx512.h"

#include <immintrin.h>

#include <cstdlib>
#include <cstring>

#include "core/kernels/silu.h"

namespace ss::nn::detail {

namespace {

// C[r, :] = SiLU?(b + Σ_k A[r, k] W[:, k]) for a chunk, with W packed per call into panels of
// 64 output columns, [N/64][K][64] (32 KB per panel at K = 128: it stays in L1 while the rows
// stream through). A register tile is 6 rows × 64 columns (24 zmm accumulators), bias added
// first and SiLU applied before the one store: no second pass over the activations. OpenBLAS
// 0.3.21 runs its AVX2 kernels on this CPU (bench/README.md), so this both fuses and widens;
// opt-in (useAvx512).

// GCC 12 warns inside its own avx512fintrin.h (_mm512_undefined_ps) for these intrinsics.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

using kernels::silu16;  // core/kernels/silu.h: the same bits as training's SiLU

template <int R>
__attribute__((target("avx512f"))) inline void tile512(const float* A, int64_t lda, const float* P,
                                                       int64_t K, const float* bias, float* C,
                                                       int64_t ldc, bool act) {
  __m512 acc[R][4];
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (int c = 0; c < 4; ++c) acc[r][c] = _mm512_loadu_ps(bias + 16 * c);
  for (int64_t k = 0; k < K; ++k) {
    const float* pk = P + k * 64;
    const __m512 b0 = _mm512_loadu_ps(pk), b1 = _mm512_loadu_ps(pk + 16);
    const __m512 b2 = _mm512_loadu_ps(pk + 32), b3 = _mm512_loadu_ps(pk + 48);
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      const __m512 a = _mm512_set1_ps(A[r * lda + k]);
      acc[r][0] = _mm512_fmadd_ps(a, b0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(a, b1, acc[r][1]);
      acc[r][2] = _mm512_fmadd_ps(a, b2, acc[r][2]);
      acc[r][3] = _mm512_fmadd_ps(a, b3, acc[r][3]);
    }
  }
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (int c = 0; c < 4; ++c)
      _mm512_storeu_ps(C + r * ldc + 16 * c, act ? silu16(acc[r][c]) : acc[r][c]);
}

}  // namespace

// A [n, K] (row stride lda) → C [n, N] (row stride N); packed [N/64][K][64]; N % 64 == 0.
__attribute__((target("avx512f"))) void layer512(const float* A, int64_t lda, int64_t n,
                                                 const float* packed, const float* bias, int64_t K,
                                                 int64_t N, float* C, bool act) {
  for (int64_t jb = 0; jb < N / 64; ++jb) {
    const float* P = packed + jb * K * 64;
    const float* b = bias + jb * 64;
    float* Cj = C + jb * 64;
    int64_t r = 0;
    for (; r + 6 <= n; r += 6) tile512<6>(A + r * lda, lda, P, K, b, Cj + r * N, N, act);
    // The last n % 6 rows, through the tile of that height.
    using Tile =
        void (*)(const float*, int64_t, const float*, int64_t, const float*, float*, int64_t, bool);
    static constexpr Tile kTail[6] = {nullptr,    tile512<1>, tile512<2>,
                                      tile512<3>, tile512<4>, tile512<5>};
    if (n > r) kTail[n - r](A + r * lda, lda, P, K, b, Cj + r * N, N, act);
  }
}

// The AVX-512 layers (packed weights, SiLU in the epilogue) run by default on Intel CPUs with
// AVX-512F, and elsewhere only with SCORESCOPE_SCORE_AVX512=1 (=0 turns them off anywhere).
// Measured (bench/README.md, sampling throughput): on an Intel Xeon (OpenBLAS SKYLAKEX) 1.68
// against 1.21 M evaluations/s at 10k particles, one thread; on an AMD EPYC, whose 512-bit
// FMAs are no wider than two AVX2 ones, 1.16 against 1.18, so the BLAS path stays there.
bool useAvx512() {
  static const bool yes = [] {
    if (!__builtin_cpu_supports("avx512f")) return false;
    const char* env = std::getenv("SCORESCOPE_SCORE_AVX512");
    if (env && std::strcmp(env, "1") == 0) return true;
    if (env && std::strcmp(env, "0") == 0) return false;
    return static_cast<bool>(__builtin_cpu_is("intel"));
  }();
  return yes;
}

#pragma GCC diagnostic pop

// W [N, K] → [N/64][K][64].
torch::Tensor pack64(const torch::Tensor& W) {
  const int64_t N = W.size(0), K = W.size(1);
  return W.detach().reshape({N / 64, 64, K}).permute({0, 2, 1}).contiguous();
}

}  // namespace ss::nn::detail

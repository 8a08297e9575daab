// SiLU(a) = a·σ(a), σ(a) = 1 / (1 + e^(−a)), with e^x as Cephes' expf (range reduction + a
// degree-6 polynomial, ~1 ulp): the one activation kernel the training step's forward pass
// and the inference path (FastMlp) share. One arithmetic everywhere: every product and sum
// rounded on its own (no FMA), h = a·σ(a); so the scalar, AVX2 and AVX-512 forms give the
// same bits and training's activations are inference's. Torch-free, internal to core. Any
// thread.
#pragma once

#include <immintrin.h>

#include <cstdint>

#include "core/common/fast_exp.h"

namespace ss::kernels {

// No contraction into FMA here, whatever the caller's target: the bits must not depend on
// where the kernel is inlined.
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
// GCC 12 warns inside its own avx512fintrin.h (_mm512_undefined_*) for these intrinsics.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

inline float sigmoidScalar(float a) { return 1.0f / (1.0f + cephesExp(-a)); }
inline float siluScalar(float a) { return a * sigmoidScalar(a); }

// σ(a) of 8 lanes, cephesExp's steps in AVX2 (NaN in a stays NaN in a·σ(a)).
__attribute__((target("avx2"))) inline __m256 sigmoid8(__m256 a) {
  __m256 x = _mm256_sub_ps(_mm256_setzero_ps(), a);
  x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.0f)), _mm256_set1_ps(88.0f));
  const __m256 fx = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_sub_ps(x, _mm256_mul_ps(fx, _mm256_set1_ps(0.693359375f)));
  r = _mm256_sub_ps(r, _mm256_mul_ps(fx, _mm256_set1_ps(-2.12194440e-4f)));
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(5.0000001201e-1f));
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 y = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(p, _mm256_mul_ps(r, r)), r), one);
  const __m256i bits =
      _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(fx), _mm256_set1_epi32(127)), 23);
  const __m256 e = _mm256_mul_ps(y, _mm256_castsi256_ps(bits));
  return _mm256_div_ps(one, _mm256_add_ps(one, e));
}

// σ(a) of 16 lanes, the same steps in AVX-512 (2^fx through the exponent bits, as above).
__attribute__((target("avx512f"))) inline __m512 sigmoid16(__m512 a) {
  __m512 x = _mm512_sub_ps(_mm512_setzero_ps(), a);
  x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-87.0f)), _mm512_set1_ps(88.0f));
  const __m512 fx = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                         _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_sub_ps(x, _mm512_mul_ps(fx, _mm512_set1_ps(0.693359375f)));
  r = _mm512_sub_ps(r, _mm512_mul_ps(fx, _mm512_set1_ps(-2.12194440e-4f)));
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(5.0000001201e-1f));
  const __m512 one = _mm512_set1_ps(1.0f);
  const __m512 y = _mm512_add_ps(_mm512_add_ps(_mm512_mul_ps(p, _mm512_mul_ps(r, r)), r), one);
  const __m512i bits =
      _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(fx), _mm512_set1_epi32(127)), 23);
  const __m512 e = _mm512_mul_ps(y, _mm512_castsi512_ps(bits));
  return _mm512_div_ps(one, _mm512_add_ps(one, e));
}

__attribute__((target("avx2"))) inline __m256 silu8(__m256 a) {
  return _mm256_mul_ps(a, sigmoid8(a));
}
__attribute__((target("avx512f"))) inline __m512 silu16(__m512 a) {
  return _mm512_mul_ps(a, sigmoid16(a));
}

#pragma GCC diagnostic pop
#pragma GCC pop_options

// h[i] = SiLU(a[i]) for i < n, with the ISA chosen once (cpu_isa.h); `s`, when not null,
// gets σ(a[i]) for the backward pass. h and s may each be a (in place).
void siluForward(const float* a, float* h, float* s, int64_t n);

// The backward pass from the forward's σ and h: d[i] ← d[i]·(s + h·(1 − s)), no exp.
void siluBackward(float* d, const float* s, const float* h, int64_t n);

}  // namespace ss::kernels

#include "core/kernels/silu.h"

#include "core/kernels/cpu_isa.h"

// GCC 12 warns inside its own avx512fintrin.h (_mm512_undefined_*) where sigmoid16 expands.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace ss::kernels {

namespace {

void siluForwardScalar(const float* a, float* h, float* s, int64_t begin, int64_t n) {
  for (int64_t i = begin; i < n; ++i) {
    const float ai = a[i];
    const float si = sigmoidScalar(ai);
    if (s) s[i] = si;
    h[i] = ai * si;
  }
}

__attribute__((target("avx2"))) void siluForwardAvx2(const float* a, float* h, float* s,
                                                     int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 ai = _mm256_loadu_ps(a + i);
    const __m256 si = sigmoid8(ai);
    if (s) _mm256_storeu_ps(s + i, si);
    _mm256_storeu_ps(h + i, _mm256_mul_ps(ai, si));
  }
  siluForwardScalar(a, h, s, i, n);
}

__attribute__((target("avx512f"))) void siluForwardAvx512(const float* a, float* h, float* s,
                                                          int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 ai = _mm512_loadu_ps(a + i);
    const __m512 si = sigmoid16(ai);
    if (s) _mm512_storeu_ps(s + i, si);
    _mm512_storeu_ps(h + i, _mm512_mul_ps(ai, si));
  }
  siluForwardScalar(a, h, s, i, n);
}

void siluBackwardScalar(float* d, const float* s, const float* h, int64_t begin, int64_t n) {
  for (int64_t i = begin; i < n; ++i) d[i] = d[i] * (s[i] + h[i] * (1.0f - s[i]));
}

__attribute__((target("avx2"))) void siluBackwardAvx2(float* d, const float* s, const float* h,
                                                      int64_t n) {
  const __m256 one = _mm256_set1_ps(1.0f);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 si = _mm256_loadu_ps(s + i);
    const __m256 g =
        _mm256_add_ps(si, _mm256_mul_ps(_mm256_loadu_ps(h + i), _mm256_sub_ps(one, si)));
    _mm256_storeu_ps(d + i, _mm256_mul_ps(_mm256_loadu_ps(d + i), g));
  }
  siluBackwardScalar(d, s, h, i, n);
}

}  // namespace

void siluForward(const float* a, float* h, float* s, int64_t n) {
  switch (activeIsa()) {
    case Isa::Avx512:
      return siluForwardAvx512(a, h, s, n);
    case Isa::Avx2:
      return siluForwardAvx2(a, h, s, n);
    default:
      return siluForwardScalar(a, h, s, 0, n);
  }
}

void siluBackward(float* d, const float* s, const float* h, int64_t n) {
  if (activeIsa() == Isa::Scalar)
    siluBackwardScalar(d, s, h, 0, n);
  else
    siluBackwardAvx2(d, s, h, n);
}

}  // namespace ss::kernels

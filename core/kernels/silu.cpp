#include "core/kernels/silu.h"

#include "core/kernels/cpu_isa.h"

// GCC 12 warns inside its own avx512fintrin.h (_mm512_undefined_*) where sigmoidLanes expands.
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

__attribute__((target("avx2"))) void siluForward8(const float* a, float* h, float* s, int64_t n,
                                                  int64_t& i) {
  siluForwardLanes<__m256, __v8si>(a, h, s, n, i);
}

__attribute__((target("avx512f"))) void siluForward16(const float* a, float* h, float* s, int64_t n,
                                                      int64_t& i) {
  siluForwardLanes<__m512, __v16si>(a, h, s, n, i);
}

// d[i] ← d[i]·(s + h·(1 − s)), 8 lanes at a time from i on; leaves i at the tail.
__attribute__((target("avx2"))) void siluBackward8(float* d, const float* s, const float* h,
                                                   int64_t n, int64_t& i) {
  for (; i + 8 <= n; i += 8) {
    const __m256 si = load<__m256>(s + i);
    store(d + i, load<__m256>(d + i) * (si + load<__m256>(h + i) * (1.0f - si)));
  }
}

void siluBackwardScalar(float* d, const float* s, const float* h, int64_t begin, int64_t n) {
  for (int64_t i = begin; i < n; ++i) d[i] = d[i] * (s[i] + h[i] * (1.0f - s[i]));
}

}  // namespace

void siluForward(const float* a, float* h, float* s, int64_t n) {
  int64_t i = 0;
  if (activeIsa() == Isa::Avx512)
    siluForward16(a, h, s, n, i);
  else if (activeIsa() == Isa::Avx2)
    siluForward8(a, h, s, n, i);
  siluForwardScalar(a, h, s, i, n);
}

void siluBackward(float* d, const float* s, const float* h, int64_t n) {
  int64_t i = 0;
  if (activeIsa() != Isa::Scalar) siluBackward8(d, s, h, n, i);
  siluBackwardScalar(d, s, h, i, n);
}

}  // namespace ss::kernels

// SiLU(a) = a·σ(a), σ(a) = 1 / (1 + e^(−a)), with e^x as Cephes' expf (range reduction + a
// degree-6 polynomial, ~1 ulp): the one activation kernel the training step's forward pass
// and the inference path (FastMlp) share. One arithmetic everywhere: every product and sum
// rounded on its own (no FMA), h = a·σ(a); so the scalar, AVX2 and AVX-512 forms give the
// same bits and training's activations are inference's. Torch-free, internal to core. Any
// thread.
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>
#include <type_traits>

namespace ss::kernels {

// The lane templates below are always inlined, never called across translation units: GCC's
// note that passing vectors by value "changes the ABI" does not apply (it is reported at the
// end of each includer, so it is silenced for the includer).
#pragma GCC diagnostic ignored "-Wpsabi"

// No contraction into FMA here, whatever the caller's target: the bits must not depend on
// where the kernel is inlined.
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
// GCC 12 warns inside its own avx512fintrin.h (_mm512_undefined_*) for these intrinsics.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

// σ written once for every width: V is float or a GCC vector of floats (__m256, __m512), on
// which + − × ÷ and comparisons act per lane, VI the int32 (vector) of its width. Compiled
// for the baseline ISA and always inlined, so each caller runs it at its own width: the
// scalar loop, an AVX2 or an AVX-512 function. Every product and sum is rounded on its own,
// so every width gives the same bits.
#define SS_LANES inline __attribute__((always_inline))

template <class V>
SS_LANES V load(const float* p) {
  V v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

template <class V>
SS_LANES void store(float* p, const V& v) {
  std::memcpy(p, &v, sizeof v);
}

// v itself, held as a rounded value: the empty asm hides it from the optimizer, so a product
// is never fused into the add that follows it (FMA), whatever the caller's target or
// contraction mode. (The pragma above covers the kernel's own functions; this survives
// inlining into an FMA-capable caller, which takes the caller's contraction mode.)
template <class V>
SS_LANES V rounded(const V& value) {
  V v = value;
  asm("" : "+v"(v));
  return v;
}

// σ(a) per lane. The clamps act as vmaxps / vminps (a NaN becomes −87; NaN in a stays NaN
// in a·σ(a)). Rounding to nearest even by adding and removing 1.5·2^23 is exact: the clamped
// |x·log2 e| is below 2^22.
template <class V, class VI>
SS_LANES V sigmoidLanes(const V& a) {
  const V lo = V{} - 87.0f, hi = V{} + 88.0f;
  V x = V{} - a;
  x = x > lo ? x : lo;
  x = x < hi ? x : hi;
  const V fx = (rounded(x * 1.44269504088896341f) + 12582912.0f) - 12582912.0f;
  V r = x - rounded(fx * 0.693359375f);
  r = r - rounded(fx * -2.12194440e-4f);
  V p = V{} + 1.9875691500e-4f;
  for (float c :
       {1.3981999507e-3f, 8.3334519073e-3f, 4.1665795894e-2f, 1.6666665459e-1f, 5.0000001201e-1f})
    p = rounded(p * r) + c;
  const V y = rounded(p * rounded(r * r)) + r + 1.0f;
  V scale;  // 2^fx through the exponent bits
  if constexpr (std::is_same_v<V, float>) {
    const int32_t bits = (static_cast<int32_t>(fx) + 127) << 23;
    std::memcpy(&scale, &bits, sizeof scale);
  } else {
    scale = (V)((__builtin_convertvector(fx, VI) + 127) << 23);
  }
  return 1.0f / (1.0f + rounded(y * scale));
}

// h[i] = SiLU(a[i]) (and s[i] = σ(a[i]) when s is not null) for whole vectors from i on;
// leaves i at the tail (fewer than a vector's lanes left).
template <class V, class VI>
SS_LANES void siluForwardLanes(const float* a, float* h, float* s, int64_t n, int64_t& i) {
  constexpr int64_t lanes = sizeof(V) / sizeof(float);
  for (; i + lanes <= n; i += lanes) {
    const V ai = load<V>(a + i);
    const V si = sigmoidLanes<V, VI>(ai);
    if (s) store(s + i, si);
    store(h + i, ai * si);
  }
}

#undef SS_LANES

inline float sigmoidScalar(float a) { return sigmoidLanes<float, int32_t>(a); }
inline float siluScalar(float a) { return a * sigmoidScalar(a); }
__attribute__((target("avx2"))) inline __m256 silu8(__m256 a) {
  return a * sigmoidLanes<__m256, __v8si>(a);
}
__attribute__((target("avx512f"))) inline __m512 silu16(__m512 a) {
  return a * sigmoidLanes<__m512, __v16si>(a);
}

#pragma GCC diagnostic pop
#pragma GCC pop_options

// h[i] = SiLU(a[i]) for i < n, with the ISA chosen once (cpu_isa.h); `s`, when not null,
// gets σ(a[i]) for the backward pass. h and s may each be a (in place).
void siluForward(const float* a, float* h, float* s, int64_t n);

// The backward pass from the forward's σ and h: d[i] ← d[i]·(s + h·(1 − s)), no exp.
void siluBackward(float* d, const float* s, const float* h, int64_t n);

}  // namespace ss::kernels

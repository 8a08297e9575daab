// The empirical tile kernel with AVX-512F (8 float64 lanes, 16 float32). Compiled with -mavx512f
// -mfma (core/CMakeLists.txt); called only when activeIsa() is Avx512.
#include <immintrin.h>

// GCC 12 warns inside its own avx512fintrin.h (_mm512_undefined_pd) for these intrinsics.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "core/kernels/empirical.h"
#include "core/kernels/exp_poly.h"

namespace ss::kernels {
namespace {
namespace avx512 {

using V = __m512d;
constexpr int kWidth = 8;
inline V load(const double* p) { return _mm512_loadu_pd(p); }
inline void store(double* p, V v) { _mm512_storeu_pd(p, v); }
inline V splat(double v) { return _mm512_set1_pd(v); }
inline V add(V a, V b) { return _mm512_add_pd(a, b); }
inline V mul(V a, V b) { return _mm512_mul_pd(a, b); }
inline V min(V a, V b) { return _mm512_min_pd(a, b); }
inline V fmadd(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
inline V fnmadd(V a, V b, V c) { return _mm512_fnmadd_pd(a, b, c); }
inline bool anyLe(V a, V b) { return _mm512_cmp_pd_mask(a, b, _CMP_LE_OQ) != 0; }
inline double hmin(V v) { return _mm512_reduce_min_pd(v); }
inline double hsum(V v) { return _mm512_reduce_add_pd(v); }

inline V exp(V x) {
  using namespace exp_poly;
  x = _mm512_max_pd(x, splat(kMinArg));
  const V k = _mm512_roundscale_pd(_mm512_mul_pd(x, splat(kLog2e)),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  V r = fnmadd(k, splat(kLn2Hi), x);
  r = fnmadd(k, splat(kLn2Lo), r);
  V p = splat(kCoeffs[0]);
#pragma GCC unroll 16
  for (int i = 1; i < kTerms; ++i) p = fmadd(p, r, splat(kCoeffs[i]));
  return _mm512_scalef_pd(p, k);
}

#include "core/kernels/empirical_tile_impl.h"

// The float32 path: 16 lanes.
namespace f32 {

using V = __m512;
constexpr int kWidth = 16;
inline V load(const float* p) { return _mm512_loadu_ps(p); }
inline V splat(float v) { return _mm512_set1_ps(v); }
inline V add(V a, V b) { return _mm512_add_ps(a, b); }
inline V sub(V a, V b) { return _mm512_sub_ps(a, b); }
inline V mul(V a, V b) { return _mm512_mul_ps(a, b); }
inline V min(V a, V b) { return _mm512_min_ps(a, b); }
inline V fmadd(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
inline bool anyLe(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_LE_OQ) != 0; }
inline float hmin(V v) { return _mm512_reduce_min_ps(v); }
inline double hsum(V v) { return _mm512_reduce_add_ps(v); }

inline V exp2(V x) {
  using namespace exp_poly_f32;
  x = _mm512_max_ps(x, splat(kMinArg));
  const V k = _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const V r = sub(x, k);
  V p = splat(kCoeffs[0]);
#pragma GCC unroll 8
  for (int i = 1; i < kTerms; ++i) p = fmadd(p, r, splat(kCoeffs[i]));
  p = fmadd(p, r, splat(1.0f));
  return _mm512_scalef_ps(p, k);
}

#include "core/kernels/empirical_tile32_impl.h"

}  // namespace f32

}  // namespace avx512
}  // namespace

TileFn tileFnAvx512() { return &avx512::tileSumsAnyDim; }
MomentsFn momentsFnAvx512() { return &avx512::tileMoments; }
TileFn32 tileFn32Avx512() { return &avx512::f32::tileSums32AnyDim; }

}  // namespace ss::kernels

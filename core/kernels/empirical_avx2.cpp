// The empirical tile kernel with AVX2 + FMA (4 float64 lanes, 8 float32). Compiled with -mavx2
// -mfma (core/CMakeLists.txt); called only when activeIsa() is Avx2 or wider.
#include <immintrin.h>

#include "core/kernels/empirical.h"
#include "core/kernels/exp_poly.h"

namespace ss::kernels {
namespace {
namespace avx2 {

using V = __m256d;
constexpr int kWidth = 4;
inline V load(const double* p) { return _mm256_loadu_pd(p); }
inline void store(double* p, V v) { _mm256_storeu_pd(p, v); }
inline V splat(double v) { return _mm256_set1_pd(v); }
inline V add(V a, V b) { return _mm256_add_pd(a, b); }
inline V mul(V a, V b) { return _mm256_mul_pd(a, b); }
inline V min(V a, V b) { return _mm256_min_pd(a, b); }
inline V fmadd(V a, V b, V c) { return _mm256_fmadd_pd(a, b, c); }
inline V fnmadd(V a, V b, V c) { return _mm256_fnmadd_pd(a, b, c); }
inline bool anyLe(V a, V b) { return _mm256_movemask_pd(_mm256_cmp_pd(a, b, _CMP_LE_OQ)) != 0; }
inline double hmin(V v) {
  const __m128d m = _mm_min_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
  return _mm_cvtsd_f64(_mm_min_sd(m, _mm_unpackhi_pd(m, m)));
}
inline double hsum(V v) {
  const __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
  return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}

// 2^k for integral k in [−1022, 1023]: the magic-number trick puts k in the low bits.
inline V pow2(V k) {
  const V magic = splat(6755399441055744.0);  // 2^52 + 2^51
  const __m256i ki =
      _mm256_sub_epi64(_mm256_castpd_si256(_mm256_add_pd(k, magic)), _mm256_castpd_si256(magic));
  return _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_add_epi64(ki, _mm256_set1_epi64x(1023)), 52));
}

inline V exp(V x) {
  using namespace exp_poly;
  x = _mm256_max_pd(x, splat(kMinArg));
  const V k = _mm256_round_pd(_mm256_mul_pd(x, splat(kLog2e)),
                              _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  V r = fnmadd(k, splat(kLn2Hi), x);
  r = fnmadd(k, splat(kLn2Lo), r);
  V p = splat(kCoeffs[0]);
#pragma GCC unroll 16
  for (int i = 1; i < kTerms; ++i) p = fmadd(p, r, splat(kCoeffs[i]));
  return _mm256_mul_pd(p, pow2(k));
}

#include "core/kernels/empirical_tile_impl.h"

// The float32 path: 8 lanes.
namespace f32 {

using V = __m256;
constexpr int kWidth = 8;
inline V load(const float* p) { return _mm256_loadu_ps(p); }
inline V splat(float v) { return _mm256_set1_ps(v); }
inline V add(V a, V b) { return _mm256_add_ps(a, b); }
inline V sub(V a, V b) { return _mm256_sub_ps(a, b); }
inline V mul(V a, V b) { return _mm256_mul_ps(a, b); }
inline V min(V a, V b) { return _mm256_min_ps(a, b); }
inline V fmadd(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
inline bool anyLe(V a, V b) { return _mm256_movemask_ps(_mm256_cmp_ps(a, b, _CMP_LE_OQ)) != 0; }
inline float hmin(V v) {
  __m128 m = _mm_min_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  m = _mm_min_ps(m, _mm_movehl_ps(m, m));
  return _mm_cvtss_f32(_mm_min_ss(m, _mm_shuffle_ps(m, m, 1)));
}
inline double hsum(V v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_add_ss(s, _mm_shuffle_ps(s, s, 1)));
}

// 2^k for integral k in [−126, 127]: the exponent field directly.
inline V pow2(V k) {
  const __m256i ki = _mm256_add_epi32(_mm256_cvtps_epi32(k), _mm256_set1_epi32(127));
  return _mm256_castsi256_ps(_mm256_slli_epi32(ki, 23));
}

inline V exp2(V x) {
  using namespace exp_poly_f32;
  x = _mm256_max_ps(x, splat(kMinArg));
  const V k = _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const V r = sub(x, k);
  V p = splat(kCoeffs[0]);
#pragma GCC unroll 8
  for (int i = 1; i < kTerms; ++i) p = fmadd(p, r, splat(kCoeffs[i]));
  p = fmadd(p, r, splat(1.0f));
  return _mm256_mul_ps(p, pow2(k));
}

#include "core/kernels/empirical_tile32_impl.h"

}  // namespace f32

}  // namespace avx2
}  // namespace

TileFn tileFnAvx2() { return &avx2::tileSumsAnyDim; }
MomentsFn momentsFnAvx2() { return &avx2::tileMoments; }
TileFn32 tileFn32Avx2() { return &avx2::f32::tileSums32AnyDim; }

}  // namespace ss::kernels

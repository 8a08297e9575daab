// The training fast path's fused loops (fast_step_kernels.h).
#include "core/train/fast_step_kernels.h"
#include "core/common/runtime.h"

#include <immintrin.h>

#include <cmath>
#include <cstdlib>

namespace ss::train::detail {

// Plain float arithmetic in a fixed order, without FMA contraction: the AVX2 and the scalar
// versions give bit-identical results (IEEE sqrt and division are exact), so a run does not
// depend on which one the CPU picks.

void adamEmaScalar(float* p, const float* g, float* m, float* v, float* e, int64_t begin,
                   int64_t end, const AdamEma& s) {
  for (int64_t i = begin; i < end; ++i) {
    const float gi = g[i] * s.clip;
    const float mi = m[i] * s.beta1 + gi * s.oneMinusBeta1;
    const float vi = v[i] * s.beta2 + (gi * gi) * s.oneMinusBeta2;
    const float denom = std::sqrt(vi) * s.invSqrtBc2 + s.eps;
    const float pi = p[i] - s.stepSize * (mi / denom);
    m[i] = mi;
    v[i] = vi;
    p[i] = pi;
    e[i] = e[i] * s.decay + pi * s.oneMinusDecay;
  }
}

__attribute__((target("avx2"))) void adamEmaAvx2(float* p, const float* g, float* m, float* v,
                                                 float* e, int64_t n, const AdamEma& s) {
  const __m256 b1 = _mm256_set1_ps(s.beta1), ob1 = _mm256_set1_ps(s.oneMinusBeta1);
  const __m256 b2 = _mm256_set1_ps(s.beta2), ob2 = _mm256_set1_ps(s.oneMinusBeta2);
  const __m256 clip = _mm256_set1_ps(s.clip), isb = _mm256_set1_ps(s.invSqrtBc2);
  const __m256 eps = _mm256_set1_ps(s.eps), lr = _mm256_set1_ps(s.stepSize);
  const __m256 d = _mm256_set1_ps(s.decay), od = _mm256_set1_ps(s.oneMinusDecay);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 gi = _mm256_mul_ps(_mm256_loadu_ps(g + i), clip);
    const __m256 mi =
        _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(m + i), b1), _mm256_mul_ps(gi, ob1));
    const __m256 vi = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(v + i), b2),
                                    _mm256_mul_ps(_mm256_mul_ps(gi, gi), ob2));
    const __m256 denom = _mm256_add_ps(_mm256_mul_ps(_mm256_sqrt_ps(vi), isb), eps);
    const __m256 pi =
        _mm256_sub_ps(_mm256_loadu_ps(p + i), _mm256_mul_ps(lr, _mm256_div_ps(mi, denom)));
    _mm256_storeu_ps(m + i, mi);
    _mm256_storeu_ps(v + i, vi);
    _mm256_storeu_ps(p + i, pi);
    _mm256_storeu_ps(
        e + i, _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(e + i), d), _mm256_mul_ps(pi, od)));
  }
  adamEmaScalar(p, g, m, v, e, i, n, s);
}

// Σ x² in float lanes as LibTorch's norm kernel (so it overflows to inf where that does, and
// the trainer's divergence check sees the same NaN weights), 32 lanes in a fixed order: the
// AVX2 and the scalar versions give the same sum.
double sumSquaresScalar(const float* x, int64_t n) {
  float lanes[32] = {};
  int64_t i = 0;
  for (; i + 32 <= n; i += 32)
    for (int k = 0; k < 32; ++k) lanes[k] += x[i + k] * x[i + k];
  double acc = 0;
  for (float l : lanes) acc += l;
  for (; i < n; ++i) acc += static_cast<double>(x[i]) * x[i];
  return acc;
}

__attribute__((target("avx2"))) double sumSquaresAvx2(const float* x, int64_t n) {
  __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256 x0 = _mm256_loadu_ps(x + i), x1 = _mm256_loadu_ps(x + i + 8);
    const __m256 x2 = _mm256_loadu_ps(x + i + 16), x3 = _mm256_loadu_ps(x + i + 24);
    a0 = _mm256_add_ps(a0, _mm256_mul_ps(x0, x0));
    a1 = _mm256_add_ps(a1, _mm256_mul_ps(x1, x1));
    a2 = _mm256_add_ps(a2, _mm256_mul_ps(x2, x2));
    a3 = _mm256_add_ps(a3, _mm256_mul_ps(x3, x3));
  }
  alignas(32) float lanes[32];
  _mm256_store_ps(lanes, a0);
  _mm256_store_ps(lanes + 8, a1);
  _mm256_store_ps(lanes + 16, a2);
  _mm256_store_ps(lanes + 24, a3);
  double acc = 0;
  for (float l : lanes) acc += l;
  for (; i < n; ++i) acc += static_cast<double>(x[i]) * x[i];
  return acc;
}

bool haveAvx2() {
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes;
}

int64_t chunkRows() {
  static const int64_t rows = envPositiveInt("SCORESCOPE_TRAIN_CHUNK", 512);
  return rows;
}

}  // namespace ss::train::detail

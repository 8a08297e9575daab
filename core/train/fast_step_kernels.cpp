// The training fast path's fused loops (fast_step_kernels.h).
#include "core/train/fast_step_kernels.h"

#include <immintrin.h>

#include <cmath>
#include <cstdlib>

#include "core/common/fast_exp.h"

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

// SiLU with its sigmoid kept for the backward: a → s = σ(a) in place, h = a·s; then
// dL/da = dL/dh · (s + h·(1 − s)), no exp. exp is Cephes' expf (range reduction + degree-6
// polynomial, ~1 ulp), the same arithmetic in the AVX2 and the scalar versions.

void siluForwardScalar(float* as, float* h, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) {
    const float a = as[i];
    const float s = 1.0f / (1.0f + cephesExp(-a));
    as[i] = s;
    h[i] = a * s;
  }
}

__attribute__((target("avx2"))) void siluForwardAvx2(float* as, float* h, int64_t n) {
  const __m256 lo = _mm256_set1_ps(-87.0f), hi = _mm256_set1_ps(88.0f);
  const __m256 log2e = _mm256_set1_ps(1.44269504088896341f);
  const __m256 c1 = _mm256_set1_ps(0.693359375f), c2 = _mm256_set1_ps(-2.12194440e-4f);
  const __m256 p0 = _mm256_set1_ps(1.9875691500e-4f), p1 = _mm256_set1_ps(1.3981999507e-3f);
  const __m256 p2 = _mm256_set1_ps(8.3334519073e-3f), p3 = _mm256_set1_ps(4.1665795894e-2f);
  const __m256 p4 = _mm256_set1_ps(1.6666665459e-1f), p5 = _mm256_set1_ps(5.0000001201e-1f);
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256i bias = _mm256_set1_epi32(127);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 a = _mm256_loadu_ps(as + i);
    // x = −a clamped as std::min(std::max(x, lo), hi) does (NaN in a: h = a·s stays NaN).
    __m256 x = _mm256_sub_ps(_mm256_setzero_ps(), a);
    x = _mm256_min_ps(_mm256_max_ps(x, lo), hi);
    const __m256 fx =
        _mm256_round_ps(_mm256_mul_ps(x, log2e), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_sub_ps(x, _mm256_mul_ps(fx, c1));
    r = _mm256_sub_ps(r, _mm256_mul_ps(fx, c2));
    __m256 p = p0;
    p = _mm256_add_ps(_mm256_mul_ps(p, r), p1);
    p = _mm256_add_ps(_mm256_mul_ps(p, r), p2);
    p = _mm256_add_ps(_mm256_mul_ps(p, r), p3);
    p = _mm256_add_ps(_mm256_mul_ps(p, r), p4);
    p = _mm256_add_ps(_mm256_mul_ps(p, r), p5);
    const __m256 y = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(p, _mm256_mul_ps(r, r)), r), one);
    const __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(fx), bias), 23);
    const __m256 e = _mm256_mul_ps(y, _mm256_castsi256_ps(bits));
    const __m256 sg = _mm256_div_ps(one, _mm256_add_ps(one, e));
    _mm256_storeu_ps(as + i, sg);
    _mm256_storeu_ps(h + i, _mm256_mul_ps(a, sg));
  }
  siluForwardScalar(as, h, i, n);
}

void siluBackwardScalar(float* d, const float* s, const float* h, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) d[i] = d[i] * (s[i] + h[i] * (1.0f - s[i]));
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

bool haveAvx2() {
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes;
}

int64_t chunkRows() {
  static const int64_t rows = [] {
    if (const char* env = std::getenv("SCORESCOPE_TRAIN_CHUNK")) {
      const long v = std::strtol(env, nullptr, 10);
      if (v > 0) return static_cast<int64_t>(v);
    }
    return int64_t{512};
  }();
  return rows;
}

}  // namespace ss::train::detail

// The training step's fast path's fused loops (train_step.cpp): Adam with the EMA update,
// sums of squares, scalar and AVX2 (SiLU is core/kernels/silu.h). Plain float arithmetic in a
// fixed order without FMA contraction, so both give bit-identical results. Internal to
// core/train; pure functions, any thread.
#pragma once

#include <cstdint>

namespace ss::train::detail {

struct AdamEma {
  float beta1, oneMinusBeta1, beta2, oneMinusBeta2, clip, invSqrtBc2, eps, stepSize, decay,
      oneMinusDecay;
};

void adamEmaScalar(float* p, const float* g, float* m, float* v, float* e, int64_t begin,
                   int64_t end, const AdamEma& s);
void adamEmaAvx2(float* p, const float* g, float* m, float* v, float* e, int64_t n,
                 const AdamEma& s);
double sumSquaresScalar(const float* x, int64_t n);
double sumSquaresAvx2(const float* x, int64_t n);
bool haveAvx2();
// Batch rows per forward/backward chunk: the activations of a chunk stay in L2, and the
// weight gradients accumulate over chunks. SCORESCOPE_TRAIN_CHUNK overrides (benchmarks).
int64_t chunkRows();

}  // namespace ss::train::detail

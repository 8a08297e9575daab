// The empirical tile kernel without SIMD (any x86-64 or other CPU): std::exp, one lane.
#include <algorithm>
#include <cmath>

#include "core/kernels/empirical.h"
#include "core/kernels/exp_poly.h"

namespace ss::kernels {
namespace {
namespace scalar {

using V = double;
constexpr int kWidth = 1;
inline V load(const double* p) { return *p; }
inline void store(double* p, V v) { *p = v; }
inline V splat(double v) { return v; }
inline V add(V a, V b) { return a + b; }
inline V mul(V a, V b) { return a * b; }
inline V min(V a, V b) { return std::min(a, b); }
inline V fmadd(V a, V b, V c) { return std::fma(a, b, c); }
inline V fnmadd(V a, V b, V c) { return std::fma(-a, b, c); }
inline bool anyLe(V a, V b) { return a <= b; }
inline double hmin(V v) { return v; }
inline double hsum(V v) { return v; }
inline V exp(V x) { return std::exp(std::max(x, exp_poly::kMinArg)); }

#include "core/kernels/empirical_tile_impl.h"

// The float32 path, one lane: the same float32 arithmetic as the vector paths.
namespace f32 {

using V = float;
constexpr int kWidth = 1;
inline V load(const float* p) { return *p; }
inline void store(float* p, V v) { *p = v; }
inline V splat(float v) { return v; }
inline V add(V a, V b) { return a + b; }
inline V sub(V a, V b) { return a - b; }
inline V mul(V a, V b) { return a * b; }
inline V min(V a, V b) { return std::min(a, b); }
inline V fmadd(V a, V b, V c) { return std::fma(a, b, c); }
inline bool anyLe(V a, V b) { return a <= b; }
inline float hmin(V v) { return v; }
inline double hsum(V v) { return v; }
inline V exp2(V x) { return std::exp2(std::max(x, exp_poly_f32::kMinArg)); }

#include "core/kernels/empirical_tile32_impl.h"

}  // namespace f32

}  // namespace scalar
}  // namespace

TileFn tileFnScalar() { return &scalar::tileSumsAnyDim; }
MomentsFn momentsFnScalar() { return &scalar::tileMoments; }
TileFn32 tileFn32Scalar() { return &scalar::f32::tileSums32AnyDim; }

}  // namespace ss::kernels

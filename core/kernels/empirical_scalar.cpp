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

}  // namespace scalar
}  // namespace

TileFn tileFnScalar() { return &scalar::tileSumsAnyDim; }
MomentsFn momentsFnScalar() { return &scalar::tileMoments; }

}  // namespace ss::kernels

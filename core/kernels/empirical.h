// The exact empirical score and log-density of (1/M) Σ_j N(a y_j, σ² I) for a low-
// dimensional point set (MATH.md §7), fused: per query, one walk down the tree of point
// tiles with a running minimum of ‖x − a y‖² and running sums rescaled when it moves (online
// log-sum-exp), in float64, with the ISA's vector exp. Nodes whose every point is far
// enough to weigh less than relTol/M of the nearest point are skipped, so the weight left
// out is at most relTol of the total (relTol = 0: every tile, every point summed).
// Torch-free; any thread.
//
// Precision::Auto sums a (tile, query) in float32 (TileFn32: twice the lanes) when its
// predicted error is small, else in float64. Float32 forms e = a²‖y‖² − 2a xr·y with y the
// tile's points relative to its centre c and xr = x − a c (float64), so with the tile's
// extent R, S = aR(aR + 2‖xr‖) and u = 2⁻²⁴, each exponent (‖x − a y‖² − min)/(2σ²) is
// within δ = 2(dim+5)·u·S/(2σ²) (worst case) and each weight, the exp2's (5u) and the tile
// sums' (12u) rounding added, within 1.06δ + 17u relative. Auto takes float32 where
// δ ≤ kFloat32Tol, or where δ ≤ 0.1 and the tile holds at most kFloat32Tol/(tiles·δ) of the
// total weight (far tiles); sums across tiles stay float64. So the total weight is within
// 3.2e-6 relative (log p within 3.5e-6 nats) and the score within
// (6.5e-6·E_w‖x − a y‖ + 13u·a·R)/σ² (tests/core/test_empirical_float32.cpp; measured errors
// are ~100× below). At small σ few near tiles qualify and Auto is the float64 path there;
// Float32 forces every tile (benchmarks only: no bound).
#pragma once

#include <cstdint>

#include "core/kernels/point_tiles.h"

namespace ss::kernels {

inline constexpr double kDefaultPruneTol = 1e-7;
inline constexpr double kFloat32Tol = 1e-6;            // Auto's bound δ on a tile's exponent error
inline constexpr double kLog2Pi = 1.8378770664093453;  // ln(2π), for log p

// The far field's expansion order (far_field.h) and its number of 2-D terms.
inline constexpr int kFarOrder = 20;
inline constexpr int kFarTerms = (kFarOrder + 1) * (kFarOrder + 2) / 2;  // 231

struct EmpiricalQueries {
  const double* x = nullptr;      // [n × dim]
  const double* a = nullptr;      // [n] a(t) of each query (> 0)
  const double* sigma = nullptr;  // [n] σ(t) of each query (> 0)
  int64_t n = 0;
};

struct EmpiricalOut {
  double* score = nullptr;          // [n × dim] or null
  double* logp = nullptr;           // [n] or null
  int64_t* float32Pairs = nullptr;  // adds the pairs summed in float32, or null
};

enum class Precision { Float64, Auto, Float32 };

class FarField;

// Returns the number of query–point pairs summed directly (padding included). With `far`
// (built for the queries' one (a, σ); used only when relTol > 0) nodes whose Taylor
// expansion is accurate to kFarTol are summed through it instead (far_field.h).
int64_t empiricalEval(const PointTiles& tiles, const EmpiricalQueries& q, EmpiricalOut out,
                      double relTol = kDefaultPruneTol, const FarField* far = nullptr,
                      Precision precision = Precision::Float64);

// One tile's sums for one query, relative to minD2 = min(refD2, min_j ‖x − a y_j‖²):
// sumW = Σ_j exp(−(‖x − a y_j‖² − minD2)/(2σ²)),
// sumWY = Σ_j w_j y_j, leaving out vectors of points all beyond cutD2 (+inf: none). The ISA
// files implement it.
struct TileSums {
  double minD2 = 0, sumW = 0;
  double sumWY[kMaxTileDim] = {};
};
using TileFn = void (*)(const double* coords, const double* bias, int dim, const double* x,
                        double a, double inv2s2, double refD2, double cutD2, TileSums& out);
TileFn tileFnScalar();
TileFn tileFnAvx2();
TileFn tileFnAvx512();
TileFn activeTileFn();  // the one activeIsa() names

// The float32 tile (empirical_tile32_impl.h): rel, norm the tile's rel32 and norm32 rows,
// xr = x − a·centre; e = ‖x − a y‖² − ‖xr‖². Returns in out the float32 m = min(refE,
// min_j e_j) as minD2, the weights exp((m − e)/(2σ²)) and the weighted sums of y − centre;
// vectors of points all beyond cutE (in e) are left out.
using TileFn32 = void (*)(const float* rel, const float* norm, int dim, const double* xr, double a,
                          double inv2s2, double refE, double cutE, TileSums& out);
TileFn32 tileFn32Scalar();
TileFn32 tileFn32Avx2();
TileFn32 tileFn32Avx512();
TileFn32 activeTileFn32();

// Adds one 2-D tile's far-field moments about (c0, c1) into G[3 × kFarTerms]
// (far_field.h); aa2s2 = a²/2σ². The ISA files implement it.
using MomentsFn = void (*)(const double* coords, const double* bias, double c0, double c1,
                           double aa2s2, double* G);
MomentsFn momentsFnScalar();
MomentsFn momentsFnAvx2();
MomentsFn momentsFnAvx512();
MomentsFn activeMomentsFn();

}  // namespace ss::kernels

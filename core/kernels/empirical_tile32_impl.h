// The body of one tile's float32 sums (empirical.h, TileFn32), written once over a float
// vector type V that each ISA file defines before including this (scalar, AVX2, AVX-512)
// with: kWidth, load, splat, add, sub, mul, fmadd, min, anyLe, exp2 (float32, within
// 3e-7 relative on [−100, 0]), hmin, hsum. Each ISA file includes it inside its own namespace.
//
// With the points relative to the tile's centre c (y = point − c) and the query relative to
// a·c (xr = x − a c, formed in float64 by the caller), ‖x − a·point‖² = ‖xr‖² + e with
// e = a²‖y‖² − 2a xr·y: ‖xr‖² is the tile's common part, left to the caller in float64,
// and e is what float32 forms, so its rounding scales with a·extent·(a·extent + 2‖xr‖), not
// with the coordinates. Pass 1 forms e (kept in registers) and takes its minimum; pass 2 sums
// the weights exp((m − e)/(2σ²)) ≤ 1 with m = min(min e, refE) in float32 (the caller's
// running minimum unless this tile goes below it; weights that underflow are below e^−87
// of the running largest) and the weighted y, skipping a vector whose every e lies beyond
// cutE (+inf: none).

template <int Dim>
void tileSums32(const float* rel, const float* norm, const double* xr, double a, double inv2s2,
                double refE, double cutE, ss::kernels::TileSums& out) {
  using ss::kernels::kTileSlots;
  constexpr int kVecs = kTileSlots / kWidth;
  V e[kVecs];  // in registers where the ISA has enough (AVX-512: 8 of its 32)
  const V b = splat(static_cast<float>(a * a));
  V va[Dim];
  for (int k = 0; k < Dim; ++k) va[k] = splat(static_cast<float>(-2.0 * a * xr[k]));
  V vmin = splat(__builtin_inff());
#pragma GCC unroll 16
  for (int v = 0; v < kVecs; ++v) {
    e[v] = mul(b, load(norm + v * kWidth));
    for (int k = 0; k < Dim; ++k)
      e[v] = fmadd(va[k], load(rel + k * kTileSlots + v * kWidth), e[v]);
    vmin = min(vmin, e[v]);
  }
  const float emin = hmin(vmin), ref = static_cast<float>(refE);
  const float m = emin < ref ? emin : ref;
  const V scale = splat(static_cast<float>(-inv2s2 * exp_poly_f32::kLog2e)), offset = splat(m);
  // Every vector of the tile at once: eight independent exp chains hide their latency.
  const V cut = splat(static_cast<float>(cutE));
  bool any = false;
#pragma GCC unroll 16
  for (int v = 0; v < kVecs; ++v) any |= anyLe(e[v], cut);
  V sw = splat(0.0f), swy[Dim];
  for (int k = 0; k < Dim; ++k) swy[k] = splat(0.0f);
  if (any) {
    V w[kVecs];
#pragma GCC unroll 16
    for (int v = 0; v < kVecs; ++v) w[v] = exp2(mul(sub(e[v], offset), scale));
#pragma GCC unroll 16
    for (int v = 0; v < kVecs; ++v) {
      sw = add(sw, w[v]);
      for (int k = 0; k < Dim; ++k)
        swy[k] = fmadd(w[v], load(rel + k * kTileSlots + v * kWidth), swy[k]);
    }
  }
  out.minD2 = m;
  out.sumW = hsum(sw);
  for (int k = 0; k < Dim; ++k) out.sumWY[k] = hsum(swy[k]);
}
void tileSums32AnyDim(const float* rel, const float* norm, int dim, const double* xr, double a,
                      double inv2s2, double refE, double cutE, ss::kernels::TileSums& out) {
  switch (dim) {
    case 1:
      return tileSums32<1>(rel, norm, xr, a, inv2s2, refE, cutE, out);
    case 2:
      return tileSums32<2>(rel, norm, xr, a, inv2s2, refE, cutE, out);
    case 3:
      return tileSums32<3>(rel, norm, xr, a, inv2s2, refE, cutE, out);
    default:
      return tileSums32<4>(rel, norm, xr, a, inv2s2, refE, cutE, out);
  }
}

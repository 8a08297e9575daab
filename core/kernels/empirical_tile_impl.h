// The body of one tile's empirical sums (empirical.h), written once over a vector type V
// that each ISA file defines before including this (scalar, AVX2, AVX-512) with: kWidth,
// load, store, splat, add, mul, fnmadd (c − a·b), fmadd, min, anyLe (some lane of a ≤ b), exp
// (float64, within 1e-11 relative on [−708, 0]), hmin, hsum. Each ISA file includes it inside its
// own namespace, so nothing compiled with its flags is shared with another.
//
// Pass 1 writes ‖x − a y_j‖² + bias_j for the tile into a buffer and takes its minimum m;
// pass 2 sums the weights exp((min(m, refD2) − d²)/(2σ²)) ≤ 1 (relative to the caller's
// running minimum unless this tile goes below it) and the weighted coordinates, skipping
// a vector whose every d² lies beyond cutD2 (the caller's pruning bound; +inf: none).

template <int Dim>
void tileSums(const double* coords, const double* bias, const double* x, double a, double inv2s2,
              double refD2, double cutD2, ss::kernels::TileSums& out) {
  using ss::kernels::kTileSlots;
  alignas(64) double d2buf[kTileSlots];
  const V va = splat(a);
  V vx[Dim];
  for (int k = 0; k < Dim; ++k) vx[k] = splat(x[k]);
  V vmin = splat(__builtin_inf());
  for (int j = 0; j < kTileSlots; j += kWidth) {
    V d2 = load(bias + j);
    for (int k = 0; k < Dim; ++k) {
      const V diff = fnmadd(va, load(coords + k * kTileSlots + j), vx[k]);
      d2 = fmadd(diff, diff, d2);
    }
    store(d2buf + j, d2);
    vmin = min(vmin, d2);
  }
  const double tileMin = hmin(vmin);
  const double m = tileMin < refD2 ? tileMin : refD2;
  const V scale = splat(-inv2s2), offset = splat(m * inv2s2);
  // Four vectors at a time: their exps are independent chains the core overlaps.
  constexpr int kUnroll = 4;
  const V cut = splat(cutD2);
  V sw[kUnroll], swy[kUnroll][Dim];
  for (int u = 0; u < kUnroll; ++u) {
    sw[u] = splat(0.0);
    for (int k = 0; k < Dim; ++k) swy[u][k] = splat(0.0);
  }
  for (int j = 0; j < kTileSlots; j += kUnroll * kWidth) {
    V d2[kUnroll];
    bool any = false;
#pragma GCC unroll 4
    for (int u = 0; u < kUnroll; ++u) {
      d2[u] = load(d2buf + j + u * kWidth);
      any |= anyLe(d2[u], cut);
    }
    if (!any) continue;
    V w[kUnroll];
#pragma GCC unroll 4
    for (int u = 0; u < kUnroll; ++u) w[u] = exp(fmadd(d2[u], scale, offset));
#pragma GCC unroll 4
    for (int u = 0; u < kUnroll; ++u) {
      sw[u] = add(sw[u], w[u]);
      for (int k = 0; k < Dim; ++k)
        swy[u][k] = fmadd(w[u], load(coords + k * kTileSlots + j + u * kWidth), swy[u][k]);
    }
  }
  for (int u = 1; u < kUnroll; ++u) {
    sw[0] = add(sw[0], sw[u]);
    for (int k = 0; k < Dim; ++k) swy[0][k] = add(swy[0][k], swy[u][k]);
  }
  out.minD2 = m;
  out.sumW = hsum(sw[0]);
  for (int k = 0; k < Dim; ++k) out.sumWY[k] = hsum(swy[0][k]);
}

void tileSumsAnyDim(const double* coords, const double* bias, int dim, const double* x, double a,
                    double inv2s2, double refD2, double cutD2, ss::kernels::TileSums& out) {
  switch (dim) {
    case 1:
      return tileSums<1>(coords, bias, x, a, inv2s2, refD2, cutD2, out);
    case 2:
      return tileSums<2>(coords, bias, x, a, inv2s2, refD2, cutD2, out);
    case 3:
      return tileSums<3>(coords, bias, x, a, inv2s2, refD2, cutD2, out);
    default:
      return tileSums<4>(coords, bias, x, a, inv2s2, refD2, cutD2, out);
  }
}

// Far-field moments of one tile about centre c (far_field.h): for each point, with
// δ = y − c and g = exp(−a²‖δ‖²/2σ² − bias), adds g δ^α/α!, g δ₀ δ^α/α! and g δ₁ δ^α/α! for
// every α of total degree ≤ kFarOrder (graded order) into G[0 … 3·kFarTerms). 2-D only.
void tileMoments(const double* coords, const double* bias, double c0, double c1, double aa2s2,
                 double* G) {
  using ss::kernels::kFarOrder;
  using ss::kernels::kFarTerms;
  using ss::kernels::kTileSlots;
  V acc[3 * kFarTerms];
  for (auto& v : acc) v = splat(0.0);
  const V vc0 = splat(c0), vc1 = splat(c1), one = splat(1.0);
  for (int j = 0; j < kTileSlots; j += kWidth) {
    const V d0 = fnmadd(one, vc0, load(coords + j));  // y − c
    const V d1 = fnmadd(one, vc1, load(coords + kTileSlots + j));
    const V r2 = fmadd(d0, d0, mul(d1, d1));
    const V g = exp(fnmadd(r2, splat(aa2s2), fnmadd(one, load(bias + j), splat(0.0))));
    V p0[kFarOrder + 1], p1[kFarOrder + 1];
    p0[0] = g;  // g folded into the δ₀ powers
    p1[0] = one;
    for (int i = 1; i <= kFarOrder; ++i) {
      p0[i] = mul(p0[i - 1], mul(d0, splat(1.0 / i)));
      p1[i] = mul(p1[i - 1], mul(d1, splat(1.0 / i)));
    }
    int idx = 0;
    for (int deg = 0; deg <= kFarOrder; ++deg)
      for (int i = deg; i >= 0; --i, ++idx) {
        const V term = mul(p0[i], p1[deg - i]);
        acc[idx] = add(acc[idx], term);
        acc[kFarTerms + idx] = fmadd(term, d0, acc[kFarTerms + idx]);
        acc[2 * kFarTerms + idx] = fmadd(term, d1, acc[2 * kFarTerms + idx]);
      }
  }
  for (int k = 0; k < 3 * kFarTerms; ++k) G[k] += hsum(acc[k]);
}

// Far-field (Taylor) expansions of the empirical score's sums over a node of point tiles,
// for queries that all share one (a, σ) (a sampler step): with δ_j = y_j − c about the node's
// centre c, e = x − a c and v = a e/σ²,
//   Σ_j exp(−‖x − a y_j‖²/2σ²) (1, δ_j) = e^{−‖e‖²/2σ²} Σ_α v^α (G_α, G_{k,α}),
//   G_α = Σ_j g_j δ_j^α/α!, G_{k,α} = Σ_j g_j δ_{j,k} δ_j^α/α!, g_j = e^{−a²‖δ_j‖²/2σ²},
// exact as an infinite sum. Truncated at total degree p, each sum's relative error is at
// most ρ^{p+1} e^{2ρ}/(p+1)! with ρ = ‖v‖ max_j ‖δ_j‖; an expansion is used only with the
// smallest p ≤ kFarOrder that keeps this below kFarTol, else the node is opened. 2-D only.
// Immutable once built; any thread. Torch-free.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "core/kernels/empirical.h"
#include "core/kernels/point_tiles.h"

namespace ss::kernels {

inline constexpr double kFarTol = 1e-12;

class FarField {
 public:
  // For this (a, σ). A node's moments are computed the first time a query can use them
  // (any thread; once); nodes too wide to ever expand (a·r > 2σ) get none.
  FarField(const PointTiles& tiles, double a, double sigma);

  double a() const { return m_a; }
  double sigma() const { return m_sigma; }

  // The sums of node `n` for query x relative to ‖e‖² (TileSums: minD2 = ‖e‖², sumW,
  // sumWY); false when no order up to kFarOrder meets kFarTol (open the node instead).
  bool sums(const PointTiles& tiles, int64_t n, const double* x, TileSums& out) const;

 private:
  void compute(const PointTiles& tiles, int64_t n) const;

  double m_a, m_sigma;
  std::unique_ptr<std::once_flag[]> m_once;  // [nodes]
  mutable std::vector<double> m_moments;     // [nodes × 3 × kFarTerms]: G, G_0, G_1 (graded)
};

}  // namespace ss::kernels

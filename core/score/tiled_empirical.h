// The empirical score and log-density of a low-dimensional point set (dim ≤ 4: the 2D toys,
// point CSVs, drawn sets) through the fused, pruned kernel (core/kernels/empirical.h),
// split over LibTorch's intra-op threads by query. CPU tensors in, float64 out, no
// autograd (callers that need gradients use the LibTorch path). Immutable; any thread.
#pragma once

#include <memory>

#include <torch/torch.h>

#include "core/kernels/empirical.h"
#include "core/kernels/point_tiles.h"
#include "core/score/empirical_backend.h"

namespace ss::score {

class TiledEmpirical final : public EmpiricalBackend {
 public:
  // points: [M, d] float64 on the CPU, 1 ≤ d ≤ kMaxTileDim. pruneTol: the share of the
  // total weight that skipped tiles may hold (0: every point, for tests). precision: Auto
  // sums in float32 where the kernel's bound allows (core/kernels/empirical.h).
  TiledEmpirical(const torch::Tensor& points, double pruneTol,
                 kernels::Precision precision = kernels::Precision::Float64);

  static bool accepts(const torch::Tensor& points, const torch::Tensor& x);

  int dim() const { return m_tiles.dim; }
  double pruneTol() const { return m_pruneTol; }
  kernels::Precision precision() const { return m_precision; }

 private:
  // x: [B, d] (any float type, CPU).
  void eval(const torch::Tensor& x, const torch::Tensor& a, const torch::Tensor& sigma,
            torch::Tensor* score, torch::Tensor* logp) const override;

  kernels::PointTiles m_tiles;
  double m_pruneTol;
  kernels::Precision m_precision;
};

}  // namespace ss::score

// What EmpiricalScore's fast paths share (tiled_empirical.h for points of ≤ 4 dimensions,
// gemm_empirical.h for images): score and log p from one eval, and per-query coefficients.
// Implementations are immutable; any thread. LibTorch: not for ui/.
#pragma once

#include <torch/torch.h>

namespace ss::score {

// v (one value or one per query) as float64 [b] on `device`; throws ss::Failure naming
// `what` when it has neither 1 nor b entries.
torch::Tensor perQuery(const torch::Tensor& v, int64_t b, const torch::Device& device,
                       const char* what);

class EmpiricalBackend {
 public:
  virtual ~EmpiricalBackend() = default;
  // x: [B, ...] (CPU); a, sigma: [B] or [1]. Float64, the score flattened to [B, d].
  torch::Tensor score(const torch::Tensor& x, const torch::Tensor& a,
                      const torch::Tensor& sigma) const;
  torch::Tensor logProb(const torch::Tensor& x, const torch::Tensor& a,
                        const torch::Tensor& sigma) const;  // [B]
  virtual bool hasLogProb() const { return true; }          // false: logProb throws

 protected:
  virtual void eval(const torch::Tensor& x, const torch::Tensor& a, const torch::Tensor& sigma,
                    torch::Tensor* score, torch::Tensor* logp) const = 0;
};

}  // namespace ss::score

// ScoreFn: the one score interface every sampler, likelihood and view uses
// (ARCHITECTURE.md): s(x, t) ≈ ∇x log p_t(x) for a batch. Exact mixture and empirical
// scores are the first implementations; trained networks and guided scores follow.
// Implementations are immutable after construction and callable from any thread.
// Uses LibTorch: not for ui/.
#pragma once

#include <torch/torch.h>

#include <string>

namespace ss::score {

class ScoreFn {
 public:
  virtual ~ScoreFn() = default;
  // x: [B, ...] float; t: [B] on x's device. Returns s(x, t) shaped like x, same dtype.
  virtual torch::Tensor operator()(const torch::Tensor& x, const torch::Tensor& t) const = 0;
  virtual std::string name() const = 0;
};

}  // namespace ss::score

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
  // True for a score whose Lipschitz constant grows like 1/σ(t)² as t → 0 (the exact score
  // of a finite point set): a fixed step that reaches past t = 0 overshoots it, so PC
  // samplers end their grid where the last step ends at 0 (sampler.h).
  virtual bool stiffNearZero() const { return false; }
  // s(x, t) recorded by autograd, so callers can differentiate it in x (the likelihood's
  // divergence). The default runs operator() with grad mode on, which suits scores built
  // from tensor ops; a score that turns autograd off inside operator() overrides it.
  virtual torch::Tensor differentiable(const torch::Tensor& x, const torch::Tensor& t) const {
    torch::AutoGradMode on(true);
    return (*this)(x, t);
  }
};

}  // namespace ss::score

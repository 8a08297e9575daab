// Classifier guidance (MATH.md §6): the conditional score s(x, t) + w ∇x log p_t(y | x),
// with w the guidance scale (1 = the exact conditional when both parts are exact). The
// classifier is any differentiable map to per-class log-probabilities; for a Gaussian
// mixture whose components are the classes the time-dependent posterior p_t(k | x) is exact,
// so 2D guidance has a ground truth. Immutable, any thread. LibTorch: not for ui/.
#pragma once

#include <memory>

#include "core/data/toy.h"
#include "core/score/score_fn.h"
#include "core/sde/sde.h"

namespace ss::score {

class TimeClassifier {
 public:
  virtual ~TimeClassifier() = default;
  // log p_t(k | x) for every class: [B, K], differentiable in x.
  virtual torch::Tensor logProbs(const torch::Tensor& x, const torch::Tensor& t) const = 0;
  virtual int64_t classes() const = 0;
  virtual std::string name() const = 0;
};

// p_t(k | x) ∝ w_k N(x; a(t) μ_k, (a² s_k² + σ²) I): component k of the mixture is class k.
class MixtureClassifier final : public TimeClassifier {
 public:
  MixtureClassifier(data::GaussianMixture gm, std::shared_ptr<const sde::Sde> sde);
  torch::Tensor logProbs(const torch::Tensor& x, const torch::Tensor& t) const override;
  int64_t classes() const override { return m_gm.size(); }
  std::string name() const override { return "exact mixture posterior"; }

 private:
  data::GaussianMixture m_gm;
  std::shared_ptr<const sde::Sde> m_sde;
};

class GuidedScore final : public ScoreFn {
 public:
  // Guides every sample toward class `label` with scale `w` ≥ 0. Throws ss::Failure on a
  // label outside the classifier's classes or a negative or non-finite scale.
  GuidedScore(std::shared_ptr<const ScoreFn> base, std::shared_ptr<const TimeClassifier> classifier,
              int64_t label, double w);
  torch::Tensor operator()(const torch::Tensor& x, const torch::Tensor& t) const override;
  torch::Tensor differentiable(const torch::Tensor& x, const torch::Tensor& t) const override;
  std::string name() const override;
  bool stiffNearZero() const override { return m_base->stiffNearZero(); }

 private:
  torch::Tensor guidance(const torch::Tensor& x, const torch::Tensor& t, bool keepGraph) const;
  std::shared_ptr<const ScoreFn> m_base;
  std::shared_ptr<const TimeClassifier> m_classifier;
  int64_t m_label;
  double m_w;
};

}  // namespace ss::score

// Classifier-free guidance (MATH.md §6): s_w(x, t | k) = s(x, t) + w (s(x, t | k) − s(x, t)),
// the unconditional score pushed w times along the difference the label makes. w = 0 is the
// unconditional score, w = 1 the conditional, w > 1 sharpens: with exact scores the
// difference is ∇x log p_t(k | x), so s_w is the score of p_t(x) p_t(k | x)^w, which puts
// more mass where class k dominates and less near the other classes. For a Gaussian mixture
// both scores are exact (component k's Gaussian and the whole mixture), so the CFG field has
// a closed form, equal to classifier guidance by the exact posterior at the same w.
// Immutable, any thread. LibTorch: not for ui/.
#pragma once

#include <memory>

#include "core/data/toy.h"
#include "core/score/score_fn.h"
#include "core/sde/sde.h"

namespace ss::score {

class CfgScore final : public ScoreFn {
 public:
  // `unconditional` s(x, t) and `conditional` s(x, t | k) of the same model; `label` k only
  // names it. Throws ss::Failure on a missing score or a negative or non-finite w.
  CfgScore(std::shared_ptr<const ScoreFn> unconditional, std::shared_ptr<const ScoreFn> conditional,
           int64_t label, double w);
  torch::Tensor operator()(const torch::Tensor& x, const torch::Tensor& t) const override;
  torch::Tensor differentiable(const torch::Tensor& x, const torch::Tensor& t) const override;
  std::string name() const override;
  bool stiffNearZero() const override {
    return m_uncond->stiffNearZero() || m_cond->stiffNearZero();
  }
  double scale() const { return m_w; }

 private:
  std::shared_ptr<const ScoreFn> m_uncond, m_cond;
  int64_t m_label;
  double m_w;
};

// Component k of the mixture alone (weight 1): the data of class k.
data::GaussianMixture mixtureComponent(const data::GaussianMixture& gm, int64_t k);

// The exact CFG score of a mixture toward component k: the mixture's exact score and
// component k's, combined with weight w. Throws ss::Failure on k outside [0, K) or a bad w.
std::shared_ptr<const CfgScore> exactCfgScore(const data::GaussianMixture& gm,
                                              std::shared_ptr<const sde::Sde> sde, int64_t k,
                                              double w);

// Throws ss::Failure "the guidance scale (w) must be a finite number ≥ 0" unless it is one
// (classifier guidance's scale too).
void checkGuidanceScale(double w);

}  // namespace ss::score

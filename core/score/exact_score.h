// Exact scores and log-densities of perturbed toy data (MATH.md §7), for any SDE at any t:
//  - a Gaussian mixture Σ w_k N(μ_k, s_k² I) perturbs to Σ w_k N(a μ_k, (a² s_k² + σ²) I);
//  - a finite point set {y_j} perturbs to (1/M) Σ_j N(a y_j, σ² I), whose score is the
//    softmax-weighted mean of (a y_j − x)/σ².
// Computed in float64 with log-sum-exp, stable from t = eps to T; the empirical one is
// chunked over queries so M = 10k points × 100k queries stays within `chunkBytes`.
// Immutable, any thread. Uses LibTorch: not for ui/.
#pragma once

#include <memory>

#include "core/data/toy.h"
#include "core/kernels/empirical.h"
#include "core/score/score_fn.h"
#include "core/sde/sde.h"

namespace ss::score {

// Per-sample a(t), σ(t) as [B] tensors: the exact functions take these, so they work with
// per-sample times (training) as well as one shared t (samplers).
torch::Tensor mixtureLogProb(const data::GaussianMixture& gm, const torch::Tensor& x,
                             const torch::Tensor& a, const torch::Tensor& sigma);  // [B]
torch::Tensor mixtureScore(const data::GaussianMixture& gm, const torch::Tensor& x,
                           const torch::Tensor& a, const torch::Tensor& sigma);  // like x

// points: [M, d]; x: [B, d] (d any, images flatten). Memory per chunk ≤ chunkBytes.
torch::Tensor empiricalLogProb(const torch::Tensor& points, const torch::Tensor& x,
                               const torch::Tensor& a, const torch::Tensor& sigma,
                               int64_t chunkBytes = 64ll << 20);  // [B]
torch::Tensor empiricalScore(const torch::Tensor& points, const torch::Tensor& x,
                             const torch::Tensor& a, const torch::Tensor& sigma,
                             int64_t chunkBytes = 64ll << 20);  // like x

// A ScoreFn that also knows the exact log p_t.
class ExactScore : public ScoreFn {
 public:
  virtual torch::Tensor logProb(const torch::Tensor& x, const torch::Tensor& t) const = 0;
};

class MixtureScore final : public ExactScore {
 public:
  MixtureScore(data::GaussianMixture gm, std::shared_ptr<const sde::Sde> sde);
  torch::Tensor operator()(const torch::Tensor& x, const torch::Tensor& t) const override;
  torch::Tensor logProb(const torch::Tensor& x, const torch::Tensor& t) const override;
  std::string name() const override { return "exact mixture"; }

 private:
  data::GaussianMixture m_gm;
  std::shared_ptr<const sde::Sde> m_sde;
};

class EmpiricalBackend;

// Evaluated on the CPU without autograd, points of up to 4 dimensions take the fused, pruned
// kernel (tiled_empirical.h; pruneTol = 0 evaluates every point) and images' scores the
// float32 sgemm path (gemm_empirical.h); images' log p, CUDA tensors and differentiable
// calls take the float64 LibTorch path above.
class EmpiricalScore final : public ExactScore {
 public:
  // points: [M, d], kept on the device it is given on.
  EmpiricalScore(torch::Tensor points, std::shared_ptr<const sde::Sde> sde,
                 int64_t chunkBytes = 64ll << 20, double pruneTol = kernels::kDefaultPruneTol);
  torch::Tensor operator()(const torch::Tensor& x, const torch::Tensor& t) const override;
  torch::Tensor logProb(const torch::Tensor& x, const torch::Tensor& t) const override;
  std::string name() const override { return "exact empirical"; }
  bool stiffNearZero() const override { return true; }

 private:
  bool fastPathFor(const torch::Tensor& x, const sde::Sde::MarginalCoefficients& m,
                   bool logp) const;

  torch::Tensor m_points;
  std::shared_ptr<const sde::Sde> m_sde;
  int64_t m_chunkBytes;
  // The fast path for these points (null: none) and which queries it takes.
  std::shared_ptr<const EmpiricalBackend> m_fast;
  bool (*m_fastAccepts)(const torch::Tensor& points, const torch::Tensor& x) = nullptr;
};

// The exact score of a toy: its mixture when it is one, else the empirical score of its
// points (CSV) or of a seeded draw of `n` points (moons, spirals, …).
std::shared_ptr<const ExactScore> exactScoreFor(const data::ToyDistribution& toy,
                                                std::shared_ptr<const sde::Sde> sde,
                                                int64_t n = 4096, uint64_t seed = 0);

}  // namespace ss::score

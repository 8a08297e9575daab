// Sample-quality metrics for 2D (and flat) point sets. Pure functions, any thread. LibTorch.
#pragma once

#include <torch/torch.h>

#include "core/data/toy.h"

namespace ss::metrics {

// Sliced Wasserstein-2 distance between point sets a [N, d] and b [M, d]: sqrt of the mean
// over `projections` seeded random unit directions of W2² between the 1-D projections
// (quantiles matched: sorted values for N = M; for N ≠ M the exact W2² between the two
// empirical measures, the step quantile functions integrated over the merged levels).
double slicedWasserstein2(const torch::Tensor& a, const torch::Tensor& b, int projections = 256,
                          uint64_t seed = 0);

// The same distance from many point sets to one fixed set `b`, whose projections are drawn
// and sorted once (the solver lab's many runs against one true set): equal to
// slicedWasserstein2(a, b, projections, seed) for every a.
class SlicedW2To {
 public:
  explicit SlicedW2To(const torch::Tensor& b, int projections = 256, uint64_t seed = 0);
  double operator()(const torch::Tensor& a) const;

 private:
  torch::Tensor m_dirs, m_sorted;  // [P, d] unit directions; [P, M] b's sorted projections
};

// Energy distance 2E‖X−Y‖ − E‖X−X'‖ − E‖Y−Y'‖ (V-statistic; subsampled to ≤ maxPoints each).
double energyDistance(const torch::Tensor& a, const torch::Tensor& b, int64_t maxPoints = 4000,
                      uint64_t seed = 0);

// Mean negative log-likelihood (nats) of x [N, 2] under a Gaussian mixture.
double mixtureNll(const data::GaussianMixture& gm, const torch::Tensor& x);

// Fraction of samples nearest to each component mean: [K] summing to 1.
torch::Tensor modeWeights(const data::GaussianMixture& gm, const torch::Tensor& x);

// Straightness of recorded paths: `path` holds the same K particles at successive times, each
// [K, ...]; per particle ‖x_last − x_first‖ over its polyline length Σ‖x_{k+1} − x_k‖, then the
// mean over particles. 1 for straight paths, smaller the more they bend (a particle that does
// not move counts as straight). At least two positions.
double straightness(const std::vector<torch::Tensor>& path);

}  // namespace ss::metrics

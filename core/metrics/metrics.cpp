// Sample-quality metrics: sliced Wasserstein-2, energy distance, mixture NLL, mode weights.
// Everything is computed in float64 on the CPU (the sets are small and the results scalars).
#include "core/metrics/metrics.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/common/error.h"
#include "core/score/exact_score.h"

namespace ss::metrics {

namespace {

// x [N, ...] as float64 [N, d] on the CPU.
torch::Tensor flat64(const torch::Tensor& x, const char* what) {
  if (!x.defined() || x.dim() < 1 || x.size(0) == 0)
    throw Failure(std::string(what) + " is empty: metrics need at least one point");
  auto f = x.dim() == 1 ? x.unsqueeze(1) : x.flatten(1);
  return f.detach().to(torch::kCPU, torch::kFloat64).contiguous();
}

void sameDim(const torch::Tensor& a, const torch::Tensor& b) {
  if (a.size(1) != b.size(1)) {
    std::ostringstream s;
    s << "the point sets have different dimensions (" << a.size(1) << " and " << b.size(1) << ")";
    throw Failure(s.str());
  }
}

// W2² between the empirical measures of the rows of `sa` [P, N] and `sb` [P, M], each row
// sorted: ∫₀¹ (Qa(q) − Qb(q))² dq with the step quantile functions Q(q) = s[⌈qn⌉ − 1],
// integrated exactly over the merged grid of levels {i/N} ∪ {j/M}. [P]
torch::Tensor w2SquaredSorted(const torch::Tensor& sa, const torch::Tensor& sb) {
  const int64_t n = sa.size(1), m = sb.size(1);
  if (n == m) return (sa - sb).pow(2).mean(1);
  auto levels = std::get<0>(torch::cat({torch::arange(1, n + 1, torch::kFloat64) / double(n),
                                        torch::arange(1, m + 1, torch::kFloat64) / double(m)})
                                .sort());
  auto prev = torch::cat({torch::zeros({1}, torch::kFloat64), levels.narrow(0, 0, n + m - 1)});
  auto width = (levels - prev).clamp_min(0.0);
  auto mid = 0.5 * (levels + prev);
  auto ia = (mid * double(n)).floor().to(torch::kLong).clamp(0, n - 1);
  auto ib = (mid * double(m)).floor().to(torch::kLong).clamp(0, m - 1);
  auto diff = sa.index_select(1, ia) - sb.index_select(1, ib);  // [P, N + M]
  return (diff.pow(2) * width).sum(1);
}

// Mean pairwise Euclidean distance between the rows of a and b, in row chunks.
double meanDistance(const torch::Tensor& a, const torch::Tensor& b) {
  constexpr int64_t kChunk = 1024;
  double sum = 0;
  for (int64_t i = 0; i < a.size(0); i += kChunk) {
    auto rows = a.narrow(0, i, std::min(kChunk, a.size(0) - i));
    sum += torch::cdist(rows, b).sum().item<double>();
  }
  return sum / (static_cast<double>(a.size(0)) * static_cast<double>(b.size(0)));
}

torch::Tensor subsample(const torch::Tensor& x, int64_t maxPoints, at::Generator& gen) {
  if (maxPoints <= 0 || x.size(0) <= maxPoints) return x;
  auto idx = torch::randperm(x.size(0), gen, torch::kLong).narrow(0, 0, maxPoints);
  return x.index_select(0, idx);
}

}  // namespace

SlicedW2To::SlicedW2To(const torch::Tensor& b, int projections, uint64_t seed) {
  torch::NoGradGuard noGrad;
  auto B = flat64(b, "the second point set");
  if (projections < 1) throw Failure("slicedWasserstein2 needs at least one projection");
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  m_dirs = torch::randn({projections, B.size(1)}, gen, torch::kFloat64);
  m_dirs = m_dirs / m_dirs.norm(2, 1, true).clamp_min(1e-300);
  m_sorted = std::get<0>(torch::mm(m_dirs, B.t()).sort(1));  // [P, M]
}

double SlicedW2To::operator()(const torch::Tensor& a) const {
  torch::NoGradGuard noGrad;
  auto A = flat64(a, "the first point set");
  sameDim(A, m_dirs);
  auto pa = std::get<0>(torch::mm(m_dirs, A.t()).sort(1));  // [P, N]
  return std::sqrt(w2SquaredSorted(pa, m_sorted).mean().item<double>());
}

double slicedWasserstein2(const torch::Tensor& a, const torch::Tensor& b, int projections,
                          uint64_t seed) {
  auto A = flat64(a, "the first point set"), B = flat64(b, "the second point set");
  sameDim(A, B);
  return SlicedW2To(B, projections, seed)(A);
}

double energyDistance(const torch::Tensor& a, const torch::Tensor& b, int64_t maxPoints,
                      uint64_t seed) {
  torch::NoGradGuard noGrad;
  auto A = flat64(a, "the first point set"), B = flat64(b, "the second point set");
  sameDim(A, B);
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  A = subsample(A, maxPoints, gen);
  B = subsample(B, maxPoints, gen);
  const double e = 2.0 * meanDistance(A, B) - meanDistance(A, A) - meanDistance(B, B);
  return std::max(e, 0.0);  // a V-statistic is ≥ 0; clamp the rounding
}

double mixtureNll(const data::GaussianMixture& gm, const torch::Tensor& x) {
  torch::NoGradGuard noGrad;
  auto X = flat64(x, "the point set");
  auto one = torch::ones({1}, torch::kFloat64), zero = torch::zeros({1}, torch::kFloat64);
  return -score::mixtureLogProb(gm, X, one, zero).mean().item<double>();
}

torch::Tensor modeWeights(const data::GaussianMixture& gm, const torch::Tensor& x) {
  torch::NoGradGuard noGrad;
  const int64_t k = gm.size();
  auto X = flat64(x, "the point set");
  auto mu = gm.means.to(torch::kCPU, torch::kFloat64);
  sameDim(X, mu);
  auto nearest = torch::cdist(X, mu).argmin(1);
  return torch::bincount(nearest, {}, k).to(torch::kFloat64) / static_cast<double>(X.size(0));
}

double straightness(const std::vector<torch::Tensor>& path) {
  if (path.size() < 2) throw Failure("straightness needs a path of at least two positions");
  auto flat = [](const torch::Tensor& x) { return x.to(torch::kFloat64).reshape({x.size(0), -1}); };
  auto length = torch::zeros({path.front().size(0)}, torch::kFloat64);
  for (size_t k = 1; k < path.size(); ++k) length += (flat(path[k]) - flat(path[k - 1])).norm(2, 1);
  auto chord = (flat(path.back()) - flat(path.front())).norm(2, 1);
  auto ratio = torch::where(length > 0, chord / length.clamp_min(1e-300), torch::ones_like(length));
  return ratio.mean().item<double>();
}

}  // namespace ss::metrics

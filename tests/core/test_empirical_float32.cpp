// The float32 tile path of the empirical kernel (core/kernels/empirical.h, Precision) against
// the float64 path: Auto stays within the bound stated there on every ISA path this CPU has,
// t from ε to T, near and far queries, duplicated points, 1 to 4 dimensions; it takes float32
// at large σ and falls back to float64 at tiny σ; on the pruned walk with the far field too.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "core/kernels/cpu_isa.h"
#include "core/kernels/empirical.h"
#include "core/kernels/far_field.h"
#include "core/sde/sde.h"
#include "tests/core/isa_testing.h"

namespace {

using namespace ss;
using ss::testing::IsaScope;
using ss::testing::isasHere;
const auto kF64 = torch::TensorOptions().dtype(torch::kFloat64);
constexpr double kU = 0x1p-24;

// Points on a moons-like curve with duplicates; queries near them and far away.
struct Case {
  torch::Tensor points, x;
};
Case makeCase(int64_t m, int64_t d, double a, double sigma, uint64_t seed) {
  torch::manual_seed(seed);
  auto pts = torch::randn({m, d}, kF64) * 0.3;
  pts.select(1, 0) += torch::linspace(-2, 2, m, kF64);
  pts.narrow(0, 0, 3).copy_(pts.narrow(0, 3, 3));  // duplicates
  auto near = a * pts.narrow(0, 0, 40) + sigma * torch::randn({40, d}, kF64);
  auto mid = a * pts.narrow(0, 40, 8) + 3 * torch::randn({8, d}, kF64);
  auto far = torch::randn({8, d}, kF64) * 50.0;
  return {pts, torch::cat({near, mid, far})};
}

struct Eval {
  std::vector<double> score, logp;
  int64_t pairs = 0, float32Pairs = 0;
};
Eval eval(const kernels::PointTiles& tiles, const torch::Tensor& x, double a, double sigma,
          kernels::Precision p, double relTol = 0.0, const kernels::FarField* far = nullptr) {
  const int64_t b = x.size(0);
  Eval r{std::vector<double>(b * tiles.dim), std::vector<double>(b)};
  std::vector<double> av(b, a), sv(b, sigma);
  auto X = x.contiguous();
  r.pairs =
      kernels::empiricalEval(tiles, {X.data_ptr<double>(), av.data(), sv.data(), b},
                             {r.score.data(), r.logp.data(), &r.float32Pairs}, relTol, far, p);
  return r;
}

// E_w ‖x − a y‖ under the posterior weights of each query.
torch::Tensor meanDistance(const torch::Tensor& y, const torch::Tensor& x, double a, double sigma) {
  auto u = (a * y.unsqueeze(0) - x.unsqueeze(1)).norm(2, 2);  // [B, M]
  auto w = torch::softmax(-u.pow(2) / (2 * sigma * sigma), 1);
  return (w * u).sum(1);
}

// The bound of empirical.h: log p within 3.5e-6 nats, the score within
// (6.5e-6·E_w‖x − a y‖ + 13u·a·R)/σ², beside float64's own rounding of the reference.
void expectWithinBound(const kernels::PointTiles& tiles, const Case& c, double a, double sigma,
                       const Eval& got, const Eval& ref) {
  const int d = tiles.dim;
  const double R = *std::max_element(tiles.extent.begin(), tiles.extent.end());
  auto ew = meanDistance(c.points, c.x, a, sigma);
  for (int64_t i = 0; i < c.x.size(0); ++i) {
    double err = 0, norm = 0;
    for (int k = 0; k < d; ++k) {
      err += std::pow(got.score[i * d + k] - ref.score[i * d + k], 2);
      norm += std::pow(ref.score[i * d + k], 2);
    }
    const double bound = (6.5e-6 * ew[i].item<double>() + 13 * kU * a * R) / (sigma * sigma);
    EXPECT_LE(std::sqrt(err), bound + 1e-9 * std::sqrt(norm)) << "query " << i;
    EXPECT_LE(std::abs(got.logp[i] - ref.logp[i]), 3.5e-6 + 8 * 2.2e-16 * std::abs(ref.logp[i]))
        << "query " << i;
  }
}

TEST(EmpiricalFloat32, AutoStaysWithinItsBoundOnEveryIsaFromEpsToT) {
  IsaScope scope;
  auto sde = sde::Sde::create(sde::SdeConfig{});  // VP
  for (double t : {1e-5, 1e-3, 0.05, 0.3, 1.0}) {
    auto mt = sde->marginal(torch::full({1}, t, kF64));
    const double a = mt.a.item<double>(), sigma = mt.sigma.item<double>();
    for (int64_t d : {1, 2, 3, 4}) {
      auto c = makeCase(1000, d, a, sigma, 7 + d);
      auto pts = c.points.contiguous();
      auto tiles = kernels::buildPointTiles(pts.data_ptr<double>(), pts.size(0), int(d));
      const Eval ref = eval(tiles, c.x, a, sigma, kernels::Precision::Float64);
      for (auto isa : isasHere()) {
        kernels::setActiveIsaForTesting(isa);
        SCOPED_TRACE("t " + std::to_string(t) + " d " + std::to_string(d) + " isa " +
                     kernels::toString(isa));
        const Eval got = eval(tiles, c.x, a, sigma, kernels::Precision::Auto);
        expectWithinBound(tiles, c, a, sigma, got, ref);
        if (t == 1.0) EXPECT_EQ(got.float32Pairs, got.pairs);  // every tile in float32
      }
    }
  }
}

// Forced float32 (every tile, no fallback) at large σ, where every tile is within the
// bound anyway: the float32 tile itself, on every ISA, against the float64 one.
TEST(EmpiricalFloat32, ForcedFloat32MatchesAutoWhereTheBoundHolds) {
  IsaScope scope;
  auto c = makeCase(3000, 2, 0.6, 0.8, 3);
  auto pts = c.points.contiguous();
  auto tiles = kernels::buildPointTiles(pts.data_ptr<double>(), pts.size(0), 2);
  const Eval ref = eval(tiles, c.x, 0.6, 0.8, kernels::Precision::Float64);
  for (auto isa : isasHere()) {
    kernels::setActiveIsaForTesting(isa);
    SCOPED_TRACE(kernels::toString(isa));
    const Eval got = eval(tiles, c.x, 0.6, 0.8, kernels::Precision::Float32);
    EXPECT_EQ(got.float32Pairs, got.pairs);
    expectWithinBound(tiles, c, 0.6, 0.8, got, ref);
  }
}

// At tiny σ no near tile qualifies: Auto is the float64 path there, to its last digits.
TEST(EmpiricalFloat32, AutoFallsBackToFloat64AtTinySigma) {
  auto c = makeCase(2000, 2, 0.9999, 1e-3, 5);
  auto pts = c.points.contiguous();
  auto tiles = kernels::buildPointTiles(pts.data_ptr<double>(), pts.size(0), 2);
  auto nearQ = c.x.narrow(0, 0, 40);
  const Eval ref = eval(tiles, nearQ, 0.9999, 1e-3, kernels::Precision::Float64);
  const Eval got = eval(tiles, nearQ, 0.9999, 1e-3, kernels::Precision::Auto);
  EXPECT_EQ(got.float32Pairs, 0);
  EXPECT_EQ(got.score, ref.score);
  EXPECT_EQ(got.logp, ref.logp);
}

// Auto on the pruned walk with the far field (the leaf tiles it sums, with the walk's cut):
// within the float32 bound plus what pruning may drop (1e-7 of the weight).
TEST(EmpiricalFloat32, AutoWithPruningAndFarFieldStaysWithinBothBounds) {
  auto sde = sde::Sde::create(sde::SdeConfig{});
  for (double t : {1e-3, 0.1, 0.3, 1.0}) {
    auto mt = sde->marginal(torch::full({1}, t, kF64));
    const double a = mt.a.item<double>(), sigma = mt.sigma.item<double>();
    auto c = makeCase(4096, 2, a, sigma, 17);
    auto pts = c.points.contiguous();
    auto tiles = kernels::buildPointTiles(pts.data_ptr<double>(), pts.size(0), 2);
    kernels::FarField far(tiles, a, sigma);
    const Eval ref = eval(tiles, c.x, a, sigma, kernels::Precision::Float64);
    const Eval got =
        eval(tiles, c.x, a, sigma, kernels::Precision::Auto, kernels::kDefaultPruneTol, &far);
    auto maxDist = std::get<0>(torch::cdist(c.x, a * c.points).max(1));
    auto ew = meanDistance(c.points, c.x, a, sigma);
    const double R = *std::max_element(tiles.extent.begin(), tiles.extent.end());
    SCOPED_TRACE("t " + std::to_string(t));
    for (int64_t i = 0; i < c.x.size(0); ++i) {
      const double err = std::hypot(got.score[2 * i] - ref.score[2 * i],
                                    got.score[2 * i + 1] - ref.score[2 * i + 1]);
      const double norm = std::hypot(ref.score[2 * i], ref.score[2 * i + 1]);
      const double bound = (6.5e-6 * ew[i].item<double>() + 13 * kU * a * R +
                            2 * kernels::kDefaultPruneTol * maxDist[i].item<double>()) /
                           (sigma * sigma);
      EXPECT_LE(err, bound + 1e-9 * norm) << "query " << i;
      EXPECT_LE(std::abs(got.logp[i] - ref.logp[i]),
                3.5e-6 + kernels::kDefaultPruneTol + 8 * 2.2e-16 * std::abs(ref.logp[i]))
          << "query " << i;
    }
  }
}

// How much of each t's work Auto does in float32 and how far it is from float64 (printed).
TEST(EmpiricalFloat32, ReportsItsShareAndErrorAcrossT) {
  auto sde = sde::Sde::create(sde::SdeConfig{});
  for (double t : {1e-3, 0.01, 0.1, 0.3, 1.0}) {
    auto mt = sde->marginal(torch::full({1}, t, kF64));
    const double a = mt.a.item<double>(), sigma = mt.sigma.item<double>();
    auto c = makeCase(4096, 2, a, sigma, 13);
    auto pts = c.points.contiguous();
    auto tiles = kernels::buildPointTiles(pts.data_ptr<double>(), pts.size(0), 2);
    const Eval ref = eval(tiles, c.x, a, sigma, kernels::Precision::Float64);
    for (auto p : {kernels::Precision::Auto, kernels::Precision::Float32}) {
      const Eval got = eval(tiles, c.x, a, sigma, p);
      double se = 0, le = 0;
      for (size_t i = 0; i < ref.logp.size(); ++i) {
        const double sn = std::hypot(ref.score[2 * i], ref.score[2 * i + 1]);
        se = std::max(se, std::hypot(got.score[2 * i] - ref.score[2 * i],
                                     got.score[2 * i + 1] - ref.score[2 * i + 1]) /
                              sn);
        le = std::max(le,
                      std::abs(got.logp[i] - ref.logp[i]) / std::max(1.0, std::abs(ref.logp[i])));
      }
      std::printf("t %-6g %-7s float32 share %.3f, score %.1e relative, log p %.1e\n", t,
                  p == kernels::Precision::Auto ? "auto" : "float32",
                  double(got.float32Pairs) / double(got.pairs), se, le);
    }
  }
}

}  // namespace

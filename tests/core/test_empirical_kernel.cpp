// The fused empirical kernel (core/kernels/empirical.h through score::TiledEmpirical) against
// MATH.md §7 in float64 with direct differences x − a y (the LibTorch path's expansion
// 2a x·y − a²‖y‖² − ‖x‖² loses ~1e-7 nats to cancellation on far queries at σ = 1e-3): every
// ISA path this CPU has, t from ε to T, far-away queries, duplicated points, 1 to 4
// dimensions, point counts that do not fill a tile; pruning stays within its stated bound
// and skips work.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "core/common/error.h"
#include "core/kernels/cpu_isa.h"
#include "core/kernels/empirical.h"
#include "core/kernels/far_field.h"
#include "core/score/exact_score.h"
#include "core/score/gemm_empirical.h"
#include "core/score/tiled_empirical.h"
#include "core/sde/sde.h"
#include "tests/core/isa_testing.h"

namespace {

using namespace ss;
using ss::testing::IsaScope;
using ss::testing::isasHere;
const auto kF64 = torch::TensorOptions().dtype(torch::kFloat64);

// log p_t and the score of (1/M) Σ_j N(a y_j, σ² I) at x, from x − a y_j directly.
struct Direct {
  torch::Tensor logp, score;
};
Direct direct(const torch::Tensor& y, const torch::Tensor& x, const torch::Tensor& a,
              const torch::Tensor& sigma) {
  const int64_t b = x.size(0), d = x.size(1);
  auto A = a.expand({b}).reshape({b, 1, 1}), S2 = sigma.expand({b}).pow(2).reshape({b, 1});
  auto u = A * y.unsqueeze(0) - x.unsqueeze(1);  // [B, M, d] a y_j − x
  auto L = -u.pow(2).sum(2) / (2 * S2);          // [B, M]
  auto lse = torch::logsumexp(L, 1);
  auto w = torch::softmax(L, 1).unsqueeze(2);
  const double logM = std::log(static_cast<double>(y.size(0)));
  return {lse - logM - 0.5 * d * torch::log(2 * M_PI * S2.squeeze(1)), (w * u).sum(1) / S2};
}

// Largest per-row ‖got − want‖ / ‖want‖.
double maxRowRelErr(const torch::Tensor& got, const torch::Tensor& want) {
  auto num = (got - want).norm(2, 1), den = want.norm(2, 1);
  return (num / den).max().item<double>();
}

struct Case {
  torch::Tensor points, x;
  double a, sigma;
};

// Points on a moons-like curve (plus duplicates), queries near them and far away.
Case makeCase(int64_t m, int64_t d, double a, double sigma, uint64_t seed) {
  torch::manual_seed(seed);
  auto pts = torch::randn({m, d}, kF64) * 0.3;
  pts.select(1, 0) += torch::linspace(-2, 2, m, kF64);
  if (m > 4) pts.narrow(0, 0, 3).copy_(pts.narrow(0, 3, 3));  // duplicates
  auto near = a * pts.narrow(0, 0, std::min<int64_t>(m, 40)) +
              sigma * torch::randn({std::min<int64_t>(m, 40), d}, kF64);
  auto far = torch::randn({8, d}, kF64) * 50.0;
  return {pts, torch::cat({near, far}), a, sigma};
}

TEST(EmpiricalKernel, EveryIsaMatchesTheFloat64ReferenceFromEpsToT) {
  IsaScope scope;
  auto sde = sde::Sde::create(sde::SdeConfig{});  // VP
  for (double t : {1e-5, 1e-3, 0.05, 0.3, 1.0}) {
    auto mt = sde->marginal(torch::full({1}, t, kF64));
    const double a = mt.a.item<double>(), sigma = mt.sigma.item<double>();
    for (int64_t d : {1, 2, 3, 4}) {
      auto c = makeCase(1000, d, a, sigma, 7 + d);
      auto A = torch::full({1}, a, kF64), S = torch::full({1}, sigma, kF64);
      auto ref = direct(c.points, c.x, A, S);
      auto refScore = ref.score, refLogp = ref.logp;
      score::TiledEmpirical tiled(c.points, 0.0);
      for (auto isa : isasHere()) {
        kernels::setActiveIsaForTesting(isa);
        SCOPED_TRACE("t " + std::to_string(t) + " d " + std::to_string(d) + " isa " +
                     kernels::toString(isa));
        EXPECT_LT(maxRowRelErr(tiled.score(c.x, A, S), refScore), 1e-9);
        // log p reaches −1e9 nats for far queries at small σ, where float64 resolves 1e-7:
        // there the bound is a few units in the last place.
        auto lp = tiled.logProb(c.x, A, S);
        auto tol = 1e-9 + 8 * 2.2e-16 * refLogp.abs();
        EXPECT_TRUE(((lp - refLogp).abs() <= tol).all().item<bool>())
            << (lp - refLogp).abs().max().item<double>();
      }
    }
  }
}

TEST(EmpiricalKernel, OnePointAndPartialTilesAndPerQueryTimes) {
  IsaScope scope;
  for (int64_t m : {1, 7, 129, 300}) {
    auto c = makeCase(m, 2, 0.8, 0.2, 11);
    auto A = torch::rand({c.x.size(0)}, kF64) * 0.5 + 0.5;
    auto S = torch::rand({c.x.size(0)}, kF64) * 2.0 + 1e-3;
    score::TiledEmpirical tiled(c.points, 0.0);
    for (auto isa : isasHere()) {
      kernels::setActiveIsaForTesting(isa);
      EXPECT_LT(maxRowRelErr(tiled.score(c.x, A, S), direct(c.points, c.x, A, S).score), 1e-9)
          << "m " << m << " isa " << kernels::toString(isa);
    }
  }
}

// Skipped tiles hold at most pruneTol of the weight, so the score moves by at most
// 2·pruneTol·max_j ‖x − a y_j‖/σ² and log p by at most pruneTol nats; at small σ most tiles
// are skipped.
TEST(EmpiricalKernel, PruningStaysWithinItsBoundAndSkipsMostTilesAtSmallSigma) {
  auto c = makeCase(8192, 2, 0.999, 0.01, 3);
  const int64_t b = c.x.size(0);
  std::vector<double> a(b, c.a), s(b, c.sigma), exact(b * 2), pruned(b * 2), lpE(b), lpP(b);
  auto pts = c.points.contiguous();
  auto tiles = kernels::buildPointTiles(pts.data_ptr<double>(), pts.size(0), 2);
  auto X = c.x.contiguous();
  kernels::EmpiricalQueries q{X.data_ptr<double>(), a.data(), s.data(), b};
  const int64_t all = kernels::empiricalEval(tiles, q, {exact.data(), lpE.data()}, 0.0);
  const double tol = 1e-7;
  const int64_t some = kernels::empiricalEval(tiles, q, {pruned.data(), lpP.data()}, tol);
  EXPECT_LT(some * 10, all);  // at σ = 0.01 nine in ten tiles are out of reach
  auto maxDist = std::get<0>(torch::cdist(c.x, c.a * c.points).max(1));
  for (int64_t i = 0; i < b; ++i) {
    const double bound = 2 * tol * maxDist[i].item<double>() / (c.sigma * c.sigma);
    EXPECT_LE(std::hypot(pruned[2 * i] - exact[2 * i], pruned[2 * i + 1] - exact[2 * i + 1]),
              bound + 1e-12 * std::hypot(exact[2 * i], exact[2 * i + 1]));
    EXPECT_LE(std::abs(lpP[i] - lpE[i]), tol + 1e-14 * std::abs(lpE[i]));
  }
}

// At large σ whole subtrees are summed through their Taylor expansions (far_field.h): the
// result stays within the stated tolerances of the direct sums, and most pairs are never
// formed.
TEST(EmpiricalKernel, FarFieldMatchesTheDirectSumsAndSkipsMostPairs) {
  auto sde = sde::Sde::create(sde::SdeConfig{});  // VP
  for (double t : {0.2, 0.5, 1.0}) {
    auto mt = sde->marginal(torch::full({1}, t, kF64));
    const double a = mt.a.item<double>(), sigma = mt.sigma.item<double>();
    auto c = makeCase(4096, 2, a, sigma, 21);
    auto x =
        torch::cat({c.x, a * c.points.narrow(0, 100, 300) + sigma * torch::randn({300, 2}, kF64)});
    const int64_t b = x.size(0);
    auto pts = c.points.contiguous();
    auto tiles = kernels::buildPointTiles(pts.data_ptr<double>(), pts.size(0), 2);
    std::vector<double> av(b, a), sv(b, sigma), score(b * 2), logp(b);
    kernels::FarField far(tiles, a, sigma);
    auto X = x.contiguous();
    const int64_t pairs =
        kernels::empiricalEval(tiles, {X.data_ptr<double>(), av.data(), sv.data(), b},
                               {score.data(), logp.data()}, kernels::kDefaultPruneTol, &far);
    auto ref = direct(c.points, x, mt.a, mt.sigma);
    auto got = torch::from_blob(score.data(), {b, 2}, kF64);
    auto gotLp = torch::from_blob(logp.data(), {b}, kF64);
    SCOPED_TRACE("t " + std::to_string(t));
    // Pruning may drop 1e-7 of the weight and the expansions 1e-12 of a node's sums; what
    // is left on these sets is near the truncation (≈ 1e-11 and 5e-10 nats here).
    EXPECT_LT(maxRowRelErr(got, ref.score), 1e-9);
    EXPECT_LT((gotLp - ref.logp).abs().max().item<double>(), 1e-8);
    if (t >= 0.5) EXPECT_LT(pairs * 10, b * 4096);  // nine in ten pairs never formed
    std::printf("t %.1f: score %.2e relative, log p %.2e nats, %.3f of the pairs formed\n", t,
                maxRowRelErr(got, ref.score), (gotLp - ref.logp).abs().max().item<double>(),
                double(pairs) / double(b * 4096));
  }
}

TEST(EmpiricalKernel, EmpiricalScoreTakesTheKernelAndKeepsAutograd) {
  auto c = makeCase(500, 2, 1.0, 0.1, 5);
  score::EmpiricalScore exact(c.points, sde::Sde::create(sde::SdeConfig{}));
  auto x = c.x.to(torch::kFloat32);
  auto t = torch::full({x.size(0)}, 0.02f);
  auto viaKernel = exact(x, t).to(torch::kFloat64);
  auto mt = sde::Sde::create(sde::SdeConfig{})->marginal(t.to(torch::kFloat64));
  auto ref = score::empiricalScore(c.points, x, mt.a, mt.sigma).to(torch::kFloat64);
  EXPECT_LT(maxRowRelErr(viaKernel, ref), 1e-6);  // float32 output
  // A query that needs gradients takes the LibTorch path: log p stays differentiable.
  auto xg = c.x.narrow(0, 0, 4).clone().requires_grad_(true);
  auto lp = exact.logProb(xg, torch::full({4}, 0.3, kF64)).sum();
  lp.backward();
  ASSERT_TRUE(xg.grad().defined());
  auto s = exact(c.x.narrow(0, 0, 4), torch::full({4}, 0.3, kF64));
  EXPECT_LT(maxRowRelErr(xg.grad(), s), 1e-9);
}

}  // namespace

namespace {

// Images' scores take the float32 sgemm path (gemm_empirical.h): its error is that of
// float32 products on centred data, printed here and held below what rounding the (float32)
// sampler state to float32 already moves the score by. Their log p keeps the float64 path.
TEST(EmpiricalGemm, ImageScoresStayWithinTheRoundingOfX) {
  torch::manual_seed(4);
  auto images = torch::rand({300, 1, 8, 8}, kF64);
  auto sde = ss::sde::Sde::create(ss::sde::SdeConfig{});
  ss::score::GemmEmpirical gemm(images, 64ll << 20);
  ss::score::EmpiricalScore exact(images, sde);
  for (double t : {1e-3, 0.05, 0.3, 1.0}) {
    auto mt = sde->marginal(torch::full({1}, t, kF64));
    auto x = (mt.a * images.narrow(0, 0, 32) + mt.sigma * torch::randn({32, 1, 8, 8}, kF64))
                 .to(torch::kFloat32);
    auto x64 = x.to(torch::kFloat64);
    auto want = ss::score::empiricalScore(images, x64, mt.a, mt.sigma).reshape({32, -1});
    // The same score at x moved by its own float32 rounding, for scale.
    auto nudged =
        ss::score::empiricalScore(images, x64 * (1 + 6e-8), mt.a, mt.sigma).reshape({32, -1});
    const double err = maxRowRelErr(gemm.score(x, mt.a, mt.sigma), want);
    const double inherent = maxRowRelErr(nudged, want);
    std::printf("t %g: score %.2e relative (x's own rounding moves it %.2e)\n", t, err, inherent);
    EXPECT_LT(err, std::max(inherent, 1e-6));
    // log p through EmpiricalScore is the float64 path's, to the last bits.
    auto tt = torch::full({32}, t, kF64);
    auto lp = exact.logProb(x64, tt);
    auto wantLp = ss::score::empiricalLogProb(images, x64, mt.a, mt.sigma);
    EXPECT_LT((lp - wantLp).abs().max().item<double>(),
              1e-9 * (1 + wantLp.abs().max().item<double>()));
  }
  EXPECT_FALSE(gemm.hasLogProb());
  EXPECT_THROW(gemm.logProb(images.narrow(0, 0, 2), torch::ones({1}, kF64), torch::ones({1}, kF64)),
               ss::Failure);
}

}  // namespace

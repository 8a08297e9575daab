// Tests of core/score/exact_score.h against MATH.md §7: exact scores are the gradients of
// the exact log-densities, a one-point set is one Gaussian, mixtures with vanishing stds are
// point sets, the results stay finite at the ends of [eps, T], chunking changes nothing, and
// a large run fits the default memory budget.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <vector>

#include "core/data/toy.h"
#include "core/score/exact_score.h"
#include "core/sde/sde.h"

namespace {

using ss::data::GaussianMixture;
using ss::sde::Sde;
using ss::sde::SdeConfig;
using ss::sde::SdeKind;
using namespace ss::score;

const auto kF64 = torch::TensorOptions().dtype(torch::kFloat64);

std::shared_ptr<const Sde> makeSde(SdeKind kind, double sigmaMax = 5.0) {
  SdeConfig c;
  c.kind = kind;
  if (kind == SdeKind::VE) c.sigmaMax = sigmaMax;
  return Sde::create(c);
}

std::string kindName(SdeKind k) { return std::string(ss::sde::toString(k)); }

GaussianMixture eightGaussians() {
  return ss::data::makeToy("8gaussians").take()->mixture().value();
}

// A lopsided three-component mixture with unequal stds.
GaussianMixture threeBlobs() {
  return {torch::tensor({0.2, 0.5, 0.3}, kF64),
          torch::tensor({-1.5, 0.0, 0.0, 1.0, 1.5, -0.5}, kF64).reshape({3, 2}),
          torch::tensor({0.2, 0.6, 0.1}, kF64)};
}

torch::Tensor gradOf(const torch::Tensor& logp, const torch::Tensor& x) {
  return torch::autograd::grad({logp.sum()}, {x})[0];
}

bool allFinite(const torch::Tensor& x) { return torch::isfinite(x).all().item<bool>(); }

// Max |a − b| relative to max |b| (plus a floor).
double relErr(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a - b).abs().max() / (b.abs().max() + 1e-12)).item<double>();
}

}  // namespace

TEST(MixtureScore, EqualsAutogradOfLogProbForEverySde) {
  torch::manual_seed(0);
  for (SdeKind kind : {SdeKind::VP, SdeKind::SubVP, SdeKind::VE}) {
    auto sde = makeSde(kind);
    for (const auto& gm : {eightGaussians(), threeBlobs()}) {
      MixtureScore exact(gm, sde);
      for (double t : {1e-5, 0.01, 0.1, 0.5, 1.0}) {
        SCOPED_TRACE(kindName(kind) + " t=" + std::to_string(t));
        auto x = (torch::randn({64, 2}, kF64) * 2.0).requires_grad_(true);
        auto tt = torch::full({64}, t, kF64);
        auto expected = gradOf(exact.logProb(x, tt), x);
        auto score = exact(x.detach(), tt);
        EXPECT_LT(relErr(score, expected), 1e-9);
      }
      // Per-sample times, as in training.
      auto x = torch::randn({64, 2}, kF64).requires_grad_(true);
      auto tt = torch::rand({64}, kF64) * (1.0 - 1e-5) + 1e-5;
      EXPECT_LT(relErr(exact(x.detach(), tt), gradOf(exact.logProb(x, tt), x)), 1e-9);
    }
  }
}

TEST(MixtureScore, UsesTheSdeMarginalAndKeepsDtype) {
  auto sde = makeSde(SdeKind::VP);
  auto gm = threeBlobs();
  MixtureScore exact(gm, sde);
  auto x = torch::randn({10, 2});
  auto t = torch::full({10}, 0.3f);
  auto m = ss::sde::marginal(sde->config(), static_cast<double>(0.3f));
  auto a = torch::full({10}, m.a, kF64), s = torch::full({10}, m.sigma, kF64);
  auto score = exact(x, t);
  EXPECT_EQ(score.scalar_type(), torch::kFloat32);
  EXPECT_EQ(score.sizes(), x.sizes());
  EXPECT_TRUE(torch::allclose(score, mixtureScore(gm, x, a, s), 1e-6, 1e-6));
  EXPECT_EQ(exact.logProb(x, t).sizes(), (std::vector<int64_t>{10}));
  EXPECT_EQ(exact.name(), "exact mixture");
}

TEST(MixtureLogProb, OneComponentIsTheGaussianDensity) {
  GaussianMixture gm{torch::ones({1}, kF64), torch::tensor({{0.5, -1.0}}, kF64),
                     torch::full({1}, 0.4, kF64)};
  auto x = torch::randn({20, 2}, kF64);
  auto a = torch::rand({20}, kF64), s = torch::rand({20}, kF64) + 0.1;
  auto v = a * a * 0.16 + s * s;
  auto diff = x - a.unsqueeze(1) * gm.means;
  auto expected = -diff.pow(2).sum(1) / (2 * v) - torch::log(2 * M_PI * v);
  EXPECT_TRUE(torch::allclose(mixtureLogProb(gm, x, a, s), expected, 1e-12, 1e-12));
  EXPECT_TRUE(torch::allclose(mixtureScore(gm, x, a, s), -diff / v.unsqueeze(1), 1e-12, 1e-12));
}

TEST(EmpiricalScore, OnePointIsTheGaussianScoreAndDensity) {
  auto y = torch::tensor({{0.7, -0.3}}, kF64);
  auto x = torch::randn({50, 2}, kF64);
  auto a = torch::rand({50}, kF64) + 0.1, s = torch::rand({50}, kF64) + 0.01;
  auto diff = a.unsqueeze(1) * y - x;
  auto s2 = (s * s).unsqueeze(1);
  EXPECT_LT(relErr(empiricalScore(y, x, a, s), diff / s2), 1e-12);
  auto logp = -diff.pow(2).sum(1) / (2 * s * s) - torch::log(2 * M_PI * s * s);
  EXPECT_LT(relErr(empiricalLogProb(y, x, a, s), logp), 1e-12);
}

TEST(EmpiricalScore, EqualsAutogradOfLogProb) {
  auto pts = ss::data::makeToy("moons").take()->sample(300, 1).x;
  for (SdeKind kind : {SdeKind::VP, SdeKind::SubVP, SdeKind::VE}) {
    EmpiricalScore exact(pts, makeSde(kind));
    for (double t : {0.01, 0.1, 0.5, 1.0}) {
      SCOPED_TRACE(kindName(kind) + " t=" + std::to_string(t));
      auto x = (torch::randn({40, 2}, kF64) * 1.5).requires_grad_(true);
      auto tt = torch::full({40}, t, kF64);
      EXPECT_LT(relErr(exact(x.detach(), tt), gradOf(exact.logProb(x, tt), x)), 1e-8);
    }
  }
}

TEST(EmpiricalScore, EqualsMixtureWithVanishingStds) {
  auto gm = eightGaussians();
  gm.stds = torch::full({8}, 1e-7, kF64);
  auto x = torch::randn({100, 2}, kF64) * 2;
  for (double sigma : {0.05, 0.3, 2.0}) {
    auto a = torch::full({100}, 0.8, kF64), s = torch::full({100}, sigma, kF64);
    EXPECT_LT(relErr(empiricalScore(gm.means, x, a, s), mixtureScore(gm, x, a, s)), 1e-8);
    EXPECT_LT(relErr(empiricalLogProb(gm.means, x, a, s), mixtureLogProb(gm, x, a, s)), 1e-8);
  }
}

TEST(ExactScore, FiniteAtTheEndsOfTime) {
  auto toy = ss::data::makeToy("8gaussians").take();
  auto data = toy->sample(500, 3).x;
  // Queries on the data, near it, and far away.
  auto queries = torch::cat({data, data + 0.01f, torch::randn({100, 2}) * 30.0f,
                             torch::tensor({{100.0f, -100.0f}, {0.0f, 0.0f}})});
  const int64_t b = queries.size(0);
  for (auto sde : {makeSde(SdeKind::VP), makeSde(SdeKind::SubVP), makeSde(SdeKind::VE, 50.0)}) {
    MixtureScore mixture(toy->mixture().value(), sde);
    EmpiricalScore empirical(data, sde);
    for (double t : {1e-5, 1.0}) {
      SCOPED_TRACE(kindName(sde->kind()) + " t=" + std::to_string(t));
      auto tt = torch::full({b}, t);
      for (const ExactScore* s :
           {static_cast<const ExactScore*>(&mixture), static_cast<const ExactScore*>(&empirical)}) {
        EXPECT_TRUE(allFinite((*s)(queries, tt))) << s->name();
        EXPECT_TRUE(allFinite(s->logProb(queries, tt))) << s->name();
      }
    }
  }
  // At t = 1e-5 under VP (σ ≈ 1e-3) the score at a data point is its own Gaussian's,
  // (a − 1) y / σ² ≈ −y / 2, when the other points are far: the 8 means.
  auto means = toy->mixture().value().means;
  EmpiricalScore atMeans(means, makeSde(SdeKind::VP));
  auto s = atMeans(means, torch::full({8}, 1e-5, kF64));
  EXPECT_TRUE(torch::allclose(s, -0.5 * means, 1e-3, 1e-3));
}

TEST(EmpiricalScore, ChunkedEqualsUnchunked) {
  auto pts = torch::randn({500, 2}, kF64);
  auto x = torch::randn({300, 2}, kF64) * 2;
  auto a = torch::rand({300}, kF64), s = torch::rand({300}, kF64) + 0.05;
  auto whole = empiricalScore(pts, x, a, s, 1ll << 40);
  auto rows = empiricalScore(pts, x, a, s, 1);                // one query per chunk
  auto some = empiricalScore(pts, x, a, s, 500 * 8 * 3 * 7);  // 7 per chunk
  EXPECT_LT(relErr(rows, whole), 1e-10);
  EXPECT_LT(relErr(some, whole), 1e-10);
  EXPECT_LT(relErr(empiricalLogProb(pts, x, a, s, 1), empiricalLogProb(pts, x, a, s, 1ll << 40)),
            1e-10);
}

TEST(EmpiricalScore, ImagesFlattenAndKeepTheirShape) {
  auto pts = torch::rand({20, 1, 4, 4}, kF64);
  auto x = torch::rand({6, 1, 4, 4});
  auto a = torch::full({6}, 0.9), s = torch::full({6}, 0.2);
  auto score = empiricalScore(pts, x, a, s);
  EXPECT_EQ(score.sizes(), x.sizes());
  EXPECT_EQ(score.scalar_type(), torch::kFloat32);
  auto flat = empiricalScore(pts.reshape({20, 16}), x.reshape({6, 16}), a, s);
  EXPECT_TRUE(torch::allclose(score.reshape({6, 16}), flat));
}

TEST(EmpiricalScore, TenThousandPointsTimesHundredThousandQueries) {
  auto pts = ss::data::makeToy("spirals").take()->sample(10000, 1).x;
  EmpiricalScore exact(pts, makeSde(SdeKind::VP));
  auto x = torch::randn({100000, 2});
  auto t = torch::rand({100000}) * 0.99f + 0.01f;
  const auto start = std::chrono::steady_clock::now();
  auto score = exact(x, t);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(score.sizes(), x.sizes());
  EXPECT_TRUE(allFinite(score));
  RecordProperty("seconds", std::to_string(seconds));
  std::printf("10k points x 100k queries: %.2f s\n", seconds);
}

TEST(ExactScoreFor, PicksTheMixtureOrTheEmpiricalScore) {
  auto sde = makeSde(SdeKind::VP);
  auto x = torch::randn({30, 2});
  auto t = torch::full({30}, 0.2f);

  auto gauss = ss::data::makeToy("8gaussians").take();
  auto m = exactScoreFor(*gauss, sde);
  EXPECT_NE(dynamic_cast<const MixtureScore*>(m.get()), nullptr);

  auto moons = ss::data::makeToy("moons").take();
  auto e = exactScoreFor(*moons, sde, 1000, 4);
  ASSERT_NE(dynamic_cast<const EmpiricalScore*>(e.get()), nullptr);
  EXPECT_EQ(e->name(), "exact empirical");
  EmpiricalScore direct(moons->sample(1000, 4).x, sde);
  EXPECT_TRUE(torch::allclose((*e)(x, t), direct(x, t)));

  auto csv = ss::data::makeToy(std::string(SCORESCOPE_TEST_DATA_DIR) + "/four_points.csv").take();
  auto c = exactScoreFor(*csv, sde, 1000, 4);
  EmpiricalScore onPoints(csv->points().value(), sde);
  EXPECT_TRUE(torch::allclose((*c)(x, t), onPoints(x, t)));
}

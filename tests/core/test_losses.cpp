// Tests of core/train/losses.h and train_config.h against MATH.md §3 and §7: each objective
// against a hand computation on a tiny batch; with the exact score of a Gaussian mixture as
// the "network", DSM equals its irreducible part E[λ(d/σ² − ‖s*‖²)] and a constant offset δ
// costs E[λ]‖δ‖², SSM at s* is −½E[λ‖s*‖²] and an offset costs ½E[λ‖δ‖²]; the importance
// sampler follows g²/σ², leaves the G2 loss unchanged and cuts its variance; TrainConfig
// validation and its JSON round trip.
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <vector>

#include "core/data/toy.h"
#include "core/score/exact_score.h"
#include "core/sde/sde.h"
#include "core/train/losses.h"
#include "core/train/train_config.h"

namespace {

using ss::sde::Sde;
using ss::sde::SdeConfig;
using ss::sde::SdeKind;
using namespace ss::train;

const auto kF64 = torch::TensorOptions().dtype(torch::kFloat64);

std::shared_ptr<const Sde> makeSde(SdeKind kind) {
  SdeConfig c;
  c.kind = kind;
  if (kind == SdeKind::VE) c.sigmaMax = 4.0;  // about the 8gaussians diameter
  return Sde::create(c);
}

std::string kindName(SdeKind k) { return std::string(ss::sde::toString(k)); }

at::Generator gen(uint64_t seed) { return at::detail::createCPUGenerator(seed); }

double lambdaOf(Weighting w, const SdeConfig& c, double t) {
  switch (w) {
    case Weighting::Sigma2:
      return std::pow(ss::sde::marginal(c, t).sigma, 2);
    case Weighting::G2:
      return std::pow(ss::sde::diffusion(c, t), 2);
    case Weighting::One:
      return 1.0;
    case Weighting::Flow:  // flow matching: g⁴/4 (docs/PROCESSES.md)
      return std::pow(ss::sde::diffusion(c, t), 4) / 4;
  }
  return NAN;
}

// A nonlinear, time-dependent fake score in 2D with a known Jacobian:
// s₀ = −c x₀ + k x₁², s₁ = −c x₁ + k x₀², c = 1 + t.
constexpr double kK = 0.3;
torch::Tensor fakeScore(const torch::Tensor& x, const torch::Tensor& t) {
  auto c = (1.0 + t).unsqueeze(1);
  auto swapped = x.flip({1});
  return -c * x + kK * swapped.pow(2);
}

// Mean and standard error of a [B] sample.
struct Stat {
  double mean, se;
};
Stat stat(const torch::Tensor& v) {
  const double n = static_cast<double>(v.size(0));
  return {v.mean().item<double>(), v.std().item<double>() / std::sqrt(n)};
}

ss::data::GaussianMixture eightGaussians() {
  return ss::data::makeToy("8gaussians").take()->mixture().value();
}

torch::Tensor eightGaussiansSample(int64_t n, uint64_t seed) {
  return ss::data::makeToy("8gaussians").take()->sample(n, seed).x.to(torch::kFloat64);
}

// The exact marginal score as a ScoreCallable, optionally offset by a constant δ.
ScoreCallable exactScore(std::shared_ptr<const Sde> sde, torch::Tensor delta = {}) {
  auto exact = std::make_shared<ss::score::MixtureScore>(eightGaussians(), sde);
  return [exact, delta](const torch::Tensor& x, const torch::Tensor& t) {
    auto s = (*exact)(x, t);
    return delta.defined() ? s + delta : s;
  };
}

// The exact score that remembers its last query and answer: the DSM tests read s*(x_t) back
// instead of recomputing it, and an offset run on the same draws (the same x_t) reuses it.
// The mixture score costs ~0.1–0.8 s per 100k queries here (large allocations), so this
// keeps the tests fast.
struct RecordingScore {
  std::shared_ptr<ss::score::MixtureScore> exact;
  torch::Tensor x, s;
  ScoreCallable callable(torch::Tensor delta = {}) {
    return [this, delta](const torch::Tensor& xq, const torch::Tensor& t) {
      if (!x.defined() || !x.sizes().equals(xq.sizes()) || !torch::equal(x, xq)) {
        x = xq.detach().clone();
        s = (*exact)(xq, t).detach();
      }
      return delta.defined() ? s + delta : s;
    };
  }
};

}  // namespace

// ---- weightOf -----------------------------------------------------------------------------

TEST(LossWeight, MatchesTheScalarSchedule) {
  for (auto kind : {SdeKind::VE, SdeKind::VP, SdeKind::SubVP}) {
    auto sde = makeSde(kind);
    auto t = torch::tensor({1e-5, 0.01, 0.3, 0.77, 1.0}, kF64);
    for (auto w : {Weighting::Sigma2, Weighting::G2, Weighting::One, Weighting::Flow}) {
      auto l = weightOf(w, *sde, t);
      ASSERT_EQ(l.sizes(), t.sizes());
      for (int64_t i = 0; i < t.size(0); ++i) {
        const double want = lambdaOf(w, sde->config(), t[i].item<double>());
        EXPECT_NEAR(l[i].item<double>(), want, 1e-12 * (1 + std::abs(want)))
            << kindName(kind) << " " << toString(w) << " t=" << t[i].item<double>();
      }
    }
  }
}

// ---- hand computations --------------------------------------------------------------------

TEST(LossDsm, MatchesHandComputationForEveryWeighting) {
  auto x0 = torch::tensor({0.5, -1.0, 2.0, 0.25, -0.75, 1.5}, kF64).reshape({3, 2});
  for (auto kind : {SdeKind::VE, SdeKind::VP, SdeKind::SubVP}) {
    auto sde = makeSde(kind);
    const auto& cfg = sde->config();
    for (auto w : {Weighting::Sigma2, Weighting::G2, Weighting::One, Weighting::Flow}) {
      LossConfig lc;
      lc.weighting = w;
      auto r = scoreMatchingLoss(fakeScore, *sde, x0, lc, gen(42));
      ASSERT_EQ(r.perSample.sizes(), torch::IntArrayRef({3}));
      ASSERT_EQ(r.t.sizes(), torch::IntArrayRef({3}));
      ASSERT_EQ(r.z.sizes(), x0.sizes());
      EXPECT_EQ(r.t.scalar_type(), torch::kFloat64);
      EXPECT_FALSE(r.perSample.requires_grad());
      double mean = 0;
      for (int64_t i = 0; i < 3; ++i) {
        const double t = r.t[i].item<double>();
        EXPECT_GE(t, cfg.eps);
        EXPECT_LE(t, cfg.T);
        const auto m = ss::sde::marginal(cfg, t);
        double xt[2], z[2];
        for (int j = 0; j < 2; ++j) {
          z[j] = r.z[i][j].item<double>();
          xt[j] = m.a * x0[i][j].item<double>() + m.sigma * z[j];
        }
        const double c = 1.0 + t;
        const double s[2] = {-c * xt[0] + kK * xt[1] * xt[1], -c * xt[1] + kK * xt[0] * xt[0]};
        double sq = 0;
        for (int j = 0; j < 2; ++j) sq += std::pow(s[j] + z[j] / m.sigma, 2);
        const double want = lambdaOf(w, cfg, t) * sq;
        EXPECT_NEAR(r.perSample[i].item<double>(), want, 1e-9 * std::abs(want))
            << kindName(kind) << " " << toString(w) << " sample " << i;
        mean += want / 3;
      }
      EXPECT_NEAR(r.loss.item<double>(), mean, 1e-9 * std::abs(mean));
      // Same generator seed, same draws.
      auto again = scoreMatchingLoss(fakeScore, *sde, x0, lc, gen(42));
      EXPECT_TRUE(torch::equal(again.perSample, r.perSample));
    }
  }
}

TEST(LossDsm, ImportanceSampledMatchesHandComputation) {
  auto x0 = torch::tensor({0.5, -1.0, 2.0, 0.25, -0.75, 1.5}, kF64).reshape({3, 2});
  for (auto kind : {SdeKind::VE, SdeKind::VP}) {
    auto sde = makeSde(kind);
    const auto& cfg = sde->config();
    LossConfig lc;
    lc.weighting = Weighting::G2;
    lc.importanceSampling = true;
    auto r = scoreMatchingLoss(fakeScore, *sde, x0, lc, gen(7));
    // Replay the generator: the importance sampler's draw first, then z.
    auto g = gen(7);
    auto [t, invDensity] = importanceSampleTime(*sde, 3, kF64, g);
    auto z = torch::randn({3, 2}, g, kF64);
    ASSERT_TRUE(torch::equal(t, r.t));
    ASSERT_TRUE(torch::equal(z, r.z));
    for (int64_t i = 0; i < 3; ++i) {
      const double ti = t[i].item<double>();
      const auto m = ss::sde::marginal(cfg, ti);
      double xt[2], zz[2];
      for (int j = 0; j < 2; ++j) {
        zz[j] = z[i][j].item<double>();
        xt[j] = m.a * x0[i][j].item<double>() + m.sigma * zz[j];
      }
      const double c = 1.0 + ti;
      const double s[2] = {-c * xt[0] + kK * xt[1] * xt[1], -c * xt[1] + kK * xt[0] * xt[0]};
      double sq = 0;
      for (int j = 0; j < 2; ++j) sq += std::pow(s[j] + zz[j] / m.sigma, 2);
      const double want =
          lambdaOf(Weighting::G2, cfg, ti) * invDensity[i].item<double>() / (cfg.T - cfg.eps) * sq;
      EXPECT_NEAR(r.perSample[i].item<double>(), want, 1e-9 * std::abs(want)) << kindName(kind);
    }
    // Importance sampling is ignored for the other weightings: plain uniform t.
    lc.weighting = Weighting::Sigma2;
    auto plain = scoreMatchingLoss(fakeScore, *sde, x0, lc, gen(7));
    auto g2 = gen(7);
    auto tu = cfg.eps + (cfg.T - cfg.eps) * torch::rand({3}, g2, kF64);
    EXPECT_TRUE(torch::allclose(plain.t, tu, 0, 1e-15));
  }
}

TEST(LossSsm, MatchesHandComputation) {
  auto x0 = torch::tensor({0.5, -1.0, 2.0, 0.25, -0.75, 1.5}, kF64).reshape({3, 2});
  auto sde = makeSde(SdeKind::VP);
  const auto& cfg = sde->config();
  for (bool rademacher : {true, false}) {
    for (int projections : {1, 3}) {
      LossConfig lc;
      lc.objective = Objective::Ssm;
      lc.weighting = Weighting::G2;
      lc.rademacher = rademacher;
      lc.ssmProjections = projections;
      auto r = scoreMatchingLoss(fakeScore, *sde, x0, lc, gen(3));
      EXPECT_TRUE(r.loss.requires_grad());  // the Hessian-vector term keeps its graph
      // Replay: t, z, then one direction per projection.
      auto g = gen(3);
      auto t = cfg.eps + (cfg.T - cfg.eps) * torch::rand({3}, g, kF64);
      auto z = torch::randn({3, 2}, g, kF64);
      std::vector<torch::Tensor> vs;
      for (int p = 0; p < projections; ++p)
        vs.push_back(rademacher ? torch::randint(0, 2, {3, 2}, g, kF64) * 2.0 - 1.0
                                : torch::randn({3, 2}, g, kF64));
      ASSERT_TRUE(torch::equal(t, r.t));
      ASSERT_TRUE(torch::equal(z, r.z));
      for (int64_t i = 0; i < 3; ++i) {
        const double ti = t[i].item<double>();
        const auto m = ss::sde::marginal(cfg, ti);
        double x[2];
        for (int j = 0; j < 2; ++j)
          x[j] = m.a * x0[i][j].item<double>() + m.sigma * z[i][j].item<double>();
        const double c = 1.0 + ti;
        const double s[2] = {-c * x[0] + kK * x[1] * x[1], -c * x[1] + kK * x[0] * x[0]};
        // J = [[−c, 2k x₁], [2k x₀, −c]].
        const double J[2][2] = {{-c, 2 * kK * x[1]}, {2 * kK * x[0], -c}};
        double sum = 0;
        for (int p = 0; p < projections; ++p) {
          const double v[2] = {vs[p][i][0].item<double>(), vs[p][i][1].item<double>()};
          double vJv = 0;
          for (int a = 0; a < 2; ++a)
            for (int b = 0; b < 2; ++b) vJv += v[a] * J[a][b] * v[b];
          const double vTs = v[0] * s[0] + v[1] * s[1];
          sum += vJv + 0.5 * vTs * vTs;
        }
        const double want = lambdaOf(Weighting::G2, cfg, ti) * sum / projections;
        EXPECT_NEAR(r.perSample[i].item<double>(), want, 1e-9 * (1 + std::abs(want)))
            << "rademacher " << rademacher << " projections " << projections << " sample " << i;
      }
    }
  }
}

TEST(LossDsm, GradientFlowsToScoreParameters) {
  // The loss is differentiable in what the score depends on (a stand-in for net weights).
  auto sde = makeSde(SdeKind::VP);
  auto c = torch::tensor(0.7, kF64).requires_grad_(true);
  ScoreCallable score = [&](const torch::Tensor& x, const torch::Tensor&) { return -c * x; };
  auto x0 = eightGaussiansSample(64, 1);
  for (auto objective : {Objective::Dsm, Objective::Ssm}) {
    LossConfig lc;
    lc.objective = objective;
    auto r = scoreMatchingLoss(score, *sde, x0, lc, gen(5));
    auto grad = torch::autograd::grad({r.loss}, {c})[0];
    // Central finite difference of the same draws.
    const double h = 1e-6;
    auto at = [&](double v) {
      auto cv = torch::tensor(v, kF64);
      ScoreCallable sv = [&](const torch::Tensor& x, const torch::Tensor&) { return -cv * x; };
      return scoreMatchingLoss(sv, *sde, x0, lc, gen(5)).loss.item<double>();
    };
    const double fd = (at(0.7 + h) - at(0.7 - h)) / (2 * h);
    EXPECT_NEAR(grad.item<double>(), fd, 1e-5 * (1 + std::abs(fd))) << toString(objective);
  }
}

TEST(LossDtype, Float32BatchesStayFloat32AndFinite) {
  // Training runs in float32: every objective, weighting and the importance sampler keep the
  // batch's dtype and stay finite down to t = eps (where g²/σ² ~ 1e5 for VP).
  auto x0 = eightGaussiansSample(256, 2).to(torch::kFloat32);
  auto c = torch::tensor(0.7f).requires_grad_(true);
  ScoreCallable linear = [&](const torch::Tensor& x, const torch::Tensor&) { return -c * x; };
  // A score that ignores x: SSM's Hessian term is then zero (no autograd error).
  ScoreCallable constant = [&](const torch::Tensor& x, const torch::Tensor&) {
    return c * torch::ones_like(x);
  };
  for (auto kind : {SdeKind::VE, SdeKind::VP, SdeKind::SubVP}) {
    auto sde = makeSde(kind);
    for (auto objective : {Objective::Dsm, Objective::Ssm})
      for (auto w : {Weighting::Sigma2, Weighting::G2, Weighting::One})
        for (bool is : {false, true}) {
          LossConfig lc;
          lc.objective = objective;
          lc.weighting = w;
          lc.importanceSampling = is;
          for (const auto* score : {&linear, &constant}) {
            auto r = scoreMatchingLoss(*score, *sde, x0, lc, gen(8));
            EXPECT_EQ(r.loss.scalar_type(), torch::kFloat32);
            EXPECT_EQ(r.perSample.scalar_type(), torch::kFloat32);
            EXPECT_EQ(r.t.scalar_type(), torch::kFloat32);
            EXPECT_TRUE(std::isfinite(r.loss.item<double>()))
                << kindName(kind) << " " << toString(objective) << " " << toString(w) << " " << is;
            EXPECT_GE(r.t.min().item<double>(), sde->eps() * (1 - 1e-6));
            EXPECT_LE(r.t.max().item<double>(), sde->T());
            EXPECT_TRUE(r.loss.requires_grad());
          }
        }
  }
  // Many float32 importance draws, down to the smallest times: weights finite and positive.
  auto [t, inv] = importanceSampleTime(*makeSde(SdeKind::VP), 100000, torch::kFloat32, gen(1));
  EXPECT_TRUE(torch::isfinite(inv).all().item<bool>());
  EXPECT_GT(inv.min().item<double>(), 0.0);
}

// ---- the exact score as the network (MATH.md §7) ------------------------------------------

TEST(LossDsm, ExactScoreGivesTheIrreducibleLossAndOffsetsCostLambdaDelta2) {
  constexpr int64_t kB = 100000;
  auto x0 = eightGaussiansSample(kB, 11);
  const double d = 2.0;
  auto delta = torch::tensor({0.3, -0.2}, kF64);
  const double delta2 = delta.pow(2).sum().item<double>();
  for (auto kind : {SdeKind::VP, SdeKind::VE}) {
    auto sde = makeSde(kind);
    RecordingScore exact{std::make_shared<ss::score::MixtureScore>(eightGaussians(), sde)};
    for (auto w : {Weighting::Sigma2, Weighting::G2}) {
      LossConfig lc;
      lc.weighting = w;
      auto r = scoreMatchingLoss(exact.callable(), *sde, x0, lc, gen(100 + static_cast<int>(w)));
      // Irreducible part per sample on the same draws: λ(‖z‖²/σ² − ‖s*(x_t)‖²), whose mean
      // is E[λ(d/σ² − ‖s*‖²)]; ‖z‖² rather than d keeps the paired difference
      // 2λ(‖s*‖² + s*·z/σ) bounded as t → 0 (with d it grows like (‖z‖² − d)/t for VP, g²).
      auto m = sde->marginal(r.t);
      auto xt = m.a.unsqueeze(1) * x0 + m.sigma.unsqueeze(1) * r.z;
      ASSERT_TRUE(torch::allclose(exact.x, xt, 1e-12, 1e-12));  // the loss's x_t
      auto s = exact.s;
      auto lambda = weightOf(w, *sde, r.t);
      auto irreducible = lambda * (r.z.pow(2).sum(1) / m.sigma.pow(2) - s.pow(2).sum(1));
      const double irreducibleWithD =
          (lambda * (d / m.sigma.pow(2) - s.pow(2).sum(1))).mean().item<double>();
      const Stat loss = stat(r.perSample);
      const Stat diff = stat(r.perSample - irreducible);
      std::printf(
          "  DSM %s %s: loss %.5f ± %.5f, E[lambda(d/sigma^2 - |s*|^2)] %.5f, "
          "paired difference %.2e ± %.2e\n",
          kindName(kind).c_str(), toString(w).c_str(), loss.mean, loss.se, irreducibleWithD,
          diff.mean, diff.se);
      EXPECT_LT(std::abs(diff.mean), 4 * diff.se + 1e-12) << kindName(kind) << " " << toString(w);
      EXPECT_LT(diff.se, 0.02 * std::abs(loss.mean));  // the check has power

      // A constant offset δ: the same draws (the score is called after them) cost E[λ]‖δ‖².
      auto shifted =
          scoreMatchingLoss(exact.callable(delta), *sde, x0, lc, gen(100 + static_cast<int>(w)));
      ASSERT_TRUE(torch::equal(shifted.t, r.t));
      auto excess = shifted.perSample - r.perSample;
      const Stat resid = stat(excess - lambda * delta2);
      const double expected = lambda.mean().item<double>() * delta2;
      std::printf("    offset: excess %.5f, E[lambda]|delta|^2 %.5f, residual %.2e ± %.2e\n",
                  excess.mean().item<double>(), expected, resid.mean, resid.se);
      EXPECT_GT(excess.mean().item<double>(), 0.0);
      EXPECT_LT(std::abs(resid.mean), 4 * resid.se + 1e-12) << kindName(kind) << " " << toString(w);
      EXPECT_LT(resid.se, 0.1 * expected);
    }
  }
}

TEST(LossSsm, ExactScoreIsMinimalAndOffsetsCostHalfLambdaDelta2) {
  constexpr int64_t kB = 50000;
  auto x0 = eightGaussiansSample(kB, 12);
  auto delta = torch::tensor({0.3, -0.2}, kF64);
  const double delta2 = delta.pow(2).sum().item<double>();
  struct Case {
    SdeKind kind;
    Weighting w;
  };
  for (auto [kind, w] : {Case{SdeKind::VP, Weighting::Sigma2}, Case{SdeKind::VE, Weighting::G2}}) {
    auto sde = makeSde(kind);
    auto exact = exactScore(sde);
    LossConfig lc;
    lc.objective = Objective::Ssm;
    lc.weighting = w;
    lc.rademacher = false;  // Gaussian v: E[(vᵀδ)²] = ‖δ‖²
    auto r = scoreMatchingLoss(exact, *sde, x0, lc, gen(200));
    // At s*, SSM = E[λ(tr ∇s* + ½‖s*‖²)] = −½E[λ‖s*‖²] (integration by parts).
    auto m = sde->marginal(r.t);
    auto xt = m.a.unsqueeze(1) * x0 + m.sigma.unsqueeze(1) * r.z;
    auto lambda = weightOf(w, *sde, r.t);
    auto halfFisher = -0.5 * lambda * exact(xt, r.t).pow(2).sum(1);
    const Stat atExact = stat(r.perSample - halfFisher);
    std::printf("  SSM %s %s: loss %.5f, -1/2 E[lambda|s*|^2] %.5f, residual %.2e ± %.2e\n",
                kindName(kind).c_str(), toString(w).c_str(), r.loss.item<double>(),
                halfFisher.mean().item<double>(), atExact.mean, atExact.se);
    EXPECT_LT(std::abs(atExact.mean), 4 * atExact.se) << kindName(kind);

    auto shifted = scoreMatchingLoss(exactScore(sde, delta), *sde, x0, lc, gen(200));
    ASSERT_TRUE(torch::equal(shifted.t, r.t));
    auto excess = shifted.perSample - r.perSample;
    const double expected = 0.5 * lambda.mean().item<double>() * delta2;
    const Stat resid = stat(excess - 0.5 * lambda * delta2);
    std::printf("    offset: excess %.5f, 1/2 E[lambda]|delta|^2 %.5f, residual %.2e ± %.2e\n",
                excess.mean().item<double>(), expected, resid.mean, resid.se);
    EXPECT_GT(shifted.loss.item<double>(), r.loss.item<double>());
    EXPECT_LT(std::abs(resid.mean), 4 * resid.se) << kindName(kind);
    EXPECT_LT(resid.se, 0.1 * expected);
  }
}

// ---- importance sampling ------------------------------------------------------------------

TEST(LossImportance, SamplerFollowsTheDensity) {
  constexpr int64_t kN = 200000;
  for (auto kind : {SdeKind::VP, SdeKind::VE, SdeKind::SubVP}) {
    auto sde = makeSde(kind);
    const auto& c = sde->config();
    auto [t, inv] = importanceSampleTime(*sde, kN, kF64, gen(9));
    ASSERT_EQ(t.sizes(), torch::IntArrayRef({kN}));
    ASSERT_EQ(inv.sizes(), torch::IntArrayRef({kN}));
    EXPECT_GE(t.min().item<double>(), c.eps);
    EXPECT_LE(t.max().item<double>(), c.T);
    // Unnormalized density g²/σ² from the scalar schedule and its integral Z by a fine
    // independent quadrature (midpoint rule in u = ln t).
    auto dens = [&](double s) {
      return std::pow(ss::sde::diffusion(c, s), 2) / std::pow(ss::sde::marginal(c, s).sigma, 2);
    };
    constexpr int kBins = 16;
    std::vector<double> edges(kBins + 1), mass(kBins, 0.0);
    for (int b = 0; b <= kBins; ++b)
      edges[b] = kind == SdeKind::VE ? c.eps + (c.T - c.eps) * b / kBins
                                     : c.eps * std::pow(c.T / c.eps, double(b) / kBins);
    for (int b = 0; b < kBins; ++b) {
      const int steps = 4000;
      const double lu0 = std::log(edges[b]), lu1 = std::log(edges[b + 1]);
      for (int k = 0; k < steps; ++k) {
        const double s = std::exp(lu0 + (lu1 - lu0) * (k + 0.5) / steps);
        mass[b] += dens(s) * s * (lu1 - lu0) / steps;
      }
    }
    double Z = 0;
    for (double v : mass) Z += v;
    // 1/p(t) agrees with the analytic density.
    auto ratio = torch::empty({200}, kF64);
    for (int64_t i = 0; i < 200; ++i) {
      const double ti = t[i].item<double>();
      ratio[i] = inv[i].item<double>() * dens(ti) / Z;
    }
    EXPECT_NEAR(ratio.min().item<double>(), 1.0, 2e-3) << kindName(kind);
    EXPECT_NEAR(ratio.max().item<double>(), 1.0, 2e-3) << kindName(kind);
    // Histogram against the bins' masses.
    double worst = 0;
    for (int b = 0; b < kBins; ++b) {
      const double observed =
          ((t >= edges[b]) & (t < edges[b + 1] + (b == kBins - 1 ? 1e-12 : 0.0)))
              .sum()
              .item<double>();
      const double expected = kN * mass[b] / Z;
      const double z = (observed - expected) / std::sqrt(expected * (1 - mass[b] / Z));
      worst = std::max(worst, std::abs(z));
      EXPECT_LT(std::abs(z), 5.0) << kindName(kind) << " bin " << b << " [" << edges[b] << ", "
                                  << edges[b + 1] << "): " << observed << " vs " << expected;
    }
    std::printf("  %s: worst histogram deviation %.2f sigma\n", kindName(kind).c_str(), worst);
  }
}

TEST(LossImportance, MatchesUniformEstimateAndCutsVariance) {
  constexpr int64_t kB = 100000;
  auto x0 = eightGaussiansSample(kB, 13);
  for (auto kind : {SdeKind::VP, SdeKind::SubVP}) {
    auto sde = makeSde(kind);
    auto exact = exactScore(sde);
    LossConfig lc;
    lc.weighting = Weighting::G2;
    auto uniform = scoreMatchingLoss(exact, *sde, x0, lc, gen(300));
    lc.importanceSampling = true;
    auto is = scoreMatchingLoss(exact, *sde, x0, lc, gen(301));
    const Stat u = stat(uniform.perSample), v = stat(is.perSample);
    const double ratio = uniform.perSample.var().item<double>() / is.perSample.var().item<double>();
    // The uniform estimate's variance comes from (g²/σ²)(‖z‖² − d) ~ (‖z‖² − d)/t: that
    // term has mean zero, so subtracting it (a control variate) sharpens the comparison.
    auto m = sde->marginal(uniform.t);
    auto cv =
        weightOf(Weighting::G2, *sde, uniform.t) / m.sigma.pow(2) * (uniform.z.pow(2).sum(1) - 2.0);
    const Stat uc = stat(uniform.perSample - cv);
    std::printf(
        "  G2 DSM %s: uniform %.4f ± %.4f (control variate %.4f ± %.4f), importance "
        "%.4f ± %.4f, per-sample variance ratio uniform/importance %.1f\n",
        kindName(kind).c_str(), u.mean, u.se, uc.mean, uc.se, v.mean, v.se, ratio);
    EXPECT_LT(std::abs(u.mean - v.mean), 4 * std::hypot(u.se, v.se)) << kindName(kind);
    EXPECT_LT(std::abs(uc.mean - v.mean), 4 * std::hypot(uc.se, v.se)) << kindName(kind);
    EXPECT_LT(v.se, 0.01 * v.mean);  // the comparison has power
    EXPECT_GT(ratio, 10.0) << kindName(kind);
  }
}

// ---- TrainConfig --------------------------------------------------------------------------

TEST(TrainConfig, EnumNamesRoundTrip) {
  for (auto w :
       {Weighting::Sigma2, Weighting::G2, Weighting::One, Weighting::Flow, Weighting::Edm}) {
    auto back = parseWeighting(toString(w));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back.value(), w);
  }
  for (auto o : {Objective::Dsm, Objective::Ssm}) {
    auto back = parseObjective(toString(o));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back.value(), o);
  }
  EXPECT_EQ(toString(Weighting::Sigma2), "sigma2");
  EXPECT_EQ(toString(Weighting::G2), "g2");
  EXPECT_EQ(toString(Weighting::One), "one");
  EXPECT_EQ(toString(Objective::Dsm), "dsm");
  EXPECT_EQ(toString(Objective::Ssm), "ssm");
  EXPECT_EQ(parseWeighting("sigma").error().message,
            "unknown weighting 'sigma' (expected sigma2, g2, one, flow, edm)");
  EXPECT_FALSE(parseObjective("DSM").ok());  // names are exact
}

TEST(TrainConfig, ValidateNamesTheField) {
  EXPECT_EQ(ss::messageOf(TrainConfig{}.validate()), "");
  auto bad = [](auto edit) {
    TrainConfig c;
    edit(c);
    return ss::messageOf(c.validate());
  };
  EXPECT_EQ(bad([](TrainConfig& c) { c.lr = -1; }), "lr (-1) must be a positive number");
  EXPECT_NE(bad([](TrainConfig& c) { c.lr = 0; }).find("lr (0)"), std::string::npos);
  EXPECT_NE(bad([](TrainConfig& c) { c.lr = NAN; }).find("lr"), std::string::npos);
  EXPECT_NE(bad([](TrainConfig& c) { c.lr = INFINITY; }).find("lr"), std::string::npos);
  EXPECT_NE(bad([](TrainConfig& c) { c.batch = 0; }).find("batch (0)"), std::string::npos);
  EXPECT_NE(bad([](TrainConfig& c) { c.gradClip = -0.5; }).find("grad_clip (-0.5)"),
            std::string::npos);
  EXPECT_NE(bad([](TrainConfig& c) { c.warmup = -1; }).find("warmup (-1)"), std::string::npos);
  EXPECT_NE(bad([](TrainConfig& c) { c.emaDecay = 1.0; }).find("ema_decay (1)"), std::string::npos);
  EXPECT_NE(bad([](TrainConfig& c) { c.emaDecay = -0.1; }).find("ema_decay"), std::string::npos);
  EXPECT_NE(bad([](TrainConfig& c) { c.datasetSize = 0; }).find("dataset_size (0)"),
            std::string::npos);
  EXPECT_NE(bad([](TrainConfig& c) { c.divergenceFactor = 1.0; }).find("divergence_factor (1)"),
            std::string::npos);
  EXPECT_NE(bad([](TrainConfig& c) { c.loss.ssmProjections = 0; }).find("loss.ssm_projections (0)"),
            std::string::npos);
  // Edge values that are fine: clipping and warm-up off, no EMA.
  EXPECT_EQ(bad([](TrainConfig& c) {
              c.gradClip = 0;
              c.warmup = 0;
              c.emaDecay = 0;
              c.batch = 1;
              c.datasetSize = 1;
            }),
            "");
  // Importance sampling with a weighting other than g2 is allowed (and ignored by the loss).
  EXPECT_EQ(bad([](TrainConfig& c) { c.loss.importanceSampling = true; }), "");
}

TEST(TrainConfig, JsonRoundTrip) {
  TrainConfig c;
  c.loss.objective = Objective::Ssm;
  c.loss.weighting = Weighting::G2;
  c.loss.importanceSampling = true;
  c.loss.ssmProjections = 4;
  c.loss.rademacher = false;
  c.lr = 0.1 + 0.2;  // not exactly representable in few digits
  c.batch = 77;
  c.gradClip = 0;
  c.warmup = 0;
  c.emaDecay = 0.9999;
  c.seed = 18446744073709551557ull;  // near 2^64
  c.datasetSize = 123;
  c.divergenceFactor = 1.5;
  auto back = TrainConfig::fromJson(c.toJson());
  ASSERT_TRUE(back.ok()) << back.error().message;
  const auto& b = back.value();
  EXPECT_EQ(b.loss.objective, c.loss.objective);
  EXPECT_EQ(b.loss.weighting, c.loss.weighting);
  EXPECT_EQ(b.loss.importanceSampling, c.loss.importanceSampling);
  EXPECT_EQ(b.loss.ssmProjections, c.loss.ssmProjections);
  EXPECT_EQ(b.loss.rademacher, c.loss.rademacher);
  EXPECT_EQ(b.lr, c.lr);
  EXPECT_EQ(b.batch, c.batch);
  EXPECT_EQ(b.gradClip, c.gradClip);
  EXPECT_EQ(b.warmup, c.warmup);
  EXPECT_EQ(b.emaDecay, c.emaDecay);
  EXPECT_EQ(b.seed, c.seed);
  EXPECT_EQ(b.datasetSize, c.datasetSize);
  EXPECT_EQ(b.divergenceFactor, c.divergenceFactor);
  EXPECT_EQ(b.toJson(), c.toJson());
  // The defaults too.
  auto d = TrainConfig::fromJson(TrainConfig{}.toJson());
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value().toJson(), TrainConfig{}.toJson());
}

TEST(TrainConfig, MissingFieldsKeepDefaults) {
  auto empty = TrainConfig::fromJson("{}");
  ASSERT_TRUE(empty.ok()) << empty.error().message;
  EXPECT_EQ(empty.value().toJson(), TrainConfig{}.toJson());
  auto some = TrainConfig::fromJson(R"({"lr": 0.01, "loss": {"weighting": "g2"}, "extra": 1})");
  ASSERT_TRUE(some.ok()) << some.error().message;
  TrainConfig want;
  want.lr = 0.01;
  want.loss.weighting = Weighting::G2;
  EXPECT_EQ(some.value().toJson(), want.toJson());
  // Integral floats are accepted for integer fields.
  auto f = TrainConfig::fromJson(R"({"batch": 256.0})");
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f.value().batch, 256);
}

TEST(TrainConfig, BadJsonIsAnErrorNamingTheField) {
  auto err = [](const std::string& json) {
    auto r = TrainConfig::fromJson(json);
    return r.ok() ? std::string("(accepted)") : r.error().message;
  };
  auto has = [](const std::string& msg, const std::string& part) {
    return msg.find(part) != std::string::npos;
  };
  EXPECT_TRUE(has(err("not json"), "not valid JSON"));
  EXPECT_TRUE(has(err("[1, 2]"), "object"));
  EXPECT_TRUE(has(err(R"({"lr": "fast"})"), "lr must be a number"));
  EXPECT_TRUE(has(err(R"({"batch": 3.5})"), "batch must be an integer"));
  EXPECT_TRUE(has(err(R"({"batch": "512"})"), "batch must be an integer"));
  EXPECT_TRUE(has(err(R"({"batch": 1e12})"), "batch"));
  EXPECT_TRUE(has(err(R"({"seed": -1})"), "seed must be a non-negative integer"));
  EXPECT_TRUE(has(err(R"({"warmup": true})"), "warmup"));
  EXPECT_TRUE(has(err(R"({"loss": 3})"), "loss must be an object"));
  EXPECT_TRUE(has(err(R"({"loss": {"weighting": "sigma"}})"), "loss.weighting"));
  EXPECT_TRUE(has(err(R"({"loss": {"objective": 1}})"), "loss.objective"));
  EXPECT_TRUE(has(err(R"({"loss": {"rademacher": 1}})"), "loss.rademacher must be true or false"));
  EXPECT_TRUE(has(err(R"({"loss": {"ssm_projections": 0}})"), "loss.ssm_projections (0)"));
  // Well-typed but invalid values fail validation with its message.
  EXPECT_TRUE(has(err(R"({"lr": -1})"), "lr (-1) must be a positive number"));
  EXPECT_TRUE(has(err(R"({"ema_decay": 1})"), "ema_decay (1)"));
}

// Tests of core/sample (sampler_config.h, sampler.h) against MATH.md §4: single predictor,
// corrector and ODE updates against the hand formulas (the noise replayed from a generator
// with the same seed), sampling a Gaussian and 8gaussians with their exact scores, RK45's
// NFE, rewind, trajectories, validation and the NaN check.
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/data/toy.h"
#include "core/metrics/metrics.h"
#include "core/sample/sampler.h"
#include "core/sample/sampler_config.h"
#include "core/sample/steps.h"  // internal: the Dormand–Prince integrator on its own
#include "core/score/exact_score.h"
#include "core/sde/sde.h"

namespace {

using ss::sample::Corrector;
using ss::sample::OdeSolver;
using ss::sample::Predictor;
using ss::sample::SamplerConfig;
using ss::sample::SamplerKind;
using ss::sample::SamplerRun;
using ss::sde::Sde;
using ss::sde::SdeConfig;
using ss::sde::SdeKind;

const auto kF64 = torch::TensorOptions().dtype(torch::kFloat64);
constexpr uint64_t kNoiseSeed = 7;

SdeConfig sdeConfig(SdeKind kind, int n) {
  SdeConfig c;
  c.kind = kind;
  c.N = n;
  if (kind == SdeKind::VE) c.sigmaMax = 5.0;
  return c;
}
std::shared_ptr<const Sde> makeSde(SdeKind kind, int n = 50) {
  return Sde::create(sdeConfig(kind, n));
}
std::string kindName(SdeKind k) { return std::string(ss::sde::toString(k)); }

// s(x, t) = −2x + t: a known, time-dependent fake score; counts its calls.
class LinearScore final : public ss::score::ScoreFn {
 public:
  torch::Tensor operator()(const torch::Tensor& x, const torch::Tensor& t) const override {
    ++calls;
    return -2.0 * x + t.reshape({-1, 1}).to(x.scalar_type());
  }
  std::string name() const override { return "linear"; }
  mutable int calls = 0;
};
torch::Tensor linearScore(const torch::Tensor& x, double t) { return -2.0 * x + t; }

// NaN once t < tBad.
class NanScore final : public ss::score::ScoreFn {
 public:
  explicit NanScore(double tBad) : m_tBad(tBad) {}
  torch::Tensor operator()(const torch::Tensor& x, const torch::Tensor& t) const override {
    if (t[0].item<double>() < m_tBad)
      return torch::full_like(x, std::numeric_limits<double>::quiet_NaN());
    return -x;
  }
  std::string name() const override { return "nan"; }

 private:
  double m_tBad;
};

// The noise the sampler draws: same seed, same order, same dtype.
struct Replay {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(kNoiseSeed);
  torch::Tensor next(const torch::Tensor& like) {
    return torch::randn(like.sizes(), gen, like.options());
  }
};

torch::Tensor tinyBatch() {
  auto g = at::make_generator<at::CPUGeneratorImpl>(123);
  return torch::randn({3, 2}, g, kF64);
}

double pcTime(int steps, int i, double T = 1.0, double eps = 1e-5) {
  return torch::linspace(T, eps, steps, kF64)[i].item<double>();
}

void expectClose(const torch::Tensor& a, const torch::Tensor& b, const std::string& what,
                 double tol = 1e-10) {
  ASSERT_EQ(a.sizes(), b.sizes()) << what;
  const double err = (a.to(torch::kFloat64) - b.to(torch::kFloat64)).abs().max().item<double>();
  EXPECT_LE(err, tol * (1.0 + b.abs().max().item<double>())) << what << ": max |a-b| = " << err;
}

SamplerConfig pc(Predictor p, Corrector c, int steps) {
  SamplerConfig cfg;
  cfg.kind = SamplerKind::Pc;
  cfg.predictor = p;
  cfg.corrector = c;
  cfg.steps = steps;
  return cfg;
}
SamplerConfig ode(OdeSolver s, int steps = 50) {
  SamplerConfig cfg;
  cfg.kind = SamplerKind::Ode;
  cfg.solver = s;
  cfg.steps = steps;
  return cfg;
}

// Reference-convention discrete grids on `steps` points.
double ddpmBeta(const SdeConfig& c, int steps, int64_t i) {
  return torch::linspace(c.betaMin / steps, c.betaMax / steps, steps, kF64)[i].item<double>();
}
double smldSigma(const SdeConfig& c, int steps, int64_t i) {
  if (i < 0) return 0.0;
  return std::exp(
      torch::linspace(std::log(c.sigmaMin), std::log(c.sigmaMax), steps, kF64)[i].item<double>());
}
int64_t gridIndex(double t, int steps) { return static_cast<int64_t>(std::floor(t * (steps - 1))); }

// A single-component mixture: N(μ, s² I) with μ = (1, −0.5), s = 0.5.
ss::data::GaussianMixture gaussian() {
  return {torch::ones({1}, kF64), torch::tensor({{1.0, -0.5}}, kF64), torch::full({1}, 0.5, kF64)};
}

void expectGaussianMoments(const torch::Tensor& x, const std::string& what, double meanTol,
                           double varTol) {
  ASSERT_EQ(x.scalar_type(), torch::kFloat32) << what;
  ASSERT_TRUE(torch::isfinite(x).all().item<bool>()) << what;
  auto x64 = x.to(torch::kFloat64);
  auto mean = x64.mean(0), var = x64.var(0);
  EXPECT_NEAR(mean[0].item<double>(), 1.0, meanTol) << what;
  EXPECT_NEAR(mean[1].item<double>(), -0.5, meanTol) << what;
  EXPECT_NEAR(var[0].item<double>(), 0.25, varTol) << what;
  EXPECT_NEAR(var[1].item<double>(), 0.25, varTol) << what;
}

}  // namespace

// ---- single updates against the hand formulas -------------------------------------------

TEST(PredictorEulerMaruyama, TwoStepsMatchHandFormula) {
  for (SdeKind kind : {SdeKind::VE, SdeKind::VP, SdeKind::SubVP}) {
    const int steps = 40;
    auto sde = makeSde(kind, 50);  // EM needs no discrete grid: any steps
    auto score = std::make_shared<LinearScore>();
    auto x = tinyBatch();
    SamplerRun run(score, sde, pc(Predictor::EulerMaruyama, Corrector::None, steps), x, kNoiseSeed);
    Replay replay;
    const double dt = -1.0 / steps;
    torch::Tensor xMean;
    for (int i = 0; i < 2; ++i) {
      const double t = pcTime(steps, i);
      const double f = ss::sde::driftCoefficient(sde->config(), t);
      const double g = ss::sde::diffusion(sde->config(), t);
      xMean = x + (f * x - g * g * linearScore(x, t)) * dt;
      x = xMean + g * std::sqrt(-dt) * replay.next(x);
      run.step();
    }
    expectClose(run.state().x, x, "x " + kindName(kind));
    expectClose(run.state().xMean, xMean, "xMean " + kindName(kind));
    expectClose(run.result(), xMean, "denoised result " + kindName(kind));
    EXPECT_EQ(run.state().nfe, 2);
    EXPECT_EQ(run.state().step, 2);
    EXPECT_DOUBLE_EQ(run.state().t, pcTime(steps, 2));
    EXPECT_EQ(score->calls, 2);
  }
}

TEST(PredictorReverseDiffusion, VpAndVeStepsMatchHandFormula) {
  // steps = the SDE's N, and steps ≠ N (the grids are then built on `steps` points).
  for (SdeKind kind : {SdeKind::VP, SdeKind::VE, SdeKind::SubVP})
    for (int steps : {50, 30}) {
      auto sde = makeSde(kind, 50);
      const auto& c = sde->config();
      auto x = tinyBatch();
      SamplerRun run(std::make_shared<LinearScore>(), sde,
                     pc(Predictor::ReverseDiffusion, Corrector::None, steps), x, kNoiseSeed);
      Replay replay;
      torch::Tensor xMean;
      for (int k = 0; k < 2; ++k) {
        const double t = pcTime(steps, k);
        const int64_t i = gridIndex(t, steps);
        EXPECT_EQ(i, steps - 1 - k);
        auto s = linearScore(x, t);
        if (kind == SdeKind::VP) {
          const double b = ddpmBeta(c, steps, i);
          xMean = x - ((std::sqrt(1 - b) - 1) * x - b * s);
          x = xMean + std::sqrt(b) * replay.next(x);
        } else if (kind == SdeKind::VE) {
          const double dv =
              std::pow(smldSigma(c, steps, i), 2) - std::pow(smldSigma(c, steps, i - 1), 2);
          xMean = x + dv * s;
          x = xMean + std::sqrt(dv) * replay.next(x);
        } else {  // sub-VP: the Euler–Maruyama discretization with Δt = T/steps
          const double dt = 1.0 / steps;
          const double f = ss::sde::driftCoefficient(c, t), g = ss::sde::diffusion(c, t);
          xMean = x - (f * x * dt - g * g * dt * s);
          x = xMean + g * std::sqrt(dt) * replay.next(x);
        }
        run.step();
      }
      const std::string what = kindName(kind) + " steps " + std::to_string(steps);
      expectClose(run.state().x, x, "x " + what);
      expectClose(run.state().xMean, xMean, "xMean " + what);
    }
}

TEST(PredictorAncestral, VpAndVeStepsMatchHandFormula) {
  for (SdeKind kind : {SdeKind::VP, SdeKind::VE})
    for (int steps : {50, 30}) {
      auto sde = makeSde(kind, 50);
      const auto& c = sde->config();
      auto x = tinyBatch();
      SamplerRun run(std::make_shared<LinearScore>(), sde,
                     pc(Predictor::Ancestral, Corrector::None, steps), x, kNoiseSeed);
      Replay replay;
      torch::Tensor xMean;
      for (int k = 0; k < 2; ++k) {
        const double t = pcTime(steps, k);
        const int64_t i = gridIndex(t, steps);
        auto s = linearScore(x, t);
        if (kind == SdeKind::VP) {
          const double b = ddpmBeta(c, steps, i);
          xMean = (x + b * s) / std::sqrt(1 - b);
          x = xMean + std::sqrt(b) * replay.next(x);
        } else {
          const double s2 = std::pow(smldSigma(c, steps, i), 2);
          const double p2 = std::pow(smldSigma(c, steps, i - 1), 2);
          xMean = x + (s2 - p2) * s;
          x = xMean + std::sqrt(p2 * (s2 - p2) / s2) * replay.next(x);
        }
        run.step();
      }
      const std::string what = kindName(kind) + " steps " + std::to_string(steps);
      expectClose(run.state().x, x, "x " + what);
      expectClose(run.state().xMean, xMean, "xMean " + what);
    }
}

TEST(PredictorAncestral, VeLastLevelAddsNoNoise) {
  // On the lowest level σ_{−1} = 0: x̄ = x + σ_0² s and the noise's std is 0.
  auto sde = makeSde(SdeKind::VE, 50);
  auto x = tinyBatch();
  SamplerRun run(std::make_shared<LinearScore>(), sde, pc(Predictor::Ancestral, Corrector::None, 1),
                 x, kNoiseSeed);
  run.step();
  EXPECT_TRUE(run.state().done);
  const double s0 = sde->config().sigmaMin;
  expectClose(run.state().xMean, x + s0 * s0 * linearScore(x, 1.0), "xMean");
  expectClose(run.state().x, run.state().xMean, "x");
}

TEST(CorrectorLangevin, StepsMatchHandFormulaWithBatchAveragedNorms) {
  for (SdeKind kind : {SdeKind::VE, SdeKind::VP, SdeKind::SubVP}) {
    const int steps = 50, m = 2;
    const double snr = 0.2;
    auto sde = makeSde(kind, 50);
    auto x = tinyBatch();
    auto cfg = pc(Predictor::None, Corrector::Langevin, steps);
    cfg.snr = snr;
    cfg.correctorSteps = m;
    SamplerRun run(std::make_shared<LinearScore>(), sde, cfg, x, kNoiseSeed);
    Replay replay;
    const double t = 1.0;
    const double alpha =
        kind == SdeKind::VE ? 1.0 : 1.0 - ddpmBeta(sde->config(), steps, steps - 1);
    for (int k = 0; k < m; ++k) {
      auto grad = linearScore(x, t);
      auto z = replay.next(x);
      const double gradNorm = grad.norm(2, 1).mean().item<double>();
      const double noiseNorm = z.norm(2, 1).mean().item<double>();
      const double eps = 2 * alpha * std::pow(snr * noiseNorm / gradNorm, 2);
      x = x + eps * grad + std::sqrt(2 * eps) * z;
    }
    run.step();
    expectClose(run.state().x, x, "x " + kindName(kind));
    // No predictor: x̄ = x, as the reference's NonePredictor.
    expectClose(run.result(), x, "result " + kindName(kind));
    EXPECT_EQ(run.state().nfe, m);
  }
}

TEST(CorrectorLangevin, RunsBeforeThePredictor) {
  auto sde = makeSde(SdeKind::VP, 50);
  auto x = tinyBatch();
  auto cfg = pc(Predictor::EulerMaruyama, Corrector::Langevin, 50);
  SamplerRun run(std::make_shared<LinearScore>(), sde, cfg, x, kNoiseSeed);
  Replay replay;
  const double t = 1.0, alpha = 1.0 - ddpmBeta(sde->config(), 50, 49);
  auto grad = linearScore(x, t);
  auto z = replay.next(x);
  const double eps =
      2 * alpha *
      std::pow(cfg.snr * z.norm(2, 1).mean().item<double>() / grad.norm(2, 1).mean().item<double>(),
               2);
  x = x + eps * grad + std::sqrt(2 * eps) * z;
  const double dt = -1.0 / 50, f = ss::sde::driftCoefficient(sde->config(), t),
               g = ss::sde::diffusion(sde->config(), t);
  auto xMean = x + (f * x - g * g * linearScore(x, t)) * dt;
  x = xMean + g * std::sqrt(-dt) * replay.next(x);
  run.step();
  expectClose(run.state().x, x, "x");
  expectClose(run.state().xMean, xMean, "xMean");
  EXPECT_EQ(run.state().nfe, 2);
}

TEST(OdeFixedStep, EulerHeunRk4MatchHandFormula) {
  auto sde = makeSde(SdeKind::VP, 1000);
  const auto& c = sde->config();
  const int steps = 50;
  // f̃(x, t) = f − ½ g² s.
  auto drift = [&](const torch::Tensor& x, double t) {
    const double g = ss::sde::diffusion(c, t);
    return ss::sde::driftCoefficient(c, t) * x - 0.5 * g * g * linearScore(x, t);
  };
  const double t0 = 1.0;
  const double t1 = torch::linspace(1.0, 1e-5, steps + 1, kF64)[1].item<double>();
  const double h = t1 - t0;
  auto x = tinyBatch();
  struct Case {
    OdeSolver solver;
    torch::Tensor expected;
    int nfe;
  };
  auto k1 = drift(x, t0);
  auto heun = x + 0.5 * h * (k1 + drift(x + h * k1, t1));
  auto r2 = drift(x + 0.5 * h * k1, t0 + 0.5 * h);
  auto r3 = drift(x + 0.5 * h * r2, t0 + 0.5 * h);
  auto r4 = drift(x + h * r3, t1);
  auto rk4 = x + h / 6 * (k1 + 2 * r2 + 2 * r3 + r4);
  for (const Case& cs : {Case{OdeSolver::Euler, x + h * k1, 1}, Case{OdeSolver::Heun, heun, 2},
                         Case{OdeSolver::Rk4, rk4, 4}}) {
    SamplerRun run(std::make_shared<LinearScore>(), sde, ode(cs.solver, steps), x, kNoiseSeed);
    run.step();
    const std::string what = ss::sample::toString(cs.solver);
    expectClose(run.state().x, cs.expected, what);
    expectClose(run.result(), cs.expected, what + " result (no denoising)");
    EXPECT_EQ(run.state().nfe, cs.nfe) << what;
    EXPECT_DOUBLE_EQ(run.state().t, t1) << what;
    run.runToEnd();
    EXPECT_EQ(run.state().step, steps) << what;
    EXPECT_DOUBLE_EQ(run.state().t, 1e-5) << what;
  }
}

// ---- sampling with exact scores -----------------------------------------------------------

TEST(SamplerGaussian, EulerMaruyamaRecoversMeanAndVariance) {
  auto sde = makeSde(SdeKind::VP, 1000);
  auto score = std::make_shared<ss::score::MixtureScore>(gaussian(), sde);
  auto xT = SamplerRun::priorDraw(*sde, 4000, {2}, 1);
  SamplerRun run(score, sde, pc(Predictor::EulerMaruyama, Corrector::None, 1000), xT, 2);
  run.runToEnd();
  EXPECT_EQ(run.state().nfe, 1000);
  // MC error: mean 0.5/√4000 ≈ 0.008, variance 0.25·√(2/4000) ≈ 0.006.
  expectGaussianMoments(run.result(), "VP EM", 0.035, 0.03);
}

TEST(SamplerGaussian, PredictorCorrectorRecoversMeanAndVariance) {
  // The paper's VE PC sampler: reverse diffusion + Langevin (snr 0.16).
  auto sde = makeSde(SdeKind::VE, 500);
  auto score = std::make_shared<ss::score::MixtureScore>(gaussian(), sde);
  auto xT = SamplerRun::priorDraw(*sde, 4000, {2}, 1);
  SamplerRun run(score, sde, pc(Predictor::ReverseDiffusion, Corrector::Langevin, 500), xT, 2);
  run.runToEnd();
  EXPECT_EQ(run.state().nfe, 1000);
  expectGaussianMoments(run.result(), "VE RD + Langevin", 0.035, 0.03);
}

TEST(SamplerGaussian, DdpmRecoversMeanAndVariance) {
  auto sde = makeSde(SdeKind::VP, 1000);
  auto score = std::make_shared<ss::score::MixtureScore>(gaussian(), sde);
  auto xT = SamplerRun::priorDraw(*sde, 4000, {2}, 1);
  SamplerRun ddpm(score, sde, ss::sample::samplerPreset("ddpm").take(), xT, 2);
  ddpm.runToEnd();
  expectGaussianMoments(ddpm.result(), "DDPM", 0.035, 0.03);
}

TEST(OdeRk45, RecoversGaussianWithFewEvaluationsAndIsDeterministic) {
  auto sde = makeSde(SdeKind::VP, 1000);
  auto score = std::make_shared<ss::score::MixtureScore>(gaussian(), sde);
  auto xT = SamplerRun::priorDraw(*sde, 4000, {2}, 1);
  auto cfg = ode(OdeSolver::Rk45);
  cfg.rtol = cfg.atol = 1e-3;
  SamplerRun a(score, sde, cfg, xT, 1), b(score, sde, cfg, xT, 99);
  a.runToEnd();
  b.runToEnd();
  expectGaussianMoments(a.result(), "RK45", 0.035, 0.03);
  EXPECT_TRUE(torch::equal(a.result(), b.result())) << "the ODE uses no noise";
  EXPECT_DOUBLE_EQ(a.state().t, 1e-5);
  const int64_t nfe = a.state().nfe;
  EXPECT_GT(nfe, 10);
  EXPECT_LT(nfe, 300);
  EXPECT_GE(nfe, a.state().step * 6 + 2) << "6 evaluations per attempted step, + 2 to start";

  std::vector<int64_t> nfes;
  for (double tol : {1e-2, 1e-3, 1e-5}) {
    cfg.rtol = cfg.atol = tol;
    SamplerRun r(score, sde, cfg, xT, 1);
    r.runToEnd();
    nfes.push_back(r.state().nfe);
    expectGaussianMoments(r.result(), "RK45 tol " + std::to_string(tol), 0.035, 0.03);
  }
  EXPECT_LT(nfes[0], nfes[1]);
  EXPECT_LT(nfes[1], nfes[2]);
  EXPECT_LT(nfes[2], 1000);
}

TEST(OdeRk45, DormandPrinceMatchesTheExactSolution) {
  // y' = −(1 + t) y backward from t = 1 to 0: y(0) = y(1) exp(3/2).
  const ss::sample::detail::Drift f = [](const torch::Tensor& y, double t) { return -(1 + t) * y; };
  auto y1 = torch::tensor({1.0, -2.0, 0.5}, kF64);
  std::vector<int> stepCounts;
  for (double tol : {1e-3, 1e-6, 1e-9}) {
    ss::sample::detail::DormandPrince dp(tol, tol, 0.0);
    auto y = y1.clone();
    double t = 1.0;
    int n = 0;
    while (t > 0.0 && n < 10000) {
      dp.step(f, y, t);
      ++n;
    }
    EXPECT_EQ(t, 0.0);
    const double err = (y - y1 * std::exp(1.5)).abs().max().item<double>();
    EXPECT_LT(err, 10 * tol * 2 * std::exp(1.5)) << "tol " << tol;  // ~ tol × max |y|
    stepCounts.push_back(n);
  }
  EXPECT_LT(stepCounts[0], stepCounts[1]);
  EXPECT_LT(stepCounts[1], stepCounts[2]);
}

TEST(OdeRk45, AgreesWithFineRk4) {
  // The same prior draw through both solvers lands at the same points.
  auto sde = makeSde(SdeKind::VP, 1000);
  auto score = std::make_shared<ss::score::MixtureScore>(gaussian(), sde);
  auto xT = SamplerRun::priorDraw(*sde, 64, {2}, 3);
  auto cfg = ode(OdeSolver::Rk45);
  SamplerRun rk45(score, sde, cfg, xT, 0);
  SamplerRun rk4(score, sde, ode(OdeSolver::Rk4, 200), xT, 0);
  rk45.runToEnd();
  rk4.runToEnd();
  expectClose(rk45.result(), rk4.result(), "RK45 vs RK4", 1e-3);
}

TEST(SamplerEightGaussians, EulerMaruyamaMatchesTheDataInSw2AndModes) {
  auto toy = ss::data::makeToy("8gaussians").take();
  auto gm = toy->mixture().value();
  auto sde = makeSde(SdeKind::VP, 1000);
  auto score = std::make_shared<ss::score::MixtureScore>(gm, sde);
  // SW2 is dominated by the binomial spread of the mode counts (it moves mass a distance
  // ~1.5 between modes): between two true draws of 3000 it is already ~0.06, of 8000 ~0.05.
  const int64_t n = 8000;
  auto xT = SamplerRun::priorDraw(*sde, n, {2}, 4);
  SamplerRun run(score, sde, pc(Predictor::EulerMaruyama, Corrector::None, 500), xT, 5);
  run.runToEnd();
  auto x = run.result();
  auto truth = toy->sample(n, 6).x;
  const double sw2 = ss::metrics::slicedWasserstein2(x, truth);
  EXPECT_LT(sw2, 0.1);
  // Binomial std of a weight: √(0.125·0.875/8000) ≈ 0.0037.
  auto w = ss::metrics::modeWeights(gm, x);
  for (int64_t k = 0; k < 8; ++k) EXPECT_NEAR(w[k].item<double>(), 0.125, 0.016) << "mode " << k;
  // Each mode keeps its std 0.1 (the last denoised step neither blurs nor collapses it).
  auto nearest = torch::cdist(x.to(torch::kFloat64), gm.means).argmin(1);
  for (int64_t k = 0; k < 8; ++k) {
    auto sd = x.index({nearest == k}).to(torch::kFloat64).std(0);
    EXPECT_NEAR(sd[0].item<double>(), 0.1, 0.01) << "mode " << k;
    EXPECT_NEAR(sd[1].item<double>(), 0.1, 0.01) << "mode " << k;
  }
}

// ---- run mechanics ------------------------------------------------------------------------

TEST(SamplerRun, RewindReplaysTheSameNoise) {
  auto sde = makeSde(SdeKind::VP, 1000);
  auto score = std::make_shared<ss::score::MixtureScore>(gaussian(), sde);
  auto xT = SamplerRun::priorDraw(*sde, 16, {2}, 1);
  for (const auto& cfg : {pc(Predictor::EulerMaruyama, Corrector::Langevin, 60),
                          pc(Predictor::Ancestral, Corrector::None, 60), ode(OdeSolver::Rk45)}) {
    SamplerRun run(score, sde, cfg, xT, 11, {{0, 5}, 1});
    for (int i = 0; i < 10; ++i) run.step();
    auto mid = run.state().x.clone();
    run.runToEnd();
    auto end = run.result().clone();
    const auto nfe = run.state().nfe;
    const auto trajectory = run.trajectory();
    run.rewind();
    EXPECT_EQ(run.state().step, 0);
    EXPECT_EQ(run.state().nfe, 0);
    EXPECT_FALSE(run.state().done);
    EXPECT_DOUBLE_EQ(run.state().t, 1.0);
    EXPECT_TRUE(torch::equal(run.state().x, xT));
    EXPECT_EQ(run.trajectory().size(), 1u);
    for (int i = 0; i < 10; ++i) run.step();
    EXPECT_TRUE(torch::equal(run.state().x, mid));
    run.runToEnd();
    EXPECT_TRUE(torch::equal(run.result(), end));
    EXPECT_EQ(run.state().nfe, nfe);
    ASSERT_EQ(run.trajectory().size(), trajectory.size());
    EXPECT_TRUE(torch::equal(run.trajectory().back(), trajectory.back()));
  }
  // A different noise seed gives a different stochastic result.
  SamplerRun a(score, sde, pc(Predictor::EulerMaruyama, Corrector::None, 60), xT, 1);
  SamplerRun b(score, sde, pc(Predictor::EulerMaruyama, Corrector::None, 60), xT, 2);
  a.runToEnd();
  b.runToEnd();
  EXPECT_FALSE(torch::equal(a.result(), b.result()));
}

TEST(SamplerRun, RecordsTrajectoriesOfTheChosenParticles) {
  auto sde = makeSde(SdeKind::VP, 1000);
  auto score = std::make_shared<ss::score::MixtureScore>(gaussian(), sde);
  auto xT = SamplerRun::priorDraw(*sde, 8, {2}, 1);
  std::vector<int64_t> particles = {0, 2, 7};
  SamplerRun run(score, sde, pc(Predictor::EulerMaruyama, Corrector::None, 10), xT, 3,
                 {particles, 3});
  ASSERT_EQ(run.trajectory().size(), 1u);
  run.runToEnd();
  // Steps 0, 3, 6, 9 and the last one (10).
  ASSERT_EQ(run.trajectory().size(), 5u);
  ASSERT_EQ(run.trajectoryTimes().size(), 5u);
  for (const auto& p : run.trajectory()) {
    EXPECT_EQ(p.sizes(), (std::vector<int64_t>{3, 2}));
    EXPECT_TRUE(p.device().is_cpu());
    EXPECT_FALSE(p.requires_grad());
  }
  auto idx = torch::tensor(particles, torch::kLong);
  EXPECT_TRUE(torch::equal(run.trajectory().front(), xT.index_select(0, idx)));
  EXPECT_TRUE(torch::equal(run.trajectory().back(), run.state().x.index_select(0, idx)));
  EXPECT_DOUBLE_EQ(run.trajectoryTimes().front(), 1.0);
  EXPECT_DOUBLE_EQ(run.trajectoryTimes()[1], pcTime(10, 3));
  EXPECT_DOUBLE_EQ(run.trajectoryTimes().back(), 1e-5);

  SamplerRun none(score, sde, pc(Predictor::EulerMaruyama, Corrector::None, 10), xT, 3);
  none.runToEnd();
  EXPECT_TRUE(none.trajectory().empty());
  EXPECT_THROW(
      SamplerRun(score, sde, pc(Predictor::EulerMaruyama, Corrector::None, 10), xT, 3, {{8}, 1}),
      ss::Failure);
}

TEST(SamplerRun, NanStateThrowsNamingStepAndTime) {
  auto sde = makeSde(SdeKind::VP, 1000);
  auto xT = SamplerRun::priorDraw(*sde, 4, {2}, 1);
  // t_5 = 1 − 5(1 − 1e-5)/9 ≈ 0.444 is the first grid time below 0.5: step 6.
  SamplerRun run(std::make_shared<NanScore>(0.5), sde,
                 pc(Predictor::EulerMaruyama, Corrector::None, 10), xT, 1);
  for (int i = 0; i < 5; ++i) run.step();
  try {
    run.step();
    FAIL() << "no exception";
  } catch (const ss::Failure& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("NaN/Inf"), std::string::npos) << m;
    EXPECT_NE(m.find("step 6"), std::string::npos) << m;
    EXPECT_NE(m.find("t = 0.444"), std::string::npos) << m;
  }
  SamplerRun odeRun(std::make_shared<NanScore>(2.0), sde, ode(OdeSolver::Euler, 10), xT, 1);
  EXPECT_THROW(odeRun.step(), ss::Failure);
  SamplerRun rk45(std::make_shared<NanScore>(0.5), sde, ode(OdeSolver::Rk45), xT, 1);
  EXPECT_THROW(rk45.runToEnd(), ss::Failure);
}

// ---- configuration -------------------------------------------------------------------------

TEST(SamplerConfig, ValidateNamesTheField) {
  auto expectError = [](const SamplerConfig& c, SdeKind kind, const std::string& field) {
    const std::string err = ss::messageOf(c.validate(kind));
    EXPECT_NE(err.find(field), std::string::npos) << "expected '" << field << "' in: " << err;
  };
  SamplerConfig ok;
  for (SdeKind k : {SdeKind::VE, SdeKind::VP, SdeKind::SubVP})
    EXPECT_EQ(ss::messageOf(ok.validate(k)), "");

  auto c = ok;
  c.steps = 0;
  expectError(c, SdeKind::VP, "steps");
  c = pc(Predictor::None, Corrector::Langevin, 100);
  c.snr = 0;
  expectError(c, SdeKind::VP, "snr");
  c.snr = std::nan("");
  expectError(c, SdeKind::VP, "snr");
  c.snr = 0.1;
  c.correctorSteps = 0;
  expectError(c, SdeKind::VP, "corrector_steps");
  c = pc(Predictor::None, Corrector::None, 100);
  expectError(c, SdeKind::VP, "none");
  c = ode(OdeSolver::Rk45);
  c.rtol = -1;
  expectError(c, SdeKind::VP, "rtol");
  c.rtol = 1e-5;
  c.atol = 0;
  expectError(c, SdeKind::VP, "atol");
  c = pc(Predictor::Ancestral, Corrector::None, 100);
  EXPECT_EQ(ss::messageOf(c.validate(SdeKind::VP)), "");
  EXPECT_EQ(ss::messageOf(c.validate(SdeKind::VE)), "");
  const std::string err = ss::messageOf(c.validate(SdeKind::SubVP));
  EXPECT_NE(err.find("ancestral"), std::string::npos) << err;
  EXPECT_NE(err.find("euler-maruyama"), std::string::npos) << err;
  EXPECT_NE(err.find("reverse-diffusion"), std::string::npos) << err;

  // With the SDE's parameters: DDPM betas β/steps must stay below 1.
  c = pc(Predictor::ReverseDiffusion, Corrector::None, 10);
  EXPECT_EQ(ss::messageOf(c.validate(SdeKind::VP)), "");
  const std::string vp = ss::messageOf(c.validate(sdeConfig(SdeKind::VP, 1000)));
  EXPECT_NE(vp.find("steps (10)"), std::string::npos) << vp;
  EXPECT_NE(vp.find("beta_max"), std::string::npos) << vp;
  EXPECT_EQ(ss::messageOf(c.validate(sdeConfig(SdeKind::VE, 1000))), "");
  EXPECT_EQ(ss::messageOf(c.validate(sdeConfig(SdeKind::SubVP, 1000))), "");
  EXPECT_EQ(
      ss::messageOf(
          pc(Predictor::EulerMaruyama, Corrector::None, 10).validate(sdeConfig(SdeKind::VP, 1000))),
      "");
}

TEST(SamplerConfig, ConstructorThrowsTheValidationMessage) {
  auto sde = makeSde(SdeKind::SubVP, 1000);
  auto x = tinyBatch();
  try {
    SamplerRun run(std::make_shared<LinearScore>(), sde,
                   pc(Predictor::Ancestral, Corrector::None, 100), x, 0);
    FAIL() << "no exception";
  } catch (const ss::Failure& e) {
    EXPECT_NE(std::string(e.what()).find("ancestral"), std::string::npos) << e.what();
  }
  auto vp = makeSde(SdeKind::VP, 1000);
  EXPECT_THROW(SamplerRun(std::make_shared<LinearScore>(), vp,
                          pc(Predictor::Ancestral, Corrector::None, 15), x, 0),
               ss::Failure);
}

TEST(SamplerConfig, PresetsAndNames) {
  for (const auto& name : ss::sample::samplerPresetNames()) {
    auto p = ss::sample::samplerPreset(name);
    ASSERT_TRUE(p.ok()) << name;
    EXPECT_EQ(ss::messageOf(p.value().validate(SdeKind::VP)), "") << name;
    EXPECT_EQ(ss::messageOf(p.value().validate(SdeKind::VE)), "") << name;
  }
  EXPECT_EQ(ss::sample::samplerPreset("ddpm").value().predictor, Predictor::Ancestral);
  EXPECT_EQ(ss::sample::samplerPreset("ald").value().predictor, Predictor::None);
  EXPECT_EQ(ss::sample::samplerPreset("ald").value().corrector, Corrector::Langevin);
  EXPECT_EQ(ss::sample::samplerPreset("ode").value().kind, SamplerKind::Ode);
  EXPECT_EQ(ss::sample::samplerPreset("heun").value().solver, OdeSolver::Heun);
  EXPECT_EQ(ss::sample::samplerPreset("euler").value().solver, OdeSolver::Euler);
  EXPECT_EQ(ss::sample::samplerPreset("euler_a").value().predictor, Predictor::Ancestral);
  auto bad = ss::sample::samplerPreset("dpm++");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("ddpm"), std::string::npos) << bad.error().message;

  for (Predictor p : {Predictor::EulerMaruyama, Predictor::ReverseDiffusion, Predictor::Ancestral,
                      Predictor::None})
    EXPECT_EQ(ss::sample::parsePredictor(ss::sample::toString(p)).value(), p);
  for (Corrector c : {Corrector::Langevin, Corrector::None})
    EXPECT_EQ(ss::sample::parseCorrector(ss::sample::toString(c)).value(), c);
  for (OdeSolver s : {OdeSolver::Euler, OdeSolver::Heun, OdeSolver::Rk4, OdeSolver::Rk45})
    EXPECT_EQ(ss::sample::parseOdeSolver(ss::sample::toString(s)).value(), s);
  EXPECT_EQ(ss::sample::parsePredictor("Euler_Maruyama").value(), Predictor::EulerMaruyama);
  auto badP = ss::sample::parsePredictor("heun");
  ASSERT_FALSE(badP.ok());
  EXPECT_NE(badP.error().message.find("reverse-diffusion"), std::string::npos);
  EXPECT_FALSE(ss::sample::parseCorrector("hmc").ok());
  auto badS = ss::sample::parseOdeSolver("rk23");
  ASSERT_FALSE(badS.ok());
  EXPECT_NE(badS.error().message.find("rk45"), std::string::npos);
}

TEST(SamplerRun, PriorDrawIsSeededAndShaped) {
  auto ve = makeSde(SdeKind::VE, 1000);
  auto a = SamplerRun::priorDraw(*ve, 5000, {2}, 9);
  auto b = SamplerRun::priorDraw(*ve, 5000, {2}, 9);
  EXPECT_TRUE(torch::equal(a, b));
  EXPECT_EQ(a.sizes(), (std::vector<int64_t>{5000, 2}));
  EXPECT_EQ(a.scalar_type(), torch::kFloat32);
  EXPECT_NEAR(a.std().item<double>(), 5.0, 0.15);  // σmax
}

// A sampler step's own ops run with one OpenMP thread on the calling thread, and the score
// with the team the thread had (detail::ThreadOmpTeam); afterwards the thread has it back.
namespace {
class TeamRecordingScore final : public ss::score::ScoreFn {
 public:
  torch::Tensor operator()(const torch::Tensor& x, const torch::Tensor&) const override {
    seen.push_back(at::get_num_threads());
    return -x;
  }
  std::string name() const override { return "records the OpenMP team"; }
  mutable std::vector<int> seen;
};
}  // namespace

TEST(SamplerRun, StepOpsRunSerialAndTheScoreKeepsTheTeam) {
  const int before = at::get_num_threads();
  at::set_num_threads(2);
  ASSERT_EQ(at::get_num_threads(), 2) << "this LibTorch has no OpenMP team to size";
  auto score = std::make_shared<TeamRecordingScore>();
  auto sde = makeSde(SdeKind::VP, 1000);
  auto x = SamplerRun::priorDraw(*sde, 1000, {2}, 3);
  SamplerRun run(score, sde, pc(Predictor::EulerMaruyama, Corrector::Langevin, 100), x, kNoiseSeed);
  {
    ss::sample::detail::ThreadOmpTeam serial(1);
    EXPECT_EQ(at::get_num_threads(), 1);
    EXPECT_EQ(serial.previous(), 2);
  }
  EXPECT_EQ(at::get_num_threads(), 2);
  run.step();
  run.step();
  ASSERT_EQ(score->seen.size(), 4u);  // predictor and corrector, twice
  for (int n : score->seen) EXPECT_EQ(n, 2);
  EXPECT_EQ(at::get_num_threads(), 2);
  at::set_num_threads(before);
}

// Tests of the field's solvers (core/sample/solver_steps.cpp, time_grid.h; MATH.md §8):
// each single step against a hand computation with the exact score of a Gaussian (the
// noise replayed from a generator with the same seed), exactness on a point mass, the time
// grids and the log-SNR inversion.
// Measured orders of convergence: test_solver_runs.cpp.
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include "core/common/error.h"
#include "core/sample/sampler.h"
#include "core/sample/sampler_config.h"
#include "core/sample/time_grid.h"
#include "core/sde/sde.h"

namespace {

using ss::sample::OdeSolver;
using ss::sample::SamplerConfig;
using ss::sample::SamplerKind;
using ss::sample::SamplerRun;
using ss::sample::TimeSchedule;
using ss::sde::SdeConfig;
using ss::sde::SdeKind;

const auto kF64 = torch::TensorOptions().dtype(torch::kFloat64);
constexpr uint64_t kSeed = 11;

SdeConfig sdeConfig(SdeKind kind) {
  SdeConfig c;
  c.kind = kind;
  if (kind == SdeKind::VE) c.sigmaMax = 5.0;
  return c;
}

// The exact score of N(μ, v I) data (v = 0: a point mass): s = −(x − a μ)/(a² v + σ²).
class GaussianScore final : public ss::score::ScoreFn {
 public:
  GaussianScore(SdeConfig c, double v) : m_c(c), m_v(v) {}
  torch::Tensor operator()(const torch::Tensor& x, const torch::Tensor& t) const override {
    const auto m = ss::sde::marginal(m_c, t[0].item<double>());
    auto mu = torch::tensor({1.0, -0.5}, x.options());
    return -(x - m.a * mu) / (m.a * m.a * m_v + m.sigma * m.sigma);
  }
  std::string name() const override { return "gaussian"; }

 private:
  SdeConfig m_c;
  double m_v;
};

// The same score per coordinate, in doubles: the hand computation's own.
struct Hand {
  SdeConfig c;
  double v;
  double a(double t) const { return ss::sde::marginal(c, t).a; }
  double sg(double t) const { return ss::sde::marginal(c, t).sigma; }
  double lam(double t) const { return std::log(a(t) / sg(t)); }
  double score(double x, double mu, double t) const {
    return -(x - a(t) * mu) / (a(t) * a(t) * v + sg(t) * sg(t));
  }
  double x0(double x, double mu, double t) const {
    return (x + sg(t) * sg(t) * score(x, mu, t)) / a(t);
  }
  double eps(double x, double mu, double t) const { return -sg(t) * score(x, mu, t); }
};
constexpr double kMu[2] = {1.0, -0.5};

SamplerConfig solver(OdeSolver s, int steps, TimeSchedule g = TimeSchedule::Uniform) {
  SamplerConfig cfg;
  cfg.kind = SamplerKind::Ode;
  cfg.solver = s;
  cfg.steps = steps;
  cfg.schedule = g;
  return cfg;
}

torch::Tensor start() { return torch::tensor({{0.7, -1.3}}, kF64); }

// One step of `cfg` on a uniform grid of `steps` over [eps, T] (the first step: T → t1).
torch::Tensor firstStep(SdeKind kind, const SamplerConfig& cfg, double v, torch::Tensor xT) {
  auto sde = ss::sde::Sde::create(sdeConfig(kind));
  auto score = std::make_shared<GaussianScore>(sdeConfig(kind), v);
  SamplerRun run(score, sde, cfg, xT, kSeed);
  run.step();
  return run.state().x;
}

double gridTime(int steps, int i) { return 1.0 + (1e-5 - 1.0) * i / steps; }

TEST(SolverStep, DdimMatchesHandFormulaWithAndWithoutNoise) {
  for (SdeKind kind : {SdeKind::VP, SdeKind::SubVP, SdeKind::VE})
    for (double eta : {0.0, 0.7}) {
      const Hand h{sdeConfig(kind), 0.25};
      auto cfg = solver(OdeSolver::Ddim, 4);
      cfg.eta = eta;
      auto x = firstStep(kind, cfg, h.v, start());
      const double t = 1.0, s = gridTime(4, 1);
      const double c =
          eta * h.sg(s) * std::sqrt(1 - std::pow(h.a(t) * h.sg(s) / (h.a(s) * h.sg(t)), 2));
      auto gen = at::make_generator<at::CPUGeneratorImpl>(kSeed);
      auto z = torch::randn({1, 2}, gen, kF64);
      for (int d = 0; d < 2; ++d) {
        const double x0 = start()[0][d].item<double>();
        const double want = h.a(s) * h.x0(x0, kMu[d], t) +
                            std::sqrt(h.sg(s) * h.sg(s) - c * c) * h.eps(x0, kMu[d], t) +
                            (eta > 0 ? c * z[0][d].item<double>() : 0.0);
        EXPECT_NEAR(x[0][d].item<double>(), want, 1e-12 * (1 + std::abs(want)))
            << ss::sde::toString(kind) << " eta " << eta;
      }
    }
}

TEST(SolverStep, DpmPp2mSecondStepUsesTheMultistepCorrection) {
  for (SdeKind kind : {SdeKind::VP, SdeKind::SubVP, SdeKind::VE}) {
    const Hand h{sdeConfig(kind), 0.25};
    auto sde = ss::sde::Sde::create(h.c);
    SamplerRun run(std::make_shared<GaussianScore>(h.c, h.v), sde, solver(OdeSolver::DpmPp2m, 5),
                   start(), kSeed);
    run.step();
    run.step();
    EXPECT_EQ(run.state().nfe, 2);
    const double t0 = 1.0, t1 = gridTime(5, 1), t2 = gridTime(5, 2);
    for (int d = 0; d < 2; ++d) {
      const double x0 = start()[0][d].item<double>();
      const double h1 = h.lam(t1) - h.lam(t0), h2 = h.lam(t2) - h.lam(t1);
      const double d0 = h.x0(x0, kMu[d], t0);
      const double x1 = h.sg(t1) / h.sg(t0) * x0 - h.a(t1) * std::expm1(-h1) * d0;
      const double d1 = h.x0(x1, kMu[d], t1), r = h1 / h2;
      const double D = (1 + 1 / (2 * r)) * d1 - 1 / (2 * r) * d0;
      const double want = h.sg(t2) / h.sg(t1) * x1 - h.a(t2) * std::expm1(-h2) * D;
      EXPECT_NEAR(run.state().x[0][d].item<double>(), want, 1e-12 * (1 + std::abs(want)))
          << ss::sde::toString(kind);
    }
  }
}

// VP's λ ↦ t in closed form (Lu et al. 2022, DPM-Solver, Appendix).
double vpTimeAt(const SdeConfig& c, double lambda) {
  const double B = std::log1p(std::exp(-2 * lambda)), db = c.betaMax - c.betaMin;
  return (-c.betaMin + std::sqrt(c.betaMin * c.betaMin + 2 * db * B)) / db;
}

TEST(SolverStep, DpmSolver3MatchesHandFormula) {
  const Hand h{sdeConfig(SdeKind::VP), 0.25};
  auto x = firstStep(SdeKind::VP, solver(OdeSolver::DpmSolver3, 3), h.v, start());
  const double t = 1.0, s = gridTime(3, 1), hh = h.lam(s) - h.lam(t);
  const double s1 = vpTimeAt(h.c, h.lam(t) + hh / 3), s2 = vpTimeAt(h.c, h.lam(t) + 2 * hh / 3);
  for (int d = 0; d < 2; ++d) {
    const double x0 = start()[0][d].item<double>(), mu = kMu[d];
    const double e0 = h.eps(x0, mu, t);
    const double u1 = h.a(s1) / h.a(t) * x0 - h.sg(s1) * std::expm1(hh / 3) * e0;
    const double D1 = h.eps(u1, mu, s1) - e0;
    const double u2 = h.a(s2) / h.a(t) * x0 - h.sg(s2) * std::expm1(2 * hh / 3) * e0 -
                      h.sg(s2) * 2 * (std::expm1(2 * hh / 3) / (2 * hh / 3) - 1) * D1;
    const double D2 = h.eps(u2, mu, s2) - e0;
    const double want = h.a(s) / h.a(t) * x0 - h.sg(s) * std::expm1(hh) * e0 -
                        h.sg(s) * 1.5 * (std::expm1(hh) / hh - 1) * D2;
    EXPECT_NEAR(x[0][d].item<double>(), want, 1e-9 * (1 + std::abs(want)));
  }
}

TEST(SolverStep, EdmHeunMatchesHandFormulaWithChurn) {
  const Hand h{sdeConfig(SdeKind::VP), 0.25};
  for (double churn : {0.0, 2.0}) {
    auto cfg = solver(OdeSolver::EdmHeun, 10);
    cfg.churn = churn;
    // Start at the second grid time so that σ̂ = σ̃(1 + γ) stays below σ̃(T).
    const double t = gridTime(10, 1);
    auto sde = ss::sde::Sde::create(h.c);
    ss::sample::RunSpan span{t, std::numeric_limits<double>::quiet_NaN()};
    SamplerRun run(std::make_shared<GaussianScore>(h.c, h.v), sde, cfg, start(), kSeed, {}, {},
                   span);
    run.step();
    EXPECT_EQ(run.state().nfe, 2);
    const double s = run.state().t;  // the span's grid: uniform from t to eps
    EXPECT_LT(s, t);
    const double st = h.sg(t) / h.a(t), ss_ = h.sg(s) / h.a(s);
    const double sHat = st * (1 + std::min(churn / 10, std::sqrt(2.0) - 1));
    const double tHat = vpTimeAt(h.c, -std::log(sHat));
    auto gen = at::make_generator<at::CPUGeneratorImpl>(kSeed);
    auto z = torch::randn({1, 2}, gen, kF64);
    for (int d = 0; d < 2; ++d) {
      const double x0 = start()[0][d].item<double>(), mu = kMu[d];
      double y = x0 / h.a(t);
      if (churn > 0) y += std::sqrt(sHat * sHat - st * st) * z[0][d].item<double>();
      const double dd = (y - h.x0(h.a(tHat) * y, mu, tHat)) / sHat;
      const double yE = y + (ss_ - sHat) * dd;
      const double d2 = (yE - h.x0(h.a(s) * yE, mu, s)) / ss_;
      const double want = h.a(s) * (y + 0.5 * (ss_ - sHat) * (dd + d2));
      EXPECT_NEAR(run.state().x[0][d].item<double>(), want, 1e-9 * (1 + std::abs(want)))
          << "churn " << churn;
    }
  }
}

// For a point mass every exponential-integrator step (and EDM's Heun, whose slope ε̂ stays
// constant along the flow) is exact: x(s) = a_s μ + (σ_s/σ_t)(x − a_t μ).
TEST(SolverStep, PointMassFlowIsExactForEverySolver) {
  for (SdeKind kind : {SdeKind::VP, SdeKind::SubVP, SdeKind::VE})
    for (OdeSolver s :
         {OdeSolver::Ddim, OdeSolver::DpmPp2m, OdeSolver::DpmSolver3, OdeSolver::EdmHeun}) {
      const Hand h{sdeConfig(kind), 0.0};
      auto sde = ss::sde::Sde::create(h.c);
      SamplerRun run(std::make_shared<GaussianScore>(h.c, 0.0), sde,
                     solver(s, 3, TimeSchedule::LogSnr), start(), kSeed, {}, {},
                     ss::sample::RunSpan{0.8, 0.05});
      run.runToEnd();
      for (int d = 0; d < 2; ++d) {
        const double want =
            h.a(0.05) * kMu[d] +
            h.sg(0.05) / h.sg(0.8) * (start()[0][d].item<double>() - h.a(0.8) * kMu[d]);
        EXPECT_NEAR(run.result()[0][d].item<double>(), want, 1e-9)
            << ss::sde::toString(kind) << " " << ss::sample::toString(s);
      }
    }
}

TEST(TimeGrid, LogSnrAndKarrasGridsHitTheirSpacing) {
  const SdeConfig c = sdeConfig(SdeKind::VP);
  for (double lambda : {-4.0, 0.0, 3.5})
    EXPECT_NEAR(ss::sample::timeAtLogSnr(c, lambda, 1e-5, 1.0), vpTimeAt(c, lambda), 1e-12);
  auto g = ss::sample::solverTimes(c, TimeSchedule::LogSnr, 7, 1.0, 1e-5, 8);
  ASSERT_EQ(g.size(), 9u);
  EXPECT_EQ(g.front(), 1.0);
  EXPECT_EQ(g.back(), 1e-5);
  const double dl = ss::sample::logSnr(c, g[1]) - ss::sample::logSnr(c, g[0]);
  for (size_t i = 1; i < g.size(); ++i)
    EXPECT_NEAR(ss::sample::logSnr(c, g[i]) - ss::sample::logSnr(c, g[i - 1]), dl, 1e-9);
  auto k = ss::sample::solverTimes(c, TimeSchedule::Karras, 7, 1.0, 1e-5, 8);
  const auto root = [&](double t) { return std::exp(-ss::sample::logSnr(c, t) / 7); };
  for (size_t i = 1; i < k.size(); ++i)
    EXPECT_NEAR(root(k[i]) - root(k[i - 1]), (root(1e-5) - root(1.0)) / 8, 1e-9);
  // VE: λ = −log σ is linear in t, so the log-SNR grid is the uniform one.
  auto ve = ss::sample::solverTimes(sdeConfig(SdeKind::VE), TimeSchedule::LogSnr, 7, 1, 0.2, 4);
  EXPECT_NEAR(ve[2], 0.6, 1e-12);
}

}  // namespace

// A caption names the stochastic extensions as such, not as the probability-flow ODE.
TEST(SolverNames, StochasticSolversAreNotCalledTheOde) {
  auto ddim = ss::sample::samplerPreset("ddim").take();
  EXPECT_FALSE(ss::sample::addsNoise(ddim));
  EXPECT_EQ(ss::sample::runKindLabel(ddim), "probability-flow ODE");
  ddim.eta = 0.5;
  EXPECT_TRUE(ss::sample::addsNoise(ddim));
  EXPECT_EQ(ss::sample::runKindLabel(ddim), "DDIM, η = 0.5 (stochastic)");
  auto edm = ss::sample::samplerPreset("edm_heun").take();
  edm.churn = 10;
  EXPECT_EQ(ss::sample::runKindLabel(edm), "EDM Heun, churn 10 (stochastic)");
  EXPECT_EQ(ss::sample::runKindLabel(ss::sample::samplerPreset("pc").take()), "reverse SDE (PC)");
}

// The field's solvers as SamplerRuns (MATH.md §8, docs/SAMPLERS.md): measured orders of
// convergence with the exact 8gaussians score against a tight RK45 reference (the issue's
// "done means": DPM-Solver++(2M) ≥ 1.5 and DDIM ≥ 0.8 from 10 to 40 steps, DPM-Solver++(2M)
// ≥ 2× closer than PF-ODE Euler at 20 steps, the perfect-sampler SW2 band within 25 NFE),
// NFE per step, rewind, conditioning, and the refusals of bad settings.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "core/common/error.h"
#include "core/data/toy.h"
#include "core/metrics/metrics.h"
#include "core/sample/sampler.h"
#include "core/sample/sampler_config.h"
#include "core/score/exact_score.h"
#include "core/sde/sde.h"

namespace {

using ss::sample::OdeSolver;
using ss::sample::SamplerConfig;
using ss::sample::SamplerKind;
using ss::sample::SamplerRun;
using ss::sample::TimeSchedule;
using ss::sde::SdeConfig;
using ss::sde::SdeKind;

struct EightGaussians {
  std::shared_ptr<const ss::data::ToyDistribution> toy = ss::data::makeToy("8gaussians").take();
  std::shared_ptr<const ss::sde::Sde> sde;
  std::shared_ptr<const ss::score::ScoreFn> score;
  explicit EightGaussians(SdeKind kind = SdeKind::VP) {
    SdeConfig c;
    c.kind = kind;
    c.eps = 1e-5;
    if (kind == SdeKind::VE) c.sigmaMax = 6.0;
    sde = ss::sde::Sde::create(c);
    score = std::make_shared<ss::score::MixtureScore>(toy->mixture().value(), sde);
  }
  torch::Tensor prior(int64_t n, torch::ScalarType dtype = torch::kFloat64) const {
    return SamplerRun::priorDraw(*sde, n, {2}, 1).to(dtype);
  }
  SamplerRun run(const SamplerConfig& cfg, const torch::Tensor& xT) const {
    SamplerRun r(score, sde, cfg, xT, 2);
    r.runToEnd();
    return r;
  }
};

SamplerConfig preset(const std::string& name, int steps) {
  auto c = ss::sample::samplerPreset(name).take();
  c.steps = steps;
  return c;
}

double rms(const torch::Tensor& a, const torch::Tensor& b) {
  return (a - b).pow(2).sum(1).mean().sqrt().item<double>();
}

TEST(SolverOrder, EndpointErrorAgainstRk45FallsAtTheSolversOrders) {
  EightGaussians e;
  auto xT = e.prior(400);
  SamplerConfig ref;
  ref.kind = SamplerKind::Ode;
  ref.solver = OdeSolver::Rk45;
  ref.rtol = ref.atol = 1e-10;
  auto x = e.run(ref, xT).result();
  std::map<std::string, std::map<int, double>> err;
  for (const char* name : {"euler", "ddim", "dpmpp_2m", "dpm_solver_3", "edm_heun"})
    for (int steps : {10, 20, 40})
      err[name][steps] = rms(e.run(preset(name, steps), xT).result(), x);
  const auto order = [&](const std::string& n) { return std::log2(err[n][10] / err[n][40]) / 2; };
  for (auto& [name, e] : err) {
    std::printf("%-13s err@10 %.3e  err@20 %.3e  err@40 %.3e  order %.2f\n", name.c_str(), e[10],
                e[20], e[40], order(name));
    RecordProperty(name + "_order", std::to_string(order(name)));
  }
  EXPECT_GE(order("dpmpp_2m"), 1.5);
  EXPECT_GE(order("ddim"), 0.8);
  EXPECT_GE(order("dpm_solver_3"), 2.0);
  EXPECT_GE(order("edm_heun"), 1.5);
  EXPECT_LE(2.0 * err["dpmpp_2m"][20], err["euler"][20]);
}

TEST(SolverOrder, DpmPp2mReachesThePerfectSamplerSw2BandIn25Nfe) {
  // The band of docs/SAMPLERS.md: sw2 ≤ 2.5 × the sw2 between two independent true sets.
  EightGaussians e;
  const int64_t n = 8000;
  auto r = e.run(preset("dpmpp_2m", 25), e.prior(n, torch::kFloat32));
  EXPECT_EQ(r.state().nfe, 25);
  auto truth = e.toy->sample(n, 101).x, truth2 = e.toy->sample(n, 202).x;
  const double sw2 = ss::metrics::slicedWasserstein2(r.result(), truth);
  const double floor = ss::metrics::slicedWasserstein2(truth2, truth);
  std::printf("dpmpp_2m, 25 NFE: sw2 %.4f, floor %.4f (%.2f x)\n", sw2, floor, sw2 / floor);
  EXPECT_LE(sw2, 2.5 * floor);
}

TEST(SolverRun, CountsNfePerStepOnEverySde) {
  const std::map<std::string, int> perStep = {
      {"ddim", 1}, {"dpmpp_2m", 1}, {"dpm_solver_3", 3}, {"edm_heun", 2}};
  for (SdeKind kind : {SdeKind::VP, SdeKind::SubVP, SdeKind::VE}) {
    EightGaussians e(kind);
    for (const auto& [name, k] : perStep) {
      // 24 steps: on sub-VP λ spans 18.8 (VP 11.9), and DPM-Solver++(2M) at 12 steps there
      // still ends 0.27 off the circle (0.08 at 24, as true samples).
      auto r = e.run(preset(name, 24), e.prior(64, torch::kFloat32));
      EXPECT_EQ(r.state().step, 24) << name;
      EXPECT_EQ(r.state().nfe, 24 * k) << name;
      EXPECT_TRUE(torch::isfinite(r.result()).all().item<bool>()) << name;
      // Samples land near the circle of modes (radius 2, std 0.1) about as true samples do.
      const auto offCircle = [](const torch::Tensor& x) {
        return (x.to(torch::kFloat64).norm(2, 1) - 2.0).abs().mean().item<double>();
      };
      EXPECT_LT(offCircle(r.result()), offCircle(e.toy->sample(64, 7).x) + 0.1)
          << name << " on " << ss::sde::toString(kind);
    }
  }
}

TEST(SolverRun, StochasticSolversReplayTheirNoiseOnRewind) {
  EightGaussians e;
  for (auto [name, setting] : {std::pair{"ddim", 0.8}, std::pair{"edm_heun", 10.0}}) {
    auto cfg = preset(name, 10);
    (cfg.solver == OdeSolver::Ddim ? cfg.eta : cfg.churn) = setting;
    auto xT = e.prior(32);
    SamplerRun r(e.score, e.sde, cfg, xT, 5, {{0, 3}, 1});
    r.runToEnd();
    auto first = r.result().clone();
    EXPECT_EQ(r.trajectory().size(), 11u);
    r.rewind();
    r.runToEnd();
    EXPECT_TRUE(torch::equal(first, r.result())) << name;
    // and the noise moves them: a deterministic run ends elsewhere
    auto det = e.run(preset(name, 10), xT).result();
    EXPECT_GT((det - first).abs().max().item<double>(), 1e-3) << name;
  }
}

// Inpainting x₁ = 2 by replacement: the solver integrates the same conditioned ODE as RK45
// (the ODE keeps one z per run, drawn from the run's seed) and converges to it. The replacement
// rule itself only approximates p(x₂ | x₁ = 2): with every sampler (RK45, Euler, PC) about two
// thirds of the paths end at the (√2, ±√2) modes, so the conditional is not asserted here.
TEST(SolverRun, InpaintingConvergesToTheConditionedRk45Run) {
  EightGaussians e;
  ss::sample::Conditioning cond;
  cond.observation = torch::tensor({2.0, 0.0}, torch::kFloat64);
  cond.mask = torch::tensor({1.0, 0.0}, torch::kFloat64);
  const auto run = [&](const SamplerConfig& c) {
    SamplerRun r(e.score, e.sde, c, e.prior(500), 3, {}, cond);
    r.runToEnd();
    return r.result();
  };
  auto ref = preset("ode", 1);
  ref.rtol = ref.atol = 1e-9;
  auto want = run(ref);
  auto x10 = run(preset("dpmpp_2m", 10)), x40 = run(preset("dpmpp_2m", 40));
  EXPECT_TRUE(torch::all(x40.select(1, 0) == 2.0).item<bool>());
  const double e10 = rms(x10, want), e40 = rms(x40, want);
  std::printf("inpainting, dpmpp_2m against RK45: rms %.3e at 10 steps, %.3e at 40\n", e10, e40);
  EXPECT_LT(e40, e10 / 4);  // at least first order from 10 to 40 steps
  EXPECT_LT(e40, 0.05);
}

std::string refusal(SamplerConfig c) { return ss::messageOf(c.validate(SdeKind::VP)); }

TEST(SolverConfig, RefusesBadSettingsWithAMessage) {
  auto c = preset("ddim", 10);
  c.eta = -0.1;
  EXPECT_NE(refusal(c).find("eta"), std::string::npos) << refusal(c);
  c = preset("edm_heun", 10);
  c.churn = -1;
  EXPECT_NE(refusal(c).find("churn"), std::string::npos) << refusal(c);
  for (double rho : {0.0, -7.0, std::nan("")}) {
    c = preset("edm_heun", 10);
    c.rho = rho;
    EXPECT_NE(refusal(c).find("rho"), std::string::npos) << refusal(c);
  }
  c = preset("dpmpp_2m", 10);
  c.eta = 0.5;
  EXPECT_NE(refusal(c).find("ddim"), std::string::npos) << refusal(c);
  c = preset("ode", 10);
  c.schedule = TimeSchedule::Karras;
  EXPECT_NE(refusal(c).find("rk45"), std::string::npos) << refusal(c);
  for (auto g : {TimeSchedule::Uniform, TimeSchedule::LogSnr, TimeSchedule::Karras}) {
    c = preset("pc", 100);
    c.schedule = g;
    EXPECT_NE(refusal(c).find("take no schedule"), std::string::npos) << refusal(c);
    EXPECT_NE(refusal(c).find("dpmpp-2m"), std::string::npos) << refusal(c);
  }
  auto bad = ss::sample::parseTimeSchedule("cosine");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("uniform, logsnr, karras"), std::string::npos);
  // Noise runs backward only: an encoding span with churn is refused with the reason.
  EightGaussians e;
  c = preset("edm_heun", 4);
  c.churn = 5;
  SamplerRun r(e.score, e.sde, c, e.prior(4), 1, {}, {}, {0.01, 0.9});
  try {
    r.step();
    ADD_FAILURE() << "an encoding run with churn stepped";
  } catch (const ss::Failure& f) {
    EXPECT_NE(std::string(f.what()).find("backward"), std::string::npos) << f.what();
  }
}

// One config serves the explorer's two modes: as a PC run it drops η, churn and the grid.
TEST(SolverConfig, ForKindDropsTheOdeSettingsOnPc) {
  auto c = preset("ddim", 10);
  c.eta = 0.5;
  c.schedule = TimeSchedule::LogSnr;
  EXPECT_TRUE(ss::sample::forKind(c, SamplerKind::Ode).validate(SdeKind::VP).ok());
  c.kind = SamplerKind::Pc;
  EXPECT_FALSE(c.validate(SdeKind::VP).ok());
  auto pc = ss::sample::forKind(c, SamplerKind::Pc);
  EXPECT_TRUE(pc.validate(SdeKind::VP).ok()) << refusal(pc);
  EXPECT_EQ(pc.eta, 0.0);
  EXPECT_EQ(pc.schedule, TimeSchedule::Default);
  EXPECT_EQ(ss::sample::forKind(c, SamplerKind::Ode).eta, 0.5);
}

TEST(SolverConfig, PresetsNamesAndDefaultGrids) {
  EXPECT_EQ(ss::sample::samplerPreset("dpmpp_2m").value().solver, OdeSolver::DpmPp2m);
  EXPECT_EQ(ss::sample::samplerPreset("DPM_Solver_3").value().solver, OdeSolver::DpmSolver3);
  EXPECT_EQ(ss::sample::parseOdeSolver("edm_heun").value(), OdeSolver::EdmHeun);
  EXPECT_EQ(ss::sample::defaultSchedule(OdeSolver::Ddim), TimeSchedule::Uniform);
  EXPECT_EQ(ss::sample::defaultSchedule(OdeSolver::DpmPp2m), TimeSchedule::LogSnr);
  EXPECT_EQ(ss::sample::defaultSchedule(OdeSolver::EdmHeun), TimeSchedule::Karras);
  for (auto s : {TimeSchedule::Uniform, TimeSchedule::LogSnr, TimeSchedule::Karras})
    EXPECT_EQ(ss::sample::parseTimeSchedule(ss::sample::toString(s)).value(), s);
  for (auto s : {OdeSolver::Ddim, OdeSolver::DpmPp2m, OdeSolver::DpmSolver3, OdeSolver::EdmHeun}) {
    EXPECT_EQ(ss::sample::parseOdeSolver(ss::sample::toString(s)).value(), s);
    EXPECT_FALSE(ss::sample::fieldName(s).empty());
  }
}

}  // namespace

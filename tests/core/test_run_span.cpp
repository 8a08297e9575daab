// SamplerRun over a RunSpan (core/sample/sampler.h): a PC run started later takes the full
// run's grid steps from there; the ODE runs between any two times in [ε, T], either way; the
// whole span [ε, T] given explicitly is the default run bit for bit; a bad span is an error.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <memory>

#include "core/common/error.h"
#include "core/data/toy.h"
#include "core/sample/sampler.h"
#include "core/score/exact_score.h"
#include "core/sde/sde.h"

namespace {

using namespace ss::sample;

// VP with the exact score of N((0.5, 0.5), 0.3² I).
struct GaussianCase {
  std::shared_ptr<const ss::sde::Sde> sde = ss::sde::Sde::create({});
  std::shared_ptr<const ss::score::ScoreFn> score = std::make_shared<ss::score::MixtureScore>(
      ss::data::GaussianMixture{torch::ones({1}, torch::kFloat64),
                                torch::full({1, 2}, 0.5, torch::kFloat64),
                                torch::full({1}, 0.3, torch::kFloat64)},
      sde);
  torch::Tensor x = torch::tensor({{0.2f, -0.4f}, {1.1f, 0.7f}});
};

SamplerConfig config(SamplerKind kind, int steps) {
  SamplerConfig c;
  c.kind = kind;
  c.steps = steps;
  return c;
}

TEST(RunSpan, PcStartsAtTheFirstGridTimeAtOrBelowItsStart) {
  GaussianCase s;
  auto cfg = config(SamplerKind::Pc, 10);  // grid linspace(1, ε, 10): t_5 ≈ 0.4444
  SamplerRun full(s.score, s.sde, cfg, s.x, 3);
  for (int i = 0; i < 5; ++i) full.step();
  const double t5 = full.state().t;
  SamplerRun late(s.score, s.sde, cfg, s.x, 3, {}, {}, RunSpan{0.45});
  EXPECT_DOUBLE_EQ(late.state().t, t5);
  late.runToEnd();
  full.runToEnd();
  EXPECT_EQ(late.state().step, 5);  // the grid's last five steps
  EXPECT_EQ(late.state().nfe, 5);
  EXPECT_DOUBLE_EQ(late.state().t, full.state().t);
  // Started at ε: the grid's one step at ε itself.
  SamplerRun last(s.score, s.sde, cfg, s.x, 3, {}, {}, RunSpan{s.sde->eps()});
  last.runToEnd();
  EXPECT_EQ(last.state().step, 1);
}

TEST(RunSpan, WholeSpanGivenIsTheDefaultRunBitForBit) {
  GaussianCase s;
  for (auto solver : {OdeSolver::Rk45, OdeSolver::Heun}) {
    auto cfg = config(SamplerKind::Ode, 20);
    cfg.solver = solver;
    SamplerRun a(s.score, s.sde, cfg, s.x, 3);
    SamplerRun b(s.score, s.sde, cfg, s.x, 3, {}, {}, RunSpan{s.sde->T(), s.sde->eps()});
    a.runToEnd();
    b.runToEnd();
    EXPECT_EQ(a.state().nfe, b.state().nfe);
    EXPECT_TRUE(torch::equal(a.result(), b.result()));
  }
}

TEST(RunSpan, OdeRunsForwardAndBackAgain) {
  GaussianCase s;
  for (auto solver : {OdeSolver::Rk45, OdeSolver::Rk4}) {
    auto cfg = config(SamplerKind::Ode, 200);
    cfg.solver = solver;
    cfg.rtol = cfg.atol = 1e-7;
    SamplerRun up(s.score, s.sde, cfg, s.x, 3, {}, {}, RunSpan{0.2, 0.9});
    up.runToEnd();
    EXPECT_DOUBLE_EQ(up.state().t, 0.9);
    EXPECT_GT((up.result() - s.x).abs().max().item<double>(), 0.05);
    SamplerRun down(s.score, s.sde, cfg, up.result(), 3, {}, {}, RunSpan{0.9, 0.2});
    down.runToEnd();
    EXPECT_DOUBLE_EQ(down.state().t, 0.2);
    EXPECT_LT((down.result() - s.x).abs().max().item<double>(), 1e-4);
  }
}

TEST(RunSpan, FixedStepOdeTakesItsShareOfTheSteps) {
  GaussianCase s;
  auto cfg = config(SamplerKind::Ode, 40);
  cfg.solver = OdeSolver::Euler;
  SamplerRun half(s.score, s.sde, cfg, s.x, 3, {}, {}, RunSpan{0.5});
  half.runToEnd();
  EXPECT_EQ(half.state().step, 20);  // ⌈40 (0.5 − ε)/(1 − ε)⌉
  EXPECT_DOUBLE_EQ(half.state().t, s.sde->eps());
}

TEST(RunSpan, BadSpansAreErrors) {
  GaussianCase s;
  EXPECT_THROW(
      SamplerRun(s.score, s.sde, config(SamplerKind::Pc, 10), s.x, 3, {}, {}, RunSpan{0.5, 0.9}),
      ss::Failure);
  EXPECT_THROW(
      SamplerRun(s.score, s.sde, config(SamplerKind::Ode, 10), s.x, 3, {}, {}, RunSpan{1.5}),
      ss::Failure);
  EXPECT_THROW(
      SamplerRun(s.score, s.sde, config(SamplerKind::Ode, 10), s.x, 3, {}, {}, RunSpan{0.5, 0.0}),
      ss::Failure);
  // A run whose span is one time takes no step.
  SamplerRun still(s.score, s.sde, config(SamplerKind::Ode, 10), s.x, 3, {}, {}, RunSpan{0.5, 0.5});
  EXPECT_TRUE(still.state().done);
  EXPECT_TRUE(torch::equal(still.result(), s.x));
}

}  // namespace

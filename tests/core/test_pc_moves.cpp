// PC step-through (TrajectoryOptions::onMove, RunRequest::recordMoves): the recorded
// sub-moves of a PC step compose to exactly the state of the fused step with the same seed,
// the corrector move's mean is x + ε s with ε from MATH.md §4 by hand, and the RunWorker
// publishes the moves (kinds, order, from = the previous move's x) for the first particles.
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <vector>

#include "core/data/toy.h"
#include "core/sample/sampler.h"
#include "core/scene/run_worker.h"
#include "core/score/exact_score.h"
#include "core/sde/sde.h"

namespace {

using ss::sample::Corrector;
using ss::sample::MoveKind;
using ss::sample::MoveRecord;
using ss::sample::Predictor;
using ss::sample::SamplerConfig;
using ss::sample::SamplerRun;
using ss::sample::TrajectoryOptions;

constexpr uint64_t kNoiseSeed = 11;

std::shared_ptr<const ss::sde::Sde> vpSde() { return ss::sde::Sde::create(ss::sde::SdeConfig{}); }

std::shared_ptr<const ss::score::ScoreFn> exactScore(
    const std::shared_ptr<const ss::sde::Sde>& sde) {
  auto toy = ss::data::makeToy("8gaussians").take();
  return ss::score::exactScoreFor(*toy, sde);
}

SamplerConfig pcConfig(Predictor p, int correctorSteps, int steps = 30) {
  SamplerConfig c;
  c.predictor = p;
  c.corrector = Corrector::Langevin;
  c.correctorSteps = correctorSteps;
  c.snr = 0.16;
  c.steps = steps;
  return c;
}

torch::Tensor prior(int64_t n) {
  auto g = at::make_generator<at::CPUGeneratorImpl>(5);
  return torch::randn({n, 2}, g, torch::kFloat32);
}

TEST(PcMoves, RecordedMovesComposeToTheFusedStepBitForBit) {
  auto sde = vpSde();
  auto score = exactScore(sde);
  for (Predictor p : {Predictor::EulerMaruyama, Predictor::ReverseDiffusion, Predictor::Ancestral,
                      Predictor::None}) {
    const auto cfg = pcConfig(p, 2);
    SamplerRun fused(score, sde, cfg, prior(64), kNoiseSeed);
    std::vector<MoveRecord> moves;
    TrajectoryOptions opts;
    opts.onMove = [&](const MoveRecord& m) { moves.push_back(m); };
    SamplerRun stepped(score, sde, cfg, prior(64), kNoiseSeed, opts);
    for (int k = 0; k < 3; ++k) {
      fused.step();
      stepped.step();
      ASSERT_TRUE(torch::equal(fused.state().x, stepped.state().x)) << toString(p) << " step " << k;
      ASSERT_TRUE(torch::equal(fused.state().xMean, stepped.state().xMean)) << toString(p);
      ASSERT_EQ(fused.state().nfe, stepped.state().nfe);
    }
    const size_t perStep = p == Predictor::None ? 2 : 3;
    ASSERT_EQ(moves.size(), 3 * perStep) << toString(p);
    for (size_t i = 0; i < moves.size(); ++i) {
      const auto& m = moves[i];
      const size_t sub = i % perStep;
      EXPECT_EQ(m.step, static_cast<int64_t>(i / perStep));
      EXPECT_EQ(m.kind, sub < 2 ? MoveKind::Corrector : MoveKind::Predictor);
      EXPECT_EQ(m.index, sub < 2 ? static_cast<int>(sub) : 0);
      EXPECT_EQ(std::isnan(m.stepSize), m.kind == MoveKind::Predictor);
    }
    // The last move of the last step is the state the step ends in.
    EXPECT_TRUE(torch::equal(moves.back().x, stepped.state().x));
    // (Without a predictor the step's x̄ is its x, as the reference's NonePredictor.)
    if (p != Predictor::None) EXPECT_TRUE(torch::equal(moves.back().xMean, stepped.state().xMean));
    // Moves report times on the PC grid: t_k = linspace(T, eps, steps)[k].
    const double t1 = torch::linspace(1.0, sde->eps(), 30, torch::kFloat64)[1].item<double>();
    EXPECT_DOUBLE_EQ(moves[perStep].t, t1);
  }
}

TEST(PcMoves, CorrectorMeanIsXPlusEpsilonScoreWithEpsilonByHand) {
  auto sde = vpSde();
  auto score = exactScore(sde);
  const int steps = 40;  // VP's DDPM betas b_i = βmax/steps need steps > βmax = 20
  auto cfg = pcConfig(Predictor::EulerMaruyama, 1, steps);
  auto x = prior(4).to(torch::kFloat64);
  std::vector<MoveRecord> moves;
  TrajectoryOptions opts;
  opts.onMove = [&](const MoveRecord& m) { moves.push_back(m); };
  SamplerRun run(score, sde, cfg, x, kNoiseSeed, opts);
  run.step();
  ASSERT_EQ(moves.size(), 2u);
  // By hand (MATH.md §4): the first noise draw is the corrector's z; α = 1 − b_i with the
  // DDPM beta b_i = βmin/N + i(βmax − βmin)/(N(N−1)) at i = floor(t (N−1)/T) = N − 1 at t = T.
  auto gen = at::make_generator<at::CPUGeneratorImpl>(kNoiseSeed);
  auto z = torch::randn({4, 2}, gen, torch::kFloat64);
  const double t = 1.0;
  auto s = (*score)(x, torch::full({4}, t, torch::kFloat64));
  const double bi = 0.1 / steps + (steps - 1) * (20.0 - 0.1) / (steps * (steps - 1.0));
  const double alpha = 1.0 - bi;
  const double r =
      cfg.snr * z.norm(2, 1).mean().item<double>() / s.norm(2, 1).mean().item<double>();
  const double eps = 2.0 * alpha * r * r;
  const auto& c = moves[0];
  EXPECT_EQ(c.kind, MoveKind::Corrector);
  EXPECT_NEAR(c.stepSize, eps, 1e-12 * eps);
  EXPECT_LE((c.xMean - (x + eps * s)).abs().max().item<double>(), 1e-10);
  EXPECT_LE((c.x - (x + eps * s + std::sqrt(2 * eps) * z)).abs().max().item<double>(), 1e-10);
  // The predictor starts where the corrector ended: EM x̄ = x + [f − g² s] Δt.
  const double dt = -1.0 / steps, f = ss::sde::driftCoefficient(sde->config(), t),
               g = ss::sde::diffusion(sde->config(), t);
  auto xc = c.x;
  auto sc = (*score)(xc, torch::full({4}, t, torch::kFloat64));
  EXPECT_LE((moves[1].xMean - (xc + (f * xc - g * g * sc) * dt)).abs().max().item<double>(), 1e-10);
}

TEST(PcMoves, DefaultRunReportsNothingAndOdeRunsIgnoreTheCallback) {
  auto sde = vpSde();
  auto score = exactScore(sde);
  int calls = 0;
  TrajectoryOptions opts;
  opts.onMove = [&](const MoveRecord&) { ++calls; };
  SamplerConfig ode;
  ode.kind = ss::sample::SamplerKind::Ode;
  ode.solver = ss::sample::OdeSolver::Euler;
  ode.steps = 5;
  SamplerRun run(score, sde, ode, prior(8), kNoiseSeed, opts);
  run.runToEnd();
  EXPECT_EQ(calls, 0);
}

TEST(PcMoves, RunWorkerPublishesMovesThatChain) {
  using namespace std::chrono_literals;
  ss::scene::RunRequest r;
  r.mode = ss::scene::RunMode::ReverseSde;
  r.particles = 500;
  r.traced = 8;
  r.sampler = pcConfig(Predictor::EulerMaruyama, 2, 30);
  r.recordMoves = true;
  r.moveParticles = 100;
  ss::scene::RunWorker w;
  w.request(r);
  ASSERT_TRUE(w.waitIdle(60s));
  ASSERT_EQ(w.lastError(), "");
  auto res = w.latest();
  ASSERT_TRUE(res && res->done);
  EXPECT_EQ(res->moveParticles, 100);
  ASSERT_EQ(res->moves.size(), 90u);  // 30 steps × (2 corrector + 1 predictor)
  for (size_t i = 0; i < res->moves.size(); ++i) {
    const auto& m = *res->moves[i];
    ASSERT_EQ(m.x.size(), 200u);
    ASSERT_EQ(m.mean.size(), 200u);
    EXPECT_EQ(m.corrector, i % 3 < 2);
    if (i > 0) EXPECT_EQ(m.from, res->moves[i - 1]->x);
  }
  // The first move starts at x(T) (the first frame); the last ends where the traces end.
  const auto& first = res->frames.front()->x;
  EXPECT_EQ(std::vector<float>(first.begin(), first.begin() + 200), res->moves.front()->from);
  const size_t k = static_cast<size_t>(res->traced);
  const std::vector<float> lastTrace(res->traces.end() - 2 * k, res->traces.end());
  EXPECT_EQ(std::vector<float>(res->moves.back()->x.begin(), res->moves.back()->x.begin() + 2 * k),
            lastTrace);

  r.recordMoves = false;  // the default keeps no moves
  w.request(r);
  ASSERT_TRUE(w.waitIdle(60s));
  EXPECT_TRUE(w.latest()->moves.empty());
}

}  // namespace

// RunWorker (core/scene/run_worker.h): sampler and forward runs on a worker, published
// progressively as plain frames; a new request supersedes the running one.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>

#include "core/scene/image_run.h"
#include "core/scene/run_worker.h"

namespace {

using namespace std::chrono_literals;
using ss::scene::RunMode;
using ss::scene::RunRequest;
using ss::scene::RunWorker;

RunRequest request(RunMode mode, int64_t n = 2000) {
  RunRequest r;
  r.mode = mode;
  r.data = "8gaussians";
  r.particles = n;
  r.sampler.steps = 200;
  r.maxFrames = 41;
  r.traced = 8;
  return r;
}

// Mean distance of the points from the origin: 8gaussians puts its modes on the circle of
// radius 2 (std 0.1); the prior N(0, I) has E|x| = √(π/2) ≈ 1.25.
double meanSpread(const std::vector<float>& x) {
  double s = 0;
  for (size_t i = 0; i < x.size(); i += 2) s += std::hypot(x[i], x[i + 1]);
  return s / (x.size() / 2);
}

TEST(RunWorker, ReverseSdeEndsOnTheDataAndKeepsFramesAndTraces) {
  RunWorker w;
  w.request(request(RunMode::ReverseSde));
  ASSERT_TRUE(w.waitIdle(120s));
  ASSERT_EQ(w.lastError(), "");
  auto r = w.latest();
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->done);
  EXPECT_EQ(r->n, 2000);
  ASSERT_EQ(r->frames.size(), 41u);  // every 5th of 200 steps, and the start
  EXPECT_DOUBLE_EQ(r->frames.front()->t, 1.0);
  EXPECT_NEAR(r->frames.back()->t, 1e-5, 1e-12);
  EXPECT_EQ(r->frames.back()->nfe, 200);
  for (size_t i = 1; i < r->frames.size(); ++i) EXPECT_LT(r->frames[i]->t, r->frames[i - 1]->t);
  // Traces: 8 particles at every step (201 records).
  EXPECT_EQ(r->traced, 8);
  EXPECT_EQ(r->traceTimes.size(), 201u);
  EXPECT_EQ(r->traces.size(), 201u * 8 * 2);
  // The end sits on the ring of modes.
  const double start = meanSpread(r->frames.front()->x), end = meanSpread(r->frames.back()->x);
  EXPECT_NEAR(start, std::sqrt(M_PI / 2), 0.1) << "prior N(0, I): E|x| = √(π/2)";
  EXPECT_GT(end, 1.5);
  EXPECT_EQ(r->frameAt(0.0), r->frames.back());
  EXPECT_EQ(r->frameAt(1.0), r->frames.front());
  EXPECT_EQ(r->colour.size(), 2000u);
}

TEST(RunWorker, OdeAndForwardRuns) {
  RunWorker w;
  auto ode = request(RunMode::ProbabilityFlow);
  ode.sampler.solver = ss::sample::OdeSolver::Rk45;
  ode.sampler.rtol = ode.sampler.atol = 1e-3;
  w.request(ode);
  ASSERT_TRUE(w.waitIdle(120s));
  auto r = w.latest();
  ASSERT_TRUE(r && r->done) << w.lastError();
  EXPECT_GT(r->frames.size(), 3u);  // RK45 keeps every accepted step
  EXPECT_EQ(r->frames.size(), r->traceTimes.size());

  auto fwd = request(RunMode::Forward);
  fwd.simulatedForward = true;
  w.request(fwd);
  ASSERT_TRUE(w.waitIdle(120s));
  r = w.latest();
  ASSERT_TRUE(r && r->done) << w.lastError();
  EXPECT_DOUBLE_EQ(r->frames.front()->t, 0.0);
  EXPECT_DOUBLE_EQ(r->frames.back()->t, 1.0);
  EXPECT_NEAR(meanSpread(r->frames.back()->x), std::sqrt(M_PI / 2), 0.1)
      << "the forward end is the prior";
}

TEST(RunWorker, NewRequestSupersedesAndBadRequestKeepsTheLastResult) {
  RunWorker w;
  auto slow = request(RunMode::ReverseSde, 20000);
  slow.sampler.steps = 1000;
  w.request(slow);
  std::this_thread::sleep_for(50ms);
  w.request(request(RunMode::ReverseSde));  // replaces the long run between steps
  ASSERT_TRUE(w.waitIdle(120s));
  auto r = w.latest();
  ASSERT_TRUE(r && r->done);
  EXPECT_EQ(r->n, 2000);

  auto bad = request(RunMode::ReverseSde);
  bad.data = "no-such-data";
  w.request(bad);
  ASSERT_TRUE(w.waitIdle(60s));
  EXPECT_NE(w.lastError().find("8gaussians"), std::string::npos) << w.lastError();
  EXPECT_EQ(w.latest(), r) << "a failed request leaves the last result";
}

}  // namespace

namespace {

TEST(RunWorker, FinishedReverseRunsCarryMetrics) {
  RunWorker w;
  w.request(request(RunMode::ReverseSde));
  ASSERT_TRUE(w.waitIdle(120s));
  auto r = w.latest();
  ASSERT_TRUE(r && r->done) << w.lastError();
  const auto& m = r->metrics;
  ASSERT_TRUE(m.valid);
  EXPECT_TRUE(m.hasDensity);
  EXPECT_GT(m.sw2Floor, 0.0);
  EXPECT_LT(m.sw2, 3.0 * m.sw2Floor) << "the exact score's samples match the data";
  EXPECT_NEAR(m.nllTrue, m.entropy, 0.15);
  ASSERT_EQ(m.modeWeights.size(), 8u);
  for (double x : m.modeWeights) EXPECT_NEAR(x, 0.125, 0.04);
  EXPECT_TRUE(std::isnan(m.straightness)) << "an SDE path's length is its noise's";
}

// A PF-ODE run's paths through its frames: for 8gaussians the exact marginal flow bends
// (docs/PROCESSES.md: VP 0.80, the rectified flow 0.67 at 200 Heun steps).
TEST(RunWorker, FinishedOdeRunsCarryTheirStraightness) {
  for (auto kind : {ss::sde::SdeKind::VP, ss::sde::SdeKind::RF}) {
    RunWorker w;
    auto r = request(RunMode::ProbabilityFlow);
    r.sde = ss::sde::defaultsFor(kind);
    r.sampler.kind = ss::sample::SamplerKind::Ode;
    r.sampler.solver = ss::sample::OdeSolver::Heun;
    r.maxFrames = 201;
    w.request(r);
    ASSERT_TRUE(w.waitIdle(120s));
    auto res = w.latest();
    ASSERT_TRUE(res && res->done) << w.lastError();
    const double s = res->metrics.straightness;
    if (kind == ss::sde::SdeKind::VP)
      EXPECT_NEAR(s, 0.80, 0.03);
    else
      EXPECT_NEAR(s, 0.67, 0.03);
  }
}

}  // namespace

#include "core/nn/score_net.h"
#include "core/sde/sde.h"
#include "core/train/snapshot.h"

namespace {

TEST(RunWorker, UsesOnlyATrainedModelOfThisDataAndSde) {
  auto snap = std::make_shared<ss::train::ModelSnapshot>();
  snap->ema = ss::nn::makeNet(ss::nn::NetConfig{}, 1);
  snap->sde = ss::sde::Sde::create(ss::sde::SdeConfig{});
  snap->data = "8gaussians";
  snap->step = 0;
  RunWorker w;
  auto r = request(RunMode::ProbabilityFlow, 500);
  r.sampler.solver = ss::sample::OdeSolver::Rk45;
  r.model = snap;
  w.request(r);
  ASSERT_TRUE(w.waitIdle(60s));
  EXPECT_NE(w.latest()->scoreName.find("no trained model"), std::string::npos) << "step 0 is noise";
  snap->step = 100;
  r.data = "moons";  // the trainer has not caught up with a dataset change yet
  w.request(r);
  ASSERT_TRUE(w.waitIdle(60s));
  EXPECT_NE(w.latest()->scoreName.find("no trained model"), std::string::npos)
      << w.latest()->scoreName;
  r.data = "8gaussians";
  w.request(r);
  ASSERT_TRUE(w.waitIdle(60s));
  EXPECT_EQ(w.latest()->scoreName, "learned (step 100)");
}

}  // namespace

namespace {

TEST(RunWorker, TweedieEstimatesPointAtTheDataEarlyAndAtTheMeanLate) {
  RunWorker w;
  w.request(request(RunMode::ReverseSde));
  ASSERT_TRUE(w.waitIdle(120s));
  auto r = w.latest();
  ASSERT_TRUE(r && r->done) << w.lastError();
  ASSERT_EQ(r->tweedie.size(), r->traces.size());
  const size_t k = static_cast<size_t>(r->traced), records = r->traceTimes.size();
  // At t = T the posterior mean of x0 given pure noise is the data mean (≈ 0 here); at the
  // end x̂₀ equals the sample itself (σ → 0) and sits on a mode (|x| ≈ 2).
  double early = 0, lateGap = 0, lateRadius = 0;
  for (size_t p = 0; p < k; ++p) {
    early += std::hypot(r->tweedie[p * 2], r->tweedie[p * 2 + 1]);
    const size_t i = ((records - 1) * k + p) * 2;
    lateGap += std::hypot(r->tweedie[i] - r->traces[i], r->tweedie[i + 1] - r->traces[i + 1]);
    lateRadius += std::hypot(r->tweedie[i], r->tweedie[i + 1]);
  }
  EXPECT_LT(early / k, 0.3) << "x̂₀ at T is near the data mean";
  EXPECT_LT(lateGap / k, 0.05) << "x̂₀ at ε is the sample";
  EXPECT_NEAR(lateRadius / k, 2.0, 0.3) << "and it sits on the ring of modes";
}

}  // namespace

namespace {

// 2D inpainting (MATH.md §6) on two moons made of 40 small Gaussians: with x₁ = 0.5 held, the
// samples' x₂ lands on the two arcs that cross x₁ = 0.5 (y = sin 60° ≈ 0.866 on the upper
// moon, 0.5 − sin 60° ≈ −0.366 on the lower one), with little mass between them; x₁ ends
// exactly at 0.5. An independent PyTorch-in-Python reference of the same replacement sampler
// (300 EM steps) put 1,745 of 4,000 samples within 0.25 of the upper arc, 1,689 of the lower,
// and 2.3 % in [0.1, 0.4].
TEST(RunWorker, InpaintingOneCoordinateSamplesTheConditional) {
  RunWorker w;
  RunRequest r = request(RunMode::ReverseSde, 4000);
  r.data = (std::filesystem::path(SCORESCOPE_TEST_DATA_DIR).parent_path().parent_path() / "assets" /
            "scenes" / "data" / "moons_mixture.json")
               .string();
  r.sampler.steps = 300;
  r.fixedAxis = 0;
  r.fixedValue = 0.5;
  w.request(r);
  ASSERT_TRUE(w.waitIdle(120s));
  ASSERT_EQ(w.lastError(), "");
  const auto& x = w.latest()->frames.back()->x;
  int upper = 0, lower = 0, between = 0, n = 0;
  double maxDev = 0;
  for (size_t i = 0; i < x.size(); i += 2, ++n) {
    maxDev = std::max(maxDev, std::abs(x[i] - 0.5));
    const double y = x[i + 1];
    upper += std::abs(y - 0.866) < 0.25;
    lower += std::abs(y + 0.366) < 0.25;
    between += y > 0.1 && y < 0.4;
  }
  EXPECT_LT(maxDev, 1e-6) << "the known coordinate ends at its value";
  EXPECT_GT(upper, 0.35 * n);
  EXPECT_GT(lower, 0.35 * n);
  EXPECT_LT(between, 0.08 * n);
}

}  // namespace

// Both runs' results pick frames alike: the nearest t, ties to the later frame (a run's
// final, denoised frame over an earlier one at the same time).
TEST(RunFrames, NearestTimeWithTiesToTheLaterFrame) {
  ss::scene::RunResult run;
  ss::scene::ImageRunResult images;
  for (double t : {1.0, 0.5, 0.5, 0.0}) {
    auto f = std::make_shared<ss::scene::RunFrame>();
    f->t = t;
    run.frames.push_back(f);
    auto g = std::make_shared<ss::scene::ImageFrame>();
    g->t = t;
    images.frames.push_back(g);
  }
  EXPECT_EQ(run.frameAt(0.5), run.frames[2]);
  EXPECT_EQ(images.frameAt(0.5), images.frames[2]);
  EXPECT_EQ(run.frameAt(0.8), run.frames[0]);
  EXPECT_EQ(run.frameAt(0.75), run.frames[2]);  // equidistant from 1 and 0.5: the later
  EXPECT_EQ(images.frameAt(-3), images.frames[3]);
  EXPECT_EQ(ss::scene::RunResult{}.frameAt(0.5), nullptr);
}

// The time a run has left, at its pace so far: what the canvas caption shows while it runs.
TEST(RunFrames, SecondsLeftFollowThePaceSoFar) {
  ss::scene::RunResult r;
  r.plannedSteps = 1000;
  r.step = 250;
  r.seconds = 10;
  EXPECT_DOUBLE_EQ(r.secondsLeft(), 30);
  r.step = 0;
  EXPECT_EQ(r.secondsLeft(), -1);  // no pace yet
  r.step = 250;
  r.plannedSteps = 0;  // adaptive (RK45): unknown
  EXPECT_EQ(r.secondsLeft(), -1);
  r.plannedSteps = 1000;
  r.done = true;
  EXPECT_EQ(r.secondsLeft(), -1);
}

// A bounded request: traced paths keep about 2000 records however many steps a run takes
// (a record per step let 1e9 steps grow without bound), and the frames their budget.
TEST(RunWorker, LongRunsKeepBoundedRecords) {
  RunWorker w;
  auto fwd = request(RunMode::Forward, 50);
  fwd.simulatedForward = true;
  fwd.sampler.steps = 20000;
  fwd.traced = 4;
  w.request(fwd);
  ASSERT_TRUE(w.waitIdle(120s));
  auto r = w.latest();
  ASSERT_TRUE(r && r->done) << w.lastError();
  EXPECT_LE(r->frames.size(), 41u);
  EXPECT_GE(r->traceTimes.size(), 1000u);
  EXPECT_LE(r->traceTimes.size(), 2001u);
  EXPECT_EQ(r->traces.size(), r->traceTimes.size() * 4 * 2);
}

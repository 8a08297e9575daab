// ProbeWorker (core/scene/probe_worker.h): dropped points run the reverse SDE and the
// PF-ODE from t down to ε with their whole paths kept; a data point encodes through the ODE.
// Checked on one narrow Gaussian, whose exact score sends every path to its mean.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/sample/sampler.h"
#include "core/scene/probe_worker.h"
#include "core/score/exact_score_cache.h"

namespace {

using namespace std::chrono_literals;
using ss::scene::ProbeKind;
using ss::scene::ProbeRequest;
using ss::scene::ProbeResult;
using ss::scene::ProbeWorker;

constexpr float kMeanX = 1.0f, kMeanY = -0.5f;

// One Gaussian N((1, −0.5), 0.05² I) as a mixture file.
std::string narrowGaussian() {
  const auto path = std::filesystem::temp_directory_path() / "scorescope_probe_gaussian.json";
  std::ofstream(path) << R"({"weights":[1],"means":[[1.0,-0.5]],"stds":[0.05]})";
  return path.string();
}

ProbeRequest dropAt(double t, std::vector<float> points) {
  ProbeRequest r;
  r.kind = ProbeKind::Drop;
  r.data = narrowGaussian();
  r.sde.kind = ss::sde::SdeKind::VP;
  r.sampler.steps = 500;
  r.t = t;
  r.points = std::move(points);
  r.seed = 7;
  return r;
}

std::shared_ptr<const ProbeResult> run(ProbeWorker& w, ProbeRequest r) {
  w.request(std::move(r));
  EXPECT_TRUE(w.waitIdle(120s));
  EXPECT_EQ(w.lastError(), "");
  return w.latest();
}

// The last record's point i.
std::pair<float, float> endOf(const ss::scene::ProbePath& p, int64_t n, int64_t i) {
  const size_t at = ((p.records() - 1) * n + i) * 2;
  return {p.xy[at], p.xy[at + 1]};
}

TEST(ProbeWorker, DroppedPointsEndNearTheMeanOnBothPaths) {
  ProbeWorker w;
  const std::vector<float> pts{0.3f, 0.2f, -0.4f, 0.9f, 1.6f, -1.2f, 0.0f, 0.0f};
  auto r = run(w, dropAt(0.5, pts));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->n, 4);
  EXPECT_DOUBLE_EQ(r->t, 0.5);
  for (const auto* path : {&r->sde, &r->ode}) {
    ASSERT_GE(path->records(), 3u);
    ASSERT_EQ(path->xy.size(), path->records() * 4 * 2);
    EXPECT_DOUBLE_EQ(path->times.front(), 0.5);
    EXPECT_NEAR(path->times.back(), 1e-5, 1e-9);
    EXPECT_EQ(path->xy[0], pts[0]);  // the first record is the dropped point itself
    for (int64_t i = 0; i < 4; ++i) {
      auto [x, y] = endOf(*path, 4, i);
      // σ(0.5) ≈ 0.94 against a data std of 0.05: every path lands within a few stds.
      EXPECT_NEAR(x, kMeanX, 0.2) << "point " << i;
      EXPECT_NEAR(y, kMeanY, 0.2) << "point " << i;
    }
  }
  // The SDE starts on the main run's grid: steps below t = 0.5 only (about half of 500).
  EXPECT_NEAR(static_cast<double>(r->sde.records()), 251.0, 2.0);
  EXPECT_EQ(r->sde.nfe, static_cast<int64_t>(r->sde.records()) - 1);
}

// A point set's exact score is stiff near 0: the probe's reverse SDE ends its grid at
// T/steps (as SamplerRun does) and lands on a data point instead of overshooting past it.
TEST(ProbeWorker, ExactEmpiricalProbesEndOnAPoint) {
  const auto csv = std::filesystem::temp_directory_path() / "scorescope_probe_points.csv";
  std::ofstream(csv) << "x,y\n0,0\n1,0\n0,1\n1,1\n";
  ProbeWorker w;
  auto req = dropAt(0.3, {0.4f, 0.3f, 0.9f, 0.6f});
  req.data = csv.string();
  auto r = run(w, req);
  ASSERT_TRUE(r);
  EXPECT_NEAR(r->sde.times.back(), 1.0 / 500, 1e-12);
  for (int64_t i = 0; i < 2; ++i) {
    auto [x, y] = endOf(r->sde, 2, i);
    // Within a few σ(T/steps) ≈ 0.01 of a corner (the old last step threw it ~100× further).
    const float dx = std::min(std::abs(x), std::abs(x - 1)),
                dy = std::min(std::abs(y), std::abs(y - 1));
    EXPECT_LT(std::hypot(dx, dy), 0.05f) << "point " << i << " at " << x << ", " << y;
  }
}

// The contract: a probe of one particle dropped at T follows the main run's path for that
// particle, SamplerRun's with the same noise seed, step for step (the ODE path likewise).
TEST(ProbeWorker, APathIsTheSamplerRunOfItsParticle) {
  ProbeWorker w;
  ProbeRequest req = dropAt(1.0, {0.3f, -0.2f});
  req.sampler.steps = 40;
  auto r = run(w, req);
  ASSERT_TRUE(r);
  ss::score::ExactScoreCache cache;
  auto score = cache.get(req.data, req.sde).exact;
  auto sde = ss::sde::Sde::create(req.sde);
  const auto x = torch::tensor({{0.3f, -0.2f}});
  for (auto kind : {ss::sample::SamplerKind::Pc, ss::sample::SamplerKind::Ode}) {
    const auto& path = kind == ss::sample::SamplerKind::Pc ? r->sde : r->ode;
    auto cfg = req.sampler;
    cfg.kind = kind;
    ss::sample::SamplerRun full(score, sde, cfg, x, req.seed, {{0}, 1});
    full.runToEnd();
    const auto& traj = full.trajectory();
    ASSERT_EQ(path.records(), traj.size());
    EXPECT_EQ(path.nfe, full.state().nfe);
    for (size_t i = 0; i + 1 < traj.size(); ++i) {
      EXPECT_EQ(path.xy[2 * i], traj[i][0][0].item<float>()) << "record " << i;
      EXPECT_EQ(path.xy[2 * i + 1], traj[i][0][1].item<float>()) << "record " << i;
      if (i > 0) EXPECT_EQ(path.times[i], full.trajectoryTimes()[i]) << "record " << i;
    }
    auto [ex, ey] = endOf(path, 1, 0);  // the last record is the run's result
    EXPECT_EQ(ex, full.result()[0][0].item<float>());
    EXPECT_EQ(ey, full.result()[0][1].item<float>());
  }
}

TEST(ProbeWorker, EncodeThenDecodeReturnsThePoint) {
  ProbeWorker w;
  ProbeRequest enc = dropAt(0, {1.03f, -0.46f});
  enc.kind = ProbeKind::Encode;
  auto e = run(w, enc);
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->sde.xy.empty());
  EXPECT_NEAR(e->ode.times.front(), 1e-5, 1e-12);
  EXPECT_DOUBLE_EQ(e->ode.times.back(), 1.0);
  auto [zx, zy] = endOf(e->ode, 1, 0);
  // VP at T: x(T) = a(T)·x + (σ(T)/s(0))(x − μ)·a-ish: the latent sits far from the data point.
  EXPECT_GT(std::hypot(zx - 1.03f, zy + 0.46f), 0.3);
  auto d = run(w, dropAt(1.0, {zx, zy}));
  ASSERT_TRUE(d);
  auto [x, y] = endOf(d->ode, 1, 0);
  EXPECT_NEAR(x, 1.03f, 1e-3);
  EXPECT_NEAR(y, -0.46f, 1e-3);
}

TEST(ProbeWorker, BadInputKeepsTheLastResult) {
  ProbeWorker w;
  auto good = run(w, dropAt(0.3, {0.0f, 0.0f}));
  ASSERT_TRUE(good);
  w.request(dropAt(0.3, {}));
  ASSERT_TRUE(w.waitIdle(60s));
  EXPECT_NE(w.lastError().find("at least one point"), std::string::npos);
  EXPECT_EQ(w.latest(), good);
  ProbeRequest missing = dropAt(0.3, {0.0f, 0.0f});
  missing.data = "/nonexistent/drawn.csv";
  w.request(missing);
  ASSERT_TRUE(w.waitIdle(60s));
  EXPECT_NE(w.lastError().find("drawn.csv"), std::string::npos);
  EXPECT_EQ(w.latest(), good);
}

}  // namespace

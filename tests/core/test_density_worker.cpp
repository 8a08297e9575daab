// The model's density through the PF-ODE at any t (likelihood::logLikelihoodAt) and the
// progressive DensityWorker (core/scene/density_worker.h), checked with the exact mixture
// score as the "model": the ODE's log p_t must equal the closed-form perturbed mixture.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <thread>
#include <vector>

#include "core/data/toy.h"
#include "core/likelihood/likelihood.h"
#include "core/scene/density_worker.h"
#include "core/score/exact_score.h"
#include "core/sde/sde.h"

namespace {

using namespace std::chrono_literals;
const auto kF64 = torch::TensorOptions().dtype(torch::kFloat64);

std::shared_ptr<const ss::score::MixtureScore> eightGaussians(
    std::shared_ptr<const ss::sde::Sde> sde) {
  auto toy = ss::data::makeToy("8gaussians").take();
  return std::make_shared<ss::score::MixtureScore>(toy->mixture().value(), std::move(sde));
}

torch::Tensor logpAt(const ss::score::MixtureScore& s, const torch::Tensor& x, double t) {
  return s.logProb(x, torch::full({x.size(0)}, t, kF64));
}

class LogLikelihoodAt : public ::testing::TestWithParam<double> {};

TEST_P(LogLikelihoodAt, EqualsTheExactPerturbedMixture) {
  const double t = GetParam();
  auto sde = ss::sde::Sde::create(ss::sde::SdeConfig{});
  auto score = eightGaussians(sde);
  // Points spread over the view, modes and gaps alike.
  auto gen = at::make_generator<at::CPUGeneratorImpl>(3);
  auto x = torch::rand({400, 2}, gen, kF64) * 6.0 - 3.0;
  auto terminal = [&](const torch::Tensor& z) { return logpAt(*score, z, sde->T()); };
  auto r = ss::likelihood::logLikelihoodAt(*score, *sde, x, t, {}, terminal);
  ASSERT_FALSE(r.stopped);
  const double err = (r.logp - logpAt(*score, x, t)).abs().mean().item<double>();
  EXPECT_LE(err, 1e-3) << "t = " << t << ": mean |log p_t − exact| = " << err << " nats";
  RecordProperty("mean_abs_error_t" + std::to_string(t), std::to_string(err));
  // Sign check against the plain likelihood: from ε it is logLikelihood itself.
  if (t == 0.5) {
    auto shorter = ss::likelihood::logLikelihoodAt(*score, *sde, x, 0.9, {}, terminal);
    EXPECT_LT(shorter.nfe, r.nfe) << "a later start integrates less";
  }
}

INSTANTIATE_TEST_SUITE_P(Times, LogLikelihoodAt, ::testing::Values(0.1, 0.5));

TEST(LogLikelihoodAt, AtTIsTheTerminalDensityAndStopEndsEarly) {
  auto sde = ss::sde::Sde::create(ss::sde::SdeConfig{});
  auto score = eightGaussians(sde);
  auto x = torch::tensor({{0.0, 0.0}, {2.0, 0.0}}, kF64);
  auto r = ss::likelihood::logLikelihoodAt(*score, *sde, x, 1.0);
  EXPECT_EQ(r.nfe, 0);
  EXPECT_TRUE(torch::allclose(r.logp, sde->priorLogProb(x).to(torch::kFloat64)));
  ss::likelihood::LikelihoodConfig cfg;
  cfg.stop = [] { return true; };
  EXPECT_TRUE(ss::likelihood::logLikelihoodAt(*score, *sde, x, 0.5, cfg).stopped);
  EXPECT_THROW(ss::likelihood::logLikelihoodAt(*score, *sde, x, -1.0), ss::Failure);
}

TEST(DensityLevels, HalveDownToTheCoarsestAndFollowTheAspect) {
  ss::scene::DensityRequest r;
  r.bounds = {-4, -2, 4, 2};
  auto l = ss::scene::densityLevels(r);
  ASSERT_EQ(l.size(), 4u);
  EXPECT_EQ(l[0], (std::array<int, 2>{16, 8}));
  EXPECT_EQ(l[3], (std::array<int, 2>{128, 64}));
  r.bounds = {0, 0, 1, 0};
  EXPECT_TRUE(ss::scene::densityLevels(r).empty());
}

// Polls the worker until idle, keeping every distinct publication.
std::vector<std::shared_ptr<const ss::scene::DensityGrid>> collect(ss::scene::DensityWorker& w,
                                                                   std::chrono::seconds limit) {
  std::vector<std::shared_ptr<const ss::scene::DensityGrid>> seen;
  uint64_t last = 0;
  const auto end = std::chrono::steady_clock::now() + limit;
  for (;;) {
    const bool idle = !w.busy();
    uint64_t v = 0;
    auto g = w.latest(&v);
    if (g && v != last) {
      seen.push_back(g);
      last = v;
    }
    if (idle || std::chrono::steady_clock::now() > end) return seen;
    std::this_thread::sleep_for(1ms);
  }
}

TEST(DensityWorker, ExactScoreReproducesTheExactGridCoarseToFine) {
  ss::scene::DensityWorker w;
  ss::scene::DensityRequest r;
  r.t = 0.1;
  r.finest = 64;
  w.request(r);
  auto seen = collect(w, 300s);
  ASSERT_EQ(w.lastError(), "");
  ASSERT_EQ(seen.size(), 3u) << "16, 32, 64";
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i]->level, static_cast<int>(i));
    EXPECT_EQ(seen[i]->nx, 16 << i);
    EXPECT_EQ(seen[i]->modelStep, -1);
    RecordProperty("level" + std::to_string(i) + "_seconds", std::to_string(seen[i]->seconds));
  }
  const auto& fine = *seen.back();
  ASSERT_TRUE(fine.finest());
  ASSERT_EQ(fine.logDensity.size(), 64u * 64u);
  auto sde = ss::sde::Sde::create(r.sde);
  auto score = eightGaussians(sde);
  double err = 0;
  for (int j = 0; j < 64; ++j)
    for (int i = 0; i < 64; ++i) {
      const double x = -3 + (i + 0.5) * 6.0 / 64, y = -3 + (j + 0.5) * 6.0 / 64;
      const double exact = logpAt(*score, torch::tensor({{x, y}}, kF64), r.t).item<double>();
      err += std::abs(fine.logDensity[static_cast<size_t>(j) * 64 + i] - exact);
    }
  err /= 64 * 64;
  EXPECT_LE(err, 1e-3) << "mean |log p_t − exact| over the grid: " << err << " nats";
}

TEST(DensityWorker, ANewRequestSupersedesTheRunningOne) {
  ss::scene::DensityWorker w;
  ss::scene::DensityRequest slow;
  slow.t = 1e-3;  // stiff near 0: the 256×256 level would take long
  slow.finest = 256;
  slow.coarsest = 256;
  w.request(slow);
  std::this_thread::sleep_for(200ms);
  ss::scene::DensityRequest quick;
  quick.t = 0.8;
  quick.finest = quick.coarsest = 8;
  const auto start = std::chrono::steady_clock::now();
  w.request(quick);
  ASSERT_TRUE(w.waitIdle(60s));
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // The full 256×256 level at t = 1e-3 takes many minutes (64×64 alone takes over a
  // minute under load); stopping between RK45 steps ends it within one step's time.
  EXPECT_LT(s, 30.0) << "the running level stops between ODE steps";
  auto g = w.latest();
  ASSERT_TRUE(g);
  EXPECT_EQ(g->nx, 8) << "the superseded request published nothing";
  EXPECT_DOUBLE_EQ(g->request.t, 0.8);
}

TEST(DensityWorker, BadRequestsBecomeErrorsAndKeepTheLastGrid) {
  ss::scene::DensityWorker w;
  ss::scene::DensityRequest r;
  r.t = 0.9;
  r.finest = r.coarsest = 8;
  w.request(r);
  ASSERT_TRUE(w.waitIdle(60s));
  ASSERT_TRUE(w.latest());
  auto bad = r;
  bad.bounds = {1, 1, 1, 2};
  w.request(bad);
  ASSERT_TRUE(w.waitIdle(60s));
  EXPECT_NE(w.lastError().find("bounds"), std::string::npos) << w.lastError();
  bad = r;
  bad.data = "no-such-data";
  w.request(bad);
  ASSERT_TRUE(w.waitIdle(60s));
  EXPECT_FALSE(w.lastError().empty());
  EXPECT_EQ(w.latest()->nx, 8);
}

}  // namespace

// The solver lab (core/sample/solver_lab*.h, core/scene/solver_lab_worker.h): the slope fit,
// the spec's checks, the lab itself on the exact 8gaussians score (orders as measured, the
// reference shared, points filling in budget by budget) and the worker (publishes as it
// goes, a new request cancels the running one).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/data/toy.h"
#include "core/sample/solver_lab.h"
#include "core/sample/solver_lab_run.h"
#include "core/scene/solver_lab_worker.h"
#include "core/score/exact_score.h"

namespace {

using ss::sample::SolverLabResult;
using ss::sample::SolverLabSpec;

TEST(SolverLab, SlopeOfAPowerLawIsItsExponent) {
  std::vector<double> x = {5, 10, 20, 50}, y;
  for (double v : x) y.push_back(3.0 * std::pow(v, -2.0));
  EXPECT_NEAR(ss::sample::logLogSlope(x, y), -2.0, 1e-12);
  EXPECT_TRUE(std::isnan(ss::sample::logLogSlope({5}, {1.0})));
  // Non-positive values are left out of the fit, not taken as log(0).
  EXPECT_NEAR(ss::sample::logLogSlope({1, 2, 4, 8}, {1, 0.5, 0.25, 0}), -1.0, 1e-12);
}

TEST(SolverLab, BudgetsBecomeWholeStepsOfEachSolver) {
  EXPECT_EQ(ss::sample::stepsForBudget("euler", 10), 10);
  EXPECT_EQ(ss::sample::stepsForBudget("edm_heun", 10), 5);
  EXPECT_EQ(ss::sample::stepsForBudget("dpm_solver_3", 10), 3);
  EXPECT_EQ(ss::sample::stepsForBudget("rk4", 3), 1);  // at least one step
}

TEST(SolverLab, BadSpecsAreRefusedWithTheReason) {
  SolverLabSpec s;
  EXPECT_TRUE(s.validate().ok());
  s.solvers = {"rk45"};
  EXPECT_NE(s.validate().error().message.find("reference"), std::string::npos);
  s.solvers = {"pc"};
  EXPECT_NE(s.validate().error().message.find("'pc'"), std::string::npos);
  s = {};
  s.nfes = {10, 0};
  EXPECT_NE(s.validate().error().message.find("NFE budget (0)"), std::string::npos);
  s = {};
  s.particles = 1;
  EXPECT_FALSE(s.validate().ok());
  s = {};
  s.referenceTol = 0.1;
  EXPECT_FALSE(s.validate().ok());
  EXPECT_FALSE(ss::sample::parseIntList("5,x", "--nfe").ok());
  EXPECT_FALSE(ss::sample::parseNameList("euler,,ddim", "--solvers").ok());
  EXPECT_EQ(ss::sample::parseIntList("5, 10,20", "--nfe").value(), (std::vector<int>{5, 10, 20}));
}

ss::sample::SolverLabInputs mixtureInputs() {
  auto toy = ss::data::makeToy("8gaussians").take();
  auto sde = ss::sde::Sde::create(ss::sde::SdeConfig{});
  return {std::make_shared<ss::score::MixtureScore>(toy->mixture().value(), sde),
          sde,
          toy,
          torch::kCPU,
          true,
          "8gaussians",
          "vp"};
}

// The measured orders on the exact score: DPM-Solver++(2M) second order, Euler and DDIM first.
TEST(SolverLab, MeasuresEachSolversOrderAgainstTheReference) {
  torch::NoGradGuard noGrad;
  SolverLabSpec spec;
  spec.solvers = {"euler", "ddim", "dpmpp_2m"};
  spec.nfes = {10, 20, 40};
  spec.particles = 500;
  int reports = 0;
  const auto r =
      ss::sample::runSolverLab(spec, mixtureInputs(), [&](const SolverLabResult&) { ++reports; });
  ASSERT_TRUE(r.done);
  EXPECT_EQ(reports, 1 + 9 + 1);  // the reference, each point, the end
  EXPECT_GT(r.referenceNfe, 100);
  ASSERT_EQ(r.curves.size(), 3u);
  EXPECT_EQ(r.curves[2].solver, "dpmpp_2m");
  EXPECT_EQ(r.curves[2].grid, "logsnr");
  for (const auto& c : r.curves) {
    ASSERT_EQ(c.points.size(), 3u);
    EXPECT_LT(c.points[2].error, c.points[0].error) << c.solver;
  }
  EXPECT_GT(-r.curves[0].errorSlope(), 0.8);  // Euler
  EXPECT_GT(-r.curves[1].errorSlope(), 0.8);  // DDIM
  EXPECT_GT(-r.curves[2].errorSlope(), 1.5);  // DPM-Solver++(2M)
  EXPECT_LT(r.curves[2].points[1].error, r.curves[0].points[1].error / 2);
  EXPECT_GT(r.floor, 0);
  const auto j = nlohmann::json::parse(r.toJson());
  EXPECT_EQ(j["solvers"][2]["points"][1]["nfe"], r.curves[2].points[1].nfe);
  EXPECT_NEAR(j["solvers"][2]["measured_order"].get<double>(), -r.curves[2].errorSlope(), 1e-12);
}

TEST(SolverLab, TheWorkerPublishesAsItGoesAndANewRequestCancels) {
  ss::scene::SolverLabWorker w;
  ss::scene::SolverLabRequest big;
  big.spec.particles = 20000;  // long enough to be superseded mid-way
  big.spec.nfes = {200, 400};
  w.request(big);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ss::scene::SolverLabRequest small;
  small.spec.solvers = {"euler", "dpmpp_2m"};
  small.spec.nfes = {5, 10};
  small.spec.particles = 300;
  const auto t0 = std::chrono::steady_clock::now();
  w.request(small);
  ASSERT_TRUE(w.waitIdle(std::chrono::seconds(60)));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
  EXPECT_EQ(w.lastError(), "");
  auto r = w.latest();
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->done);
  EXPECT_EQ(r->spec.particles, 300);
  EXPECT_EQ(r->pointsDone(), 4);
  EXPECT_EQ(r->data, "8gaussians");

  small.spec.solvers = {"pc"};  // refused on the worker: an error, the last result kept
  w.request(small);
  ASSERT_TRUE(w.waitIdle(std::chrono::seconds(10)));
  EXPECT_NE(w.lastError().find("'pc'"), std::string::npos);
  EXPECT_EQ(w.latest()->pointsDone(), 4);
}

}  // namespace

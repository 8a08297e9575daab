// Tier 2: the solver lab's window (ui/panels/solver_lab_panel.h) under ImGui with no backend:
// Run sends the spec its checkboxes describe, a spec that cannot run sends nothing and says
// why, the learned score waits for a model, and a lab still running draws what it has.
#include <gtest/gtest.h>

#include "tests/ui/panel_harness.h"
#include "ui/panels/solver_lab_panel.h"

using namespace ss;
using test::PanelHarness;
using test::RecordingSink;

namespace {

struct LabFixture {
  ui::SolverLabPanelState view;
  RecordingSink sink;
  sample::SolverLabResult result;
  const sample::SolverLabResult* shown = nullptr;
  bool hasModel = false;
  PanelHarness h{[this] {
                   if (view.open)
                     ui::drawSolverLabContents(view, shown, false, "", hasModel, 7, sink);
                 },
                 1200, 900};
  LabFixture() {
    view.open = true;
    h.frame(2);
  }
};

TEST(SolverLabPanel, RunSendsTheCheckedSolversAndBudgets) {
  LabFixture f;
  ASSERT_TRUE(f.h.shows("Run compares the solvers from one prior draw"));
  f.h.press({"rk4"});   // on (off by default)
  f.h.press({"heun"});  // off
  f.h.press({"400"});   // on
  f.h.press({"Run"});
  const auto* run = f.sink.only<ui::cmd::RunSolverLab>();
  ASSERT_TRUE(run);
  EXPECT_EQ(run->spec.solvers, (std::vector<std::string>{"euler", "rk4", "ddim", "dpmpp_2m",
                                                         "dpm_solver_3", "edm_heun"}));
  EXPECT_EQ(run->spec.nfes, (std::vector<int>{5, 10, 20, 50, 100, 200, 400}));
  EXPECT_EQ(run->spec.particles, 10000);
  EXPECT_EQ(run->spec.seed, 7u);
  EXPECT_FALSE(run->learned);
}

TEST(SolverLabPanel, NoSolverSendsNothingAndSaysWhy) {
  LabFixture f;
  for (size_t i = 0; i < ui::kLabSolvers.size(); ++i)
    if (f.view.solvers[i]) f.h.press({ui::kLabSolvers[i]});
  f.h.press({"Run"});
  EXPECT_TRUE(f.sink.sent.empty());
  EXPECT_TRUE(f.h.shows("the solver lab needs at least one solver"));
}

TEST(SolverLabPanel, TheLearnedScoreWaitsForAModel) {
  LabFixture f;
  EXPECT_FALSE(f.h.click({"learned score"}) && f.view.learned);
  f.h.press({"Run"});
  ASSERT_TRUE(f.sink.only<ui::cmd::RunSolverLab>());
  EXPECT_FALSE(f.sink.only<ui::cmd::RunSolverLab>()->learned);
  f.hasModel = true;
  f.sink.sent.clear();
  f.h.frame();
  f.h.press({"learned score"});
  f.h.press({"Run"});
  ASSERT_TRUE(f.sink.only<ui::cmd::RunSolverLab>());
  EXPECT_TRUE(f.sink.only<ui::cmd::RunSolverLab>()->learned);
}

TEST(SolverLabPanel, ARunningLabShowsWhatItHas) {
  LabFixture f;
  f.result.data = "8gaussians";
  f.result.sde = "vp";
  f.result.score = "exact mixture";
  f.result.referenceNfe = 416;
  f.result.floor = 0.1;
  f.result.curves = {
      {"dpmpp_2m", "logsnr", {{5, 5, 5, 0.3, 0.2, 0.1}, {10, 10, 10, 0.07, 0.1, 0.1}}}};
  f.shown = &f.result;
  f.h.frame();
  EXPECT_TRUE(f.h.shows("2 of 36 points"));
  EXPECT_TRUE(f.h.shows("(running)"));
  EXPECT_TRUE(f.h.shows("416 NFE"));
  f.view.open = false;  // closed: nothing drawn
  f.h.frame();
  EXPECT_FALSE(f.h.shows("416 NFE"));
}

}  // namespace

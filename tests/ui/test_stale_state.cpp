// Views follow the state (issue 21): what a panel or layer derived from the old state does
// not outlive a switch of scene, dataset or SDE.
#include <gtest/gtest.h>

#include "tests/ui/offscreen_test.h"

#include "core/scene/point_cloud.h"
#include "ui/panels/panels.h"
#include "ui/session/requests.h"

using namespace ss;

namespace {

class StaleState : public ss::test::OffscreenTest {};

// Opening a lesson with VP while the panel showed VE: the panel shows VP (it kept VE, and
// "σ max = 0 (auto)", while the canvas ran VP).
TEST_F(StaleState, TheSdePanelFollowsAnOpenedScene) {
  ui::ExplorerState state;
  state.sde.kind = sde::SdeKind::VE;
  state.sde.sigmaMax = 5;
  ui::ProcessPanelState view;
  auto draw = [&] {
    pointerFrame(500, 900, ImVec2(-1, -1), false, 0,
                 [&] { ui::drawProcessPanel(state, view, nullptr); });
  };
  draw();
  EXPECT_EQ(view.draft.kind, sde::SdeKind::VE);
  state.sde = sde::SdeConfig{};  // a scene opened: VP
  draw();
  EXPECT_EQ(view.draft.kind, sde::SdeKind::VP);
  EXPECT_TRUE(view.draft == state.sde);
  EXPECT_TRUE(view.error.empty());
}

// A field or density computed for the previous dataset or SDE is not drawn over the new one
// (moons showed the 8-Gaussian density for over 10 s).
TEST(StaleLayers, AFieldOfTheOldDataOrSdeIsNotShown) {
  ui::ExplorerState state;
  state.data = {"moons", 500, 0};
  auto cloud = scene::buildPointCloud(state.data).take();
  const auto sde = ui::resolvedSde(state, cloud.get());
  EXPECT_TRUE(ui::stillShown("moons", sde, state, *cloud));
  EXPECT_FALSE(ui::stillShown("8gaussians", sde, state, *cloud));
  auto other = sde;
  other.kind = sde::SdeKind::SubVP;
  EXPECT_FALSE(ui::stillShown("moons", other, state, *cloud));
}

// Guidance on data without a mixture picks the trained classifier (it defaulted to the
// exact posterior and stopped with a red error); a mixture keeps the exact one.
TEST(GuidanceDefaults, AClassifierThatWorksForTheData) {
  ui::ExplorerState state;
  auto moons = scene::buildPointCloud({"moons", 200, 0}).take();
  auto gaussians = scene::buildPointCloud({"8gaussians", 200, 0}).take();
  ui::setGuidance(state, true, moons.get());
  EXPECT_EQ(state.guideClass, 0);
  EXPECT_TRUE(state.trainedClassifier);
  ui::setGuidance(state, true, gaussians.get());
  EXPECT_FALSE(state.trainedClassifier);
  ui::setGuidance(state, false, gaussians.get());
  EXPECT_EQ(state.guideClass, -1);
}

}  // namespace

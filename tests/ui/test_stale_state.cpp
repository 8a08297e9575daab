// Views follow the state (issue 21): what a panel or layer derived from the old state does
// not outlive a switch of scene, dataset or SDE.
#include <gtest/gtest.h>

#include "tests/ui/offscreen_test.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "core/scene/point_cloud.h"
#include "core/train/trainer.h"
#include "ui/panels/panels.h"
#include "ui/session/requests.h"
#include "ui/session/shown_model.h"
#include "ui/views/canvas_tools.h"

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

// Polls until `done` or about 60 s.
template <class F>
bool eventually(F done) {
  for (int k = 0; k < 6000 && !done(); ++k)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return done();
}

std::filesystem::path drawnDir() {
  const auto dir =
      std::filesystem::temp_directory_path() / ("scorescope_stale_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir;
}

// After "Use as dataset" the old model's learned field ("step 6498") and its probes stayed
// over the new data. The canvas tools drop their probes when the shown data changes, and the
// trainer's snapshot of the old problem is not shown once the trainer has the new one (the
// explorer's wiring: forgetStaleProbes and setTrainerProblem, each frame and on a switch).
TEST_F(StaleState, UseAsDatasetDropsTheOldModelAndItsProbes) {
  ui::ExplorerState state;
  state.data = {"moons", 500, 0};
  state.sampler.steps = 40;
  state.t = 0.5;
  auto moons = scene::buildPointCloud(state.data).take();
  ui::CanvasTools tools;
  tools.followShown(moons->request.data, ui::resolvedSde(state, moons.get()));
  tools.probe(ui::CanvasTool::DropParticle, {0.5f, 0.25f}, state, moons.get(), nullptr, 0.01f);
  ASSERT_TRUE(eventually([&] { return tools.poll(), tools.idle(); }));
  ASSERT_EQ(tools.probes().size(), 1u) << tools.message();

  train::TrainProblemSpec spec;
  spec.data = state.data.data;
  train::Trainer trainer(spec);
  ui::ShownModel model;
  trainer.stepOnce();
  ASSERT_TRUE(eventually([&] { return trainer.snapshot() != nullptr; }));
  const auto old = trainer.snapshot();
  EXPECT_EQ(model.shown(old), old);

  // Use as dataset: the drawing becomes the data; the trainer restarts on it.
  tools.drawing().setPoints({0, 0, 1, 1, 2, 0, 1, -1});
  const auto dir = drawnDir();
  ASSERT_TRUE(tools.useAsDataset(state, dir.string()));
  model.problemChanged(trainer.snapshot());
  spec.data = state.data.data;
  trainer.setProblem(spec);
  EXPECT_EQ(model.shown(old), nullptr);  // while the trainer still holds the old model
  auto drawn = scene::buildPointCloud(state.data).take();
  tools.followShown(drawn->request.data, ui::resolvedSde(state, drawn.get()));
  EXPECT_TRUE(tools.probes().empty());
  ui::CanvasScene shown;
  tools.decorate(shown);
  EXPECT_TRUE(shown.probes.empty());

  // The new problem's first snapshot is shown; a probe on the new data stays.
  trainer.stepOnce();
  ASSERT_TRUE(eventually([&] {
    auto s = trainer.snapshot();
    return s && s != old;
  }));
  const auto fresh = trainer.snapshot();
  EXPECT_EQ(model.shown(fresh), fresh);
  tools.probe(ui::CanvasTool::DropParticle, {1, 0}, state, drawn.get(), nullptr, 0.01f);
  ASSERT_TRUE(eventually([&] { return tools.poll(), tools.idle(); }));
  tools.followShown(drawn->request.data, ui::resolvedSde(state, drawn.get()));
  EXPECT_EQ(tools.probes().size(), 1u) << tools.message();
  std::filesystem::remove_all(dir);
}

}  // namespace

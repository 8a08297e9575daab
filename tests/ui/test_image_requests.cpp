// The image explorer's window and `scorescope render` ask the image workers for the same
// run, compare run and interpolation strip: the window's path (applyImageScene, the image
// panel's compareRequest, the strip of the interpolation panel) and render's (the calls
// renderImages makes) are driven from one scene and compared; then the canvas probes' rule.
// No display needed.
#include <gtest/gtest.h>

#include <string>

#include "core/common/assets.h"
#include "ui/images/image_scene.h"
#include "ui/panels/image_panel.h"
#include "ui/session/requests.h"

using namespace ss;

namespace {

void expectSameRun(const scene::ImageRunRequest& a, const scene::ImageRunRequest& b) {
  EXPECT_EQ(a.data, b.data);
  EXPECT_EQ(a.limit, b.limit);
  EXPECT_EQ(a.model, b.model);
  EXPECT_EQ(a.snapshot, b.snapshot);
  EXPECT_EQ(a.n, b.n);
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.task, b.task);
  EXPECT_EQ(a.mask, b.mask);
  EXPECT_EQ(a.imageIndex, b.imageIndex);
  EXPECT_EQ(a.maxFrames, b.maxFrames);
  EXPECT_EQ(a.guideClass, b.guideClass);
  EXPECT_EQ(a.sampler.kind, b.sampler.kind);
  EXPECT_EQ(a.sampler.steps, b.sampler.steps);
  EXPECT_EQ(a.sampler.predictor, b.sampler.predictor);
  EXPECT_EQ(a.sampler.corrector, b.sampler.corrector);
  EXPECT_EQ(a.sampler.solver, b.sampler.solver);
}

// The lesson with a compare grid and a strip, at its stage `stage` (1 takes the bundled
// U-Net through the scene's model checkpoint).
ui::Scene lesson(int stage) {
  auto loaded = ui::loadScene(assetsDir() + "/scenes/11-memorization-through-the-ode.json");
  EXPECT_TRUE(loaded) << (loaded ? "" : loaded.error().message);
  auto staged = ui::sceneAtStage(loaded.value().scene, stage);
  EXPECT_TRUE(staged) << (staged ? "" : staged.error().message);
  return staged.value().scene;
}

TEST(ImageRequests, WindowAndRenderAskTheSame) {
  for (int stage : {0, 1}) {
    const ui::Scene s = lesson(stage);
    ASSERT_FALSE(s.imageCompare.empty());
    ASSERT_GE(s.imageInterpolation.a, 0);
    // The window: the scene applied to the explorer's panels, then what they send.
    ui::ExplorerState state;
    ui::ImagePanelState view;
    ui::InterpPanelState interp;
    ui::applyImageScene(s, state, view, interp);
    auto windowCompare = ui::compareRequest(view);
    auto windowStrip = ui::interpolationRequestFor(view.draft, ui::stripOf(interp));
    // render: the scene's requests as renderImages builds them.
    const auto run = ui::imageRunRequestFor(s);
    auto compare = ui::compareRunRequestFor(run, s.imageCompare);
    auto strip = ui::interpolationRequestFor(run, s.imageInterpolation);

    SCOPED_TRACE("stage " + std::to_string(stage));
    expectSameRun(view.draft, run);
    ASSERT_TRUE(windowCompare && compare);
    expectSameRun(windowCompare.value(), compare.value());
    EXPECT_NE(compare.value().sampler.kind, run.sampler.kind);  // "ode" against the PC run
    EXPECT_EQ(compare.value().sampler.steps, run.sampler.steps);
    for (const auto* r : {&windowStrip, &strip}) {
      EXPECT_EQ(r->data, run.data);
      EXPECT_EQ(r->model, run.model);
      EXPECT_EQ(r->limit, run.limit);
      EXPECT_EQ(r->indexA, s.imageInterpolation.a);
      EXPECT_EQ(r->indexB, s.imageInterpolation.b);
      EXPECT_EQ(r->frames, s.imageInterpolation.frames);
      EXPECT_EQ(r->spherical, s.imageInterpolation.spherical);
    }
    EXPECT_EQ(run.model.empty(), stage == 0);  // stage 1 samples with the checkpoint
  }
}

TEST(ImageRequests, RulesOfTheSharedFunctions) {
  ui::Scene s;
  s.state.data.data = "twemoji";
  s.model.checkpoint = "/models/unet.pt";
  EXPECT_EQ(ui::imageRunRequestFor(s).model, "/models/unet.pt");  // the scene's checkpoint
  s.images.model = "/models/other.pt";
  EXPECT_EQ(ui::imageRunRequestFor(s).model, "/models/other.pt");  // unless the run names one
  EXPECT_EQ(ui::imageRunRequestFor(s).data, "twemoji");
  auto bad = ui::compareRunRequestFor(ui::imageRunRequestFor(s), "no-such-sampler");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("no-such-sampler"), std::string::npos);
  EXPECT_EQ(ui::interpolationRequestFor({}, {0, 1, 99, false}).frames, 32);
  EXPECT_EQ(ui::interpolationRequestFor({}, {0, 1, 1, false}).frames, 2);
}

TEST(ProbeRequests, AProbeAsksWithTheStateAndItsNumber) {
  ui::ExplorerState state;
  state.data.data = "moons";
  state.data.seed = 40;
  state.t = 0.6;
  state.sampler.steps = 321;
  state.useModel = false;
  auto model = std::shared_ptr<const train::ModelSnapshot>();
  auto r = ui::probeRequestFor(state, nullptr, model, scene::ProbeKind::Encode, 2);
  EXPECT_EQ(r.kind, scene::ProbeKind::Encode);
  EXPECT_EQ(r.id, 2u);
  EXPECT_EQ(r.seed, 42u);
  EXPECT_EQ(r.data, "moons");
  EXPECT_DOUBLE_EQ(r.t, 0.6);
  EXPECT_EQ(r.sampler.steps, 321);
  EXPECT_EQ(r.sde.kind, ui::resolvedSde(state, nullptr).kind);
  EXPECT_TRUE(r.points.empty());  // the tool's
}

}  // namespace

// The image panel offers the fast solvers (inpainting and colorization paste the known part
// back after each of their steps, as for every sampler), and each offered name is a preset.
TEST(ImageRequests, ThePanelOffersTheFastSolvers) {
  const auto& names = ui::imageSamplerPresets();
  for (const char* fast : {"ddim", "dpmpp_2m"})
    EXPECT_NE(std::find(names.begin(), names.end(), fast), names.end()) << fast;
  for (const auto& n : names) EXPECT_TRUE(ss::sample::samplerPreset(n).ok()) << n;
  ui::ImagePanelState view;
  view.draft.sampler.steps = 20;
  view.comparePreset = "ddim";
  auto r = ui::compareRequest(view);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r.value().sampler.solver, ss::sample::OdeSolver::Ddim);
  EXPECT_EQ(r.value().sampler.steps, 20);
}

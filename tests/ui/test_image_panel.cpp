// Tier 2: the image explorer's panels under ImGui with no backend: the run panel's Sample,
// trainer and classifier buttons and the controls that stay in place disabled, and the
// interpolation panel's requests.
#include <gtest/gtest.h>

#include "tests/ui/panel_harness.h"
#include "ui/panels/image_panel.h"
#include "ui/panels/interp_panel.h"

using namespace ss;
using test::PanelHarness;
using test::RecordingSink;

namespace {

struct ImagePanelFixture {
  ui::ImagePanelState view;
  const train::TrainerStats* training = nullptr;
  train::ClassifierStats classifier;
  RecordingSink sink;
  PanelHarness h{[this] {
    ui::drawImagePanel(view, nullptr, false, training, view.guide ? &classifier : nullptr, sink);
  }};
  ImagePanelFixture() {
    view.draft.data = "mnist";
    h.frame();
  }
};

TEST(ImagePanel, SampleSendsOneRun) {
  ImagePanelFixture f;
  f.view.error = "an old error";
  f.h.press({"Sample"});
  EXPECT_TRUE(f.sink.only<ui::cmd::RequestRun>());
  EXPECT_TRUE(f.view.error.empty());
  f.sink.sent.clear();
  f.h.frame(3);  // nothing pressed, nothing sent
  EXPECT_TRUE(f.sink.sent.empty());
}

TEST(ImagePanel, ATrainerIsAskedFor) {
  ImagePanelFixture f;
  f.h.press({"U-Net trained here"});
  EXPECT_TRUE(f.view.live);
  EXPECT_TRUE(f.sink.sent.empty());  // no trainer yet: the grid waits for one
  f.h.press({"Train from scratch"});
  const auto* scratch = f.sink.only<ui::cmd::TrainImageModel>();
  ASSERT_TRUE(scratch);
  EXPECT_EQ(scratch->from, "");
  f.view.bundledModel = "/assets/models/fashion-mnist-small.pt";
  f.h.frame();
  f.sink.sent.clear();
  f.h.press({"Continue the bundled model"});
  const auto* bundled = f.sink.only<ui::cmd::TrainImageModel>();
  ASSERT_TRUE(bundled);
  EXPECT_EQ(bundled->from, f.view.bundledModel);
}

// The dataset's bundled model is one click from the exact score: it takes the path, the quick
// grid and one run; the button goes once the grid samples with it.
TEST(ImagePanel, TheBundledModelIsOneClick) {
  ImagePanelFixture f;
  f.h.frame();
  EXPECT_FALSE(f.h.click({"bundled"}));  // no bundled model for this data: no button
  f.view.bundledModel = "/assets/models/twemoji-small.pt";
  f.h.frame();
  f.h.press({"bundled"});
  EXPECT_EQ(f.view.draft.model, f.view.bundledModel);
  EXPECT_EQ(f.view.modelPath, f.view.bundledModel);
  EXPECT_EQ(f.view.draft.n, ui::kQuickNetworkImages);
  EXPECT_EQ(f.view.samplerPreset, "ddim");
  EXPECT_EQ(f.sink.count<ui::cmd::RequestRun>(), 1);
  f.sink.sent.clear();
  f.h.frame();
  EXPECT_FALSE(f.h.click({"bundled"}));
  EXPECT_TRUE(f.sink.sent.empty());
}

TEST(ImagePanel, AUNetStartsWithAGridOfSecondsAndTheFullRunIsOneClick) {
  ImagePanelFixture f;
  ASSERT_EQ(f.view.draft.n, 64);  // the exact score's grid: cheap at 1000 steps
  ASSERT_EQ(f.view.draft.sampler.steps, 1000);
  f.h.type({"##model"}, "unet.pt");
  EXPECT_EQ(f.view.draft.model, "unet.pt");
  EXPECT_EQ(f.view.draft.n, ui::kQuickNetworkImages);
  EXPECT_EQ(f.view.draft.sampler.steps, ui::kQuickNetworkSteps);
  EXPECT_EQ(f.view.samplerPreset, "ddim");
  EXPECT_EQ(f.sink.count<ui::cmd::RequestRun>(), 1);
  f.sink.sent.clear();
  f.h.press({"Full run: 1000 steps, 64 images"});
  EXPECT_EQ(f.view.draft.n, 64);
  EXPECT_EQ(f.view.draft.sampler.steps, 1000);
  EXPECT_EQ(f.sink.count<ui::cmd::RequestRun>(), 1);
}

TEST(ImagePanel, RetrainSendsTheClassifierCommand) {
  ImagePanelFixture f;
  f.view.guide = true;
  f.classifier.status = train::ClassifierStatus::Done;
  f.classifier.classes = 10;
  f.h.frame();
  f.h.press({"Retrain classifier"});
  EXPECT_TRUE(f.sink.only<ui::cmd::TrainClassifier>());
}

TEST(ImagePanel, DisabledControlsSendNothing) {
  ImagePanelFixture f;  // unconditional: the mask's controls are greyed out
  ASSERT_TRUE(f.h.click({"Paint mask…"}));
  EXPECT_FALSE(f.view.paintMask);
  ASSERT_TRUE(f.h.click({"mask"}));
  EXPECT_FALSE(f.h.popupOpen());
  EXPECT_TRUE(f.sink.sent.empty());
  // Inpainting, the same clicks work: a preset picked from the list re-runs.
  f.view.draft.task = scene::ImageTask::Inpaint;
  f.h.frame();
  ASSERT_TRUE(f.h.click({"mask"}));
  ASSERT_TRUE(f.h.popupOpen());
  f.h.press({4, "centre-box"}, "##Combo_00");  // ImGui's combo popup, the fifth item
  EXPECT_EQ(f.view.draft.mask, sample::MaskPreset::CentreBox);
  EXPECT_TRUE(f.sink.only<ui::cmd::RequestRun>());
  f.sink.sent.clear();
  ASSERT_TRUE(f.h.click({"Paint mask…"}));
  EXPECT_TRUE(f.view.paintMask);
  EXPECT_TRUE(f.sink.sent.empty());  // the painter opens; its edits are the explorer's
}

// Stale state (issue 21): unticking "Paint mask…" closes the painter and keeps the painted
// mask (it reset the mask to the left-half preset); the list then names it "painted".
TEST(ImagePanel, UntickingPaintMaskKeepsThePaintedMask) {
  ImagePanelFixture f;
  f.view.draft.task = scene::ImageTask::Inpaint;
  f.view.draft.mask = sample::MaskPreset::LeftHalf;
  f.h.frame();
  ASSERT_TRUE(f.h.click({"Paint mask…"}));
  ASSERT_TRUE(f.view.paintMask);
  std::vector<uint8_t> painted(28 * 28, 1);
  painted[0] = painted[28 * 28 - 1] = 0;  // what the painter handed back (an edit finished)
  f.view.draft.customMask = painted;
  f.h.frame();
  f.sink.sent.clear();
  ASSERT_TRUE(f.h.click({"Paint mask…"}));
  EXPECT_FALSE(f.view.paintMask);
  EXPECT_EQ(f.view.draft.customMask, painted);
  EXPECT_TRUE(f.sink.sent.empty());  // the same mask: no new run
  f.h.frame();
  EXPECT_TRUE(f.h.shows("painted"));
}

// Edits re-send the strip only once Interpolate has made one.
TEST(InterpolationPanel, InterpolateSendsTheStripThenEditsDo) {
  ui::InterpPanelState view;
  RecordingSink sink;
  PanelHarness h([&] { ui::drawInterpolationPanel(view, sink); });
  h.frame();
  h.press({"linear"});
  EXPECT_FALSE(view.spherical);
  EXPECT_TRUE(sink.sent.empty());
  h.press({"Interpolate"});
  EXPECT_TRUE(view.started);
  EXPECT_TRUE(sink.only<ui::cmd::RequestInterpolation>());
  sink.sent.clear();
  h.press({"slerp"});
  EXPECT_TRUE(view.spherical);
  EXPECT_TRUE(sink.only<ui::cmd::RequestInterpolation>());
}

}  // namespace

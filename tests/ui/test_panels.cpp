// Tier 2: the 2D explorer's panels that carry logic (training, sampling, process, guidance)
// under ImGui with no backend, their widgets pressed, clicked and typed into, and what they
// send recorded by a fake CommandSink.
#include <gtest/gtest.h>

#include "core/scene/point_cloud.h"
#include "tests/ui/panel_harness.h"
#include "ui/panels/panels.h"
#include "ui/session/explorer_state.h"

using namespace ss;
using test::PanelHarness;
using test::RecordingSink;

namespace {

struct TrainingFixture {
  train::TrainerStats stats;
  const train::TrainerStats* shown = &stats;  // null: the trainer has not reported yet
  ui::TrainingPanelState view;
  RecordingSink sink;
  PanelHarness h{[this] { ui::drawTrainingPanel(shown, view, sink); }};
  explicit TrainingFixture(train::TrainerStatus status) {
    stats.status = status;
    stats.message = "ready";
    h.frame();
  }
};

TEST(TrainingPanel, ButtonsSendTheTrainerCommands) {
  TrainingFixture f(train::TrainerStatus::Paused);
  ASSERT_TRUE(f.h.shows("Start"));
  f.h.press({"##training", "Start"});
  EXPECT_TRUE(f.sink.only<ui::cmd::StartTraining>());
  f.stats.status = train::TrainerStatus::Running;  // the same button now pauses
  f.h.frame();
  f.sink.sent.clear();
  f.h.press({"##training", "Pause"});
  EXPECT_TRUE(f.sink.only<ui::cmd::PauseTraining>());
  f.sink.sent.clear();
  f.h.press({"##training", "Step"});
  EXPECT_TRUE(f.sink.only<ui::cmd::StepTraining>());
  f.sink.sent.clear();
  f.h.press({"##training", "Reset"});
  EXPECT_TRUE(f.sink.only<ui::cmd::ResetTraining>());
  f.sink.sent.clear();
  f.h.press({"##training", "Save"});
  const auto* save = f.sink.only<ui::cmd::SaveCheckpoint>();
  ASSERT_TRUE(save);
  EXPECT_EQ(save->path, "model.pt");
  f.sink.sent.clear();
  f.h.press({"##training", "Load"});
  const auto* load = f.sink.only<ui::cmd::LoadCheckpoint>();
  ASSERT_TRUE(load);
  EXPECT_EQ(load->path, "model.pt");
}

TEST(TrainingPanel, NothingToPressBeforeTheTrainerReports) {
  TrainingFixture f(train::TrainerStatus::Paused);
  f.shown = nullptr;
  f.h.frame();
  EXPECT_TRUE(f.h.shows("starting"));
  EXPECT_FALSE(f.h.shows("Start"));
  EXPECT_FALSE(f.h.click({"##training", "Start"}));
  EXPECT_TRUE(f.sink.sent.empty());
}

TEST(TrainingPanel, ALiveKnobIsSentValidated) {
  TrainingFixture f(train::TrainerStatus::Running);
  f.h.type({"##training", "batch"}, "64");
  ASSERT_GE(f.sink.count<ui::cmd::SetTrainConfig>(), 1);
  EXPECT_EQ(std::get<ui::cmd::SetTrainConfig>(f.sink.sent.back()).config.batch, 64);
  EXPECT_EQ(f.sink.count<ui::cmd::SetTrainConfig>(), static_cast<int>(f.sink.sent.size()));
}

TEST(TrainingPanel, OnlyAValidArchitectureIsApplied) {
  TrainingFixture f(train::TrainerStatus::Running);
  f.h.type({"##training", "width"}, "0");
  EXPECT_EQ(f.view.netDraft.mlp.width, 0);
  f.h.press({"##training", "Apply"});
  EXPECT_TRUE(f.sink.sent.empty());
  EXPECT_FALSE(f.view.netDraft.validate().ok());
  EXPECT_TRUE(f.h.shows(messageOf(f.view.netDraft.validate())));
  f.h.type({"##training", "width"}, "48");
  f.h.press({"##training", "Apply"});
  const auto* apply = f.sink.only<ui::cmd::ApplyNet>();
  ASSERT_TRUE(apply);
  EXPECT_EQ(apply->net.mlp.width, 48);
  EXPECT_FALSE(apply->conditional);
  f.sink.sent.clear();
  f.h.press({"##training", "conditional"});  // classifier-free guidance's model
  f.h.press({"##training", "Apply"});
  ASSERT_TRUE(f.sink.only<ui::cmd::ApplyNet>());
  EXPECT_TRUE(f.sink.only<ui::cmd::ApplyNet>()->conditional);
}

// Every scale (issue 21): the strip as narrow, in type heights, as a 1280×800 window gives it
// at UI scale 1.75 (768 px for 31 px type, ~25 type heights; here 13 px type in 320 px):
// Start sits in its own column (it ran under the loss plot, clipped to "Sta"), and every
// button is there to click with the mouse.
TEST(TrainingPanel, ANarrowStripKeepsEveryButtonClickable) {
  train::TrainerStats stats;
  stats.status = train::TrainerStatus::Paused;
  stats.message = "ready";
  stats.device = "cpu";
  stats.parameters = 37762;
  ui::TrainingPanelState view;
  RecordingSink sink;
  PanelHarness h([&] { ui::drawTrainingPanel(&stats, view, sink); }, 320, 1800);
  h.frame(2);
  ASSERT_TRUE(h.click({"##training", "Start"}));
  EXPECT_TRUE(sink.only<ui::cmd::StartTraining>());
  sink.sent.clear();
  ASSERT_TRUE(h.click({"##training", "Step"}));
  EXPECT_TRUE(sink.only<ui::cmd::StepTraining>());
  sink.sent.clear();
  ASSERT_TRUE(h.click({"##training", "Reset"}));
  EXPECT_TRUE(sink.only<ui::cmd::ResetTraining>());
  sink.sent.clear();
  ASSERT_TRUE(h.click({"##training", "Apply"}));
  EXPECT_TRUE(sink.only<ui::cmd::ApplyNet>());
  sink.sent.clear();
  ASSERT_TRUE(h.click({"##training", "Save"}));
  EXPECT_TRUE(sink.only<ui::cmd::SaveCheckpoint>());
  sink.sent.clear();
  ASSERT_TRUE(h.click({"##training", "Load"}));
  EXPECT_TRUE(sink.only<ui::cmd::LoadCheckpoint>());
}

struct SamplingFixture {
  ui::ExplorerState state;
  ui::SamplingPanelState view;
  RecordingSink sink;
  PanelHarness h{[this] { ui::drawSamplingPanel(state, view, nullptr, false, "", false, sink); }};
  SamplingFixture() {
    state.mode = scene::RunMode::ReverseSde;
    h.frame();
  }
};

TEST(SamplingPanel, AValidChangeRequestsOneRun) {
  SamplingFixture f;
  f.state.sampler.steps = 1000;
  f.h.press({"Langevin corrector"});
  EXPECT_EQ(f.state.sampler.corrector, sample::Corrector::Langevin);
  EXPECT_TRUE(f.view.error.empty()) << f.view.error;
  EXPECT_TRUE(f.sink.only<ui::cmd::RequestRun>());
  f.sink.sent.clear();
  f.h.press({"Sample now"});
  EXPECT_TRUE(f.sink.only<ui::cmd::RequestRun>());
}

TEST(SamplingPanel, AnInvalidChangeSendsNothingAndSaysWhy) {
  SamplingFixture f;
  f.state.sampler.steps = 10;  // VP's β max is 20: the corrector's DDPM betas would pass 1
  f.h.press({"Langevin corrector"});
  EXPECT_EQ(f.state.sampler.corrector, sample::Corrector::Langevin);
  EXPECT_TRUE(f.sink.sent.empty());
  EXPECT_NE(f.view.error.find("must exceed beta_max"), std::string::npos) << f.view.error;
  EXPECT_TRUE(f.h.shows("must exceed beta_max"));
  f.h.press({"Sample now"});  // not even on request
  EXPECT_TRUE(f.sink.sent.empty());
}

TEST(SamplingPanel, ASwitchOfModeRequestsOneRun) {
  SamplingFixture f;
  f.h.press({"PF-ODE"});
  EXPECT_EQ(f.state.mode, scene::RunMode::ProbabilityFlow);
  EXPECT_TRUE(f.sink.only<ui::cmd::RequestRun>());
}

TEST(ProcessPanel, AnInvalidDraftIsNotApplied) {
  ui::ExplorerState state;
  ui::ProcessPanelState view;
  PanelHarness h([&] { ui::drawProcessPanel(state, view, nullptr); });
  h.frame();
  const sde::SdeConfig before = state.sde;
  h.type({"β max"}, "0.01");  // below β min
  EXPECT_EQ(view.draft.betaMax, 0.01);
  EXPECT_TRUE(state.sde == before);
  EXPECT_FALSE(view.error.empty());
  EXPECT_TRUE(h.shows("(showing the last valid SDE)"));
  h.type({"β max"}, "12");
  EXPECT_EQ(state.sde.betaMax, 12.0);
  EXPECT_TRUE(view.error.empty()) << view.error;
  EXPECT_FALSE(h.shows("(showing the last valid SDE)"));
}

// A cloud of `classes` classes; a Gaussian mixture when `mixture`.
scene::PointCloud cloudOf(int classes, bool mixture) {
  scene::PointCloud c;
  c.request.data = mixture ? "8gaussians" : "moons";
  c.numClasses = classes;
  if (mixture) c.mixtureMeans.assign(2 * static_cast<size_t>(classes), 1.0f);
  return c;
}

struct GuidanceFixture {
  ui::ExplorerState state;
  scene::PointCloud cloud;
  const train::ClassifierStats* classifier = nullptr;
  RecordingSink sink;
  PanelHarness h{[this] { ui::drawGuidancePanel(state, &cloud, classifier, sink); }};
  explicit GuidanceFixture(scene::PointCloud c) : cloud(std::move(c)) {
    state.mode = scene::RunMode::ReverseSde;
    state.data.data = cloud.request.data;
    h.frame();
    h.press({"Class guidance"});  // the header starts closed
  }
};

TEST(GuidancePanel, OnWithAMixturePicksTheExactClassifier) {
  GuidanceFixture f(cloudOf(8, true));
  ASSERT_TRUE(f.h.shows("guide toward a class"));
  f.h.press({"guide toward a class"});
  EXPECT_EQ(f.state.guideClass, 0);
  EXPECT_FALSE(f.state.trainedClassifier);
  EXPECT_TRUE(f.sink.only<ui::cmd::RequestRun>());
  EXPECT_TRUE(f.h.shows("exact posterior"));
  EXPECT_FALSE(f.h.shows("Train classifier"));
}

TEST(GuidancePanel, TrainSendsTheRetrainCommand) {
  GuidanceFixture f(cloudOf(2, false));
  f.h.press({"guide toward a class"});
  EXPECT_TRUE(f.state.trainedClassifier);  // no mixture: the trained one
  f.sink.sent.clear();
  f.h.press({"Train classifier"});
  EXPECT_TRUE(f.sink.only<ui::cmd::TrainClassifier>());
  train::ClassifierStats done;  // trained on this data: the button retrains
  done.spec.data = f.state.data.data;
  done.step = 2000;
  f.classifier = &done;
  f.h.frame();
  f.sink.sent.clear();
  f.h.press({"Retrain classifier"});
  EXPECT_TRUE(f.sink.only<ui::cmd::TrainClassifier>());
}

TEST(GuidancePanel, ItsControlsAreDeadWhileGuidanceIsOff) {
  GuidanceFixture f(cloudOf(8, true));
  ASSERT_TRUE(f.h.click({"class"}));  // disabled: nothing moves, nothing is sent
  EXPECT_EQ(f.state.guideClass, -1);
  EXPECT_TRUE(f.sink.sent.empty());
  f.h.press({"guide toward a class"});
  f.sink.sent.clear();
  ASSERT_TRUE(f.h.click({"class"}));  // the middle of 1..8
  EXPECT_GT(f.state.guideClass, 0);
  EXPECT_TRUE(f.sink.only<ui::cmd::RequestRun>());
}

TEST(GuidancePanel, ClassifierFreeIsAChoiceBesideTheClassifiers) {
  GuidanceFixture f(cloudOf(8, true));
  f.h.press({"guide toward a class"});
  f.sink.sent.clear();
  ASSERT_TRUE(f.h.click({"classifier"}));
  ASSERT_TRUE(f.h.popupOpen());
  f.h.press({2, "none: classifier-free"}, "##Combo_00");  // the combo's third item
  EXPECT_TRUE(f.state.classifierFree);
  EXPECT_FALSE(f.state.trainedClassifier);
  EXPECT_TRUE(f.sink.only<ui::cmd::RequestRun>());
  f.h.frame();
  EXPECT_TRUE(f.h.shows("exact on a mixture unless the model is class-conditional"));
  EXPECT_FALSE(f.h.shows("Train classifier"));
  // The run asks for classifier-free guidance, with no classifier to wait for.
  const auto r = ui::runRequestFor(f.state, &f.cloud, nullptr);
  EXPECT_TRUE(r.classifierFree);
  EXPECT_EQ(r.guideClass, 0);
  EXPECT_EQ(r.classifier, nullptr);
}

}  // namespace

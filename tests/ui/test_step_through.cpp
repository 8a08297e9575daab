// PC step-through in the 2D explorer: the move stepping logic on ExplorerState (order of
// corrector and predictor moves, bounds, labels, t on the move's time, when it applies),
// scenes that carry it, and the canvas drawing each move's arrows in its colour
// (offscreen under Xvfb, read back).
#include <gtest/gtest.h>

#include "tests/ui/offscreen_test.h"

#include <chrono>
#include <string>

#include "core/scene/point_cloud.h"
#include "core/scene/run_worker.h"
#include "ui/offscreen_render.h"
#include "ui/session/explorer_state.h"
#include "ui/session/scene_file.h"

using namespace ss;

namespace {

ui::ExplorerState pcState(int steps, int correctorSteps,
                          sample::Predictor p = sample::Predictor::EulerMaruyama) {
  ui::ExplorerState s;
  s.mode = scene::RunMode::ReverseSde;
  s.sampler.predictor = p;
  s.sampler.corrector = sample::Corrector::Langevin;
  s.sampler.correctorSteps = correctorSteps;
  s.sampler.steps = steps;
  s.t = 0.3;
  s.playing = true;
  return s;
}

TEST(StepThrough, MovesRunCorrectorsThenThePredictorWithinEachStep) {
  auto s = pcState(10, 2);
  ui::setStepThrough(s, true);
  ASSERT_TRUE(ui::stepThroughActive(s));
  EXPECT_EQ(ui::moveCount(s), 30);
  EXPECT_EQ(s.move, 0);
  EXPECT_FALSE(s.playing);
  EXPECT_DOUBLE_EQ(s.t, 1.0);  // the first step evaluates at T
  EXPECT_EQ(ui::moveLabel(s, s.move), "step 1/10 · corrector 1/2 · t = 1.0000");
  ui::stepMove(s, 1);
  EXPECT_EQ(ui::moveLabel(s, s.move), "step 1/10 · corrector 2/2 · t = 1.0000");
  ui::stepMove(s, 1);
  EXPECT_EQ(ui::moveLabel(s, s.move), "step 1/10 · predictor · t = 1.0000");
  ui::stepMove(s, 1);
  EXPECT_EQ(s.move, 3);
  // t_1 = linspace(T, ε, 10)[1] = 1 − (1 − 1e-5)/9.
  EXPECT_NEAR(s.t, 1.0 - (1.0 - 1e-5) / 9.0, 1e-12);
  EXPECT_EQ(ui::moveLabel(s, s.move), "step 2/10 · corrector 1/2 · t = 0.8889");
  ui::stepMove(s, -1);
  EXPECT_EQ(s.move, 2);
  EXPECT_DOUBLE_EQ(s.t, 1.0);
  // Bounds: clamped at the first and the last move.
  ui::stepMove(s, -100);
  EXPECT_EQ(s.move, 0);
  ui::stepMove(s, 1000);
  EXPECT_EQ(s.move, 29);
  EXPECT_NEAR(s.t, s.sde.eps, 1e-15);
  EXPECT_EQ(ui::moveLabel(s, s.move), "step 10/10 · predictor · t = 0.0000");
  // A sampler change re-clamps: fewer steps, fewer moves.
  s.sampler.steps = 5;
  ui::stepMove(s, 0);
  EXPECT_EQ(s.move, 14);
}

TEST(StepThrough, ARecordingAdvancesOneMovePerFrame) {
  auto s = pcState(10, 2);
  ui::setStepThrough(s, true);
  s.playing = true;
  for (int frame = 0; frame < 4; ++frame) {
    ui::showRecordedFrame(s, frame, /*t=*/0.5);  // the recorder's t is not a move's time
    EXPECT_EQ(s.move, frame);
    EXPECT_DOUBLE_EQ(s.t, ui::moveInfo(s, frame).t);
    EXPECT_FALSE(s.playing);
  }
  ui::showRecordedFrame(s, 1000, 0.5);  // past the last move: the last move is held
  EXPECT_EQ(s.move, ui::moveCount(s) - 1);
  ui::setStepThrough(s, false);  // a plain recording follows the recorder's t
  ui::showRecordedFrame(s, 3, 0.25);
  EXPECT_DOUBLE_EQ(s.t, 0.25);
}

TEST(StepThrough, EquationsNameTheMovesUpdate) {
  auto s = pcState(10, 1);
  ui::setStepThrough(s, true);
  EXPECT_NE(ui::moveEquation(s, 0).find("ε = 2α (r ‖z‖ / ‖s‖)²"), std::string::npos);
  EXPECT_NE(ui::moveEquation(s, 0).find("x′ = x + ε s"), std::string::npos);
  EXPECT_NE(ui::moveEquation(s, 1).find("[f(x, t) − g(t)² s(x, t)] Δt"), std::string::npos);
  s.sampler.predictor = sample::Predictor::Ancestral;
  EXPECT_NE(ui::moveEquation(s, 1).find("√(1 − b_i)"), std::string::npos);
}

TEST(StepThrough, AnnealedLangevinHasOnlyCorrectorMoves) {
  auto s = pcState(4, 3, sample::Predictor::None);
  ui::setStepThrough(s, true);
  EXPECT_EQ(ui::moveCount(s), 12);
  for (int m = 0; m < 12; ++m) {
    const auto info = ui::moveInfo(s, m);
    EXPECT_TRUE(info.corrector);
    EXPECT_EQ(info.index, m % 3);
    EXPECT_EQ(info.step, m / 3);
  }
}

TEST(StepThrough, AppliesOnlyToReverseSdeRunsAndAsksForMoves) {
  auto s = pcState(10, 1);
  s.stepThrough = true;
  EXPECT_TRUE(ui::runRequestFor(s, nullptr, nullptr).recordMoves);
  EXPECT_GE(ui::runRequestFor(s, nullptr, nullptr).maxFrames, 11);
  s.moveParticles = 300;
  EXPECT_EQ(ui::runRequestFor(s, nullptr, nullptr).moveParticles, 300);
  // Compare panes replay by t.
  EXPECT_FALSE(ui::paneState(s, 0).stepThrough);
  for (auto mode : {scene::RunMode::Forward, scene::RunMode::ProbabilityFlow}) {
    auto o = s;
    o.mode = mode;
    o.t = 0.5;
    EXPECT_FALSE(ui::stepThroughActive(o));
    EXPECT_EQ(ui::moveCount(o), 0);
    ui::stepMove(o, 1);
    EXPECT_DOUBLE_EQ(o.t, 0.5) << "no-op outside step-through";
    EXPECT_FALSE(ui::runRequestFor(o, nullptr, nullptr).recordMoves);
  }
  s.stepThrough = false;
  EXPECT_FALSE(ui::runRequestFor(s, nullptr, nullptr).recordMoves);
}

TEST(StepThrough, ScenesCarryTheFlagAndTheMove) {
  ui::Scene sc = ui::sceneFromState(pcState(20, 1));
  sc.state.stepThrough = true;
  sc.state.move = 7;
  auto loaded = ui::parseScene(ui::sceneToJson(sc), ".");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const auto& st = loaded.value().scene.state;
  EXPECT_TRUE(st.stepThrough);
  EXPECT_EQ(st.move, 7);
  EXPECT_NEAR(st.t, ui::moveInfo(st, 7).t, 1e-12);  // t follows the move
  // Lenient: a move past the end is clamped with a warning, not an error.
  std::string text = ui::sceneToJson(sc);
  const size_t at = text.find("\"move\"");
  ASSERT_NE(at, std::string::npos);
  text.replace(text.find('7', at), 1, "999");
  auto late = ui::parseScene(text, ".");
  ASSERT_TRUE(late.ok()) << late.error().message;
  EXPECT_EQ(late.value().scene.state.move, 39);
  EXPECT_FALSE(late.value().warnings.empty());
}

class StepThroughRender : public ss::test::OffscreenTest {};

struct Hues {
  size_t cyan = 0, magenta = 0;
};

// Pixels of the corrector's cyan (80, 210, 255) and the predictor's magenta (255, 80, 190).
Hues countHues(const ui::RenderedImage& img) {
  Hues h;
  for (size_t i = 0; i + 3 < img.rgba.size(); i += 4) {
    const int r = img.rgba[i], g = img.rgba[i + 1], b = img.rgba[i + 2];
    h.cyan += b > 170 && g > 140 && r < 130 && b > r + 90;
    h.magenta += r > 170 && b > 110 && g < 130 && r > g + 90;
  }
  return h;
}

TEST_F(StepThroughRender, ArrowsOfEachMoveAreDrawnInTheirColour) {
  auto s = pcState(40, 1);
  s.data = {"8gaussians", 3000, 0};
  s.canvas.pointSize = 2.0f;
  s.canvas.showTrails = false;
  s.moveParticles = 300;
  ui::setStepThrough(s, true);
  auto cloud = scene::buildPointCloud(s.data).take();
  scene::RunWorker runs;
  runs.request(ui::runRequestFor(s, cloud.get(), nullptr));
  ASSERT_TRUE(runs.waitIdle(std::chrono::minutes(2)));
  ASSERT_EQ(runs.lastError(), "");
  auto run = runs.latest();
  ASSERT_EQ(run->moves.size(), 80u);
  auto render = [&](const ui::ExplorerState& st) {
    ui::RunView view;
    view.update(run, st.t, cloud.get());
    auto img = ui::renderExplorer(*s_ui, st, cloud, 900, 700, {}, &view);
    EXPECT_TRUE(img.ok()) << img.error().message;
    return countHues(img.value());
  };
  auto plain = s;
  plain.stepThrough = false;
  plain.t = 1.0;
  const Hues none = render(plain);
  ui::stepMove(s, 20);  // step 11's corrector
  const Hues corrector = render(s);
  ui::stepMove(s, 1);  // step 11's predictor (its corrector move faded beside it)
  const Hues predictor = render(s);
  EXPECT_GT(corrector.cyan, none.cyan + 400) << "corrector arrows in cyan";
  EXPECT_GT(predictor.magenta, none.magenta + 400) << "predictor arrows in magenta";
  EXPECT_GT(predictor.magenta, corrector.magenta + 300);
  EXPECT_GT(corrector.cyan, predictor.cyan + 300);
}

}  // namespace

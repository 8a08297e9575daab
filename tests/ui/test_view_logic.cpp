// Tier 2: view and panel logic without a display: the camera's maths, tick spacing,
// playback, and how an invalid SDE draft leaves the shown SDE alone.
#include <gtest/gtest.h>

#include <cmath>

#include "ui/panels/panels.h"
#include "ui/session/explorer_state.h"
#include "ui/views/camera2d.h"

using namespace ss;
using ui::Vec2;

TEST(Camera2D, PixelAndWorldAreInverse) {
  ui::Camera2D cam;
  cam.center = {0.5f, -1.0f};
  cam.unitsPerPixel = 0.02f;
  const Vec2 viewport{800, 600};
  for (Vec2 w : {Vec2{0, 0}, Vec2{2, 3}, Vec2{-4.5f, 1.25f}}) {
    const Vec2 back = cam.pixelToWorld(cam.worldToPixel(w, viewport), viewport);
    EXPECT_NEAR(back.x, w.x, 1e-5);
    EXPECT_NEAR(back.y, w.y, 1e-5);
  }
  // The centre maps to the middle of the viewport, and +y points up the screen.
  const Vec2 mid = cam.worldToPixel(cam.center, viewport);
  EXPECT_FLOAT_EQ(mid.x, 400);
  EXPECT_FLOAT_EQ(mid.y, 300);
  EXPECT_LT(cam.worldToPixel({0.5f, 0.0f}, viewport).y, 300);
}

TEST(Camera2D, ZoomKeepsThePointUnderTheCursor) {
  ui::Camera2D cam;
  const Vec2 viewport{1000, 700};
  const Vec2 cursor{830, 120};
  const Vec2 before = cam.pixelToWorld(cursor, viewport);
  cam.zoomAbout(cursor, viewport, 1.7f);
  const Vec2 after = cam.pixelToWorld(cursor, viewport);
  EXPECT_NEAR(after.x, before.x, 1e-4);
  EXPECT_NEAR(after.y, before.y, 1e-4);
  EXPECT_NEAR(cam.unitsPerPixel, 0.01f / 1.7f, 1e-7);
}

TEST(Camera2D, FitShowsTheWholeBoxWithEqualAspect) {
  ui::Camera2D cam;
  const Vec2 viewport{1200, 600};
  cam.fit({-1, -3, 5, 3}, viewport);
  for (Vec2 corner : {Vec2{-1, -3}, Vec2{5, 3}}) {
    const Vec2 p = cam.worldToPixel(corner, viewport);
    EXPECT_GE(p.x, 0);
    EXPECT_LE(p.x, viewport.x);
    EXPECT_GE(p.y, 0);
    EXPECT_LE(p.y, viewport.y);
  }
  EXPECT_FLOAT_EQ(cam.center.x, 2);
  EXPECT_FLOAT_EQ(cam.center.y, 0);
}

TEST(Camera2D, PanMovesTheWorldWithTheMouse) {
  ui::Camera2D cam;
  const Vec2 viewport{400, 400};
  const Vec2 grabbed = cam.pixelToWorld({100, 100}, viewport);
  cam.panPixels({30, -20});
  const Vec2 now = cam.worldToPixel(grabbed, viewport);
  EXPECT_NEAR(now.x, 130, 1e-3);
  EXPECT_NEAR(now.y, 80, 1e-3);
}

TEST(TickStep, IsOneTwoOrFiveTimesAPowerOfTen) {
  for (float span : {0.013f, 0.7f, 3.0f, 9.0f, 47.0f, 1234.0f}) {
    const float step = ui::niceTickStep(span, 8.0f);
    const float mantissa = step / std::pow(10.0f, std::floor(std::log10(step) + 1e-6f));
    EXPECT_TRUE(std::fabs(mantissa - 1) < 1e-3 || std::fabs(mantissa - 2) < 1e-3 ||
                std::fabs(mantissa - 5) < 1e-3 || std::fabs(mantissa - 10) < 1e-3)
        << span << " -> " << step;
    const float ticks = span / step;
    EXPECT_GE(ticks, 3.0f) << span;
    EXPECT_LE(ticks, 20.0f) << span;
  }
}

TEST(ProcessPanel, InvalidDraftKeepsTheLastValidSde) {
  ui::ExplorerState state;
  ui::ProcessPanelState view;
  view.draft = state.sde;
  view.draft.kind = sde::SdeKind::VE;
  view.draft.sigmaMin = 0.5;
  view.draft.sigmaMax = 0.1;
  ui::applySdeDraft(state, view);
  EXPECT_NE(view.error.find("sigma_min"), std::string::npos) << view.error;
  EXPECT_EQ(state.sde.kind, sde::SdeKind::VP) << "an invalid draft must not be applied";

  view.draft.sigmaMax = 20;
  ui::applySdeDraft(state, view);
  EXPECT_TRUE(view.error.empty()) << view.error;
  EXPECT_EQ(state.sde.kind, sde::SdeKind::VE);
  EXPECT_DOUBLE_EQ(state.sde.sigmaMax, 20);
}

TEST(ExplorerState, CanvasSceneCarriesTheMarginal) {
  ui::ExplorerState state;
  state.t = 0.4;
  const auto s = ui::makeCanvasScene(state, nullptr, 0);
  const auto m = sde::marginal(state.sde, 0.4);
  EXPECT_FLOAT_EQ(s.a, static_cast<float>(m.a));
  EXPECT_FLOAT_EQ(s.sigma, static_cast<float>(m.sigma));
  EXPECT_NE(s.subtitle.find("t = 0.400"), std::string::npos) << s.subtitle;
  EXPECT_NE(s.title.find("VP SDE"), std::string::npos) << s.title;
}

TEST(ExplorerState, PlaybackLoopsOrStopsAtT) {
  ui::ExplorerState state;
  state.playing = true;
  state.playSeconds = 2.0;
  ui::advancePlayback(state, 1.0);
  EXPECT_NEAR(state.t, 0.5, 1e-12);
  ui::advancePlayback(state, 1.5);
  EXPECT_DOUBLE_EQ(state.t, 0.0) << "looping wraps to 0";
  state.loop = false;
  state.t = 0.9;
  ui::advancePlayback(state, 1.0);
  EXPECT_DOUBLE_EQ(state.t, 1.0);
  EXPECT_FALSE(state.playing);
}

TEST(ExplorerState, ReverseModesPlayFromTDownToZero) {
  ui::ExplorerState state;
  state.mode = scene::RunMode::ReverseSde;
  state.t = 1.0;
  state.playing = true;
  state.playSeconds = 2.0;
  ui::advancePlayback(state, 1.0);
  EXPECT_NEAR(state.t, 0.5, 1e-12);
  ui::advancePlayback(state, 1.5);
  EXPECT_DOUBLE_EQ(state.t, 1.0) << "looping wraps back to T";
  state.loop = false;
  state.t = 0.1;
  ui::advancePlayback(state, 1.0);
  EXPECT_DOUBLE_EQ(state.t, 0.0);
  EXPECT_FALSE(state.playing);
}

TEST(RunView, PicksTheNearestFrameAndRebuildsOnlyWhenItChanges) {
  auto run = std::make_shared<scene::RunResult>();
  run->n = 2;
  for (double t : {1.0, 0.5, 0.0}) {
    auto f = std::make_shared<scene::RunFrame>();
    f->t = t;
    f->x = {static_cast<float>(t), 0.f, 0.f, static_cast<float>(t)};
    run->frames.push_back(f);
  }
  ui::RunView view;
  view.update(run, 0.6, nullptr);
  ASSERT_TRUE(view.cloud);
  EXPECT_EQ(view.frame, run->frames[1]);
  EXPECT_FLOAT_EQ(view.cloud->x0[0], 0.5f);
  const uint64_t v = view.version;
  view.update(run, 0.55, nullptr);
  EXPECT_EQ(view.version, v) << "same frame: no rebuild, no re-upload";
  view.update(run, 0.1, nullptr);
  EXPECT_NE(view.version, v);
  EXPECT_EQ(view.frame, run->frames[2]);
  EXPECT_NE(view.version & (1ull << 63), 0u) << "run versions never equal a data cloud's";
  view.update(nullptr, 0.1, nullptr);
  EXPECT_FALSE(view.cloud) << "no run, nothing to show";
  run->request.mode = scene::RunMode::ReverseSde;
  view.update(run, 0.1, nullptr, scene::RunMode::ProbabilityFlow);
  EXPECT_FALSE(view.cloud) << "a run of the other mode is not shown under this mode's label";
  view.update(run, 0.1, nullptr, scene::RunMode::ReverseSde);
  EXPECT_TRUE(view.cloud);
}

// Playback of a reverse run waits for the run: t never falls below the newest computed time
// while playing, so the timeline and the canvas agree.
TEST(Playback, ReverseRunsDoNotRunAheadOfTheComputation) {
  ss::ui::ExplorerState s;
  s.mode = ss::scene::RunMode::ReverseSde;
  s.playing = true;
  s.t = 1.0;
  ss::ui::advancePlayback(s, 2.0);  // half of the default 4 s playback: t falls to 0.5
  EXPECT_NEAR(s.t, 0.5, 1e-9);
  // The run has only reached t = 0.8: playback waits for it (the window then redraws only
  // as the run publishes).
  EXPECT_TRUE(ss::ui::holdPlaybackAtRun(s, 0.8));
  EXPECT_DOUBLE_EQ(s.t, 0.8);
  EXPECT_FALSE(ss::ui::holdPlaybackAtRun(s, 0.3));  // it has passed the shown t: no hold
  EXPECT_DOUBLE_EQ(s.t, 0.8);
  s.playing = false;  // scrubbing while paused is free
  s.t = 0.1;
  EXPECT_FALSE(ss::ui::holdPlaybackAtRun(s, 0.8));
  EXPECT_DOUBLE_EQ(s.t, 0.1);
  s.mode = ss::scene::RunMode::Forward;
  s.playing = true;
  EXPECT_FALSE(ss::ui::holdPlaybackAtRun(s, 0.8));
  EXPECT_DOUBLE_EQ(s.t, 0.1);
}

// The prior mismatch at T (Gaussian moments): ≈ 0 for standard-normal data under VP, whose
// p_T is N(0, I) too; ½‖μ‖²/σmax² for a tight blob at μ under VE (p_T = N(μ, σmax² I) there).
TEST(PriorMismatch, MatchesTheGaussianClosedForms) {
  scene::PointCloud c;
  const int n = 4000;
  uint64_t s = 12345;
  auto uniform = [&] {  // a small LCG: the test needs no library RNG
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return ((s >> 11) + 0.5) / 9007199254740992.0;
  };
  for (int i = 0; i < n; ++i) {  // Box–Muller
    const double r = std::sqrt(-2 * std::log(uniform())), a = 2 * M_PI * uniform();
    c.x0.push_back(static_cast<float>(r * std::cos(a)));
    c.x0.push_back(static_cast<float>(r * std::sin(a)));
  }
  sde::SdeConfig vp;  // VP by default
  EXPECT_LT(std::abs(ui::priorMismatch(vp, c)), 1e-3);

  scene::PointCloud blob;
  for (int i = 0; i < n; ++i)
    blob.x0.push_back(3.0f + 0.01f * (i % 2 ? 1 : -1)), blob.x0.push_back(0.0f);
  sde::SdeConfig ve;
  ve.kind = sde::SdeKind::VE;
  ve.sigmaMax = 5.0;
  EXPECT_NEAR(ui::priorMismatch(ve, blob), 0.5 * 9.0 / 25.0, 1e-3);
  ve.sigmaMax = 50.0;  // a wider prior forgets the offset
  EXPECT_NEAR(ui::priorMismatch(ve, blob), 0.5 * 9.0 / 2500.0, 1e-4);
}

// Speed colouring of a run: each particle's velocity is its displacement between the shown
// recorded frame and the one before it, over their time gap (the first frame uses the next).
TEST(RunView, SpeedIsTheDisplacementBetweenRecordedFramesOverTheirGap) {
  auto run = std::make_shared<scene::RunResult>();
  run->n = 2;
  const std::vector<std::vector<float>> xs = {
      {0, 0, 1, 1}, {0.2f, 0, 1, 0.7f}, {0.2f, 0.1f, 1, 0.7f}};
  const double ts[] = {1.0, 0.9, 0.5};
  for (int i = 0; i < 3; ++i) {
    auto f = std::make_shared<scene::RunFrame>();
    f->t = ts[i];
    f->x = xs[i];
    run->frames.push_back(f);
  }
  const auto v1 = ui::frameVelocities(*run, *run->frames[1]);  // against frame 0: Δt = −0.1
  ASSERT_EQ(v1.size(), 4u);
  EXPECT_NEAR(v1[0], -2.0f, 1e-5);
  EXPECT_NEAR(v1[1], 0.0f, 1e-6);
  EXPECT_NEAR(v1[3], 3.0f, 1e-5);
  const auto v0 = ui::frameVelocities(*run, *run->frames[0]);  // the first frame: against frame 1
  EXPECT_NEAR(v0[0], -2.0f, 1e-5);
  const auto v2 = ui::frameVelocities(*run, *run->frames[2]);  // Δt = −0.4 against frame 1
  EXPECT_NEAR(v2[1], -0.25f, 1e-6);
  EXPECT_NEAR(v2[3], 0.0f, 1e-6);
  scene::RunFrame stranger;  // not a frame of this run: no velocity
  stranger.x = {1, 2, 3, 4};
  for (float v : ui::frameVelocities(*run, stranger)) EXPECT_EQ(v, 0.0f);

  // The run cloud keeps them where the shader reads the speed (σ = 0 never moves a particle).
  ui::RunView view;
  view.update(run, 0.9, nullptr);
  ASSERT_TRUE(view.cloud);
  EXPECT_EQ(view.cloud->noise, v1);
  ui::ExplorerState state;
  state.mode = scene::RunMode::ReverseSde;
  state.t = 0.9;
  state.canvas.colourMode = ui::ColourMode::Speed;
  const auto s = ui::makeCanvasScene(state, nullptr, 0, &view);
  EXPECT_EQ(s.dadt, 0.0f);
  EXPECT_EQ(s.dsdt, 1.0f);
  EXPECT_NEAR(s.speedMax, 3.0f, 1e-5) << "the 99th percentile of the speeds {2, 3}";
  EXPECT_NE(s.colourLegend.find("speed"), std::string::npos) << s.colourLegend;
}

// A running run's caption says how far it is and, once that is over a few seconds, the time
// it has left; a finished one says neither.
TEST(RunView, TheCaptionShowsProgressAndTimeLeft) {
  auto run = std::make_shared<scene::RunResult>();
  run->n = 1;
  auto f = std::make_shared<scene::RunFrame>();
  f->t = 0.75;
  f->x = {0, 0};
  run->frames.push_back(f);
  run->plannedSteps = 1000;
  run->step = 250;
  run->seconds = 10;  // 30 s left at this pace
  ui::RunView view;
  view.update(run, 0.75, nullptr);
  ui::ExplorerState state;
  state.mode = scene::RunMode::ReverseSde;
  state.t = 0.75;
  auto s = ui::makeCanvasScene(state, nullptr, 0, &view);
  EXPECT_NE(s.subtitle.find("the run: step 250 of 1000, ~30 s left"), std::string::npos)
      << s.subtitle;
  run->done = true;
  view.update(run, 0.75, nullptr);
  s = ui::makeCanvasScene(state, nullptr, 0, &view);
  EXPECT_EQ(s.subtitle.find("running"), std::string::npos) << s.subtitle;
}

// Forward mode: a particle moves along x(t) = a(t)·x0 + σ(t)·ε at a′(t)·x0 + σ′(t)·ε.
TEST(ExplorerState, ForwardSpeedIsTheDerivativeOfTheMarginalPath) {
  for (auto kind : {sde::SdeKind::VP, sde::SdeKind::VE, sde::SdeKind::SubVP}) {
    ui::ExplorerState state;
    state.sde.kind = kind;
    state.sde.sigmaMax = 10.0;
    state.t = 0.37;
    const auto s = ui::makeCanvasScene(state, nullptr, 0);
    const double h = 1e-3;
    const auto m0 = sde::marginal(state.sde, state.t - h),
               m1 = sde::marginal(state.sde, state.t + h);
    EXPECT_NEAR(s.dadt, (m1.a - m0.a) / (2 * h), 1e-3 * (1 + std::abs(s.dadt)))
        << sde::toString(kind);
    EXPECT_NEAR(s.dsdt, (m1.sigma - m0.sigma) / (2 * h), 1e-3 * (1 + std::abs(s.dsdt)))
        << sde::toString(kind);
  }
  ui::ExplorerState state;
  state.t = 1.0;  // the end of [0, T]: a one-sided difference, still finite
  const auto s = ui::makeCanvasScene(state, nullptr, 0);
  EXPECT_TRUE(std::isfinite(s.dadt) && std::isfinite(s.dsdt));
  EXPECT_LT(s.dadt, 0.0f) << "VP shrinks the mean";
}

TEST(SpeedQuantile, IsTheQuantileOfTheSpeedsOverAStridedSample) {
  scene::PointCloud c;
  c.n = 1000;
  for (int i = 0; i < 1000; ++i) {
    c.x0.insert(c.x0.end(),
                {static_cast<float>(i + 1), 0.0f});  // speed = 0.5·(i + 1) with dadt = 0.5
    c.noise.insert(c.noise.end(), {0.0f, 0.0f});
  }
  EXPECT_NEAR(ui::speedQuantile(c, 0.5f, 0.0f, 0.5), 250.5f, 0.5f);
  EXPECT_NEAR(ui::speedQuantile(c, 0.5f, 0.0f, 0.99), 495.0f, 0.6f);
  EXPECT_NEAR(ui::speedQuantile(c, 0.5f, 0.0f, 1.0), 500.0f, 1e-4f);
  EXPECT_NEAR(ui::speedQuantile(c, 0.5f, 0.0f, 0.99, 100), 495.0f, 5.0f) << "every 10th particle";
  EXPECT_EQ(ui::speedQuantile(scene::PointCloud{}, 1.0f, 1.0f), 0.0f);
}

// Compare mode: panes of reverse runs from one prior draw, rendered offscreen. The SDE and
// PF-ODE panes must differ (different paths) yet end in the same distribution; the picked
// particle is ringed at its own position in every pane; the panes share one camera.
#include <gtest/gtest.h>

#include "tests/ui/offscreen_test.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "core/scene/point_cloud.h"
#include "core/scene/run_worker.h"
#include "ui/offscreen_render.h"
#include "ui/theme.h"
#include "ui/views/canvas_tools.h"
#include "ui/views/compare_view.h"

#include <imgui.h>
#include <cfloat>

using namespace ss;

namespace {

class CompareTest : public ss::test::OffscreenTest {
 protected:
  static void SetUpTestSuite() {
    OffscreenTest::SetUpTestSuite();
    if (!s_ui) return;
    // The default panes (reverse SDE, Euler–Maruyama | PF-ODE, RK45) with the exact score.
    s_state.data = {"8gaussians", 8000, 0};
    ui::setCompare(s_state, true);
    for (auto& p : s_state.compare.panes) {
      p.useModel = false;
      p.sampler.steps = 300;
    }
    s_state.canvas.pointSize = 3.0f;
    s_state.canvas.alpha = 1.0f;
    s_cloud = scene::buildPointCloud(s_state.data).take();
    for (size_t i = 0; i < 2; ++i) {
      scene::RunWorker runs;
      runs.request(ui::paneRequestFor(s_state, i, s_cloud.get(), nullptr));
      ASSERT_TRUE(runs.waitIdle(std::chrono::minutes(3)));
      ASSERT_EQ(runs.lastError(), "");
      s_runs.push_back(runs.latest());
      ASSERT_TRUE(s_runs.back() && s_runs.back()->done);
    }
  }
  static void TearDownTestSuite() {
    s_runs.clear();
    OffscreenTest::TearDownTestSuite();
  }

  static ui::RenderedImage render(const ui::ExplorerState& state, std::vector<ui::RunView>& views,
                                  int w = 1200, int h = 600) {
    const auto ptrs = viewsAt(state, views);
    auto img = ui::renderCompare(*s_ui, state, s_cloud, ptrs, w, h);
    EXPECT_TRUE(img.ok()) << img.error().message;
    return img.value();
  }

  // Each run's RunView at state.t, and pointers to them for CompareView::draw.
  static std::vector<const ui::RunView*> viewsAt(const ui::ExplorerState& state,
                                                 std::vector<ui::RunView>& views) {
    views.assign(s_runs.size(), {});
    std::vector<const ui::RunView*> ptrs;
    for (size_t i = 0; i < s_runs.size(); ++i) {
      views[i].update(s_runs[i], state.t, s_cloud.get(), state.compare.panes[i].mode);
      ptrs.push_back(&views[i]);
    }
    return ptrs;
  }

  static const unsigned char* px(const ui::RenderedImage& img, int x, int y) {
    return &img.rgba[(static_cast<size_t>(y) * img.width + x) * 4];
  }

  static inline ui::ExplorerState s_state;
  static inline std::shared_ptr<const scene::PointCloud> s_cloud;
  static inline std::vector<std::shared_ptr<const scene::RunResult>> s_runs;
};

// Sliced W2 between two equal-size 2D sets (n×2 floats), over fixed directions.
double slicedW2(const std::vector<float>& a, const std::vector<float>& b) {
  const size_t n = std::min(a.size(), b.size()) / 2;
  double total = 0;
  const int dirs = 64;
  std::vector<double> pa(n), pb(n);
  for (int d = 0; d < dirs; ++d) {
    const double th = M_PI * d / dirs, c = std::cos(th), s = std::sin(th);
    for (size_t i = 0; i < n; ++i) {
      pa[i] = c * a[2 * i] + s * a[2 * i + 1];
      pb[i] = c * b[2 * i] + s * b[2 * i + 1];
    }
    std::sort(pa.begin(), pa.end());
    std::sort(pb.begin(), pb.end());
    for (size_t i = 0; i < n; ++i) total += (pa[i] - pb[i]) * (pa[i] - pb[i]);
  }
  return std::sqrt(total / (dirs * static_cast<double>(n)));
}

// The centroid of ring-coloured pixels within `radius` of `at` (false when fewer than 12).
bool ringCentroid(const ui::RenderedImage& img, ui::Vec2 at, float radius, ui::Vec2* out,
                  int* count) {
  const unsigned ring = ui::CompareView::kRingColour;
  const int rr = ring & 0xFF, rg = (ring >> 8) & 0xFF, rb = (ring >> 16) & 0xFF;
  double sx = 0, sy = 0;
  int n = 0;
  for (int y = std::max(0, static_cast<int>(at.y - radius));
       y < std::min(img.height, static_cast<int>(at.y + radius)); ++y)
    for (int x = std::max(0, static_cast<int>(at.x - radius));
         x < std::min(img.width, static_cast<int>(at.x + radius)); ++x) {
      const unsigned char* p = &img.rgba[(static_cast<size_t>(y) * img.width + x) * 4];
      if (std::abs(p[0] - rr) + std::abs(p[1] - rg) + std::abs(p[2] - rb) > 60) continue;
      sx += x + 0.5;
      sy += y + 0.5;
      ++n;
    }
  *count = n;
  if (n < 12) return false;
  *out = {static_cast<float>(sx / n), static_cast<float>(sy / n)};
  return true;
}

}  // namespace

TEST(CompareSpec, ParsesPanes) {
  auto p = ui::parseComparePanes("sde:pc,ode:rk45", 200);
  ASSERT_TRUE(p.ok()) << p.error().message;
  ASSERT_EQ(p.value().size(), 2u);
  EXPECT_EQ(p.value()[0].mode, scene::RunMode::ReverseSde);
  EXPECT_EQ(p.value()[1].mode, scene::RunMode::ProbabilityFlow);
  EXPECT_EQ(p.value()[1].sampler.solver, sample::OdeSolver::Rk45);
  EXPECT_EQ(p.value()[0].sampler.steps, 200);
  auto q = ui::parseComparePanes("ode:heun:exact,ode:heun:learned,sde:ddpm", 100);
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_FALSE(q.value()[0].useModel);
  EXPECT_TRUE(q.value()[1].useModel);
  EXPECT_EQ(q.value()[2].sampler.predictor, sample::Predictor::Ancestral);
  EXPECT_FALSE(ui::parseComparePanes("sde:pc", 100).ok());             // one pane
  EXPECT_FALSE(ui::parseComparePanes("sde:rk45,ode:rk45", 100).ok());  // not an SDE sampler
  EXPECT_FALSE(ui::parseComparePanes("ode:pc,sde:pc", 100).ok());      // not a solver
  EXPECT_FALSE(ui::parseComparePanes("sde:pc,ode:rk45:maybe", 100).ok());
  EXPECT_EQ(ui::paneLabel(ui::CompareSpec::defaultComparePanes()[1]), "PF-ODE · RK45");
  EXPECT_FALSE(ui::parseComparePanes("ode:heun@vp,ode:heun@flow", 100).ok());  // no such SDE
}

// "…@SDE": a pane with its own forward process, from the same prior draw as the others.
TEST(CompareSpec, APaneMayRunItsOwnSde) {
  auto p = ui::parseComparePanes("ode:heun@vp,ode:heun:exact@rf", 200);
  ASSERT_TRUE(p.ok()) << p.error().message;
  ASSERT_TRUE(p.value()[1].sde.has_value());
  EXPECT_EQ(*p.value()[1].sde, sde::SdeKind::RF);
  EXPECT_FALSE(p.value()[1].useModel);
  EXPECT_EQ(ui::paneLabel(p.value()[1]), "PF-ODE · Heun · rectified flow · exact score");
  ui::ExplorerState state;
  state.sde.kind = sde::SdeKind::VE;
  state.sde.eps = 1e-3;
  ui::setCompare(state, true);
  state.compare.panes = p.value();
  const auto vp = ui::paneRequestFor(state, 0, nullptr, nullptr);
  const auto rf = ui::paneRequestFor(state, 1, nullptr, nullptr);
  EXPECT_EQ(vp.sde.kind, sde::SdeKind::VP);
  EXPECT_EQ(rf.sde.kind, sde::SdeKind::RF);
  EXPECT_DOUBLE_EQ(rf.sde.T, sde::kRfT);
  EXPECT_DOUBLE_EQ(rf.sde.eps, 1e-3);  // the explorer's ε
  EXPECT_EQ(vp.seed, rf.seed);         // the same prior noise
}

// The same prior draw, different paths, the same final distribution.
TEST_F(CompareTest, PanesStartTogetherDifferAndAgreeInTheFinalDistribution) {
  const auto& sdeRun = *s_runs[0];
  const auto& odeRun = *s_runs[1];
  ASSERT_FALSE(sdeRun.frames.empty());
  ASSERT_FALSE(odeRun.frames.empty());
  EXPECT_EQ(sdeRun.frames.front()->x, odeRun.frames.front()->x)
      << "both panes start from one prior draw";
  const auto& a = sdeRun.frames.back()->x;
  const auto& b = odeRun.frames.back()->x;
  ASSERT_EQ(a.size(), b.size());
  double moved = 0;
  for (size_t i = 0; i + 1 < a.size(); i += 2)
    moved += std::hypot(a[i] - b[i], a[i + 1] - b[i + 1]);
  moved /= static_cast<double>(a.size() / 2);
  EXPECT_GT(moved, 0.5) << "the SDE's noise sends particles elsewhere than the ODE's flow";
  ASSERT_TRUE(sdeRun.metrics.valid && odeRun.metrics.valid);
  const double floor = std::max(sdeRun.metrics.sw2Floor, odeRun.metrics.sw2Floor);
  EXPECT_LT(sdeRun.metrics.sw2, 3 * floor);
  EXPECT_LT(odeRun.metrics.sw2, 3 * floor);
  EXPECT_LT(slicedW2(a, b), 3 * floor)
      << "the two panes' final samples, against the floor " << floor;
  ASSERT_EQ(sdeRun.metrics.modeWeights.size(), 8u);
  ASSERT_EQ(odeRun.metrics.modeWeights.size(), 8u);
  for (size_t k = 0; k < 8; ++k)
    EXPECT_NEAR(sdeRun.metrics.modeWeights[k], odeRun.metrics.modeWeights[k], 0.03) << "mode " << k;
}

TEST_F(CompareTest, PanesShareTheCameraDifferPixelwiseAndRingThePickedParticle) {
  ui::ExplorerState state = s_state;
  state.t = 0.0;
  state.canvas.showTrails = false;  // the picked path is drawn in the ring's colour; checked below
  for (int64_t picked : {int64_t{0}, int64_t{1234}}) {
    state.compare.picked = picked;
    std::vector<ui::RunView> views;
    auto img = render(state, views);
    ASSERT_EQ(img.width, 1200);
    ASSERT_EQ(img.panes.size(), 2u);
    const auto& g0 = img.panes[0];
    const auto& g1 = img.panes[1];
    EXPECT_FLOAT_EQ(g0.size.x, g1.size.x);
    EXPECT_FLOAT_EQ(g0.size.y, g1.size.y);
    EXPECT_FLOAT_EQ(g0.camera.center.x, g1.camera.center.x);
    EXPECT_FLOAT_EQ(g0.camera.center.y, g1.camera.center.y);
    EXPECT_FLOAT_EQ(g0.camera.unitsPerPixel, g1.camera.unitsPerPixel);
    EXPECT_NEAR(g1.origin.x - g0.origin.x, 600.0f, 1.0f);

    // Pixel by pixel, below the captions, the panes differ: the particles sit elsewhere.
    if (picked == 0) {
      int differ = 0, lit = 0;
      for (int y = static_cast<int>(g0.origin.y) + 110;
           y < static_cast<int>(g0.origin.y + g0.size.y) - 4; ++y)
        for (int x = static_cast<int>(g0.origin.x) + 4;
             x < static_cast<int>(g0.origin.x + g0.size.x) - 4; ++x) {
          const unsigned char* p = px(img, x, y);
          const unsigned char* q = px(img, x + static_cast<int>(g1.origin.x - g0.origin.x), y);
          const int d = std::abs(p[0] - q[0]) + std::abs(p[1] - q[1]) + std::abs(p[2] - q[2]);
          differ += d > 90;
          lit += p[0] + p[1] + p[2] > 300;
        }
      EXPECT_GT(lit, 500);
      EXPECT_GT(differ, 300) << "the SDE and ODE panes look the same";
    }

    // The ring sits at the picked particle's own position in each pane.
    ui::Vec2 positions[2];
    for (size_t i = 0; i < 2; ++i) {
      const auto& g = img.panes[i];
      const float* x = &views[i].frame->x[static_cast<size_t>(2 * picked)];
      const ui::Vec2 p = g.camera.worldToPixel({x[0], x[1]}, g.size);
      positions[i] = {p.x + g.origin.x, p.y + g.origin.y};
      ui::Vec2 c;
      int count = 0;
      ASSERT_TRUE(ringCentroid(img, positions[i], 2.0f * ui::fonts().size, &c, &count))
          << "pane " << i << " particle " << picked << ": " << count << " ring pixels";
      EXPECT_NEAR(c.x, positions[i].x, 3.0f) << "pane " << i;
      EXPECT_NEAR(c.y, positions[i].y, 3.0f) << "pane " << i;
    }
  }
  // With trails, each pane marks the picked particle's prior draw x(T): the same point.
  state.canvas.showTrails = true;
  state.compare.picked = 0;
  std::vector<ui::RunView> views;
  auto img = render(state, views);
  for (size_t i = 0; i < 2; ++i) {
    const auto& g = img.panes[i];
    const float* x = &s_runs[i]->frames.front()->x[0];
    const ui::Vec2 p = g.camera.worldToPixel({x[0], x[1]}, g.size);
    ui::Vec2 c;
    int count = 0;
    ringCentroid(img, {p.x + g.origin.x, p.y + g.origin.y}, 0.5f * ui::fonts().size, &c, &count);
    EXPECT_GE(count, 6) << "pane " << i << ": the x(T) marker";
  }
}

TEST_F(CompareTest, OverlayDrawsBothRunsInOnePaneInTheirColours) {
  ui::ExplorerState state = s_state;
  state.t = 0.0;
  state.compare.overlay = true;
  std::vector<ui::RunView> views;
  auto img = render(state, views, 900, 600);
  ASSERT_EQ(img.panes.size(), 1u);
  const auto& g = img.plot;
  int blue = 0, orange = 0;
  for (int y = static_cast<int>(g.origin.y) + 110; y < static_cast<int>(g.origin.y + g.size.y) - 4;
       ++y)
    for (int x = static_cast<int>(g.origin.x) + 4;
         x < static_cast<int>(g.origin.x + g.size.x) - 260; ++x) {
      const unsigned char* p = px(img, x, y);
      blue += p[2] > 170 && p[0] < 120;
      orange += p[0] > 200 && p[2] < 110 && p[1] > 100;
    }
  EXPECT_GT(blue, 300) << "the reverse SDE's particles (blue)";
  EXPECT_GT(orange, 300) << "the PF-ODE's particles (orange)";
}

// Interaction through ImGui's input state, one headless frame at a time: a drag in one pane
// pans every pane, the wheel in another zooms them all, and a click picks the particle under
// the cursor.
TEST_F(CompareTest, PanZoomApplyToEveryPaneAndAClickPicks) {
  ui::ExplorerState state = s_state;
  state.t = s_state.sde.T;  // the prior draw: spread out, so an isolated particle is clickable
  std::vector<ui::RunView> views;
  const auto ptrs = viewsAt(state, views);
  ui::CompareView view;
  auto frame = [&](ImVec2 mouse, bool down, float wheel = 0.0f) {
    pointerFrame(1200, 600, mouse, down, wheel, [&] {
      view.draw(state, s_cloud, 1, ptrs, {1200, 600}, true);
    });
  };
  auto sameCamera = [&] {
    const auto& g = view.geometries();
    return g.size() == 2 && g[0].camera.center.x == g[1].camera.center.x &&
           g[0].camera.center.y == g[1].camera.center.y &&
           g[0].camera.unitsPerPixel == g[1].camera.unitsPerPixel;
  };
  frame(ImVec2(-1, -1), false);
  frame(ImVec2(-1, -1), false);
  ASSERT_EQ(view.geometries().size(), 2u);
  const ui::Camera2D before = view.geometries()[0].camera;
  // Drag 60 px right in pane 2: the world under the cursor follows it, in both panes.
  const auto& g1 = view.geometries()[1];
  const ImVec2 start(g1.origin.x + 0.5f * g1.size.x, g1.origin.y + 0.5f * g1.size.y);
  frame(start, false);
  frame(start, true);
  for (int k = 1; k <= 3; ++k) frame(ImVec2(start.x + 20.0f * k, start.y), true);
  frame(ImVec2(start.x + 60, start.y), false);
  frame(ImVec2(start.x + 60, start.y), false);
  EXPECT_TRUE(view.takeUserMoved());
  EXPECT_TRUE(sameCamera());
  EXPECT_NEAR(view.geometries()[0].camera.center.x, before.center.x - 60 * before.unitsPerPixel,
              1e-4);
  // The wheel over pane 1 zooms both.
  const auto& g0 = view.geometries()[0];
  const ImVec2 over0(g0.origin.x + 0.3f * g0.size.x, g0.origin.y + 0.6f * g0.size.y);
  frame(over0, false, 2.0f);
  frame(over0, false);
  EXPECT_TRUE(sameCamera());
  EXPECT_LT(view.geometries()[1].camera.unitsPerPixel, 0.9f * before.unitsPerPixel);

  // Click the particle of pane 2 farthest from its neighbours (inside the plot).
  const auto& g = view.geometries()[1];
  const auto& x = views[1].frame->x;
  const size_t n = x.size() / 2;
  size_t best = 0;
  float bestGap = -1;
  for (size_t i = 0; i < n; ++i) {
    const ui::Vec2 p = g.camera.worldToPixel({x[2 * i], x[2 * i + 1]}, g.size);
    if (p.x < 40 || p.y < 120 || p.x > g.size.x - 40 || p.y > g.size.y - 40) continue;
    float gap = 1e9f;
    for (size_t j = 0; j < n; ++j)
      if (j != i) gap = std::min(gap, std::hypot(x[2 * i] - x[2 * j], x[2 * i + 1] - x[2 * j + 1]));
    if (gap > bestGap) bestGap = gap, best = i;
  }
  ASSERT_GT(bestGap / g.camera.unitsPerPixel, 3.0f) << "no isolated particle to click";
  const ui::Vec2 p = g.camera.worldToPixel({x[2 * best], x[2 * best + 1]}, g.size);
  const ImVec2 at(p.x + g.origin.x, p.y + g.origin.y);
  frame(at, false);
  frame(at, true);
  frame(at, false);
  EXPECT_EQ(state.compare.picked, static_cast<int64_t>(best));
  frame(ImVec2(-FLT_MAX, -FLT_MAX), false);
}

// Canvas tools in compare mode: with pan off, a drag in pane 2 paints (the tool gets the
// pointer in pane 2's world coordinates), the camera stays, a click picks nothing, and the
// tools' decorations reach every pane.
TEST_F(CompareTest, CanvasToolsWorkInEveryPane) {
  ui::ExplorerState state = s_state;
  state.t = s_state.sde.T;
  state.compare.picked = 7;
  std::vector<ui::RunView> views;
  const auto ptrs = viewsAt(state, views);
  ui::CanvasTools tools;
  tools.tool = ui::CanvasTool::Draw;
  tools.brush.radius = 0.2f;
  ui::CompareView view;
  view.setPanEnabled(false);
  int decorated = 0;
  std::vector<size_t> drawnShown;  // per decorated scene: how many drawn points it carries
  view.setDecorate([&](ui::CanvasScene& s) {
    tools.decorate(s);
    ++decorated;
    drawnShown.push_back(s.drawnPoints ? s.drawnPoints->size() / 2 : 0);
  });
  auto frame = [&](ImVec2 mouse, bool down) {
    pointerFrame(1200, 600, mouse, down, 0.0f, [&] {
      view.draw(state, s_cloud, 1, ptrs, {1200, 600}, true);
      tools.handlePointer(view.pointer(), state, s_cloud.get(), nullptr);
    });
  };
  frame(ImVec2(-1, -1), false);
  frame(ImVec2(-1, -1), false);
  ASSERT_EQ(view.geometries().size(), 2u);
  EXPECT_EQ(decorated, 4);  // both panes, both frames
  const ui::Camera2D before = view.geometries()[1].camera;
  const auto& g1 = view.geometries()[1];
  // Whole pixels: ImGui floors the mouse position.
  const ImVec2 start(std::floor(g1.origin.x + 0.5f * g1.size.x),
                     std::floor(g1.origin.y + 0.5f * g1.size.y));
  frame(start, false);
  EXPECT_TRUE(view.pointer().hovered);
  frame(start, true);
  EXPECT_TRUE(view.pointer().held);
  const ui::Vec2 startWorld = ui::pointerToWorld({start.x, start.y}, view.geometries()[1]);
  EXPECT_NEAR(view.pointer().world.x, startWorld.x, 1e-4);
  EXPECT_NEAR(view.pointer().world.y, startWorld.y, 1e-4);
  for (int k = 1; k <= 4; ++k) frame(ImVec2(start.x + 20.0f * k, start.y), true);
  frame(ImVec2(start.x + 80, start.y), false);
  frame(ImVec2(start.x + 80, start.y), false);
  // Painted along the stroke in pane 2's world, and the view did not pan.
  ASSERT_GT(tools.drawing().size(), 0u);
  const auto& pts = tools.drawing().points();
  float minX = 1e9f, maxX = -1e9f;
  for (size_t i = 0; i + 1 < pts.size(); i += 2) {
    minX = std::min(minX, pts[i]), maxX = std::max(maxX, pts[i]);
    EXPECT_NEAR(pts[i + 1], startWorld.y, tools.brush.radius + 1e-3);
  }
  EXPECT_LT(minX, startWorld.x + 0.5f * tools.brush.radius);
  EXPECT_GT(maxX, startWorld.x + 60 * before.unitsPerPixel);
  EXPECT_FALSE(view.takeUserMoved());
  EXPECT_EQ(view.geometries()[1].camera.center.x, before.center.x);
  EXPECT_EQ(state.compare.picked, 7);  // the click and release painted, they did not pick
  // Both panes show the drawing.
  ASSERT_GE(drawnShown.size(), 2u);
  EXPECT_EQ(drawnShown[drawnShown.size() - 1], tools.drawing().size());
  EXPECT_EQ(drawnShown[drawnShown.size() - 2], tools.drawing().size());
  // Pan back on: a click picks again.
  view.setPanEnabled(true);
  frame(ImVec2(-1, -1), false);
  EXPECT_FALSE(view.pointer().hovered);
  frame(start, false);
  frame(start, true);
  frame(start, false);
  EXPECT_NE(state.compare.picked, 7);
  frame(ImVec2(-FLT_MAX, -FLT_MAX), false);
}

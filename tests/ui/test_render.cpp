// Tier 3: the explorer canvas rendered offscreen (hidden window, Xvfb in CI) and read back.
// The checks are structural: lit pixels, mapped back to world coordinates through the
// plot's camera, must sit where the forward marginal puts the particles.
#include <gtest/gtest.h>

#include "tests/ui/offscreen_test.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "core/scene/point_cloud.h"
#include "core/scene/run_worker.h"
#include "core/scene/vector_field.h"
#include "ui/offscreen_render.h"
#include "ui/theme.h"

using namespace ss;

namespace {

struct World {
  std::vector<ui::Vec2> lit;  // world positions of lit pixels inside the plot
};

class RenderTest : public ss::test::OffscreenTest {
 protected:
  static ui::RenderedImage render(const std::string& data, int64_t n, double t, sde::SdeKind kind) {
    ui::ExplorerState state;
    state.data = {data, n, 0};
    state.sde.kind = kind;
    state.t = t;
    state.canvas.pointSize = 3.0f;
    state.canvas.alpha = 1.0f;
    auto cloud = scene::buildPointCloud(state.data);
    EXPECT_TRUE(cloud.ok()) << cloud.error().message;
    auto image = ui::renderExplorer(*s_ui, state, cloud.value(), 800, 600);
    EXPECT_TRUE(image.ok()) << image.error().message;
    return image.value();
  }

  // Pixels inside the plot (away from captions, legend and frame) that differ clearly from
  // the background, mapped to world coordinates.
  // `legendWidth`: the right-hand column left out at the top (a wide colour-bar legend moves
  // under the captions when they would collide, so reverse runs need more).
  static World litPixels(const ui::RenderedImage& img, int legendWidth = 150) {
    World w;
    const auto& g = img.plot;
    const unsigned bg = ui::canvasColours().background;
    const int br = bg & 0xFF, bgG = (bg >> 8) & 0xFF, bb = (bg >> 16) & 0xFF;
    const int x0 = static_cast<int>(g.origin.x) + 2,
              x1 = static_cast<int>(g.origin.x + g.size.x) - 2;
    // Skip the caption band at the top and the legend column at the right.
    const int y0 = static_cast<int>(g.origin.y + 90),
              y1 = static_cast<int>(g.origin.y + g.size.y) - 2;
    const int xr = x1 - legendWidth;
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) {
        if (x > xr && y < y0 + 220) continue;
        const unsigned char* p = &img.rgba[(static_cast<size_t>(y) * img.width + x) * 4];
        const int diff = std::abs(p[0] - br) + std::abs(p[1] - bgG) + std::abs(p[2] - bb);
        if (diff < 90) continue;  // background and grid lines stay below this
        const ui::Vec2 world =
            g.camera.pixelToWorld({x - g.origin.x + 0.5f, y - g.origin.y + 0.5f}, g.size);
        // The axis lines through 0 are bright too: leave out the pixels they cover.
        if (std::fabs(world.x) < 2.5f * g.camera.unitsPerPixel ||
            std::fabs(world.y) < 2.5f * g.camera.unitsPerPixel)
          continue;
        w.lit.push_back(world);
      }
    return w;
  }
};

float nearestMeanDistance(ui::Vec2 p) {
  float best = 1e9f;
  for (int k = 0; k < 8; ++k) {
    const float a = static_cast<float>(k) * static_cast<float>(M_PI) / 4.0f;
    best = std::min(best, std::hypot(p.x - 2.0f * std::cos(a), p.y - 2.0f * std::sin(a)));
  }
  return best;
}

}  // namespace

TEST_F(RenderTest, EightGaussiansAtTimeZeroLightsOnlyNearTheMeans) {
  auto img = render("8gaussians", 20000, 0.0, sde::SdeKind::VP);
  ASSERT_EQ(img.width, 800);
  ASSERT_EQ(img.height, 600);
  auto w = litPixels(img);
  ASSERT_GT(w.lit.size(), 500u) << "almost nothing was drawn";
  size_t near = 0;
  std::vector<int> perMean(8, 0);
  for (auto p : w.lit) {
    const float d = nearestMeanDistance(p);
    if (d < 0.5f) ++near;  // std 0.1: 0.5 is five standard deviations
    for (int k = 0; k < 8; ++k) {
      const float a = static_cast<float>(k) * static_cast<float>(M_PI) / 4.0f;
      if (std::hypot(p.x - 2.0f * std::cos(a), p.y - 2.0f * std::sin(a)) < 0.25f) ++perMean[k];
    }
  }
  EXPECT_GT(static_cast<double>(near) / w.lit.size(), 0.995) << "lit pixels away from the means";
  for (int k = 0; k < 8; ++k) EXPECT_GT(perMean[k], 30) << "mean " << k << " is not drawn";
}

TEST_F(RenderTest, EightGaussiansAtTimeOneIsSpreadLikeTheStandardNormal) {
  // Few particles so lit pixels are roughly proportional to particles (little overlap).
  auto img = render("8gaussians", 1500, 1.0, sde::SdeKind::VP);
  auto w = litPixels(img);
  ASSERT_GT(w.lit.size(), 500u);
  double mx = 0, my = 0;
  for (auto p : w.lit) {
    mx += p.x;
    my += p.y;
  }
  mx /= w.lit.size();
  my /= w.lit.size();
  double vx = 0, vy = 0;
  size_t near = 0;
  for (auto p : w.lit) {
    vx += (p.x - mx) * (p.x - mx);
    vy += (p.y - my) * (p.y - my);
    if (nearestMeanDistance(p) < 0.3f) ++near;
  }
  vx /= w.lit.size();
  vy /= w.lit.size();
  EXPECT_NEAR(mx, 0.0, 0.15);
  EXPECT_NEAR(my, 0.0, 0.15);
  // N(0, I): unit variance per axis (the view clips a little of the tails).
  EXPECT_NEAR(std::sqrt(vx), 1.0, 0.2);
  EXPECT_NEAR(std::sqrt(vy), 1.0, 0.2);
  // The eight modes are gone: only a small share of pixels sits near a former mean.
  EXPECT_LT(static_cast<double>(near) / w.lit.size(), 0.25);
}

TEST_F(RenderTest, VeAtTimeOneSpreadsToSigmaMax) {
  auto img = render("8gaussians", 1500, 1.0, sde::SdeKind::VE);
  auto w = litPixels(img);
  // σmax = the data's diameter (≈ 4.6): most of the cloud lies beyond the data's radius 2
  // (P(r > 2.5) ≈ 0.86 for N(0, 4.6² I), before the view clips it; 0 at t = 0 and
  // about 0.04 for VP's N(0, I) at t = 1).
  ASSERT_GT(w.lit.size(), 200u);
  size_t outside = 0;
  for (auto p : w.lit) outside += std::hypot(p.x, p.y) > 2.5f;
  EXPECT_GT(static_cast<double>(outside) / w.lit.size(), 0.4);
}

// Reverse modes: a run from the prior with the exact score, shown at t = 0, lands on the
// modes; at t = T it is the spread-out prior draw.
TEST_F(RenderTest, ReverseSdeAndOdeRunsEndOnTheMeans) {
  for (auto mode : {scene::RunMode::ReverseSde, scene::RunMode::ProbabilityFlow}) {
    ui::ExplorerState state;
    state.data = {"8gaussians", 20000, 0};
    state.mode = mode;
    state.sampler.steps = 300;
    state.canvas.pointSize = 3.0f;
    state.canvas.alpha = 1.0f;
    state.canvas.showTrails = false;  // trails are lit pixels too; checked below
    auto cloud = scene::buildPointCloud(state.data).take();
    scene::RunWorker runs;
    runs.request(ui::runRequestFor(state, cloud.get(), nullptr));
    ASSERT_TRUE(runs.waitIdle(std::chrono::minutes(2)));
    ASSERT_EQ(runs.lastError(), "");
    for (double t : {0.0, 1.0}) {
      state.t = t;
      ui::RunView view;
      view.update(runs.latest(), t, cloud.get());
      ASSERT_TRUE(view.cloud);
      auto img = ui::renderExplorer(*s_ui, state, cloud, 800, 600, {}, &view);
      ASSERT_TRUE(img.ok()) << img.error().message;
      auto w = litPixels(img.value(), 400);
      ASSERT_GT(w.lit.size(), 500u);
      size_t near = 0;
      for (auto p : w.lit) near += nearestMeanDistance(p) < 0.5f;
      const double share = static_cast<double>(near) / w.lit.size();
      const char* name = scene::toString(mode);
      if (t == 0.0)
        EXPECT_GT(share, 0.97) << name << ": the samples sit on the modes";
      else
        EXPECT_LT(share, 0.6) << name << ": at T the prior draw covers the plane";
    }
    // With trails on, the canvas draws more (the traced paths) than without.
    state.t = 0.0;
    ui::RunView view;
    view.update(runs.latest(), 0.0, cloud.get());
    auto plain =
        litPixels(ui::renderExplorer(*s_ui, state, cloud, 800, 600, {}, &view).value()).lit.size();
    state.canvas.showTrails = true;
    auto trails =
        litPixels(ui::renderExplorer(*s_ui, state, cloud, 800, 600, {}, &view).value()).lit.size();
    EXPECT_GT(trails, plain) << scene::toString(mode);
  }
}

// The exact density heatmap: with the particles hidden, its brightest pixels sit at the
// perturbed means a(t)·μ_k.
TEST_F(RenderTest, DensityHeatmapPeaksAtTheMeans) {
  ui::ExplorerState state;
  state.data = {"8gaussians", 2000, 0};
  state.t = 0.05;
  state.canvas.alpha = 0.0f;  // particles invisible: only the heatmap lights pixels
  state.canvas.showDensity = true;
  state.canvas.showLearnedField = false;
  auto cloud = scene::buildPointCloud(state.data).take();
  ui::FieldSource fields = [&](const ui::Viewport& view_) {
    const auto& bounds = view_.bounds;
    scene::FieldWorker worker;
    scene::FieldRequest r;
    r.exact = false;
    r.data = state.data.data;
    r.sde = ui::resolvedSde(state, cloud.get());
    r.t = state.t;
    r.bounds = bounds;
    r.densityNx = 200;
    r.densityNy = static_cast<int>(200 * (bounds[3] - bounds[1]) / (bounds[2] - bounds[0]));
    worker.request(r);
    EXPECT_TRUE(worker.waitIdle(std::chrono::minutes(1)));
    EXPECT_EQ(worker.lastError(), "");
    return worker.latest();
  };
  auto img = ui::renderExplorer(*s_ui, state, cloud, 800, 600, fields);
  ASSERT_TRUE(img.ok()) << img.error().message;
  const auto& g = img.value().plot;
  // Brightness of each plot pixel; the brightest 0.5% must lie within 0.3 (1.5 std of p_t's
  // components) of a mean (a(0.05) ≈ 0.985).
  std::vector<std::pair<int, ui::Vec2>> px;
  for (int y = static_cast<int>(g.origin.y) + 90; y < static_cast<int>(g.origin.y + g.size.y) - 2;
       ++y)
    for (int x = static_cast<int>(g.origin.x) + 2;
         x < static_cast<int>(g.origin.x + g.size.x) - 160; ++x) {
      const unsigned char* p =
          &img.value().rgba[(static_cast<size_t>(y) * img.value().width + x) * 4];
      const ui::Vec2 w =
          g.camera.pixelToWorld({x - g.origin.x + 0.5f, y - g.origin.y + 0.5f}, g.size);
      if (std::fabs(w.x) < 0.05f || std::fabs(w.y) < 0.05f) continue;  // axis lines
      if (std::hypot(w.x, w.y) > 2.4f)
        continue;  // the modes' ring ± 0.4; legends and captions lie outside
      px.push_back({p[0] + p[1] + p[2], w});
    }
  ASSERT_GT(px.size(), 10000u);
  std::sort(px.begin(), px.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  const size_t top = px.size() / 200;
  size_t near = 0;
  for (size_t i = 0; i < top; ++i)
    near += nearestMeanDistance({px[i].second.x / 0.985f, px[i].second.y / 0.985f}) < 0.3f;
  EXPECT_GT(static_cast<double>(near) / top, 0.95)
      << "the heatmap's brightest pixels sit on the means";
  // And far from the data it is dark (the background).
  EXPECT_LT(px.back().first, 80);
}

// Tier 3: two canvas behaviours rendered and driven headless: colouring particles by speed
// (read back from the framebuffer), and dragging the 2D inpainting line with the mouse
// (through ImGui's input state, one frame at a time).
#include <gtest/gtest.h>

#include "tests/ui/offscreen_test.h"

#include <imgui.h>

#include <cmath>

#include "core/scene/point_cloud.h"
#include "ui/offscreen_render.h"
#include "ui/views/canvas2d.h"

using namespace ss;

namespace {

class CanvasSpeedAndLine : public ss::test::OffscreenTest {};

// Viridis' top (yellow) and its lifted bottom (dark blue-purple), as the shader maps them.
bool yellow(const unsigned char* p) { return p[0] > 200 && p[1] > 180 && p[2] < 90; }
bool darkEnd(const unsigned char* p) {
  return p[0] > 40 && p[0] < 110 && p[1] < 90 && p[2] > 90 && p[2] < 160;
}

}  // namespace

// At t = 0 under VP, x(t) = a(t)·x0 + σ(t)·ε moves at a′x0 + σ′ε with σ′ ≫ |a′|: particles
// with ε = 0 (left) crawl and those with |ε| = 1 (right) race. Coloured by speed, the right
// cluster is viridis' yellow and the left its dark end, with the scale in the legend.
TEST_F(CanvasSpeedAndLine, SpeedColoursTheFastParticlesYellowAndTheSlowOnesDark) {
  auto cloud = std::make_shared<scene::PointCloud>();
  cloud->n = 2000;
  cloud->name = "two clusters";
  cloud->request.data = "two clusters";
  for (int i = 0; i < 2000; ++i) {
    const bool fast = i % 2 == 1;
    const float jitter = 0.3f * std::sin(0.37f * static_cast<float>(i));
    cloud->x0.insert(cloud->x0.end(), {fast ? 2.0f : -2.0f, jitter});
    cloud->noise.insert(cloud->noise.end(), {fast ? 1.0f : 0.0f, 0.0f});
  }
  cloud->colour.assign(2000, 0.5f);
  cloud->label.assign(2000, 0);
  cloud->bounds = {-2.0f, -0.3f, 2.0f, 0.3f};
  ui::ExplorerState state;
  state.data = {"two clusters", 2000, 0};
  state.t = 0.0;
  state.canvas.colourMode = ui::ColourMode::Speed;
  state.canvas.alpha = 1.0f;
  state.canvas.pointSize = 4.0f;
  state.canvas.showGrid = false;
  state.canvas.showLearnedField = false;
  const auto scene = ui::makeCanvasScene(state, cloud, 1);
  ASSERT_GT(scene.speedMax, 10.0f) << "σ′ near t = 0 is large under VP";
  auto img = ui::renderExplorer(*s_ui, state, cloud, 900, 600);
  ASSERT_TRUE(img.ok()) << img.error().message;
  const auto& r = img.value();
  const auto& g = r.plot;
  const float midX = g.origin.x + g.camera.worldToPixel({0.0f, 0.0f}, g.size).x;
  int leftYellow = 0, rightYellow = 0, leftDark = 0, rightDark = 0;
  for (int y = static_cast<int>(g.origin.y) + 120; y < static_cast<int>(g.origin.y + g.size.y) - 4;
       ++y)
    for (int x = static_cast<int>(g.origin.x) + 4; x < static_cast<int>(g.origin.x + g.size.x) - 4;
         ++x) {
      const unsigned char* p = &r.rgba[(static_cast<size_t>(y) * r.width + x) * 4];
      const bool left = x < midX;
      (left ? leftYellow : rightYellow) += yellow(p);
      (left ? leftDark : rightDark) += darkEnd(p);
    }
  EXPECT_GT(rightYellow, 200) << "fast particles at the top of the colour bar";
  EXPECT_LT(leftYellow, 10);
  EXPECT_GT(leftDark, 200) << "slow particles at its dark end";
  EXPECT_LT(rightDark, rightYellow / 10);
}

// The dashed line of the known coordinate is a handle: a press on it and a drag move its
// value with the pointer (no pan); a press elsewhere pans as before.
TEST_F(CanvasSpeedAndLine, DraggingTheInpaintingLineMovesItsValueAndDoesNotPan) {
  ui::CanvasScene scene;
  scene.fixedAxis = 0;  // x₁ = c: a vertical line
  scene.fixedValue = 0.5f;
  ui::CanvasOptions options;
  ui::Canvas2D canvas;
  auto frame = [&](ImVec2 mouse, bool down) {
    pointerFrame(900, 600, mouse, down, 0.0f, [&] {
      canvas.draw(scene, options, {900, 600}, true);
    });
    if (auto v = canvas.lineDrag()) scene.fixedValue = *v;  // as the app does
  };
  frame(ImVec2(-1, -1), false);
  frame(ImVec2(-1, -1), false);
  const ui::PlotGeometry g = canvas.geometry();
  const ui::Camera2D before = g.camera;
  const float lineX = g.origin.x + g.camera.worldToPixel({0.5f, 0.0f}, g.size).x;
  const float y = g.origin.y + 0.5f * g.size.y;
  frame(ImVec2(lineX + 3, y), false);  // within half a line of type of it
  frame(ImVec2(lineX + 3, y), true);
  EXPECT_TRUE(canvas.lineDrag().has_value()) << "grabbed";
  for (int k = 1; k <= 4; ++k) frame(ImVec2(lineX + 3 + 20.0f * k, y), true);
  EXPECT_NEAR(scene.fixedValue, 0.5f + (3 + 80) * before.unitsPerPixel, 2 * before.unitsPerPixel)
      << "the line follows the pointer";
  frame(ImVec2(lineX + 83, y), false);
  EXPECT_FALSE(canvas.lineDrag().has_value()) << "released";
  EXPECT_FALSE(canvas.takeUserMoved()) << "dragging the line does not pan";
  EXPECT_EQ(canvas.geometry().camera.center.x, before.center.x);

  // A press 200 px away from the line pans the view instead and leaves the value alone.
  const float value = scene.fixedValue;
  const ImVec2 away(g.origin.x + 0.2f * g.size.x, y);
  frame(away, false);
  frame(away, true);
  EXPECT_FALSE(canvas.lineDrag().has_value());
  frame(ImVec2(away.x + 40, y), true);
  frame(ImVec2(away.x + 40, y), false);
  EXPECT_EQ(scene.fixedValue, value);
  EXPECT_TRUE(canvas.takeUserMoved());
}

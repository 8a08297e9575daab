// The canvas's overlay layout pass (ui/views/overlay_layout): tier 1 on the pure function
// (boxes never overlap, stay inside the canvas, keep off the data when there is room, wrap
// long text), and tier 3 on lesson 03 in presentation mode at ui scale 1.75 on a 1600×1000
// screen, where the colour legend used to lie across the particle cloud and the status line
// ran off the plot's right edge.
#include <gtest/gtest.h>

#include "tests/ui/offscreen_test.h"

#include <chrono>
#include <cmath>

#include "core/common/assets.h"
#include "core/scene/run_worker.h"
#include "ui/offscreen_render.h"
#include "ui/prefs.h"
#include "ui/session/scene_file.h"
#include "ui/views/overlay_layout.h"

using namespace ss;
using ui::Corner;
using ui::OverlayBox;
using ui::ScreenRect;

namespace {

// Text of `chars` characters, 10 px each and 20 px a line, wrapped at whole characters.
OverlayBox text(const char* name, float chars, Corner corner) {
  OverlayBox b{name, 10 * chars, 20, corner};
  b.heightAt = [chars](float w) { return 20 * std::ceil(10 * chars / std::max(w, 10.0f)); };
  b.minWidth = 100;
  b.gap = 6;
  return b;
}

OverlayBox fixed(const char* name, float w, float h, Corner corner) {
  OverlayBox b{name, w, h, corner};
  b.gap = 6;
  return b;
}

void expectTidy(const ui::OverlayLayoutInput& in, const std::vector<OverlayBox>& boxes,
                const std::vector<ui::OverlayPlacement>& placed) {
  ASSERT_EQ(placed.size(), boxes.size());
  for (size_t i = 0; i < placed.size(); ++i) {
    const ScreenRect& r = placed[i].rect;
    EXPECT_TRUE(ui::contains(in.canvas, r))
        << boxes[i].name << " at " << r.x0 << "," << r.y0 << " – " << r.x1 << "," << r.y1;
    for (size_t j = 0; j < i; ++j)
      EXPECT_EQ(ui::overlapArea(placed[j].rect, r), 0.0f)
          << boxes[i].name << " covers " << boxes[j].name;
  }
}

}  // namespace

// With nothing in the way, each box sits in its corner, at the margin.
TEST(OverlayLayout, AFreeCornerIsKeptAtTheMargin) {
  const ui::OverlayLayoutInput in{{0, 0, 800, 500}, {}, 10, 10};
  std::vector<OverlayBox> boxes{fixed("title", 200, 30, Corner::TopLeft),
                                fixed("legend", 150, 60, Corner::TopRight),
                                fixed("scale", 120, 30, Corner::BottomRight)};
  boxes[2].edgeX = 14;
  boxes[2].edgeY = 30;
  const auto placed = ui::layoutOverlays(in, boxes);
  expectTidy(in, boxes, placed);
  EXPECT_FLOAT_EQ(placed[0].rect.x0, 10);
  EXPECT_FLOAT_EQ(placed[0].rect.y0, 10);
  EXPECT_FLOAT_EQ(placed[1].rect.x1, 790);
  EXPECT_FLOAT_EQ(placed[1].rect.y0, 10);
  EXPECT_FLOAT_EQ(placed[2].rect.x1, 786);
  EXPECT_FLOAT_EQ(placed[2].rect.y1, 470);
  for (const auto& p : placed) EXPECT_FALSE(p.wrapped || p.overData);
}

// Six boxes that all want the top-left corner stack without overlapping, inside the canvas.
TEST(OverlayLayout, BoxesWantingOneCornerNeverOverlapAndStayInside) {
  const ui::OverlayLayoutInput in{{50, 20, 650, 420}, {}, 8, 8};
  std::vector<OverlayBox> boxes;
  for (int i = 0; i < 6; ++i) boxes.push_back(fixed("box", 120.0f + 30 * i, 40, Corner::TopLeft));
  const auto placed = ui::layoutOverlays(in, boxes);
  expectTidy(in, boxes, placed);
  EXPECT_FLOAT_EQ(placed[1].rect.x0, 58);  // under the first, aligned with it
  EXPECT_FLOAT_EQ(placed[1].rect.y0, placed[0].rect.y1 + 6);
}

// The data fills the middle: the title, the status line and the legend go beside it (the
// long status line wrapped into the free strip on the left), not over it.
TEST(OverlayLayout, OverlaysKeepOffTheDataWhenThereIsRoomBesideIt) {
  const ui::OverlayLayoutInput in{{0, 0, 1200, 600}, {{400, 40, 800, 560}}, 10, 10};
  const std::vector<OverlayBox> boxes{
      text("title", 30, Corner::TopLeft), text("status", 90, Corner::TopLeft),
      text("legend", 35, Corner::TopRight), fixed("scale", 200, 40, Corner::BottomRight)};
  const auto placed = ui::layoutOverlays(in, boxes);
  expectTidy(in, boxes, placed);
  for (size_t i = 0; i < placed.size(); ++i) {
    EXPECT_EQ(ui::overlapArea(placed[i].rect, in.data[0]), 0.0f) << boxes[i].name;
    EXPECT_FALSE(placed[i].overData) << boxes[i].name;
  }
  EXPECT_TRUE(placed[1].wrapped);
  EXPECT_LE(placed[1].rect.x1, 390.0f);
  EXPECT_FLOAT_EQ(placed[1].rect.height(), boxes[1].heightAt(placed[1].rect.width()));
  EXPECT_GE(placed[2].rect.x0, 810.0f);  // the legend on the right of the data
}

// A status line wider than the canvas wraps to the canvas's width instead of being cut.
TEST(OverlayLayout, ALongStatusLineWrapsInsideTheCanvas) {
  const ui::OverlayLayoutInput in{{0, 0, 500, 400}, {}, 10, 10};
  const std::vector<OverlayBox> boxes{text("status", 120, Corner::TopLeft)};
  const auto placed = ui::layoutOverlays(in, boxes);
  expectTidy(in, boxes, placed);
  EXPECT_TRUE(placed[0].wrapped);
  EXPECT_FLOAT_EQ(placed[0].rect.width(), 480);
  EXPECT_FLOAT_EQ(placed[0].rect.height(), 20 * std::ceil(1200.0f / 480.0f));
}

// Data everywhere: the boxes still neither overlap nor leave the canvas, and they say they
// lie over the data (so they are drawn on a backing).
TEST(OverlayLayout, WithoutRoomTheBoxesGoOverTheDataButStayTidy) {
  const ui::OverlayLayoutInput in{{0, 0, 600, 400}, {{0, 0, 600, 400}}, 10, 10};
  const std::vector<OverlayBox> boxes{fixed("title", 300, 30, Corner::TopLeft),
                                      fixed("legend", 200, 80, Corner::TopRight),
                                      fixed("lines", 400, 50, Corner::BottomLeft)};
  const auto placed = ui::layoutOverlays(in, boxes);
  expectTidy(in, boxes, placed);
  for (const auto& p : placed) EXPECT_TRUE(p.overData);
  EXPECT_FLOAT_EQ(placed[0].rect.x0, 10);  // each still in its own corner
  EXPECT_FLOAT_EQ(placed[1].rect.x1, 590);
  EXPECT_FLOAT_EQ(placed[2].rect.y1, 390);
}

// The data region is the box of the particles drawn inside the plot, trimmed of strays.
TEST(OverlayLayout, ParticleBoxTrimsStraysAndFollowsTheCamera) {
  scene::PointCloud cloud;
  for (int i = 0; i < 1000; ++i) {
    const float u = static_cast<float>(i % 100) / 99.0f, v = static_cast<float>(i / 100) / 9.0f;
    cloud.x0.insert(cloud.x0.end(), {-1 + 2 * u, -0.5f + v});  // [-1, 1] × [-0.5, 0.5]
  }
  for (int i = 0; i < 5; ++i) cloud.x0.insert(cloud.x0.end(), {3.0f, 3.0f});  // strays
  cloud.x0.insert(cloud.x0.end(), {100.0f, 0.0f});                            // off the plot
  cloud.noise.assign(cloud.x0.size(), 0.0f);
  cloud.n = static_cast<int64_t>(cloud.x0.size() / 2);
  ui::Camera2D cam;
  cam.center = {0, 0};
  cam.unitsPerPixel = 0.01f;  // 100 px per unit; the plot is 800 × 600 at (10, 20)
  const auto box = ui::particleBox(cloud, 1, 0, cam, {10, 20, 810, 620});
  ASSERT_TRUE(box.has_value());
  EXPECT_NEAR(box->x0, 10 + 400 - 98, 3);
  EXPECT_NEAR(box->x1, 10 + 400 + 98, 3);
  EXPECT_NEAR(box->y0, 20 + 300 - 50, 3);
  EXPECT_NEAR(box->y1, 20 + 300 + 50, 3);
  // Scaled by a(t) = 0.5: half the size.
  const auto half = ui::particleBox(cloud, 0.5f, 0, cam, {10, 20, 810, 620});
  ASSERT_TRUE(half.has_value());
  EXPECT_NEAR(half->x1 - half->x0, 0.5f * (box->x1 - box->x0), 3);
}

namespace {

class LessonOverlays : public ss::test::OffscreenTest {};

}  // namespace

// Lesson 03 as presentation mode shows it with --ui-scale 1.75 on a 1600×1000 screen (type
// at 1.75 × the presentation scale; the canvas is what the caption band leaves, ~1600×660),
// half way through the reverse run: every caption and legend is inside the plot, off the
// particles' box, and none covers another.
TEST_F(LessonOverlays, LessonThreeInPresentationAtScale175KeepsOffTheCloud) {
  auto loaded = ui::loadScene(assetsDir() + "/scenes/03-reverse-sde-vs-ode.json");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  ui::ExplorerState state = loaded.value().scene.state;
  auto cloud = scene::buildPointCloud(state.data).take();
  scene::RunWorker runs;
  runs.request(ui::runRequestFor(state, cloud.get(), nullptr));
  ASSERT_TRUE(runs.waitIdle(std::chrono::minutes(3)));
  ASSERT_EQ(runs.lastError(), "");
  state.t = 0.66;
  ui::RunView view;
  view.update(runs.latest(), state.t, cloud.get(), state.mode);
  ASSERT_TRUE(view.cloud);
  s_ui->setScale(1.75f * ui::Prefs{}.presentationScale);
  auto img = ui::renderExplorer(*s_ui, state, cloud, 1600, 660, {}, &view);
  s_ui->setScale(1.0f);
  ASSERT_TRUE(img.ok()) << img.error().message;
  const ui::OverlayPass& pass = img.value().overlays;
  ASSERT_EQ(pass.input.data.size(), 1u) << "the particles' box";
  ASSERT_GE(pass.placed.size(), 3u) << "title, status line, colour legend";
  expectTidy(pass.input, pass.boxes, pass.placed);
  for (size_t i = 0; i < pass.placed.size(); ++i)
    EXPECT_EQ(ui::overlapArea(pass.placed[i].rect, pass.input.data[0]), 0.0f)
        << pass.boxes[i].name << " lies over the particles";
}

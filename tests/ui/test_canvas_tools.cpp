// Canvas tools: the pointer → world mapping, the drawing model (add and erase under the
// brush, the CSV the toy loader reads back), "use as dataset", the probe queue and the
// --probe flag. Tier 2: no display needed.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/scene/point_cloud.h"
#include "ui/views/canvas2d.h"
#include "ui/views/canvas_tools.h"
#include "ui/views/draw_tool.h"

using namespace ss;
using ui::Vec2;

namespace {

std::filesystem::path freshDir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("scorescope_canvas_tools_" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

float distance(const std::vector<float>& xy, size_t i, Vec2 c) {
  return std::hypot(xy[2 * i] - c.x, xy[2 * i + 1] - c.y);
}

}  // namespace

TEST(CanvasPointer, MapsThePlotToWorldOnAKnownCamera) {
  ui::PlotGeometry g;
  g.origin = {100, 50};
  g.size = {800, 600};
  g.camera.center = {1, -2};
  g.camera.unitsPerPixel = 0.01f;
  const Vec2 mid = ui::pointerToWorld({500, 350}, g);  // the plot's centre
  EXPECT_FLOAT_EQ(mid.x, 1);
  EXPECT_FLOAT_EQ(mid.y, -2);
  const Vec2 upRight = ui::pointerToWorld({600, 250}, g);  // 100 px right, 100 px up
  EXPECT_NEAR(upRight.x, 2, 1e-5);
  EXPECT_NEAR(upRight.y, -1, 1e-5);
  const Vec2 corner = ui::pointerToWorld({100, 50}, g);  // top-left
  EXPECT_NEAR(corner.x, 1 - 4, 1e-5);
  EXPECT_NEAR(corner.y, -2 + 3, 1e-5);
}

TEST(DrawModel, StampAddsDensityTimesAreaInsideTheBrush) {
  for (bool gaussian : {true, false}) {
    ui::DrawModel m(3);
    ui::Brush b;
    b.radius = 0.5f;
    b.density = 100;
    b.gaussian = gaussian;
    EXPECT_EQ(m.stamp({2, -1}, b), 25u);  // density · r²
    ASSERT_EQ(m.size(), 25u);
    for (size_t i = 0; i < m.size(); ++i) EXPECT_LE(distance(m.points(), i, {2, -1}), 0.5f + 1e-6f);
  }
}

TEST(DrawModel, StrokeStampsEveryHalfRadius) {
  ui::DrawModel m;
  ui::Brush b;
  b.radius = 0.4f;
  b.density = 25;  // 4 points per stamp
  m.strokeTo({0, 0}, b);
  m.strokeTo({2, 0}, b);  // stamps at 0.2, 0.4, …, 2.0 (float steps: 10 give or take one)
  EXPECT_NEAR(static_cast<double>(m.size()), 44.0, 4.0);
  m.endStroke();
  m.strokeTo({5, 5}, b);  // a new stroke starts where it is, no line from the last one
  EXPECT_NEAR(static_cast<double>(m.size()), 48.0, 4.0);
  for (size_t i = 0; i < m.size(); ++i) {
    const float x = m.points()[2 * i], y = m.points()[2 * i + 1];
    EXPECT_TRUE((y > -0.41f && y < 0.41f && x > -0.41f && x < 2.41f) ||
                distance(m.points(), i, {5, 5}) <= 0.4f);
  }
}

TEST(DrawModel, EraseRemovesOnlyThePointsUnderTheBrush) {
  ui::DrawModel m;
  m.setPoints({0, 0, 0.3f, 0, 1, 1, -2, 0.5f, 0.05f, -0.1f});
  EXPECT_EQ(m.erase({0, 0}, 0.31f), 3u);
  EXPECT_EQ(m.points(), (std::vector<float>{1, 1, -2, 0.5f}));
  EXPECT_EQ(m.erase({10, 10}, 1), 0u);
  m.clear();
  EXPECT_EQ(m.size(), 0u);
}

TEST(DrawModel, CsvIsReadBackByTheToyLoader) {
  const auto dir = freshDir("csv");
  ui::DrawModel m(5);
  ui::Brush b;
  b.radius = 0.3f;
  b.density = 400;
  m.stamp({1, 1}, b);
  m.stamp({-1, 0.5f}, b);
  const auto path = (dir / "drawn.csv").string();
  ASSERT_TRUE(m.writeCsv(path));
  scene::DataRequest r;
  r.data = path;
  r.n = 500;
  auto cloud = scene::buildPointCloud(r);
  ASSERT_TRUE(cloud) << cloud.error().message;
  // The empirical distribution: every drawn particle is one of the drawn points.
  const auto& pts = m.points();
  const auto& x0 = cloud.value()->x0;
  ASSERT_EQ(x0.size(), 1000u);
  for (size_t i = 0; i < x0.size(); i += 2) {
    float best = 1e9f;
    for (size_t j = 0; j < pts.size(); j += 2)
      best = std::min(best, std::hypot(x0[i] - pts[j], x0[i + 1] - pts[j + 1]));
    EXPECT_LT(best, 1e-5f);
  }
  const auto& bb = cloud.value()->bounds;
  EXPECT_GE(bb[0], -1.3f - 1e-4f);
  EXPECT_LE(bb[2], 1.3f + 1e-4f);
}

// Painted classes: each stamp carries the brush's label, erasing keeps points and labels
// together, and two or more classes make an x,y,label CSV whose labels the loader reads as
// the dataset's classes (one class alone stays a plain x,y file).
TEST(DrawModel, PaintedLabelsBecomeTheDatasetsClasses) {
  const auto dir = freshDir("labels");
  ui::DrawModel m(7);
  ui::Brush b;
  b.radius = 0.2f;
  b.density = 300;
  m.stamp({-1.5f, 0}, b);
  auto header = [](const std::string& file) {
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);
    return line;
  };
  const auto plain = (dir / "one_class.csv").string();
  ASSERT_TRUE(m.writeCsv(plain));
  EXPECT_EQ(header(plain), "x,y");
  b.label = 2;  // shown as class 3
  m.stamp({1.5f, 0}, b);
  m.stamp({0, 3}, b);
  EXPECT_EQ(m.distinctLabels(), (std::vector<int>{0, 2}));
  m.erase({0, 3}, 0.5f);  // the third stamp goes, labels stay aligned with their points
  ASSERT_EQ(m.labels().size(), m.size());
  for (size_t i = 0; i < m.size(); ++i) EXPECT_EQ(m.labels()[i], m.points()[2 * i] > 0 ? 2 : 0);
  const auto path = (dir / "two_classes.csv").string();
  ASSERT_TRUE(m.writeCsv(path));
  EXPECT_EQ(header(path), "x,y,label");
  scene::DataRequest r;
  r.data = path;
  r.n = 400;
  auto cloud = scene::buildPointCloud(r);
  ASSERT_TRUE(cloud) << cloud.error().message;
  EXPECT_EQ(cloud.value()->numClasses, 3) << "labels 0 and 2: classes 0..2";
  const auto& c = *cloud.value();
  for (size_t i = 0; i < static_cast<size_t>(c.n); ++i)
    EXPECT_EQ(c.label[i], c.x0[2 * i] > 0 ? 2 : 0);
}

TEST(DrawModel, FewerThanTwoPointsIsAClearErrorAndWritesNothing) {
  const auto dir = freshDir("few");
  ui::DrawModel m;
  m.setPoints({0.5f, 0.5f});
  auto w = m.writeCsv((dir / "one.csv").string());
  ASSERT_FALSE(w);
  EXPECT_NE(w.error().message.find("at least 2 points (1 drawn)"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir / "one.csv"));
}

TEST(CanvasTools, UseAsDatasetWritesNumberedFilesAndSwitchesTheData) {
  const auto dir = freshDir("use");
  ui::CanvasTools tools;
  ui::ExplorerState state;
  state.data.data = "moons";
  auto none = tools.useAsDataset(state, (dir / "drawn").string());
  EXPECT_FALSE(none);
  EXPECT_TRUE(tools.messageIsError());
  EXPECT_EQ(state.data.data, "moons");  // state kept
  tools.drawing().setPoints({0, 0, 1, 1, 2, 0});
  auto first = tools.useAsDataset(state, (dir / "drawn").string());
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first.value(), (dir / "drawn" / "drawn-1.csv").string());
  EXPECT_EQ(state.data.data, first.value());
  auto second = tools.useAsDataset(state, (dir / "drawn").string());
  ASSERT_TRUE(second);
  EXPECT_EQ(second.value(), (dir / "drawn" / "drawn-2.csv").string());
  std::ifstream in(second.value());
  std::string header, row;
  std::getline(in, header);
  std::getline(in, row);
  EXPECT_EQ(header, "x,y");
  EXPECT_EQ(row, "0,0");
}

TEST(CanvasTools, DrawnDataDirFollowsXdgDataHome) {
  const char* old = std::getenv("XDG_DATA_HOME");
  const std::string saved = old ? old : "";
  setenv("XDG_DATA_HOME", "/tmp/xdg-data-test", 1);
  EXPECT_EQ(ui::drawnDataDir(), "/tmp/xdg-data-test/scorescope/drawn");
  unsetenv("XDG_DATA_HOME");
  if (const char* home = std::getenv("HOME"))
    EXPECT_EQ(ui::drawnDataDir(), std::string(home) + "/.local/share/scorescope/drawn");
  if (old) setenv("XDG_DATA_HOME", saved.c_str(), 1);
}

TEST(CanvasTools, ClicksQueueProbesAndTheNewestEightAreKept) {
  ui::CanvasTools tools;
  tools.tool = ui::CanvasTool::DropCluster;
  tools.clusterSize = 4;
  ui::ExplorerState state;
  state.data.data = "8gaussians";
  state.sampler.steps = 60;
  state.sampler.rtol = state.sampler.atol = 1e-3;
  state.t = 0.6;
  ui::CanvasPointer click;
  click.hovered = click.pressed = click.held = true;
  click.unitsPerPixel = 0.01f;
  for (int i = 0; i < 10; ++i) {
    click.world = {0.1f * i, 0};
    tools.handlePointer(click, state, nullptr, nullptr);  // every click is kept, none superseded
  }
  for (int k = 0; k < 3000 && !tools.idle(); ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    tools.poll();
  }
  ASSERT_TRUE(tools.idle());
  EXPECT_FALSE(tools.messageIsError()) << tools.message();
  ASSERT_EQ(tools.probes().size(), ui::CanvasTools::kKeptProbes);
  const auto& newest = *tools.probes().back();
  EXPECT_EQ(newest.id, 10u);
  EXPECT_EQ(newest.n, 4);
  EXPECT_DOUBLE_EQ(newest.t, 0.6);
  EXPECT_FLOAT_EQ(newest.sde.xy[0], 0.9f);  // the click itself starts the cluster
  ASSERT_GE(newest.ode.records(), 2u);
  ui::CanvasScene scene;
  tools.decorate(scene);
  EXPECT_EQ(scene.probes.size(), ui::CanvasTools::kKeptProbes);
  EXPECT_EQ(scene.drawnPoints, nullptr);  // nothing drawn, not drawing
  tools.clearProbes();
  EXPECT_TRUE(tools.probes().empty());
}

TEST(CanvasTools, PanIgnoresClicksAndDrawPaintsWhileHeld) {
  ui::CanvasTools tools;
  ui::ExplorerState state;
  ui::CanvasPointer p;
  p.pressed = p.held = true;
  tools.handlePointer(p, state, nullptr, nullptr);
  EXPECT_TRUE(tools.idle());
  tools.tool = ui::CanvasTool::Draw;
  tools.brush.radius = 0.2f;
  tools.brush.density = 100;  // 4 per stamp
  tools.handlePointer(p, state, nullptr, nullptr);
  EXPECT_EQ(tools.drawing().size(), 4u);
  tools.tool = ui::CanvasTool::Erase;
  tools.brush.radius = 0.25f;
  tools.handlePointer(p, state, nullptr, nullptr);
  EXPECT_EQ(tools.drawing().size(), 0u);
}

TEST(CanvasTools, ParsesTheProbeFlag) {
  auto a = ui::parseProbeSpec("0.5,-1");
  ASSERT_TRUE(a);
  EXPECT_EQ(a.value().tool, ui::CanvasTool::DropParticle);
  EXPECT_FLOAT_EQ(a.value().at.y, -1);
  auto b = ui::parseProbeSpec("cluster:2,0");
  ASSERT_TRUE(b);
  EXPECT_EQ(b.value().tool, ui::CanvasTool::DropCluster);
  EXPECT_EQ(ui::parseProbeSpec("encode:2,0").value().tool, ui::CanvasTool::Encode);
  EXPECT_FALSE(ui::parseProbeSpec("blob:1,2"));
  EXPECT_FALSE(ui::parseProbeSpec("1;2"));
  EXPECT_FALSE(ui::parseProbeSpec("1,2,3"));
}

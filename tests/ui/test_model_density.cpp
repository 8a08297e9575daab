// Tier 3: the model's density heatmap (PF-ODE log p_t of a trained snapshot, DensityWorker)
// rendered offscreen through the same canvas as the GUI: at small t it must be bright on the
// eight modes of 8gaussians and dark between them.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>

#include "core/scene/density_worker.h"
#include "core/scene/point_cloud.h"
#include "core/train/quick_train.h"
#include "ui/offscreen_render.h"

using namespace ss;
using namespace std::chrono_literals;

namespace {

float luminance(const ui::RenderedImage& img, int x, int y) {
  const unsigned char* q = &img.rgba[(static_cast<size_t>(y) * img.width + x) * 4];
  return 0.2126f * q[0] + 0.7152f * q[1] + 0.0722f * q[2];
}

// Mean luminance of a 5×5 pixel patch at a world point.
float at(const ui::RenderedImage& img, float wx, float wy) {
  const auto& p = img.plot;
  const ui::Vec2 px = p.camera.worldToPixel({wx, wy}, p.size);
  float sum = 0;
  for (int dy = -2; dy <= 2; ++dy)
    for (int dx = -2; dx <= 2; ++dx)
      sum += luminance(img, static_cast<int>(p.origin.x + px.x) + dx, static_cast<int>(p.origin.y + px.y) + dy);
  return sum / 25.0f;
}

TEST(ModelDensity, RenderPeaksOnTheEightModesAtSmallT) {
  ui::WindowOptions w;
  w.visible = false;
  w.width = w.height = 64;
  w.fontScale = 1.0f;
  w.debugGl = true;
  auto ctx = ui::UiContext::create(w);
  ASSERT_TRUE(ctx.ok()) << "needs an X display (xvfb-run): " << ctx.error().message;

  train::TrainProblemSpec spec;  // 8gaussians, VP, the default 3×128 MLP
  spec.train.seed = 1;
  auto snap = train::trainSnapshot(spec, 1500);
  ASSERT_TRUE(snap.ok()) << snap.error().message;

  ui::ExplorerState s;
  s.data = {"8gaussians", 2000, 0};
  s.t = 0.05;
  s.canvas.alpha = 0.0f;  // only the heatmap draws colour
  s.canvas.showGrid = false;
  s.canvas.showLearnedField = false;
  s.canvas.showDensity = true;
  s.canvas.densitySource = ui::DensitySource::Model;
  auto cloud = scene::buildPointCloud(s.data);
  ASSERT_TRUE(cloud.ok());
  std::shared_ptr<const scene::DensityGrid> grid;
  auto image = ui::renderExplorer(*ctx.value(), s, cloud.value(), 900, 700, [&](const std::array<float, 4>& b) {
    scene::DensityWorker worker;
    scene::DensityRequest r;
    r.model = snap.value();
    r.t = s.t;
    r.bounds = b;
    r.finest = r.coarsest = 32;  // a few seconds on one core; the modes span several cells
    r.rtol = r.atol = 1e-4;
    worker.request(r);
    EXPECT_TRUE(worker.waitIdle(300s));
    EXPECT_EQ(worker.lastError(), "");
    grid = worker.latest();
    scene::VectorField field;
    field.request.bounds = b;
    return grid ? std::make_shared<const scene::VectorField>(scene::withModelDensity(field, *grid)) : nullptr;
  });
  ASSERT_TRUE(image.ok()) << image.error().message;
  ASSERT_TRUE(grid);
  EXPECT_EQ(grid->modelStep, 1500);
  EXPECT_EQ(ctx.value()->glErrorCount(), 0);
  if (const char* dir = std::getenv("SCORESCOPE_TEST_PNG_DIR"))
    (void)ui::writePng(std::string(dir) + "/model_density.png", image.value());
  const float centre = at(image.value(), 0.4f, -0.4f);  // off the axes, which are drawn light
  float dimmest = 1e9f;
  for (int k = 0; k < 8; ++k) {
    const float a = static_cast<float>(k * M_PI / 4);
    const float mode = at(image.value(), 2 * std::cos(a), 2 * std::sin(a));
    // Between two modes on the ring: p_t is several nats lower than on them.
    const float gap = at(image.value(), 2 * std::cos(a + M_PI / 8), 2 * std::sin(a + M_PI / 8));
    EXPECT_GT(mode, gap + 20) << "mode " << k;
    dimmest = std::min(dimmest, mode);
  }
  EXPECT_GT(dimmest, centre + 30) << "every mode brighter than the empty centre";
  RecordProperty("level_seconds", std::to_string(grid->seconds));
  RecordProperty("level_nfe", std::to_string(grid->nfe));
}

}  // namespace

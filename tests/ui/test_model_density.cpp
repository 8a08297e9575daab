// Tier 3: the model's density heatmap (PF-ODE log p_t of a trained snapshot, DensityWorker)
// rendered offscreen through the same canvas as the GUI: at small t it must be bright on the
// eight modes of 8gaussians and dark between them.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>

#include "core/scene/density_worker.h"
#include "core/scene/point_cloud.h"
#include "core/train/quick_train.h"
#include "ui/offscreen_render.h"
#include "ui/recorder.h"

#include <filesystem>
#include <thread>

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
      sum += luminance(img, static_cast<int>(p.origin.x + px.x) + dx,
                       static_cast<int>(p.origin.y + px.y) + dy);
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
  auto image =
      ui::renderExplorer(*ctx.value(), s, cloud.value(), 900, 700, [&](const ui::Viewport& view_) {
        const auto& b = view_.bounds;
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
        return grid ? std::make_shared<const scene::VectorField>(
                          scene::withModelDensity(field, *grid))
                    : nullptr;
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

// The GUI's recorder with the model's density shown: a frame is drawn only once the density
// worker has published the finest grid for that frame's t, never a coarse level or the grid of
// the previous frame's t (the rule the GUI ticks the recorder with: ui::frameReady). Tier 2.
TEST(ModelDensity, RecorderWaitsForTheFinestGridAtEachFramesT) {
  train::TrainProblemSpec spec;
  spec.train.seed = 2;
  auto snap = train::trainSnapshot(spec, 100);
  ASSERT_TRUE(snap.ok()) << snap.error().message;
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / "scorescope_record_density";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  ui::TimelineRecorder rec;
  ASSERT_TRUE(rec.start((dir / "d.gif").string(), 32, 24, 3, 10, /*forward=*/true, /*T=*/1.0));
  scene::DensityWorker worker;
  double asked = -1;
  int drawn = 0, refusedCoarse = 0, refusedStale = 0;
  std::string message;
  bool error = false;
  const auto deadline = std::chrono::steady_clock::now() + 300s;
  while (message.empty() && std::chrono::steady_clock::now() < deadline) {
    const double t = std::clamp(rec.targetT(), 1e-5, 1.0);
    if (t != asked) {  // as the GUI does when t moves: a new request (coarse levels first)
      scene::DensityRequest r;
      r.model = snap.value();
      r.t = t;
      r.bounds = {-3, -3, 3, 3};
      r.coarsest = 8;
      r.finest = 32;
      r.rtol = r.atol = 1e-3;
      worker.request(r);
      asked = t;
    }
    ui::FrameReadiness r;
    r.cloud = true;
    r.modelDensityNeeded = true;
    const auto grid = worker.latest();
    if (grid) r.densityT = grid->request.t, r.densityFinest = grid->finest();
    const bool ready = ui::frameReady(r, t);
    if (grid && !ready) (grid->request.t != t ? refusedStale : refusedCoarse)++;
    message = rec.tick(
        ready,
        [&] {
          // What the frame would show: the finest grid, for this very t.
          EXPECT_TRUE(grid && grid->finest() && grid->request.t == t &&
                      grid->level == grid->levels - 1);
          ++drawn;
          ui::RenderedImage im;
          im.width = 32;
          im.height = 24;
          im.rgba.assign(32 * 24 * 4, 128);
          return Expected<ui::RenderedImage>(std::move(im));
        },
        &error);
    std::this_thread::sleep_for(2ms);
  }
  EXPECT_FALSE(error) << message;
  EXPECT_NE(message.find("wrote"), std::string::npos) << message;
  EXPECT_EQ(drawn, 3);
  // It did wait: coarse grids of the frame's t, and the last frame's grid, came and were refused.
  EXPECT_GT(refusedCoarse, 0);
  EXPECT_GT(refusedStale, 0);
  // Without the model density shown the same state is ready at once.
  ui::FrameReadiness plain;
  plain.cloud = true;
  EXPECT_TRUE(ui::frameReady(plain, 0.5));
  plain.fieldNeeded = true;
  plain.fieldT = 0.5;
  EXPECT_TRUE(ui::frameReady(plain, 0.5));
  EXPECT_FALSE(ui::frameReady(plain, 0.25));  // a field for another t
  plain.runNeeded = true;
  EXPECT_FALSE(ui::frameReady(plain, 0.5));  // the run is not done
  std::filesystem::remove_all(dir);
}

}  // namespace

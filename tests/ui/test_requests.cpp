// Tier 3: the window and `scorescope render` ask the workers for the same thing. The
// window's path (a canvas drawn in a GUI frame, FieldRequester) and render's path
// (renderExplorer with waitedFieldSource) are driven from one scene and their requests
// compared; then the rules of ui/session/requests.h on their own.
#include <gtest/gtest.h>

#include "tests/ui/offscreen_test.h"

#include <optional>

#include "core/scene/point_cloud.h"
#include "core/scene/vector_field.h"
#include "core/train/quick_train.h"
#include "ui/explorer2d/layer_requests.h"
#include "ui/offscreen_render.h"
#include "ui/session/requests.h"
#include "ui/views/canvas2d.h"

using namespace ss;

namespace {

class Requests : public ss::test::OffscreenTest {
 protected:
  // The field request of the window's path: the canvas drawn at w × h in a GUI frame, then
  // the explorer's FieldRequester over what it framed.
  static std::optional<scene::FieldRequest> windowRequest(
      const ui::ExplorerState& s, const std::shared_ptr<const scene::PointCloud>& cloud,
      std::shared_ptr<const train::ModelSnapshot> model, int w, int h) {
    ui::Canvas2D canvas;
    for (int frame = 0; frame < 2; ++frame)  // the first frame fits the view, as render's
      pointerFrame(w + 16, h + 16, ImVec2(-1, -1), false, 0, [&] {
        canvas.draw(ui::makeCanvasScene(s, cloud, 1), s.canvas,
                    {static_cast<float>(w), static_cast<float>(h)}, true);
      });
    ui::FieldRequester requester;
    return requester.next(s, cloud.get(), std::move(model), canvas.viewport());
  }

  // The field request of render's path: the request of the field waitedFieldSource computed.
  static std::optional<scene::FieldRequest> renderRequest(
      const ui::ExplorerState& s, const std::shared_ptr<const scene::PointCloud>& cloud,
      std::shared_ptr<const train::ModelSnapshot> model, int w, int h) {
    std::optional<scene::FieldRequest> asked;
    auto source = ui::waitedFieldSource(s, cloud, model);
    auto image = ui::renderExplorer(*s_ui, s, cloud, w, h, [&](const ui::Viewport& view) {
      auto field = source(view);
      if (field) asked = field->request;
      return field;
    });
    EXPECT_TRUE(image.ok());
    return asked;
  }
};

TEST_F(Requests, WindowAndRenderAskTheSameOfTheFieldWorker) {
  ui::ExplorerState s;
  s.data = {"moons", 2000, 0};
  s.t = 0.3;
  s.canvas.showExactField = true;
  s.canvas.showLearnedField = false;
  s.canvas.fieldStreamlines = true;
  s.canvas.showDensity = true;
  auto cloud = scene::buildPointCloud(s.data).take();
  const auto window = windowRequest(s, cloud, nullptr, 900, 640);
  const auto render = renderRequest(s, cloud, nullptr, 900, 640);
  ASSERT_TRUE(window && render);
  EXPECT_TRUE(*window == *render);
  EXPECT_EQ(window->bounds, render->bounds);
  EXPECT_TRUE(window->streamExact && window->exact);
  EXPECT_GT(window->densityNx, 0);

  // At t = 0 both evaluate at ε, and the density alone still asks for a field.
  s.t = 0;
  s.canvas.showExactField = s.canvas.fieldStreamlines = false;
  const auto w0 = windowRequest(s, cloud, nullptr, 700, 700);
  const auto r0 = renderRequest(s, cloud, nullptr, 700, 700);
  ASSERT_TRUE(w0 && r0);
  EXPECT_TRUE(*w0 == *r0);
  EXPECT_DOUBLE_EQ(w0->t, s.sde.eps);
}

TEST_F(Requests, LearnedLayersAskTheSameWithAModel) {
  train::TrainProblemSpec spec;  // 8gaussians, VP, the default MLP, a few steps
  spec.train.seed = 1;
  auto snap = train::trainSnapshot(spec, 20);
  ASSERT_TRUE(snap.ok()) << snap.error().message;
  ui::ExplorerState s;
  s.data = {"8gaussians", 2000, 0};
  s.t = 0.2;
  s.canvas.showLearnedField = s.canvas.showExactField = true;
  s.canvas.showScoreError = true;
  s.canvas.fieldStreamlines = true;
  auto cloud = scene::buildPointCloud(s.data).take();
  const auto window = windowRequest(s, cloud, snap.value(), 800, 600);
  const auto render = renderRequest(s, cloud, snap.value(), 800, 600);
  ASSERT_TRUE(window && render);
  EXPECT_TRUE(*window == *render);
  EXPECT_EQ(window->model, snap.value());
  EXPECT_TRUE(window->scoreError && window->streamLearned && window->streamExact);
}

}  // namespace

// The rules on their own: what each layer asks for.
TEST(RequestRules, EachLayerAsksForWhatItDraws) {
  ui::ExplorerState s;
  s.data = {"8gaussians", 500, 0};
  auto cloud = scene::buildPointCloud(s.data).take();
  const ui::Viewport view{{-4, -3, 4, 3}, 1200};
  s.canvas.showLearnedField = true;  // but no model yet: nothing to ask for
  EXPECT_FALSE(ui::fieldRequestFor(s, *cloud, nullptr, view));
  s.canvas.fieldStreamlines = true;  // streamlines with no model trace the exact flow
  auto r = ui::fieldRequestFor(s, *cloud, nullptr, view);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->streamExact && !r->streamLearned && !r->exact && r->model == nullptr);
  EXPECT_EQ(r->nx, 24);
  EXPECT_EQ(r->ny, 18);  // the view's aspect
  s.canvas = {};
  s.canvas.showLearnedField = false;
  s.canvas.showDensity = true;
  r = ui::fieldRequestFor(s, *cloud, nullptr, view);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->densityNx, 200);  // one cell per 6 pixels of 1200
  EXPECT_EQ(r->densityNy, 150);
  EXPECT_EQ(ui::densityCells(100), 64);
  EXPECT_EQ(ui::densityCells(4000), 256);
  // The model's density replaces the exact one: no field, a density request instead.
  s.canvas.densitySource = ui::DensitySource::Model;
  EXPECT_FALSE(ui::fieldRequestFor(s, *cloud, nullptr, view));
  EXPECT_FALSE(ui::modelDensityRequestFor(s, *cloud, nullptr, view, ui::DensityDetail::Refined));
}

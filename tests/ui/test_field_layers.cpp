// Tier 3: the score-field layers of the 2D canvas (difference arrows, arrow styles,
// probability-flow streamlines) rendered offscreen and read back, and their scene keys.
#include <gtest/gtest.h>

#include "tests/ui/offscreen_test.h"

#include <chrono>
#include <cmath>

#include "core/scene/point_cloud.h"
#include "core/scene/vector_field.h"
#include "ui/offscreen_render.h"
#include "ui/session/scene_file.h"

using namespace ss;
using namespace std::chrono_literals;

namespace {

class FieldLayers : public ss::test::OffscreenTest {
 protected:
  // 8gaussians at t with the particles invisible, so only the field layer draws colour.
  static ui::ExplorerState state(double t) {
    ui::ExplorerState s;
    s.data = {"8gaussians", 2000, 0};
    s.t = t;
    s.canvas.alpha = 0.0f;
    s.canvas.showGrid = false;
    s.canvas.fieldResolution = 24;
    return s;
  }

  // The exact field the FieldWorker computes for the framed view (with streamlines if asked).
  static std::shared_ptr<scene::VectorField> exactField(const ui::ExplorerState& s,
                                                        const std::array<float, 4>& b,
                                                        bool streamlines) {
    scene::FieldWorker worker;
    scene::FieldRequest r;
    r.data = s.data.data;
    r.sde = s.sde;
    r.t = s.t;
    r.bounds = b;
    r.nx = s.canvas.fieldResolution;
    r.ny = std::max(2, static_cast<int>(std::lround(r.nx * (b[3] - b[1]) / (b[2] - b[0]))));
    r.streamExact = streamlines;
    scene::setStreamGrid(r, r.nx);
    worker.request(r);
    EXPECT_TRUE(worker.waitIdle(120s));
    EXPECT_EQ(worker.lastError(), "");
    auto f = worker.latest();
    return f ? std::make_shared<scene::VectorField>(*f) : nullptr;
  }

  // Pixels of the plot (legend band at the bottom left out) within `tol` of colour c.
  static int countColour(const ui::RenderedImage& img, int r, int g, int b, int tol = 40) {
    const auto& p = img.plot;
    int n = 0;
    for (int y = static_cast<int>(p.origin.y) + 2;
         y < static_cast<int>(p.origin.y + p.size.y) - 110; ++y)
      for (int x = static_cast<int>(p.origin.x) + 2;
           x < static_cast<int>(p.origin.x + p.size.x) - 2; ++x) {
        const unsigned char* q = &img.rgba[(static_cast<size_t>(y) * img.width + x) * 4];
        if (std::abs(q[0] - r) + std::abs(q[1] - g) + std::abs(q[2] - b) < tol) ++n;
      }
    return n;
  }
};

TEST_F(FieldLayers, DifferenceOfTheExactScoreWithItselfVanishes) {
  auto s = state(0.3);
  s.canvas.showLearnedField = s.canvas.showExactField = s.canvas.fieldDifference = true;
  auto cloud = scene::buildPointCloud(s.data);
  ASSERT_TRUE(cloud.ok());
  std::shared_ptr<scene::VectorField> same, shifted;
  auto render = [&](bool shift) {
    return ui::renderExplorer(*s_ui, s, cloud.value(), 900, 700, [&](const ui::Viewport& view_) {
      const auto& b = view_.bounds;
      auto f = exactField(s, b, false);
      f->learned = f->exact;  // a "perfect model"
      if (shift)
        for (size_t i = 0; i < f->learned.size(); i += 2)
          f->learned[i] += 1.0f;  // s_θ = ∇log p_t + (1, 0)
      return std::shared_ptr<const scene::VectorField>(f);
    });
  };
  auto zero = render(false), one = render(true);
  ASSERT_TRUE(zero.ok() && one.ok());
  const int pinkZero = countColour(zero.value(), 255, 120, 170),
            pinkOne = countColour(one.value(), 255, 120, 170);
  EXPECT_LT(pinkZero, 20) << "s_θ = ∇log p_t: no difference arrows";
  EXPECT_GT(pinkOne, 2000) << "a constant error: an arrow in every cell";
  // Without the difference the same fields draw as white and orange arrows.
  s.canvas.fieldDifference = false;
  auto both = render(false);
  ASSERT_TRUE(both.ok());
  EXPECT_GT(countColour(both.value(), 235, 240, 255), 2000);
}

TEST_F(FieldLayers, ExactStreamlinesAtSmallTimeEndNearTheModes) {
  auto s = state(0.05);
  const auto m = sde::marginal(s.sde, s.t);
  auto cloud = scene::buildPointCloud(s.data);
  ASSERT_TRUE(cloud.ok());
  const auto& means = cloud.value()->mixtureMeans;
  ASSERT_EQ(means.size(), 16u);
  const std::array<float, 4> b{-3.2f, -3.2f, 3.2f, 3.2f};
  auto f = exactField(s, b, true);
  ASSERT_TRUE(f);
  std::printf("%zu streamlines traced in %.2f ms (score on the grid and tracing)\n",
              f->streamExact.size(), f->streamMillis);
  ASSERT_GE(f->streamExact.size(), 10u);
  int interior = 0, atMode = 0;
  std::vector<bool> reached(8, false);
  const float sep = f->request.streamSeparation;
  for (const auto& l : f->streamExact) {
    const float x = l.xy[l.xy.size() - 2],
                y = l.xy.back();  // ordered along −v: the end is where particles go
    if (x < b[0] + 2 * sep || x > b[2] - 2 * sep || y < b[1] + 2 * sep || y > b[3] - 2 * sep)
      continue;
    ++interior;
    for (int k = 0; k < 8; ++k)
      if (std::hypot(x - m.a * means[2 * k], y - m.a * means[2 * k + 1]) < 0.5f) {
        ++atMode;
        reached[k] = true;
      }
  }
  EXPECT_GE(interior, 8);
  // The rest stop beside a line that already runs into a mode (evenly spaced lines).
  EXPECT_GE(atMode, 0.7 * interior) << "lines flow into the modes a(t)·μ_k";
  EXPECT_EQ(std::count(reached.begin(), reached.end(), true), 8) << "every mode is a sink";

  // Drawn: orange polylines over the view.
  s.canvas.showExactField = true;
  s.canvas.showLearnedField = false;
  s.canvas.fieldStreamlines = true;
  auto img = ui::renderExplorer(*s_ui, s, cloud.value(), 900, 700, [&](const ui::Viewport& view_) {
    const auto& bb = view_.bounds;
    return std::shared_ptr<const scene::VectorField>(exactField(s, bb, true));
  });
  ASSERT_TRUE(img.ok());
  EXPECT_GT(countColour(img.value(), 255, 170, 60, 90), 200) << "thin antialiased lines";
}

TEST_F(FieldLayers, NormalizedAndTrueLengthArrowsDraw) {
  auto s = state(0.5);
  s.canvas.showExactField = true;
  s.canvas.showLearnedField = false;
  auto cloud = scene::buildPointCloud(s.data);
  ASSERT_TRUE(cloud.ok());
  auto render = [&] {
    return ui::renderExplorer(*s_ui, s, cloud.value(), 900, 700, [&](const ui::Viewport& view_) {
      const auto& b = view_.bounds;
      return std::shared_ptr<const scene::VectorField>(exactField(s, b, false));
    });
  };
  s.canvas.fieldLength = ui::FieldLength::Normalized;
  auto normalized = render();
  s.canvas.fieldLength = ui::FieldLength::True;
  s.canvas.arrowScale = 0.001f;  // ‖s‖ ≲ 3 here: arrows under a pixel
  auto tiny = render();
  s.canvas.arrowScale = 0.2f;
  auto longer = render();
  ASSERT_TRUE(normalized.ok() && tiny.ok() && longer.ok());
  // The ramp's blue and red ends both appear: the colour carries the magnitude.
  const int orangeTiny = countColour(tiny.value(), 255, 170, 60),
            orangeLong = countColour(longer.value(), 255, 170, 60);
  EXPECT_GT(orangeLong, 4 * std::max(orangeTiny, 100)) << "true length grows with Δ";
  EXPECT_GT(countColour(normalized.value(), 70, 120, 240, 60) +
                countColour(normalized.value(), 60, 205, 220, 60),
            300);
}

TEST(FieldLayerScene, StyleRoundTripsAndOldScenesLoadQuietly) {
  ui::ExplorerState st;
  st.canvas.showLearnedField = st.canvas.showExactField = true;
  st.canvas.fieldDifference = true;
  st.canvas.fieldStreamlines = true;
  st.canvas.fieldLength = ui::FieldLength::True;
  st.canvas.arrowScale = 0.125f;
  const std::string text = ui::sceneToJson(ui::sceneFromState(st));
  auto back = ui::parseScene(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_TRUE(back.value().warnings.empty());
  const auto& c = back.value().scene.state.canvas;
  EXPECT_TRUE(c.fieldDifference && c.fieldStreamlines);
  EXPECT_EQ(c.fieldLength, ui::FieldLength::True);
  EXPECT_FLOAT_EQ(c.arrowScale, 0.125f);
  // A scene written before these keys existed: defaults, no warnings about them.
  std::string old = text;
  for (const char* key : {"field_difference", "streamlines", "arrow_length", "arrow_scale"}) {
    const size_t at = old.find(std::string("\"") + key + "\"");
    ASSERT_NE(at, std::string::npos);
    old.erase(at, old.find('\n', at) - at + 1);
  }
  auto older = ui::parseScene(old);
  ASSERT_TRUE(older) << older.error().message;
  for (const auto& w : older.value().warnings) EXPECT_EQ(w.find("arrow"), std::string::npos) << w;
  EXPECT_FALSE(older.value().scene.state.canvas.fieldStreamlines);
  EXPECT_EQ(older.value().scene.state.canvas.fieldLength, ui::FieldLength::Scaled);
  // A bad value warns and keeps the default.
  std::string bad = text;
  bad.replace(bad.find("\"true\""), 6, "\"sideways\"");
  auto warned = ui::parseScene(bad);
  ASSERT_TRUE(warned);
  ASSERT_FALSE(warned.value().warnings.empty());
  EXPECT_NE(warned.value().warnings.front().find("arrow_length"), std::string::npos);
  EXPECT_EQ(warned.value().scene.state.canvas.fieldLength, ui::FieldLength::Scaled);
}

}  // namespace

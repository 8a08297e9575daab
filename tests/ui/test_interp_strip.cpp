// The latent interpolation strip (ui/views/interp_strip.h) and its panel, rendered offscreen
// as the image explorer would: a strip from the InterpolationWorker (a generated folder, or
// $SCORESCOPE_INTERP_DATA, e.g. fashion-mnist) must light its tiles, and a strip still being
// decoded must show placeholders where frames are missing. $SCORESCOPE_INTERP_PNG keeps the
// render to look at.
#include <gtest/gtest.h>
#include <imgui.h>
#include <stb/stb_image_write.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/scene/image_interp.h"
#include "tests/common/image_folder.h"
#include "tests/ui/offscreen_test.h"
#include "tests/ui/panel_harness.h"
#include "ui/gl/objects.h"
#include "ui/offscreen_render.h"
#include "ui/panels/interp_panel.h"
#include "ui/ui_context.h"
#include "ui/views/interp_strip.h"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Four 8×8 grey images: a bright square in each corner on black.
std::string makeFolder() {
  return ss::test::writeGreyFolder("scorescope_interp_gui_", ss::test::cornerSquares(), 8);
}

// Pixels brighter than the background (any channel > 96) in rows [y0, y1).
int litPixels(const std::vector<unsigned char>& rgba, int width, int y0, int y1) {
  int n = 0;
  for (int y = y0; y < y1; ++y)
    for (int x = 0; x < width; ++x) {
      const unsigned char* p = &rgba[(static_cast<size_t>(y) * width + x) * 4];
      n += p[0] > 96 || p[1] > 96 || p[2] > 96;
    }
  return n;
}

class InterpolationStrip : public ss::test::OffscreenTest {};

// (The fixture's hidden context; the strip renders into its own 1280×360 framebuffer, and
// any GL error fails the test.)
TEST_F(InterpolationStrip, DrawsTheStripAndPlaceholders) {
  const int width = 1280, height = 360;
  auto& ui = *s_ui;

  ss::scene::InterpolationRequest req;
  const char* data = std::getenv("SCORESCOPE_INTERP_DATA");
  req.data = data ? data : makeFolder();
  req.limit = data ? 200 : 4;
  req.indexA = 0;
  req.indexB = 3;
  req.frames = 9;
  ss::scene::InterpolationWorker worker;
  worker.request(req);
  ASSERT_TRUE(worker.waitIdle(180s));
  auto done = worker.latest();
  ASSERT_TRUE(done);
  ASSERT_TRUE(done->error.empty()) << done->error;
  ASSERT_TRUE(done->done);
  // The same strip while decoding: only the ends are in.
  auto partial = std::make_shared<ss::scene::InterpolationResult>(*done);
  for (int k = 1; k + 1 < req.frames; ++k) partial->frames[k].clear();
  partial->decoded = 2;
  partial->done = false;
  partial->status = "decoded 2 of 9";

  auto target = ss::gl::Framebuffer::create(width, height);
  ASSERT_TRUE(target.ok()) << target.error().message;
  ss::ui::InterpolationStrip strip;
  ss::ui::InterpPanelState panel;
  ss::test::RecordingSink sink;
  auto render = [&](const ss::scene::InterpolationResult& r) {
    for (int i = 0; i < 3; ++i) {  // ImGui settles sizes over a frame or two
      ui.beginHeadlessFrame(width, height);
      const float panelW = 300;
      ImGui::SetNextWindowPos(ImVec2(0, 0));
      ImGui::SetNextWindowSize(ImVec2(panelW, static_cast<float>(height)));
      ImGui::Begin("panel", nullptr, ImGuiWindowFlags_NoDecoration);
      ss::ui::drawInterpolationPanel(panel, sink);
      ImGui::End();
      ImGui::SetNextWindowPos(ImVec2(panelW, 0));
      ImGui::SetNextWindowSize(ImVec2(width - panelW, static_cast<float>(height)));
      ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
      ImGui::Begin("##strip", nullptr, ImGuiWindowFlags_NoDecoration);
      const ImVec2 avail = ImGui::GetContentRegionAvail();
      const float h = ss::ui::InterpolationStrip::fitHeight(r, avail.x, avail.y);
      EXPECT_GT(h, 0.0f);
      EXPECT_LE(h, avail.y);
      strip.draw(r, avail.x, h);
      ImGui::End();
      ImGui::PopStyleVar();
      target.value().bind();
      glClearColor(0, 0, 0, 1);
      glClear(GL_COLOR_BUFFER_BIT);
      ui.endHeadlessFrame();
    }
    glFinish();
    return target.value().readRgba();
  };
  const auto full = render(*done);
  if (const char* keep = std::getenv("SCORESCOPE_INTERP_PNG")) {
    ss::ui::RenderedImage img{width, height, full, {}};
    EXPECT_TRUE(ss::ui::writePng(keep, img).ok()) << keep;
  }
  const auto some = render(*partial);
  EXPECT_TRUE(sink.sent.empty()) << "the panel asked for a run without a click";

  // Below the two caption lines the strip lights its tiles; with the middle frames missing
  // fewer pixels are lit (placeholders are dim), and the ends still are.
  const int top = static_cast<int>(3 * ImGui::GetTextLineHeightWithSpacing());
  const int litFull = litPixels(full, width, top, height);
  const int litSome = litPixels(some, width, top, height);
  EXPECT_GT(litFull, 500) << "the strip shows nothing";
  EXPECT_GT(litSome, 100) << "the ends are missing while decoding";
  EXPECT_LT(litSome, litFull) << "missing frames should be placeholders";
  EXPECT_NE(full, some);
}

}  // namespace

// The fixture of the offscreen render tests: one hidden 64×64 UiContext (GL 3.3 core with
// the driver's debug output) per test suite, under Xvfb, and every test failing on any GL
// error the driver reported while it ran.
#pragma once

#include <gtest/gtest.h>

#include <imgui.h>

#include <functional>
#include <memory>

#include "ui/ui_context.h"

namespace ss::test {

class OffscreenTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ui::WindowOptions w;
    w.visible = false;
    w.width = 64;
    w.height = 64;
    w.fontScale = 1.0f;
    w.debugGl = true;  // the driver reports GL errors; TearDown fails on any
    auto ctx = ui::UiContext::create(w);
    ASSERT_TRUE(ctx.ok()) << "needs an X display (scripts/test runs ctest under xvfb-run): "
                          << ctx.error().message;
    s_ui = std::move(ctx.value());
  }
  static void TearDownTestSuite() { s_ui.reset(); }
  void TearDown() override {
    EXPECT_EQ(s_ui->glErrorCount(), 0) << "first GL error: " << s_ui->firstGlError();
  }

  // One headless GUI frame, w × h logical pixels, the mouse at `mouse` with the left button
  // `down` and the wheel turned by `wheel`: `draw` fills a borderless window covering it.
  static void pointerFrame(int w, int h, ImVec2 mouse, bool down, float wheel,
                           const std::function<void()>& draw) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = mouse;
    io.MouseDown[0] = down;
    io.MouseWheel = wheel;
    s_ui->beginHeadlessFrame(w, h);
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(static_cast<float>(w), static_cast<float>(h)));
    ImGui::Begin("##pointer", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings);
    draw();
    ImGui::End();
    s_ui->endHeadlessFrame();
  }

  static inline std::unique_ptr<ui::UiContext> s_ui;  // one suite at a time
};

}  // namespace ss::test

// End to end in-process: the GUI opened on a folder of images shows the image explorer's
// grid; the screenshot (1280×800) must hold lit tiles in the grid area right of the panel.
#include <gtest/gtest.h>
#include <stb/stb_image.h>
#include <stb/stb_image_write.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "ui/app_window.h"

namespace {

namespace fs = std::filesystem;

// Four 8×8 grey images: bright squares in each corner on black.
std::string makeFolder() {
  const fs::path dir = fs::temp_directory_path() / ("scorescope_image_gui_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (int i = 0; i < 4; ++i) {
    std::vector<unsigned char> px(64, 0);
    for (int y = 0; y < 4; ++y)
      for (int x = 0; x < 4; ++x) px[(y + 4 * (i / 2)) * 8 + x + 4 * (i % 2)] = 255;
    const std::string path = (dir / ("img" + std::to_string(i) + ".png")).string();
    EXPECT_TRUE(stbi_write_png(path.c_str(), 8, 8, 1, px.data(), 8)) << path;
  }
  return dir.string();
}

TEST(ImageExplorer, ScreenshotShowsTheGrid) {
  ss::ui::GuiOptions g;
  g.initial.data = {makeFolder(), 1000, 0};
  g.window.width = 1280;
  g.window.height = 800;
  g.window.fontScale = 1.0f;
  g.maxFrames = 30;
  g.imageSteps = 1000;
  g.runtimeLine = "ui test";
  const char* keep = std::getenv("SCORESCOPE_TEST_SCREENSHOT");
  g.screenshot = keep ? keep : (fs::temp_directory_path() / ("scorescope_image_gui_" + std::to_string(::getpid()) + ".png")).string();
  ASSERT_EQ(ss::ui::runGui(g), 0);
  int w = 0, h = 0, comp = 0;
  unsigned char* px = stbi_load(g.screenshot.c_str(), &w, &h, &comp, 3);
  ASSERT_NE(px, nullptr) << g.screenshot;
  // The grid lies right of the side panel (at most 40 % of the width). Count bright pixels
  // there: the samples' white squares at the end of the run.
  int64_t bright = 0;
  for (int y = h / 8; y < h; ++y)
    for (int x = static_cast<int>(0.45 * w); x < w; ++x) {
      const unsigned char* p = px + (static_cast<size_t>(y) * w + x) * 3;
      if (p[0] > 200 && p[1] > 200 && p[2] > 200) ++bright;
    }
  stbi_image_free(px);
  EXPECT_EQ(w, 1280);
  EXPECT_EQ(h, 800);
  // 64 cells × 2 tiles × a 4×4 square at zoom ≥ 4: well over 10,000 pixels.
  EXPECT_GT(bright, 10000) << g.screenshot;
}

}  // namespace

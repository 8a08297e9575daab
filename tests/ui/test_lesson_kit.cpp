// The lecture kit's plain parts: preferences (round trip, corrupt file, recent list), the
// GUI's timeline recorder (frames only when ready, never blocking, GIF out, cancel), and
// the samples CSV.
#include <gif_lib.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "ui/export/samples_csv.h"
#include "ui/offscreen_render.h"
#include "ui/prefs.h"
#include "ui/recorder.h"

namespace ss::ui {
namespace {

namespace fs = std::filesystem;

fs::path freshDir(const char* name) {
  const fs::path d = fs::temp_directory_path() / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

TEST(Prefs, RoundTripAndRecentList) {
  const fs::path dir = freshDir("scorescope_prefs");
  Prefs p;
  for (int i = 0; i < 10; ++i) p.addRecent("/lessons/" + std::to_string(i) + ".json");
  p.addRecent("/lessons/3.json");  // again: moves to the front, no duplicate
  ASSERT_EQ(p.recentScenes.size(), Prefs::kMaxRecent);
  EXPECT_EQ(p.recentScenes.front(), "/lessons/3.json");
  EXPECT_EQ(p.recentScenes[1], "/lessons/9.json");
  EXPECT_EQ(std::count(p.recentScenes.begin(), p.recentScenes.end(), "/lessons/3.json"), 1);
  p.exportWidth = 800;
  p.animationFormat = "mp4";
  p.presentationScale = 2.5f;
  const std::string path = (dir / "sub" / "prefs.json").string();  // the folder is created
  ASSERT_TRUE(savePrefs(path, p));
  std::string warning;
  EXPECT_TRUE(loadPrefs(path, &warning) == p);
  EXPECT_TRUE(warning.empty());
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  fs::remove_all(dir);
}

TEST(Prefs, MissingOrCorruptFilesGiveDefaults) {
  const fs::path dir = freshDir("scorescope_prefs_bad");
  std::string warning;
  EXPECT_TRUE(loadPrefs((dir / "none.json").string(), &warning) == Prefs{});
  EXPECT_TRUE(warning.empty());  // a first launch is not an error
  std::ofstream((dir / "bad.json").string()) << "{\"recent_scenes\": [";
  EXPECT_TRUE(loadPrefs((dir / "bad.json").string(), &warning) == Prefs{});
  EXPECT_NE(warning.find("bad.json"), std::string::npos);
  std::ofstream((dir / "odd.json").string())
      << R"({"export_width": 1e9, "animation_format": "avi"})";
  const Prefs odd = loadPrefs((dir / "odd.json").string());
  EXPECT_EQ(odd.exportWidth, 16384);  // clamped
  EXPECT_EQ(odd.animationFormat, "gif");
  fs::remove_all(dir);
}

RenderedImage solid(int w, int h, unsigned char r) {
  RenderedImage im;
  im.width = w;
  im.height = h;
  im.rgba.assign(static_cast<size_t>(w) * h * 4, 255);
  for (size_t i = 0; i < im.rgba.size(); i += 4) im.rgba[i] = r;
  return im;
}

TEST(TimelineRecorder, RecordsOnlyReadyFramesAndWritesTheGif) {
  const fs::path dir = freshDir("scorescope_recorder");
  const std::string out = (dir / "t.gif").string();
  TimelineRecorder rec;
  ASSERT_TRUE(rec.start(out, 40, 30, 6, 20, /*forward=*/false, /*T=*/1.0));
  EXPECT_DOUBLE_EQ(rec.targetT(), 1.0);  // reverse runs are recorded from T down
  std::vector<double> drawnAt;
  std::string message;
  bool error = false;
  for (int tick = 0; tick < 2000 && message.empty(); ++tick) {
    const bool ready = tick % 3 != 0;  // the views lag now and then: those ticks draw nothing
    message = rec.tick(
        ready,
        [&] {
          drawnAt.push_back(rec.targetT());
          return Expected<RenderedImage>(
              solid(40, 30, static_cast<unsigned char>(40 * drawnAt.size())));
        },
        &error);
    if (message.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_FALSE(error) << message;
  EXPECT_NE(message.find("wrote"), std::string::npos);
  EXPECT_FALSE(rec.active());
  ASSERT_EQ(drawnAt.size(), 6u);
  EXPECT_DOUBLE_EQ(drawnAt.front(), 1.0);
  EXPECT_DOUBLE_EQ(drawnAt.back(), 0.0);
  for (size_t i = 1; i < drawnAt.size(); ++i) EXPECT_LT(drawnAt[i], drawnAt[i - 1]);
  int err = 0;
  GifFileType* gif = DGifOpenFileName(out.c_str(), &err);
  ASSERT_NE(gif, nullptr);
  ASSERT_EQ(DGifSlurp(gif), GIF_OK);
  EXPECT_EQ(gif->ImageCount, 6);
  EXPECT_EQ(gif->SWidth, 40);
  EXPECT_EQ(gif->SHeight, 30);
  DGifCloseFile(gif, &err);
  fs::remove_all(dir);
}

TEST(TimelineRecorder, CancelLeavesNothingAndBadOutputsFailAtStart) {
  const fs::path dir = freshDir("scorescope_recorder_cancel");
  const std::string out = (dir / "c.gif").string();
  TimelineRecorder rec;
  ASSERT_TRUE(rec.start(out, 20, 20, 50, 20, true, 1.0));
  EXPECT_DOUBLE_EQ(rec.targetT(), 0.0);  // forward: from 0 up
  bool error = false;
  for (int i = 0; i < 5; ++i)
    rec.tick(
        true, [] { return Expected<RenderedImage>(solid(20, 20, 9)); }, &error);
  rec.cancel();
  EXPECT_FALSE(rec.active());
  EXPECT_TRUE(fs::is_empty(dir));
  EXPECT_FALSE(rec.start((dir / "no" / "x.gif").string(), 20, 20, 5, 20, true, 1.0));
  EXPECT_FALSE(rec.start((dir / "x.avi").string(), 20, 20, 5, 20, true, 1.0));
  // A failed draw ends the recording with its message and removes the partial file.
  ASSERT_TRUE(rec.start(out, 20, 20, 5, 20, true, 1.0));
  const std::string msg = rec.tick(
      true, [] { return Expected<RenderedImage>(Error{"canvas lost"}); }, &error);
  EXPECT_TRUE(error);
  EXPECT_NE(msg.find("canvas lost"), std::string::npos);
  EXPECT_TRUE(fs::is_empty(dir));
  fs::remove_all(dir);
}

TEST(SamplesCsv, WritesAHeaderAndOneRowPerSample) {
  const fs::path dir = freshDir("scorescope_csv");
  const std::string path = (dir / "s.csv").string();
  ASSERT_TRUE(writeSamplesCsv(path, {1.5f, -2.0f, 0.25f, 3.0f}));
  std::ifstream f(path);
  std::string a, b, c, d;
  std::getline(f, a), std::getline(f, b), std::getline(f, c);
  EXPECT_EQ(a, "x,y");
  EXPECT_EQ(b, "1.5,-2");
  EXPECT_EQ(c, "0.25,3");
  EXPECT_FALSE(std::getline(f, d));
  EXPECT_FALSE(writeSamplesCsv((dir / "no" / "s.csv").string(), {1, 2}));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ss::ui

#include "core/scene/point_cloud.h"

namespace ss::ui {
namespace {

// Export PNG's "transparent background": alpha 0 where nothing is drawn, opaque particles;
// the default export is opaque everywhere.
TEST(TransparentExport, OnlyWhatIsDrawnIsOpaque) {
  WindowOptions wo;
  wo.visible = false;
  wo.width = wo.height = 64;
  wo.fontScale = 1;
  auto ctx = UiContext::create(wo);
  ASSERT_TRUE(ctx) << "needs an X display (xvfb-run): " << ctx.error().message;
  ExplorerState st;
  st.data = {"8gaussians", 4000, 0};
  st.canvas.showGrid = false;
  st.canvas.alpha = 1.0f;
  auto cloud = scene::buildPointCloud(st.data);
  ASSERT_TRUE(cloud);
  auto alphaAt = [](const RenderedImage& im, int x, int y) {
    return im.rgba[(static_cast<size_t>(y) * im.width + x) * 4 + 3];
  };
  const auto opaque = renderExplorer(*ctx.value(), st, cloud.value(), 320, 200).take();
  for (size_t i = 3; i < opaque.rgba.size(); i += 4) ASSERT_EQ(opaque.rgba[i], 255);
  st.canvas.transparentBackground = true;
  const auto clear = renderExplorer(*ctx.value(), st, cloud.value(), 320, 200).take();
  const auto& g = clear.plot;
  // Inside the plot, far from the ring of modes (radius 2) and the captions: nothing drawn.
  const Vec2 empty = g.camera.worldToPixel({-0.7f, -0.6f}, g.size);  // off the axes and legends
  EXPECT_EQ(alphaAt(clear, static_cast<int>(g.origin.x + empty.x),
                    static_cast<int>(g.origin.y + empty.y)),
            0);
  // On a mode (2, 0): particles, opaque.
  const Vec2 mode = g.camera.worldToPixel({2.0f, 0.0f}, g.size);
  EXPECT_GT(
      alphaAt(clear, static_cast<int>(g.origin.x + mode.x), static_cast<int>(g.origin.y + mode.y)),
      200);
  size_t zero = 0;
  for (size_t i = 3; i < clear.rgba.size(); i += 4) zero += clear.rgba[i] == 0;
  EXPECT_GT(zero, clear.rgba.size() / 4 / 3);  // most of the image is background
}

}  // namespace
}  // namespace ss::ui

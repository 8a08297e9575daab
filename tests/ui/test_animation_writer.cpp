// The animation writer: GIFs decoded back with giflib (frame count, size, colours, looping,
// delays), PNG sequences read back with stb, MP4 through a stand-in ffmpeg script (the pipe
// protocol, even padding, errors) and through the real one when it is installed; cancel and
// bad paths leave nothing behind. No display needed.
#include <gif_lib.h>
#include <gtest/gtest.h>
#include <stb/stb_image.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "ui/export/animation_writer.h"
#include "ui/export/color_quantizer.h"
#include "ui/export/gif_encoder.h"

namespace {

namespace fs = std::filesystem;
using ss::ui::AnimationFormat;
using ss::ui::AnimationSpec;
using ss::ui::AnimationWriter;
using Bytes = std::vector<unsigned char>;

fs::path scratchRoot() {
  return fs::temp_directory_path() / ("scorescope_anim_" + std::to_string(::getpid()));
}

// Removes every test's folder when the test program ends.
class RemoveScratch : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(scratchRoot(), ec);
  }
};
[[maybe_unused]] const auto* const kRemoveScratch =
    ::testing::AddGlobalTestEnvironment(new RemoveScratch);

// A fresh, empty folder per test.
fs::path scratch(const std::string& name) {
  const fs::path dir = scratchRoot() / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Frame k of w×h: red left half, blue right half, a green 8×8 square moving right by 4 px.
Bytes testFrame(int w, int h, int k) {
  Bytes px(size_t(w) * h * 4);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      unsigned char* p = &px[(size_t(y) * w + x) * 4];
      const bool square = x >= 4 * k && x < 4 * k + 8 && y >= 10 && y < 18;
      p[0] = square ? 0 : (x < w / 2 ? 255 : 0);
      p[1] = square ? 200 : 0;
      p[2] = square ? 0 : (x < w / 2 ? 0 : 255);
      p[3] = 255;
    }
  return px;
}

// A smooth 2-D gradient with thousands of colours (forces the median cut), shifted by k.
Bytes gradientFrame(int w, int h, int k) {
  Bytes px(size_t(w) * h * 4);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      unsigned char* p = &px[(size_t(y) * w + x) * 4];
      p[0] = static_cast<unsigned char>((x * 255) / (w - 1));
      p[1] = static_cast<unsigned char>((y * 255) / (h - 1));
      p[2] = static_cast<unsigned char>((x + y + 7 * k) % 256);
      p[3] = 255;
    }
  return px;
}

struct DecodedGif {
  int width = 0, height = 0, count = 0;
  std::vector<Bytes> frames;  // RGB, composited as a player shows them
  std::vector<int> delays;    // 1/100 s
  bool loops = false;
};

// DGifSlurp, then paints each frame's rectangle over the previous (disposal "do not dispose").
DecodedGif decodeGif(const std::string& path) {
  DecodedGif d;
  int err = 0;
  GifFileType* gif = DGifOpenFileName(path.c_str(), &err);
  if (!gif) {
    ADD_FAILURE() << path << ": " << GifErrorString(err);
    return d;
  }
  if (DGifSlurp(gif) == GIF_ERROR) {
    ADD_FAILURE() << path << ": " << GifErrorString(gif->Error);
    DGifCloseFile(gif, &err);
    return d;
  }
  d.width = gif->SWidth;
  d.height = gif->SHeight;
  d.count = gif->ImageCount;
  Bytes canvas(size_t(d.width) * d.height * 3, 0);
  for (int i = 0; i < gif->ImageCount; ++i) {
    const SavedImage& im = gif->SavedImages[i];
    for (int b = 0; b + 1 < im.ExtensionBlockCount; ++b) {
      const ExtensionBlock& e = im.ExtensionBlocks[b];
      if (e.Function == APPLICATION_EXT_FUNC_CODE && e.ByteCount == 11 &&
          std::string(reinterpret_cast<char*>(e.Bytes), 11) == "NETSCAPE2.0") {
        const ExtensionBlock& n = im.ExtensionBlocks[b + 1];
        d.loops = n.ByteCount == 3 && n.Bytes[0] == 1 && n.Bytes[1] == 0 && n.Bytes[2] == 0;
      }
    }
    GraphicsControlBlock gcb{};
    gcb.TransparentColor = NO_TRANSPARENT_COLOR;
    DGifSavedExtensionToGCB(gif, i, &gcb);
    d.delays.push_back(gcb.DelayTime);
    const ColorMapObject* map = im.ImageDesc.ColorMap ? im.ImageDesc.ColorMap : gif->SColorMap;
    EXPECT_NE(map, nullptr) << "frame " << i << " has no colour table";
    if (!map) break;
    const GifImageDesc& r = im.ImageDesc;
    for (int y = 0; y < r.Height; ++y)
      for (int x = 0; x < r.Width; ++x) {
        const int c = im.RasterBits[y * r.Width + x];
        if (c == gcb.TransparentColor) continue;
        unsigned char* p = &canvas[(size_t(r.Top + y) * d.width + r.Left + x) * 3];
        p[0] = map->Colors[c].Red, p[1] = map->Colors[c].Green, p[2] = map->Colors[c].Blue;
      }
    d.frames.push_back(canvas);
  }
  DGifCloseFile(gif, &err);
  return d;
}

struct Diff {
  int max = 0;
  double mean = 0;
};

Diff compareRgb(const Bytes& rgb, const Bytes& rgba) {
  Diff d;
  const size_t n = rgb.size() / 3;
  for (size_t i = 0; i < n; ++i)
    for (int c = 0; c < 3; ++c) {
      const int e = std::abs(int(rgb[3 * i + c]) - int(rgba[4 * i + c]));
      d.max = std::max(d.max, e);
      d.mean += e;
    }
  d.mean /= double(3 * n);
  return d;
}

std::unique_ptr<AnimationWriter> openOrFail(const AnimationSpec& spec) {
  auto w = AnimationWriter::open(spec);
  EXPECT_TRUE(w.ok()) << (w.ok() ? "" : w.error().message);
  return w.ok() ? std::move(w.value()) : nullptr;
}

TEST(AnimationFormat, FromThePath) {
  const fs::path dir = scratch("format");
  EXPECT_EQ(ss::ui::animationFormatFor("a/b.gif").value(), AnimationFormat::Gif);
  EXPECT_EQ(ss::ui::animationFormatFor("B.GIF").value(), AnimationFormat::Gif);
  EXPECT_EQ(ss::ui::animationFormatFor("talk.mp4").value(), AnimationFormat::Mp4);
  EXPECT_EQ(ss::ui::animationFormatFor("frames/").value(), AnimationFormat::PngSequence);
  EXPECT_EQ(ss::ui::animationFormatFor(dir.string()).value(), AnimationFormat::PngSequence);
  for (const char* bad : {"clip.avi", "clip", ""}) {
    auto f = ss::ui::animationFormatFor(bad);
    ASSERT_FALSE(f.ok()) << bad;
    EXPECT_FALSE(f.error().message.empty());
  }
  EXPECT_NE(ss::ui::animationFormatFor("clip.avi").error().message.find(".gif"), std::string::npos);
}

TEST(AnimationWriter, GifOfTenFramesDecodesWithCountSizeColoursAndLoop) {
  const fs::path dir = scratch("gif10");
  AnimationSpec spec{(dir / "clip.gif").string(), 64, 48};
  auto w = openOrFail(spec);
  ASSERT_TRUE(w);
  std::vector<Bytes> src;
  for (int k = 0; k < 10; ++k) {
    src.push_back(testFrame(64, 48, k));
    ASSERT_TRUE(w->pushWait(Bytes(src.back())));
  }
  EXPECT_FALSE(fs::exists(spec.out)) << "the final name appears only on finish";
  auto done = w->finish();
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(w->framesPushed(), 10);
  EXPECT_EQ(w->framesWritten(), 10);
  EXPECT_FALSE(fs::exists(spec.out + ".tmp"));

  const DecodedGif g = decodeGif(spec.out);
  EXPECT_EQ(g.count, 10);
  EXPECT_EQ(g.width, 64);
  EXPECT_EQ(g.height, 48);
  EXPECT_TRUE(g.loops);
  ASSERT_EQ(g.frames.size(), 10u);
  for (int k = 0; k < 10; ++k) EXPECT_EQ(compareRgb(g.frames[k], src[k]).max, 0) << "frame " << k;
  // 30 fps in 1/100 s: 3 or 4 each, 33 for ten frames (10/30 s rounded), no drift.
  int total = 0;
  for (int d : g.delays) {
    EXPECT_TRUE(d == 3 || d == 4) << d;
    total += d;
  }
  EXPECT_EQ(total, 33);
}

TEST(AnimationWriter, GifOfManyColoursStaysClose) {
  const fs::path dir = scratch("gifgrad");
  AnimationSpec spec{(dir / "grad.gif").string(), 96, 64, 25, false};
  auto w = openOrFail(spec);
  ASSERT_TRUE(w);
  std::vector<Bytes> src;
  for (int k = 0; k < 4; ++k) {
    src.push_back(gradientFrame(96, 64, k));
    ASSERT_TRUE(w->pushWait(Bytes(src.back())));
  }
  ASSERT_TRUE(w->finish().ok()) << w->error();
  const DecodedGif g = decodeGif(spec.out);
  ASSERT_EQ(g.count, 4);
  EXPECT_FALSE(g.loops);
  for (int d : g.delays) EXPECT_EQ(d, 4);
  for (int k = 0; k < 4; ++k) {
    const Diff d = compareRgb(g.frames[k], src[k]);
    EXPECT_LE(d.mean, 4.0) << "frame " << k;  // measured 3.25: 6,144 colours into 256, no dither
    EXPECT_LE(d.max, 16) << "frame " << k;    // measured 9
  }
}

TEST(AnimationWriter, GifCompositesAlphaAndKeepsStillFrames) {
  const fs::path dir = scratch("gifalpha");
  AnimationSpec spec{(dir / "a.gif").string(), 8, 8};
  spec.background = {10, 20, 30};
  auto w = openOrFail(spec);
  ASSERT_TRUE(w);
  Bytes clear(8 * 8 * 4, 0);  // fully transparent → the background
  Bytes half = clear;
  for (size_t i = 0; i < half.size(); i += 4) half[i] = 255, half[i + 3] = 128;
  ASSERT_TRUE(w->pushWait(Bytes(clear)));
  ASSERT_TRUE(w->pushWait(Bytes(clear)));  // unchanged: still a frame
  ASSERT_TRUE(w->pushWait(Bytes(half)));
  ASSERT_TRUE(w->finish().ok()) << w->error();
  const DecodedGif g = decodeGif(spec.out);
  ASSERT_EQ(g.count, 3);
  EXPECT_EQ(g.frames[1], g.frames[0]);
  EXPECT_EQ(g.frames[0][0], 10);
  EXPECT_EQ(g.frames[0][1], 20);
  EXPECT_EQ(g.frames[0][2], 30);
  EXPECT_EQ(g.frames[2][0], (255 * 128 + 10 * 127 + 127) / 255);
  EXPECT_EQ(g.frames[2][2], (30 * 127 + 127) / 255);
}

TEST(AnimationWriter, CancelLeavesNoFileAndNoTemp) {
  const fs::path dir = scratch("cancel");
  AnimationSpec spec{(dir / "c.gif").string(), 64, 48};
  {
    auto w = openOrFail(spec);
    ASSERT_TRUE(w);
    for (int k = 0; k < 3; ++k) ASSERT_TRUE(w->pushWait(testFrame(64, 48, k)));
    w->cancel();
    EXPECT_FALSE(w->finish().ok());
  }
  {
    auto w = openOrFail(spec);  // dropped without finish: the same
    ASSERT_TRUE(w);
    ASSERT_TRUE(w->pushWait(testFrame(64, 48, 0)));
  }
  EXPECT_TRUE(fs::is_empty(dir)) << fs::begin(fs::directory_iterator(dir))->path();
}

TEST(AnimationWriter, BadSpecsAreClearErrors) {
  const fs::path dir = scratch("bad");
  auto missing = AnimationWriter::open({(dir / "no_such_dir" / "a.gif").string(), 64, 48});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("does not exist"), std::string::npos)
      << missing.error().message;
  auto ext = AnimationWriter::open({(dir / "a.webm").string(), 64, 48});
  ASSERT_FALSE(ext.ok());
  EXPECT_NE(ext.error().message.find("unknown animation format"), std::string::npos);
  EXPECT_FALSE(AnimationWriter::open({(dir / "a.gif").string(), 0, 48}).ok());
  auto fast = AnimationWriter::open({(dir / "a.gif").string(), 64, 48, 60});
  ASSERT_FALSE(fast.ok());
  EXPECT_NE(fast.error().message.find("50"), std::string::npos);
  AnimationSpec mp4{(dir / "a.mp4").string(), 64, 48};
  mp4.ffmpeg = "scorescope-no-such-ffmpeg";
  auto noFfmpeg = AnimationWriter::open(mp4);
  ASSERT_FALSE(noFfmpeg.ok());
  EXPECT_NE(noFfmpeg.error().message.find("not installed"), std::string::npos);
  EXPECT_TRUE(fs::is_empty(dir));
}

TEST(AnimationWriter, WrongFrameSizeFailsTheWriter) {
  const fs::path dir = scratch("wrongsize");
  auto w = openOrFail({(dir / "w.gif").string(), 16, 16});
  ASSERT_TRUE(w);
  EXPECT_FALSE(w->push(Bytes(10)));
  EXPECT_TRUE(w->failed());
  EXPECT_NE(w->error().find("expected 16×16×4"), std::string::npos) << w->error();
  EXPECT_FALSE(w->pushWait(Bytes(16 * 16 * 4)));
  EXPECT_FALSE(w->finish().ok());
  EXPECT_TRUE(fs::is_empty(dir));
}

TEST(AnimationWriter, PngSequenceWritesEachFrame) {
  const fs::path dir = scratch("png") / "seq";  // created by open
  AnimationSpec spec{dir.string() + "/", 40, 30};
  // A longer earlier export's last frame must not stay behind.
  fs::create_directories(dir);
  std::ofstream(dir / "frame_0005.png") << "stale";
  auto w = openOrFail(spec);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->format(), AnimationFormat::PngSequence);
  std::vector<Bytes> src;
  for (int k = 0; k < 5; ++k) {
    src.push_back(testFrame(40, 30, k));
    src.back()[3] = 77;  // alpha kept
    ASSERT_TRUE(w->pushWait(Bytes(src.back())));
  }
  ASSERT_TRUE(w->finish().ok()) << w->error();
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 5);
  for (int k = 0; k < 5; ++k) {
    char name[32];
    std::snprintf(name, sizeof name, "frame_%04d.png", k);
    int x = 0, y = 0, c = 0;
    unsigned char* px = stbi_load((dir / name).c_str(), &x, &y, &c, 4);
    ASSERT_NE(px, nullptr) << name;
    EXPECT_EQ(x, 40);
    EXPECT_EQ(y, 30);
    EXPECT_TRUE(std::equal(src[k].begin(), src[k].end(), px)) << name;
    stbi_image_free(px);
  }
}

TEST(AnimationWriter, CancelledPngSequenceRemovesItsFrames) {
  const fs::path dir = scratch("pngcancel") / "seq";
  auto w = openOrFail({dir.string() + "/", 8, 8});
  ASSERT_TRUE(w);
  for (int k = 0; k < 3; ++k) ASSERT_TRUE(w->pushWait(Bytes(8 * 8 * 4, 200)));
  w->cancel();
  EXPECT_FALSE(fs::exists(dir));  // it created the folder, so the folder goes too
}

// A stand-in for ffmpeg: records its arguments, copies stdin to its last argument.
fs::path fakeFfmpeg(const fs::path& dir, const std::string& body) {
  const fs::path script = dir / "fake-ffmpeg";
  std::ofstream(script) << "#!/bin/sh\n" << body << "\n";
  ::chmod(script.c_str(), 0755);
  return script;
}

TEST(AnimationWriter, Mp4PipesPaddedRgbFramesToFfmpeg) {
  const fs::path dir = scratch("mp4fake");
  const fs::path bin = scratch("mp4fake_bin");
  AnimationSpec spec{(dir / "clip.mp4").string(), 63, 47, 24};
  spec.background = {1, 2, 3};
  spec.ffmpeg = fakeFfmpeg(bin, "echo \"$@\" > \"" + (bin / "args").string() +
                                    "\"\nfor a; do last=$a; done\ncat > \"$last\"")
                    .string();
  auto w = openOrFail(spec);
  ASSERT_TRUE(w);
  for (int k = 0; k < 3; ++k) ASSERT_TRUE(w->pushWait(testFrame(63, 47, k)));
  auto done = w->finish();
  ASSERT_TRUE(done.ok()) << done.error().message;
  std::ifstream in(spec.out, std::ios::binary);
  const Bytes raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_EQ(raw.size(), size_t(64) * 48 * 3 * 3);  // padded to even sides for yuv420p
  EXPECT_EQ(raw[0], 255);                          // red, top left
  EXPECT_EQ(raw[62 * 3 + 2], 255);                 // blue, last real column
  EXPECT_EQ(raw[63 * 3], 1);                       // the margin: background
  EXPECT_EQ(raw[63 * 3 + 2], 3);
  std::ifstream argsIn(bin / "args");
  const std::string args((std::istreambuf_iterator<char>(argsIn)),
                         std::istreambuf_iterator<char>());
  EXPECT_NE(args.find("-s 64x48"), std::string::npos) << args;
  EXPECT_NE(args.find("-pix_fmt rgb24"), std::string::npos) << args;
  EXPECT_NE(args.find("libx264"), std::string::npos) << args;
  EXPECT_NE(args.find("-pix_fmt yuv420p"), std::string::npos) << args;
  EXPECT_NE(args.find("-framerate 24"), std::string::npos) << args;
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
}

TEST(AnimationWriter, Mp4FfmpegFailureIsReportedWithItsMessage) {
  const fs::path dir = scratch("mp4fail");
  const fs::path bin = scratch("mp4fail_bin");
  AnimationSpec spec{(dir / "clip.mp4").string(), 32, 32};
  spec.ffmpeg =
      fakeFfmpeg(bin, "cat > /dev/null\necho 'Unknown encoder libx264' >&2\nexit 1").string();
  auto w = openOrFail(spec);
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->pushWait(Bytes(32 * 32 * 4, 255)));
  auto done = w->finish();
  ASSERT_FALSE(done.ok());
  EXPECT_NE(done.error().message.find("Unknown encoder libx264"), std::string::npos)
      << done.error().message;
  EXPECT_TRUE(fs::is_empty(dir));
}

// ffmpeg that never reads: the pipe fills, the worker blocks, push refuses frames, and cancel
// still returns at once (it kills the process).
TEST(AnimationWriter, PushNeverBlocksAndCancelUnblocksAStuckFfmpeg) {
  const fs::path dir = scratch("mp4stuck");
  const fs::path bin = scratch("mp4stuck_bin");
  AnimationSpec spec{(dir / "clip.mp4").string(), 256, 256};
  spec.ffmpeg = fakeFfmpeg(bin, "exec sleep 30").string();
  auto w = openOrFail(spec);
  ASSERT_TRUE(w);
  const auto t0 = std::chrono::steady_clock::now();
  int refused = 0;
  for (int k = 0; k < 20 && refused == 0; ++k) {
    Bytes frame(256 * 256 * 4, 9);
    if (!w->push(std::move(frame))) {
      ++refused;
      EXPECT_EQ(frame.size(), 256u * 256 * 4) << "a refused frame stays with the caller";
    }
  }
  EXPECT_EQ(refused, 1) << "a full queue refuses a frame";
  EXPECT_FALSE(w->failed());
  w->cancel();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(s, 5.0);
  EXPECT_TRUE(fs::is_empty(dir));
}

TEST(AnimationWriter, Mp4WithRealFfmpeg) {
  if (!ss::ui::ffmpegAvailable()) GTEST_SKIP() << "ffmpeg is not on PATH";
  const fs::path dir = scratch("mp4real");
  AnimationSpec spec{(dir / "clip.mp4").string(), 63, 47};
  auto w = openOrFail(spec);
  ASSERT_TRUE(w);
  for (int k = 0; k < 10; ++k) ASSERT_TRUE(w->pushWait(testFrame(63, 47, k)));
  auto done = w->finish();
  ASSERT_TRUE(done.ok()) << done.error().message;
  std::ifstream in(spec.out, std::ios::binary);
  char head[8] = {};
  in.read(head, 8);
  EXPECT_EQ(std::string(head + 4, 4), "ftyp");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
}

TEST(ColorQuantizer, ExactBelow257ColoursAndBoundedAbove) {
  ss::ui::ColorQuantizer q;
  Bytes rgb;
  for (int i = 0; i < 256; ++i)
    rgb.insert(rgb.end(), {(unsigned char)i, (unsigned char)(255 - i), 7});
  auto img = q.quantize(rgb.data(), 256);
  ASSERT_EQ(img.palette.size(), 256u);
  for (int i = 0; i < 256; ++i) EXPECT_EQ(img.palette[img.indices[i]].r, i);
  rgb.insert(rgb.end(), {1, 2, 3});
  img = q.quantize(rgb.data(), 257);
  EXPECT_LE(img.palette.size(), 256u);
  int worst = 0;
  for (int i = 0; i < 257; ++i) {
    const auto& c = img.palette[img.indices[i]];
    worst = std::max({worst, std::abs(c.r - rgb[3 * i]), std::abs(c.g - rgb[3 * i + 1]),
                      std::abs(c.b - rgb[3 * i + 2])});
  }
  EXPECT_LE(worst, 4);
}

// Frame k of a lecture-sized scene: a white page, a colour field (changing with k when
// `moving`), and a dark disc moving right.
Bytes plotFrame(int w, int h, int k, bool moving) {
  Bytes f(size_t(w) * h * 4, 255);
  for (int y = 100; y < 700; ++y)
    for (int x = 200; x < 1000; ++x) {
      unsigned char* p = &f[(size_t(y) * w + x) * 4];
      const double t = (x - 200) / 800.0, u = (y - 100) / 600.0, ph = moving ? 0.05 * k : 0;
      p[0] = static_cast<unsigned char>(68 + 180 * t);
      p[1] = static_cast<unsigned char>(1 + 230 * u);
      p[2] = static_cast<unsigned char>(120 + 100 * std::sin(6 * t * u + ph));
    }
  const int cx = 250 + 6 * k, cy = 400;
  for (int y = cy - 40; y < cy + 40; ++y)
    for (int x = cx - 40; x < cx + 40; ++x)
      if ((x - cx) * (x - cx) + (y - cy) * (y - cy) < 1600) {
        unsigned char* p = &f[(size_t(y) * w + x) * 4];
        p[0] = 20, p[1] = 20, p[2] = 20;
      }
  return f;
}

// Encoding throughput; run with --gtest_also_run_disabled_tests. Two scenes: a disc moving over
// a still plot (small changed rectangles), and a field that changes everywhere in every frame
// (each frame quantised whole: the worst case). Frames are made before the clock starts.
TEST(AnimationWriter, DISABLED_TimingGif120FramesAt1280x800) {
  const fs::path dir = scratch("timing");
  const int w = 1280, h = 800, n = 120;
  for (const bool whole : {false, true}) {
    std::vector<Bytes> frames;
    for (int k = 0; k < n; ++k) frames.push_back(plotFrame(w, h, k, whole));
    AnimationSpec spec{(dir / (whole ? "field.gif" : "disc.gif")).string(), w, h};
    const auto t0 = std::chrono::steady_clock::now();
    auto writer = openOrFail(spec);
    ASSERT_TRUE(writer);
    for (auto& f : frames) ASSERT_TRUE(writer->pushWait(std::move(f)));
    ASSERT_TRUE(writer->finish().ok()) << writer->error();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("GIF %s: %d frames %dx%d in %.2f s (%.1f ms/frame), %.1f MB\n",
                whole ? "changing everywhere" : "moving disc", n, w, h, s, 1000 * s / n,
                double(fs::file_size(spec.out)) / 1e6);
    EXPECT_EQ(decodeGif(spec.out).count, n);
  }
}

}  // namespace

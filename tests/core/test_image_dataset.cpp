// Tests of core/data/image_dataset.h on tiny generated files: IDX (gzip and plain, every bad
// header), image folders (skips, resizing, alpha, classes), the area resize, PNG round trips,
// grids, the name dispatch; Fashion-MNIST and Twemoji when installed (skipped otherwise).
#include <gtest/gtest.h>
#include <stb/stb_image_write.h>
#include <torch/torch.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/data/image_dataset.h"

namespace {

namespace fs = std::filesystem;
using namespace ss::data;

// A fresh empty folder for one test, removed with its per-process parent when done.
struct TempFolder {
  fs::path path;
  explicit TempFolder(const std::string& name)
      : path(fs::path(testing::TempDir()) / ("scorescope-image-" + std::to_string(getpid())) /
             name) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempFolder() {
    std::error_code ec;
    fs::remove_all(path, ec);
    fs::remove(path.parent_path(), ec);  // only when empty
  }
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// ---- IDX helpers ----------------------------------------------------------------------------

void putBigEndian(std::vector<uint8_t>& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<uint8_t>(v >> s));
}

std::vector<uint8_t> idxImages(uint32_t n, uint32_t rows, uint32_t cols,
                               const std::vector<uint8_t>& px) {
  std::vector<uint8_t> out;
  for (uint32_t v : {0x00000803u, n, rows, cols}) putBigEndian(out, v);
  out.insert(out.end(), px.begin(), px.end());
  return out;
}

std::vector<uint8_t> idxLabels(const std::vector<uint8_t>& labels) {
  std::vector<uint8_t> out;
  putBigEndian(out, 0x00000801u);
  putBigEndian(out, static_cast<uint32_t>(labels.size()));
  out.insert(out.end(), labels.begin(), labels.end());
  return out;
}

std::string writeBytes(const fs::path& path, const std::vector<uint8_t>& bytes, bool gzip) {
  if (gzip) {
    gzFile f = gzopen(path.c_str(), "wb");
    gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(f);
  } else {
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
  }
  return path.string();
}

// 3 images of 4×5 with known bytes, and their labels.
struct IdxFixture {
  std::vector<uint8_t> px;
  std::vector<uint8_t> labels{2, 0, 1};
  IdxFixture() {
    for (int i = 0; i < 3 * 4 * 5; ++i) px.push_back(static_cast<uint8_t>((i * 37 + 11) % 256));
    px[0] = 0, px[1] = 255;
  }
  torch::Tensor expected(int64_t n = 3) const {
    std::vector<float> v;
    for (int64_t i = 0; i < n * 20; ++i) v.push_back(static_cast<float>(px[i]) / 255.f);
    return torch::tensor(v).reshape({n, 1, 4, 5});
  }
};

TEST(ImageIdx, GzippedPairReadsBackExactly) {
  const TempFolder tmp("idx-gz");
  const fs::path& d = tmp.path;
  IdxFixture fx;
  const auto images = writeBytes(d / "img-idx3-ubyte.gz", idxImages(3, 4, 5, fx.px), true);
  const auto labels = writeBytes(d / "lab-idx1-ubyte.gz", idxLabels(fx.labels), true);
  auto r = loadIdx(images, labels, {}, {"a", "b", "c"});
  ASSERT_TRUE(r) << r.error().message;
  const auto& ds = r.value();
  EXPECT_EQ(ds.images.sizes(), (std::vector<int64_t>{3, 1, 4, 5}));
  EXPECT_EQ(ds.images.scalar_type(), torch::kFloat32);
  EXPECT_TRUE(ds.images.is_contiguous());
  EXPECT_TRUE(torch::equal(ds.images, fx.expected()));
  EXPECT_TRUE(torch::equal(ds.labels, torch::tensor({2, 0, 1}, torch::kInt64)));
  EXPECT_EQ(ds.classNames, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(ds.skipped, 0);
}

TEST(ImageIdx, PlainFilesReadTheSameAndLabelsAreOptional) {
  const TempFolder tmp("idx-plain");
  const fs::path& d = tmp.path;
  IdxFixture fx;
  const auto images = writeBytes(d / "img", idxImages(3, 4, 5, fx.px), false);
  const auto labels = writeBytes(d / "lab", idxLabels(fx.labels), false);
  auto r = loadIdx(images, labels, {});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(torch::equal(r.value().images, fx.expected()));
  EXPECT_EQ(r.value().classNames, (std::vector<std::string>{"0", "1", "2"}));  // named by number

  auto u = loadIdx(images, "", {});
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_FALSE(u.value().labels.defined());
  EXPECT_TRUE(u.value().classNames.empty());
  EXPECT_TRUE(contains(u.value().summary(), "3 images, 1×4×5, unlabelled")) << u.value().summary();
}

TEST(ImageIdx, LimitSizeAndChannels) {
  const TempFolder tmp("idx-options");
  const fs::path& d = tmp.path;
  IdxFixture fx;
  const auto images = writeBytes(d / "img.gz", idxImages(3, 4, 5, fx.px), true);
  const auto labels = writeBytes(d / "lab.gz", idxLabels(fx.labels), true);
  ImageLoadOptions opt;
  opt.limit = 2;
  auto r = loadIdx(images, labels, opt);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(torch::equal(r.value().images, fx.expected(2)));
  EXPECT_TRUE(torch::equal(r.value().labels, torch::tensor({2, 0}, torch::kInt64)));

  opt.limit = 0, opt.size = 2, opt.channels = 3;
  auto s = loadIdx(images, labels, opt);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s.value().images.sizes(), (std::vector<int64_t>{3, 3, 2, 2}));
  // 4×5 is centre-cropped to columns 0..3 ((5 - 4) / 2 = 0), then 2×2 block means.
  const auto want = fx.expected().narrow(3, 0, 4).reshape({3, 1, 2, 2, 2, 2}).mean({3, 5});
  EXPECT_TRUE(torch::allclose(s.value().images.narrow(1, 0, 1), want, 0, 1e-6));
  EXPECT_TRUE(torch::equal(s.value().images.select(1, 0), s.value().images.select(1, 2)));
}

TEST(ImageIdx, BadFilesNameTheFileAndTheProblem) {
  const TempFolder tmp("idx-bad");
  const fs::path& d = tmp.path;
  IdxFixture fx;
  const auto images = writeBytes(d / "img.gz", idxImages(3, 4, 5, fx.px), true);
  const auto labels = writeBytes(d / "lab.gz", idxLabels(fx.labels), true);

  auto cut = idxImages(3, 4, 5, fx.px);
  cut.resize(cut.size() - 7);
  for (bool gz : {true, false}) {
    const auto truncated = writeBytes(d / (gz ? "cut.gz" : "cut"), cut, gz);
    auto r = loadIdx(truncated, labels, {});
    ASSERT_FALSE(r);
    EXPECT_TRUE(contains(r.error().message, truncated)) << r.error().message;
    EXPECT_TRUE(contains(r.error().message, "truncated")) << r.error().message;
  }
  const auto header = writeBytes(d / "short", {0, 0, 8, 3, 0, 0}, false);
  auto h = loadIdx(header, "", {});
  ASSERT_FALSE(h);
  EXPECT_TRUE(contains(h.error().message, "truncated")) << h.error().message;

  // A corrupt header claiming 1e6 images of 4096×4096 is refused before allocating 64 TB.
  const auto huge = writeBytes(d / "huge", idxImages(1000000, 4096, 4096, fx.px), false);
  auto big = loadIdx(huge, "", {});
  ASSERT_FALSE(big);
  EXPECT_TRUE(contains(big.error().message, "pass a smaller size or a limit"))
      << big.error().message;
  ImageLoadOptions one;
  one.limit = 1;
  auto cut1 = loadIdx(huge, "", one);  // now plausible, but the data is missing
  ASSERT_FALSE(cut1);
  EXPECT_TRUE(contains(cut1.error().message, "truncated")) << cut1.error().message;

  auto swapped = loadIdx(labels, images, {});  // labels given as images
  ASSERT_FALSE(swapped);
  EXPECT_TRUE(contains(swapped.error().message, labels)) << swapped.error().message;
  EXPECT_TRUE(contains(swapped.error().message, "magic")) << swapped.error().message;
  EXPECT_TRUE(contains(swapped.error().message, "label file")) << swapped.error().message;

  const auto text = writeBytes(
      d / "text.gz",
      {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '!', '!', '!', '!', '!'}, true);
  auto t = loadIdx(text, "", {});
  ASSERT_FALSE(t);
  EXPECT_TRUE(contains(t.error().message, "not an IDX image file")) << t.error().message;

  const auto two = writeBytes(d / "two.gz", idxLabels({1, 2}), true);
  auto m = loadIdx(images, two, {});
  ASSERT_FALSE(m);
  EXPECT_TRUE(contains(m.error().message, two)) << m.error().message;
  EXPECT_TRUE(contains(m.error().message, "count mismatch")) << m.error().message;

  auto missing = loadIdx((d / "nope.gz").string(), labels, {});
  ASSERT_FALSE(missing);
  EXPECT_TRUE(contains(missing.error().message, "nope.gz: no such file"))
      << missing.error().message;
  auto missingLabels = loadIdx(images, (d / "nope-labels").string(), {});
  ASSERT_FALSE(missingLabels);
  EXPECT_TRUE(contains(missingLabels.error().message, "nope-labels: no such file"));

  auto range = loadIdx(images, labels, {}, {"a", "b"});  // label 2 with two names
  ASSERT_FALSE(range);
  EXPECT_TRUE(contains(range.error().message, "out of range")) << range.error().message;

  ImageLoadOptions bad;
  bad.channels = 2;
  EXPECT_FALSE(loadIdx(images, labels, bad));
}

TEST(ImageIdx, ProgressEndsAtOneAndCancelStops) {
  const TempFolder tmp("idx-progress");
  const fs::path& d = tmp.path;
  IdxFixture fx;
  const auto images = writeBytes(d / "img.gz", idxImages(3, 4, 5, fx.px), true);
  std::vector<double> seen;
  ImageLoadOptions opt;
  opt.progress = [&](double f) { seen.push_back(f); };
  ASSERT_TRUE(loadIdx(images, "", opt));
  ASSERT_FALSE(seen.empty());
  EXPECT_DOUBLE_EQ(seen.back(), 1.0);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));

  std::atomic<bool> cancel{true};
  opt.cancel = &cancel;
  auto r = loadIdx(images, "", opt);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "cancelled");
}

// ---- folders -------------------------------------------------------------------------------

// w×h pixels of `comp` channels, value (x·31 + y·17 + c·71 + seed) mod 256.
std::vector<uint8_t> pattern(int w, int h, int comp, int seed) {
  std::vector<uint8_t> px(static_cast<size_t>(w * h * comp));
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < comp; ++c)
        px[(y * w + x) * comp + c] = static_cast<uint8_t>((x * 31 + y * 17 + c * 71 + seed) % 256);
  return px;
}

void writePngBytes(const fs::path& path, int w, int h, int comp, const std::vector<uint8_t>& px) {
  ASSERT_TRUE(stbi_write_png(path.c_str(), w, h, comp, px.data(), w * comp)) << path;
}

// [C, H, W] of interleaved bytes / 255.
torch::Tensor planes(const std::vector<uint8_t>& px, int w, int h, int comp) {
  std::vector<float> v(px.begin(), px.end());
  return (torch::tensor(v).reshape({h, w, comp}).permute({2, 0, 1}) / 255.f).contiguous();
}

TEST(ImageFolder, LoadsTheGoodSkipsTheBadResizesAndComposites) {
  const TempFolder tmp("folder-flat");
  const fs::path& d = tmp.path;
  const auto a = pattern(8, 8, 3, 0), b = pattern(8, 8, 4, 5), c = pattern(6, 4, 3, 9);
  auto bTransparent = b;
  for (int i = 0; i < 8 * 8; ++i) bTransparent[i * 4 + 3] = 255;  // opaque...
  bTransparent[3] = 0;                                            // ...but pixel (0, 0)
  writePngBytes(d / "a.png", 8, 8, 3, a);
  writePngBytes(d / "b.png", 8, 8, 4, bTransparent);
  writePngBytes(d / "c.png", 6, 4, 3, c);
  {
    std::ofstream out(d / "corrupt.png", std::ios::binary);
    for (int i = 0; i < 300; ++i) out.put(static_cast<char>((i * 7919) % 251));
  }
  std::ofstream(d / "notes.txt") << "not an image";
  std::ofstream(d / "x.jpg").close();

  ImageLoadOptions opt;
  opt.size = 8;
  opt.background = {0.25f, 0.5f, 0.75f};
  auto r = loadImageFolder(d.string(), opt);
  ASSERT_TRUE(r) << r.error().message;
  const auto& ds = r.value();
  EXPECT_EQ(ds.images.sizes(), (std::vector<int64_t>{3, 3, 8, 8}));
  EXPECT_FALSE(ds.labels.defined());
  EXPECT_EQ(ds.skipped, 2);
  ASSERT_EQ(ds.errors.size(), 2u);
  EXPECT_TRUE(contains(ds.errors[0], (d / "corrupt.png").string())) << ds.errors[0];
  EXPECT_TRUE(contains(ds.errors[1], (d / "x.jpg").string())) << ds.errors[1];
  EXPECT_TRUE(contains(ds.summary(), "3 images, 3×8×8, unlabelled, skipped 2 (first: "))
      << ds.summary();

  EXPECT_TRUE(torch::equal(ds.images[0], planes(a, 8, 8, 3)));
  // The transparent pixel is the background; the opaque ones keep their colour exactly.
  const auto bImg = ds.images[1];
  for (int ch = 0; ch < 3; ++ch) EXPECT_EQ(bImg[ch][0][0].item<float>(), opt.background[ch]);
  const auto bWant = planes(bTransparent, 8, 8, 4).narrow(0, 0, 3);
  EXPECT_TRUE(torch::equal(bImg.flatten(1).narrow(1, 1, 63), bWant.flatten(1).narrow(1, 1, 63)));
  // 6×4 → centre crop columns 1..4 → 4×4 → each pixel doubled.
  const auto cWant =
      planes(c, 6, 4, 3).narrow(2, 1, 4).repeat_interleave(2, 1).repeat_interleave(2, 2);
  EXPECT_TRUE(torch::allclose(ds.images[2], cWant, 0, 1e-6));
}

TEST(ImageFolder, NativeSizeIsTheFirstImagesAndGreyStaysGrey) {
  const TempFolder tmp("folder-native");
  const fs::path& d = tmp.path;
  writePngBytes(d / "1.png", 5, 3, 1, pattern(5, 3, 1, 0));
  writePngBytes(d / "2.png", 10, 6, 1, pattern(10, 6, 1, 3));
  auto r = loadImageFolder(d.string(), {});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r.value().images.sizes(), (std::vector<int64_t>{2, 1, 3, 5}));
  EXPECT_TRUE(torch::equal(r.value().images[0], planes(pattern(5, 3, 1, 0), 5, 3, 1)));

  ImageLoadOptions rgb;
  rgb.channels = 3;
  rgb.limit = 1;
  auto c = loadImageFolder(d.string(), rgb);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c.value().images.sizes(), (std::vector<int64_t>{1, 3, 3, 5}));
}

TEST(ImageFolder, SubFoldersAreClasses) {
  const TempFolder tmp("folder-classes");
  const fs::path& d = tmp.path;
  fs::create_directories(d / "cat");
  fs::create_directories(d / "dog");
  fs::create_directories(d / "empty");
  fs::create_directories(d / ".hidden");
  writePngBytes(d / "cat" / "1.png", 4, 4, 3, pattern(4, 4, 3, 1));
  writePngBytes(d / "cat" / "2.png", 4, 4, 3, pattern(4, 4, 3, 2));
  writePngBytes(d / "dog" / "1.png", 4, 4, 3, pattern(4, 4, 3, 3));
  writePngBytes(d / ".hidden" / "1.png", 4, 4, 3, pattern(4, 4, 3, 4));
  writePngBytes(d / "top.png", 4, 4, 3, pattern(4, 4, 3, 5));  // ignored: there are classes
  auto r = loadImageFolder(d.string(), {});
  ASSERT_TRUE(r) << r.error().message;
  const auto& ds = r.value();
  EXPECT_EQ(ds.size(), 3);
  EXPECT_EQ(ds.classNames, (std::vector<std::string>{"cat", "dog"}));
  EXPECT_TRUE(torch::equal(ds.labels, torch::tensor({0, 0, 1}, torch::kInt64)));
  EXPECT_TRUE(torch::equal(ds.images[2], planes(pattern(4, 4, 3, 3), 4, 4, 3)));
  EXPECT_TRUE(contains(ds.summary(), "3 images, 3×4×4, 2 classes")) << ds.summary();
}

TEST(ImageFolder, BadFoldersAreErrors) {
  const TempFolder tmp("folder-bad");
  const fs::path& d = tmp.path;
  auto empty = loadImageFolder(d.string(), {});
  ASSERT_FALSE(empty);
  EXPECT_TRUE(contains(empty.error().message, d.string() + ": no images")) << empty.error().message;

  std::ofstream(d / "readme.txt") << "hi";
  EXPECT_FALSE(loadImageFolder(d.string(), {}));
  auto file = loadImageFolder((d / "readme.txt").string(), {});
  ASSERT_FALSE(file);
  EXPECT_TRUE(contains(file.error().message, "not a folder")) << file.error().message;

  auto missing = loadImageFolder((d / "nope").string(), {});
  ASSERT_FALSE(missing);
  EXPECT_TRUE(contains(missing.error().message, "nope: no such folder")) << missing.error().message;

  std::ofstream(d / "broken.png") << "not a png";
  auto broken = loadImageFolder(d.string(), {});
  ASSERT_FALSE(broken);
  EXPECT_TRUE(contains(broken.error().message, "none of the 1 image files"))
      << broken.error().message;
  EXPECT_TRUE(contains(broken.error().message, "broken.png")) << broken.error().message;
}

TEST(ImageFolder, CancelStops) {
  const TempFolder tmp("folder-cancel");
  const fs::path& d = tmp.path;
  writePngBytes(d / "a.png", 4, 4, 3, pattern(4, 4, 3, 1));
  std::atomic<bool> cancel{true};
  ImageLoadOptions opt;
  opt.cancel = &cancel;
  auto r = loadImageFolder(d.string(), opt);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "cancelled");
}

// ---- single images -------------------------------------------------------------------------

TEST(ImageResize, AreaFilterAveragesBlocksExactly) {
  auto x = torch::arange(16, torch::kFloat32).reshape({1, 4, 4}) / 16.f;
  auto y = resizeArea(x, 2, 2);
  auto want = x.reshape({1, 2, 2, 2, 2}).mean({2, 4});
  EXPECT_EQ(y.sizes(), (std::vector<int64_t>{1, 2, 2}));
  EXPECT_TRUE(torch::equal(y, want)) << y << want;
}

TEST(ImageResize, NonIntegerRatiosKeepTheMeanAndNonSquareIsCentreCropped) {
  auto c = torch::full({2, 7, 7}, 0.3f);
  EXPECT_TRUE(torch::allclose(resizeArea(c, 3, 3), torch::full({2, 3, 3}, 0.3f), 0, 1e-6));
  auto x = torch::rand({3, 9, 9}, torch::kFloat64);
  EXPECT_NEAR(resizeArea(x, 4, 4).mean().item<double>(), x.mean().item<double>(), 1e-12);
  auto wide = torch::rand({1, 4, 8});
  EXPECT_TRUE(torch::allclose(resizeArea(wide, 2, 2), resizeArea(wide.narrow(2, 2, 4), 2, 2)));
  auto tall = torch::rand({5, 1, 9, 3});  // batched; 9×3 → rows 3..5
  EXPECT_TRUE(torch::allclose(resizeArea(tall, 3, 3), tall.narrow(2, 3, 3)));
}

TEST(ImageIo, PngRoundTripWithinQuantizationAndAtomic) {
  const TempFolder tmp("png");
  const fs::path& d = tmp.path;
  const auto path = (d / "out.png").string();
  auto img = torch::rand({3, 7, 9});
  auto w = writePng(path, img);
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  auto r = readImage(path, 0, 0);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r.value().sizes(), img.sizes());
  EXPECT_LE((r.value() - img).abs().max().item<float>(), 0.5f / 255.f + 1e-6f);

  auto grey = torch::rand({1, 5, 4});
  ASSERT_TRUE(writePng(path, grey));  // replaces the file
  auto g = readImage(path, 0, 0);
  ASSERT_TRUE(g) << g.error().message;
  EXPECT_EQ(g.value().sizes(), grey.sizes());
  EXPECT_LE((g.value() - grey).abs().max().item<float>(), 0.5f / 255.f + 1e-6f);
  auto g3 = readImage(path, 2, 3);  // centre square 4×4, halved, replicated
  ASSERT_TRUE(g3) << g3.error().message;
  EXPECT_EQ(g3.value().sizes(), (std::vector<int64_t>{3, 2, 2}));

  auto clamped = torch::tensor({-1.f, 2.f, NAN, 0.5f}).reshape({1, 2, 2});
  ASSERT_TRUE(writePng(path, clamped));
  auto c = readImage(path, 0, 1).take();
  EXPECT_TRUE(torch::allclose(c.flatten(), torch::tensor({0.f, 1.f, 0.f, 128.f / 255.f})));
}

TEST(ImageIo, BadWritesAndReadsAreErrors) {
  const TempFolder tmp("png-bad");
  const fs::path& d = tmp.path;
  auto twoChannels = writePng((d / "x.png").string(), torch::rand({2, 4, 4}));
  ASSERT_FALSE(twoChannels);
  EXPECT_TRUE(contains(twoChannels.error().message, "channels")) << twoChannels.error().message;
  const auto noDir = (d / "missing" / "x.png").string();
  auto w = writePng(noDir, torch::rand({3, 4, 4}));
  ASSERT_FALSE(w);
  EXPECT_TRUE(contains(w.error().message, noDir)) << w.error().message;
  EXPECT_FALSE(fs::exists(noDir + ".tmp"));

  auto missing = readImage((d / "none.png").string(), 0, 0);
  ASSERT_FALSE(missing);
  EXPECT_TRUE(contains(missing.error().message, "none.png: no such file"));
  std::ofstream(d / "bad.png") << "garbage";
  auto bad = readImage((d / "bad.png").string(), 0, 0);
  ASSERT_FALSE(bad);
  EXPECT_TRUE(contains(bad.error().message, "bad.png: cannot decode")) << bad.error().message;
}

TEST(ImageIo, GridTilesRowMajorWithPadding) {
  auto images = torch::arange(5, torch::kFloat32).reshape({5, 1, 1, 1}).expand({5, 1, 2, 3}) / 10.f;
  auto g = imageGrid(images, 2, 1, 0.9f);
  EXPECT_EQ(g.sizes(), (std::vector<int64_t>{1, 3 * 3 + 1, 2 * 4 + 1}));
  EXPECT_FLOAT_EQ(g[0][0][0].item<float>(), 0.9f);
  EXPECT_FLOAT_EQ(g[0][1][1].item<float>(), 0.0f);  // image 0, top left
  EXPECT_FLOAT_EQ(g[0][1][5].item<float>(), 0.1f);  // image 1
  EXPECT_FLOAT_EQ(g[0][4][1].item<float>(), 0.2f);  // image 2, second row
  EXPECT_FLOAT_EQ(g[0][7][3].item<float>(), 0.4f);  // image 4
  EXPECT_FLOAT_EQ(g[0][7][6].item<float>(), 0.9f);  // the empty sixth tile
}

TEST(ImageIo, ChannelConversion) {
  auto rgb = torch::tensor({1.f, 0.f, 0.f, 1.f, 0.f, 0.f}).reshape({1, 3, 1, 2});  // red, green
  auto grey = convertChannels(rgb, 1);
  EXPECT_TRUE(torch::allclose(grey.flatten(), torch::tensor({0.299f, 0.587f})));
  auto back = convertChannels(grey, 3);
  EXPECT_EQ(back.sizes(), (std::vector<int64_t>{1, 3, 1, 2}));
  EXPECT_TRUE(torch::equal(back.select(1, 0), back.select(1, 2)));
}

// ---- dispatch and the real datasets ---------------------------------------------------------

TEST(ImageDispatch, NamesFoldersAndErrors) {
  const TempFolder tmp("dispatch");
  const fs::path& d = tmp.path;
  writePngBytes(d / "a.png", 4, 4, 3, pattern(4, 4, 3, 1));
  EXPECT_TRUE(isImageDatasetSpec("fashion-mnist"));
  EXPECT_TRUE(isImageDatasetSpec("fashion-mnist:test"));
  EXPECT_TRUE(isImageDatasetSpec("twemoji"));
  EXPECT_TRUE(isImageDatasetSpec("folder:/anything"));
  EXPECT_TRUE(isImageDatasetSpec(d.string()));
  EXPECT_FALSE(isImageDatasetSpec("moons"));
  EXPECT_FALSE(isImageDatasetSpec((d / "a.png").string()));
  EXPECT_FALSE(isImageDatasetSpec(""));

  auto byPath = loadImageDataset(d.string(), {});
  ASSERT_TRUE(byPath) << byPath.error().message;
  EXPECT_EQ(byPath.value().size(), 1);
  EXPECT_EQ(byPath.value().name, "folder " + d.string());
  ASSERT_TRUE(loadImageDataset("folder:" + d.string(), {}));
  EXPECT_FALSE(loadImageDataset("moons", {}));
  auto split = loadImageDataset("fashion-mnist:dev", {});
  ASSERT_FALSE(split);
  EXPECT_TRUE(contains(split.error().message, "unknown split")) << split.error().message;

  auto noFashion = loadFashionMnist(true, {}, (d / "nope").string());
  ASSERT_FALSE(noFashion);
  EXPECT_TRUE(contains(noFashion.error().message, "dataset-fashion-mnist"))
      << noFashion.error().message;
  auto noEmoji = loadTwemoji({}, (d / "nope").string());
  ASSERT_FALSE(noEmoji);
  EXPECT_TRUE(contains(noEmoji.error().message, "scripts/deps")) << noEmoji.error().message;
}

TEST(ImageFashionMnist, TestSplitFirstHundred) {
  const std::string dir = "/usr/share/datasets/fashion-mnist";
  if (!fs::is_directory(dir))
    GTEST_SKIP() << dir << " is missing (apt-get install dataset-fashion-mnist)";
  ImageLoadOptions opt;
  opt.limit = 100;
  auto r = loadFashionMnist(false, opt, dir);
  ASSERT_TRUE(r) << r.error().message;
  const auto& ds = r.value();
  EXPECT_EQ(ds.name, "fashion-mnist (test)");
  EXPECT_EQ(ds.images.sizes(), (std::vector<int64_t>{100, 1, 28, 28}));
  EXPECT_GE(ds.images.min().item<float>(), 0.f);
  EXPECT_LE(ds.images.max().item<float>(), 1.f);
  EXPECT_GT(ds.images.max().item<float>(), 0.9f);
  EXPECT_GE(ds.labels.min().item<int64_t>(), 0);
  EXPECT_LE(ds.labels.max().item<int64_t>(), 9);
  EXPECT_EQ(ds.classNames.size(), 10u);
  EXPECT_EQ(ds.classNames[9], "Ankle boot");
}

TEST(ImageTwemoji, FirstFifty) {
  const std::string dir = twemojiDir();
  if (!fs::is_directory(dir))
    GTEST_SKIP() << dir << " is missing (scripts/deps fetches it with npm)";
  ImageLoadOptions opt;
  opt.limit = 50;
  auto r = loadTwemoji(opt, dir);
  ASSERT_TRUE(r) << r.error().message;
  const auto& ds = r.value();
  EXPECT_EQ(ds.images.sizes(), (std::vector<int64_t>{50, 3, 32, 32}));
  EXPECT_EQ(ds.skipped, 0);
  EXPECT_FALSE(ds.classNames.empty());
  EXPECT_GE(ds.labels.min().item<int64_t>(), 0);
  EXPECT_LT(ds.labels.max().item<int64_t>(), static_cast<int64_t>(ds.classNames.size()));
  // Composited on the background: white and black differ exactly where emoji are transparent.
  opt.background = {0.f, 0.f, 0.f};
  auto black = loadTwemoji(opt, dir);
  ASSERT_TRUE(black) << black.error().message;
  const auto diff = ds.images - black.value().images;
  EXPECT_GE(diff.min().item<float>(), -1e-6f);
  EXPECT_FLOAT_EQ(diff.max().item<float>(), 1.f);
}

}  // namespace

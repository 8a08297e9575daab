// InterpolationWorker (core/scene/image_interp.h): two images of a tiny generated folder are
// encoded through the PF-ODE with the exact empirical score, their codes interpolated and
// decoded back; the ends come back as the sources, every frame is finite and (the exact score
// memorizes) a dataset image.
#include <gtest/gtest.h>
#include <stb/stb_image_write.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/scene/image_interp.h"
#include "tests/common/image_folder.h"

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using ss::scene::InterpolationRequest;
using ss::scene::InterpolationResult;
using ss::scene::InterpolationWorker;

constexpr int kSize = 8;
constexpr int kPixels = kSize * kSize;

// Five distinct 8×8 grey images: left half, top half, a checkerboard, a centre box, a ramp.
std::vector<std::vector<float>> patterns() {
  std::vector<std::vector<float>> p(5, std::vector<float>(kPixels));
  for (int y = 0; y < kSize; ++y)
    for (int x = 0; x < kSize; ++x) {
      p[0][y * kSize + x] = x < kSize / 2 ? 1.f : 0.f;
      p[1][y * kSize + x] = y < kSize / 2 ? 1.f : 0.f;
      p[2][y * kSize + x] = (x + y) % 2 ? 1.f : 0.f;
      p[3][y * kSize + x] = x >= 2 && x < 6 && y >= 2 && y < 6 ? 1.f : 0.f;
      p[4][y * kSize + x] = static_cast<float>(x * 36) / 255.f;  // 0, 36, …, 252: exact in 8 bits
    }
  return p;
}

std::string makeFolder() {
  return ss::test::writeGreyFolder("scorescope_image_interp_", patterns(), kSize);
}

InterpolationRequest request(const std::string& dir) {
  InterpolationRequest r;
  r.data = dir;
  r.limit = 5;
  r.indexA = 0;  // left half
  r.indexB = 2;  // checkerboard
  r.frames = 7;
  return r;
}

std::shared_ptr<const InterpolationResult> run(InterpolationWorker& w,
                                               const InterpolationRequest& r) {
  w.request(r);
  EXPECT_TRUE(w.waitIdle(180s));
  return w.latest();
}

double maxAbsDiff(const std::vector<float>& a, const std::vector<float>& b) {
  EXPECT_EQ(a.size(), b.size());
  double m = 0;
  for (size_t k = 0; k < a.size() && k < b.size(); ++k)
    m = std::max(m, static_cast<double>(std::abs(a[k] - b[k])));
  return m;
}

// RMS distance to the nearest pattern.
double nearestRms(const std::vector<float>& img) {
  double best = 1e9;
  for (const auto& p : patterns()) {
    double s = 0;
    for (int k = 0; k < kPixels; ++k) s += std::pow(img[k] - p[k], 2);
    best = std::min(best, std::sqrt(s / kPixels));
  }
  return best;
}

// The ends come back as the sources. Measured at the default RK45 tolerance (1e-5): a round
// trip of 2.3e-5 on this folder (3e-5 on 200 Fashion-MNIST images); 2e-4 leaves a margin of
// ~10× and is still a twentieth of one 8-bit grey level (1/255 ≈ 3.9e-3). The frames are
// clamped, so a frame may sit a little closer to its source than the round trip says.
TEST(InterpolationWorker, EndsDecodeBackToTheSources) {
  InterpolationWorker w;
  const auto r = run(w, request(makeFolder()));
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->error.empty()) << r->error;
  EXPECT_TRUE(r->done);
  EXPECT_EQ(r->channels, 1);
  EXPECT_EQ(r->size, kSize);
  EXPECT_EQ(r->decoded, 7);
  ASSERT_EQ(r->frames.size(), 7u);
  const auto p = patterns();
  EXPECT_EQ(r->sourceA, p[0]);
  EXPECT_EQ(r->sourceB, p[2]);
  for (const auto& f : r->frames) {
    ASSERT_EQ(f.size(), static_cast<size_t>(kPixels));
    for (float v : f) {
      ASSERT_TRUE(std::isfinite(v));
      ASSERT_GE(v, 0.f);
      ASSERT_LE(v, 1.f);
    }
  }
  EXPECT_GE(r->roundTripError, 0.0);
  EXPECT_LT(r->roundTripError, 2e-4) << "round trip";
  EXPECT_LT(maxAbsDiff(r->frames.front(), r->sourceA), 2e-4);
  EXPECT_LT(maxAbsDiff(r->frames.back(), r->sourceB), 2e-4);
  // The exact score memorizes: every frame between the ends is a dataset image too.
  for (size_t k = 0; k < r->frames.size(); ++k)
    EXPECT_LT(nearestRms(r->frames[k]), 0.05) << "frame " << k;
  EXPECT_GT(r->nfe, 0);
  EXPECT_GT(r->latentAngle, 0.0);
  EXPECT_NE(r->status.find("done"), std::string::npos) << r->status;
  std::printf("round trip %.3g, NFE %lld, latent angle %.1f deg, %.2f s\n", r->roundTripError,
              static_cast<long long>(r->nfe), r->latentAngle, r->wallSeconds);
}

// The codes are far from parallel (about 98°), so the straight line's midpoint is shorter than
// slerp's (|z_A + z_B|/2 against the arc): the two decode to different points (measured: to
// different dataset images, 0.99 apart in some pixel); the ends are the same solves.
TEST(InterpolationWorker, LinearAndSphericalDifferInTheMiddle) {
  const std::string dir = makeFolder();
  InterpolationWorker w;
  auto req = request(dir);
  const auto slerp = run(w, req);
  req.spherical = false;
  const auto lerp = run(w, req);
  ASSERT_TRUE(slerp && lerp);
  ASSERT_TRUE(slerp->error.empty()) << slerp->error;
  ASSERT_TRUE(lerp->error.empty()) << lerp->error;
  ASSERT_TRUE(slerp->done && lerp->done);
  EXPECT_LT(maxAbsDiff(slerp->frames.front(), lerp->frames.front()), 1e-6);
  EXPECT_LT(maxAbsDiff(slerp->frames.back(), lerp->frames.back()), 1e-6);
  const double mid = maxAbsDiff(slerp->frames[3], lerp->frames[3]);
  EXPECT_GT(mid, 1e-3) << "the midpoints of slerp and the straight line decode alike";
  std::printf("midpoint |slerp - linear|max = %.3g\n", mid);
}

TEST(InterpolationWorker, BadRequestsAreErrorsInTheResult) {
  const std::string dir = makeFolder();
  InterpolationWorker w;
  auto req = request(dir);
  req.indexB = 99;
  auto r = run(w, req);
  ASSERT_TRUE(r);
  EXPECT_NE(r->error.find("outside"), std::string::npos) << r->error;
  EXPECT_TRUE(r->frames.empty());
  EXPECT_TRUE(r->done);
  req.indexB = -1;
  r = run(w, req);
  EXPECT_FALSE(r->error.empty());
  req = request(dir);
  req.frames = 1;
  r = run(w, req);
  EXPECT_NE(r->error.find("frames"), std::string::npos) << r->error;
  req = request("folder:/nonexistent/scorescope-images");
  r = run(w, req);
  EXPECT_FALSE(r->error.empty());
  req = request(dir);
  req.model = "/nonexistent/model.pt";
  r = run(w, req);
  EXPECT_NE(r->error.find("model.pt"), std::string::npos) << r->error;
  // The worker keeps serving after errors.
  r = run(w, request(dir));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->error.empty()) << r->error;
  EXPECT_TRUE(r->done);
}

// A newer request stops the running one between decodes: the last result is the newer one's,
// complete.
TEST(InterpolationWorker, ANewerRequestWins) {
  const std::string dir = makeFolder();
  InterpolationWorker w;
  auto slow = request(dir);
  slow.frames = 32;
  slow.rtol = slow.atol = 1e-6;
  w.request(slow);
  // Wait until it is decoding, so the newer request really interrupts a running one.
  const auto until = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < until) {
    auto r = w.latest();
    if (r && r->decoded >= 1) break;
    std::this_thread::sleep_for(5ms);
  }
  auto fast = request(dir);
  fast.indexA = 1;
  fast.indexB = 3;
  fast.frames = 3;
  w.request(fast);
  ASSERT_TRUE(w.waitIdle(180s));
  const auto r = w.latest();
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->error.empty()) << r->error;
  EXPECT_TRUE(r->done);
  EXPECT_EQ(r->request.indexA, 1);
  EXPECT_EQ(r->request.indexB, 3);
  EXPECT_EQ(r->frames.size(), 3u);
  EXPECT_EQ(r->sourceA, patterns()[1]);
}

}  // namespace

// ImageRunWorker (core/scene/image_run.h): image sampler runs on a worker with the exact
// empirical score of a tiny generated folder; frames carry x_t and the Tweedie estimate.
#include <gtest/gtest.h>
#include <stb/stb_image_write.h>

#include <unistd.h>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/nn/net_config.h"
#include "core/sample/sampler_config.h"
#include "core/scene/image_run.h"
#include "core/scene/image_score.h"
#include "core/train/classifier.h"
#include "core/train/snapshot.h"
#include "core/train/trainer.h"
#include "tests/common/image_folder.h"

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using ss::scene::ImageRunRequest;
using ss::scene::ImageRunWorker;
using ss::scene::ImageTask;

constexpr int kSize = 8;

// Three distinct 8×8 grey images: left half white, top half white, a checkerboard.
std::vector<std::vector<float>> patterns() {
  std::vector<std::vector<float>> p(3, std::vector<float>(kSize * kSize));
  for (int y = 0; y < kSize; ++y)
    for (int x = 0; x < kSize; ++x) {
      p[0][y * kSize + x] = x < kSize / 2 ? 1.f : 0.f;
      p[1][y * kSize + x] = y < kSize / 2 ? 1.f : 0.f;
      p[2][y * kSize + x] = (x + y) % 2 ? 1.f : 0.f;
    }
  return p;
}

std::string makeFolder() {
  return ss::test::writeGreyFolder("scorescope_image_run_", patterns(), kSize);
}

ImageRunRequest request(const std::string& dir) {
  ImageRunRequest r;
  r.data = dir;
  r.n = 8;
  r.sampler.steps = 1000;  // the exact score is stiff near ε: fewer Euler–Maruyama steps oscillate
  r.maxFrames = 41;
  return r;
}

// RMS distance of image i of `buf` (n×1×8×8) to the nearest pattern.
double nearestRms(const std::vector<float>& buf, int i) {
  double best = 1e9;
  for (const auto& p : patterns()) {
    double s = 0;
    for (int k = 0; k < kSize * kSize; ++k) s += std::pow(buf[i * kSize * kSize + k] - p[k], 2);
    best = std::min(best, std::sqrt(s / (kSize * kSize)));
  }
  return best;
}

TEST(ImageRunWorker, FolderIsAnImageDataset) {
  const std::string dir = makeFolder();
  EXPECT_TRUE(ss::scene::looksLikeImageDataset(dir));
  EXPECT_TRUE(ss::scene::looksLikeImageDataset("fashion-mnist"));
  EXPECT_TRUE(ss::scene::looksLikeImageDataset("folder:/nowhere"));
  EXPECT_FALSE(ss::scene::looksLikeImageDataset("8gaussians"));
}

TEST(ImageRunWorker, ExactScoreRunEndsOnDatasetImages) {
  ImageRunWorker w;
  w.request(request(makeFolder()));
  ASSERT_TRUE(w.waitIdle(120s));
  auto r = w.latest();
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->error.empty()) << r->error;
  EXPECT_TRUE(r->done);
  EXPECT_EQ(r->channels, 1);
  EXPECT_EQ(r->size, kSize);
  EXPECT_EQ(r->n, 8);
  ASSERT_GE(r->frames.size(), 10u);
  EXPECT_NEAR(r->frames.front()->t, 1.0, 1e-9);
  const auto& last = *r->frames.back();
  EXPECT_LT(last.t, 0.01);
  EXPECT_EQ(last.step, 1000);
  EXPECT_GT(last.nfe, 0);
  ASSERT_EQ(last.x.size(), 8u * kSize * kSize);
  ASSERT_EQ(last.x0.size(), last.x.size());
  for (int i = 0; i < 8; ++i) {
    EXPECT_LT(nearestRms(last.x, i), 0.05) << "sample " << i;
    EXPECT_LT(nearestRms(last.x0, i), 0.05) << "Tweedie estimate " << i;
  }
  // frameAt picks the nearest recorded frame.
  EXPECT_EQ(r->frameAt(-1.0), r->frames.back());
  EXPECT_EQ(r->frameAt(2.0), r->frames.front());
}

TEST(ImageRunWorker, InpaintingKeepsTheKnownPixels) {
  auto req = request(makeFolder());
  req.task = ImageTask::Inpaint;
  req.mask = ss::sample::MaskPreset::TopHalf;
  req.imageIndex = 2;  // the checkerboard (sorted file names)
  ImageRunWorker w;
  w.request(req);
  ASSERT_TRUE(w.waitIdle(120s));
  auto r = w.latest();
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->error.empty()) << r->error;
  ASSERT_EQ(r->observation.size(), static_cast<size_t>(kSize * kSize));
  const auto& last = *r->frames.back();
  const auto p = patterns()[2];
  for (int i = 0; i < 8; ++i)
    for (int k = 0; k < kSize * kSize / 2; ++k)  // the top half is known
      ASSERT_NEAR(last.x[i * kSize * kSize + k], p[k], 1e-4) << "sample " << i << " pixel " << k;
  // The only image that agrees with the top half is the checkerboard itself.
  for (int i = 0; i < 8; ++i) EXPECT_LT(nearestRms(last.x, i), 0.05);
}

TEST(ImageRunWorker, MissingFolderIsAnErrorInTheResult) {
  ImageRunWorker w;
  auto req = request("folder:/nonexistent/scorescope-images");
  w.request(req);
  ASSERT_TRUE(w.waitIdle(60s));
  auto r = w.latest();
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->error.empty());
  EXPECT_TRUE(r->frames.empty());
  // A bad checkpoint too, and the worker keeps serving.
  req.model = "/nonexistent/model.pt";
  w.request(req);
  ASSERT_TRUE(w.waitIdle(60s));
  EXPECT_FALSE(w.latest()->error.empty());
}

TEST(ImageRunWorker, ColorizationKeepsTheGreyLevel) {
  // Three RGB 8×8 images: pure red, green and blue halves on grey.
  const fs::path dir =
      fs::temp_directory_path() / ("scorescope_image_rgb_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (int i = 0; i < 3; ++i) {
    std::vector<unsigned char> px(kSize * kSize * 3, 128);
    for (int y = 0; y < kSize; ++y)
      for (int x = 0; x < kSize / 2; ++x)
        for (int k = 0; k < 3; ++k) px[(y * kSize + x) * 3 + k] = k == i ? 255 : 0;
    const std::string path = (dir / ("rgb" + std::to_string(i) + ".png")).string();
    ASSERT_TRUE(stbi_write_png(path.c_str(), kSize, kSize, 3, px.data(), kSize * 3)) << path;
  }
  auto req = request(dir.string());
  req.task = ImageTask::Colorize;
  req.imageIndex = 1;
  ImageRunWorker w;
  w.request(req);
  ASSERT_TRUE(w.waitIdle(120s));
  auto r = w.latest();
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->error.empty()) << r->error;
  EXPECT_EQ(r->channels, 3);
  const int plane = kSize * kSize;
  ASSERT_EQ(r->observation.size(), static_cast<size_t>(3 * plane));
  const auto& last = *r->frames.back();
  for (int i = 0; i < 8; ++i)
    for (int k = 0; k < plane; ++k) {
      const float* x = last.x.data() + i * 3 * plane;
      const float grey = (x[k] + x[plane + k] + x[2 * plane + k]) / 3;
      ASSERT_NEAR(grey, r->observation[k], 0.02)
          << "sample " << i << " pixel " << k;  // frames are clamped
    }
  // A grey dataset cannot be colorized: an error in the result.
  req.data = makeFolder();
  w.request(req);
  ASSERT_TRUE(w.waitIdle(60s));
  EXPECT_NE(w.latest()->error.find("RGB"), std::string::npos) << w.latest()->error;
}

}  // namespace

// The image explorer's compare grid: two runs from the same seed share the prior draw x(T)
// (their first frames are identical), then the reverse SDE and the PF-ODE part ways; both
// end on dataset images under the exact empirical score.
TEST(ImageRunWorker, RunsWithTheSameSeedShareThePriorDrawAcrossSamplers) {
  const std::string dir = makeFolder();
  ImageRunWorker sde, ode;
  auto a = request(dir);
  auto b = request(dir);
  auto odePreset = ss::sample::samplerPreset("ode");
  ASSERT_TRUE(odePreset);
  b.sampler = odePreset.value();
  sde.request(a);
  ode.request(b);
  ASSERT_TRUE(sde.waitIdle(120s));
  ASSERT_TRUE(ode.waitIdle(120s));
  auto ra = sde.latest(), rb = ode.latest();
  ASSERT_TRUE(ra && rb);
  ASSERT_TRUE(ra->error.empty()) << ra->error;
  ASSERT_TRUE(rb->error.empty()) << rb->error;
  ASSERT_TRUE(ra->done && rb->done);
  EXPECT_EQ(ra->frames.front()->x, rb->frames.front()->x) << "the same prior draw at t = T";
  const auto& xa = ra->frames.back()->x;
  const auto& xb = rb->frames.back()->x;
  ASSERT_EQ(xa.size(), xb.size());
  float maxDiff = 0;
  for (size_t k = 0; k < xa.size(); ++k) maxDiff = std::max(maxDiff, std::abs(xa[k] - xb[k]));
  EXPECT_GT(maxDiff, 0.5f) << "the SDE's noise sends some draws to other images than the ODE";
  for (int i = 0; i < 8; ++i) {
    EXPECT_LT(nearestRms(xa, i), 0.05) << "SDE sample " << i;
    EXPECT_LT(nearestRms(xb, i), 0.05) << "ODE sample " << i;
  }
}

// "U-Net trained here": a run takes the trainer's live snapshot (no checkpoint file), names
// it with its step, and a newer snapshot replaces the score of the next run.
// Image sampling ends at the reference's ε on the VP family, whatever the model trained to;
// VE, rectified flow and a larger ε are kept.
TEST(ImageRunWorker, SamplingEndsAtTheReferenceEps) {
  using ss::sde::SdeKind;
  for (auto kind : {SdeKind::VP, SdeKind::SubVP, SdeKind::VPCosine, SdeKind::VE, SdeKind::RF}) {
    ss::sde::SdeConfig c;
    c.kind = kind;
    c.T = ss::sde::defaultT(kind);
    c.sigmaMax = 10;
    c.eps = 1e-5;
    auto own = ss::sde::Sde::create(c);
    auto s = ss::scene::imageSamplingSde(own);
    const bool vp = kind != SdeKind::VE && kind != SdeKind::RF;
    EXPECT_EQ(s->eps(), vp ? ss::scene::kImageSamplingEps : 1e-5) << ss::sde::toString(kind);
    EXPECT_EQ(s->config().kind, kind);
    EXPECT_EQ(s->T(), own->T());
    c.eps = 1e-2;
    EXPECT_EQ(ss::scene::imageSamplingSde(ss::sde::Sde::create(c))->eps(), 1e-2);
  }
}

TEST(ImageRunWorker, SamplesWithALiveTrainerSnapshot) {
  ss::train::TrainProblemSpec spec;
  spec.data = makeFolder();
  spec.net.kind = ss::nn::NetKind::UNet;
  auto unet = ss::nn::unetPreset("small", 1, kSize);
  ASSERT_TRUE(unet) << unet.error().message;
  spec.net.unet = unet.value();
  spec.train.batch = 4;
  spec.train.lr = 5e-4;
  ss::train::Trainer trainer(spec);
  trainer.stepOnce();
  ASSERT_TRUE(trainer.waitForStep(1, 60000));  // the step's snapshot is published before its stats

  ImageRunWorker w;
  auto r = request(spec.data);
  r.snapshot = trainer.snapshot();
  ASSERT_TRUE(r.snapshot);
  r.n = 4;
  r.sampler.steps = 20;
  w.request(r);
  ASSERT_TRUE(w.waitIdle(120s));
  auto first = w.latest();
  ASSERT_TRUE(first);
  ASSERT_TRUE(first->error.empty()) << first->error;
  EXPECT_TRUE(first->done);
  EXPECT_EQ(first->channels, 1);
  EXPECT_EQ(first->size, kSize);
  EXPECT_NE(first->scoreName.find("training U-Net (step 1)"), std::string::npos)
      << first->scoreName;
  ASSERT_FALSE(first->frames.empty());
  for (float v : first->frames.back()->x) ASSERT_TRUE(std::isfinite(v));

  for (int step = 2; step <= 3; ++step) {
    trainer.stepOnce();
    ASSERT_TRUE(trainer.waitForStep(step, 60000));
  }
  r.snapshot = trainer.snapshot();
  w.request(r);
  ASSERT_TRUE(w.waitIdle(120s));
  auto second = w.latest();
  ASSERT_TRUE(second && second->error.empty()) << (second ? second->error : "");
  EXPECT_NE(second->scoreName.find("training U-Net (step 3)"), std::string::npos)
      << second->scoreName;
}

namespace {

// A labelled 8×8 folder, one sub-folder per class: "left" (left half white) and "top" (top
// half white), 20 images each, each with one extra lit pixel so that no two are equal.
std::string makeLabelledFolder() {
  const fs::path dir =
      fs::temp_directory_path() / ("scorescope_image_classes_" + std::to_string(::getpid()));
  const auto p = patterns();
  for (int c = 0; c < 2; ++c) {
    const fs::path sub = dir / (c == 0 ? "left" : "top");
    fs::create_directories(sub);
    for (int i = 0; i < 20; ++i) {
      std::vector<unsigned char> px(kSize * kSize);
      for (int k = 0; k < kSize * kSize; ++k) px[k] = static_cast<unsigned char>(255 * p[c][k]);
      px[(7 * i + 3 * c) % (kSize * kSize)] = 255;
      const std::string path = (sub / ("img" + std::to_string(i) + ".png")).string();
      EXPECT_TRUE(stbi_write_png(path.c_str(), kSize, kSize, 1, px.data(), kSize)) << path;
    }
  }
  return dir.string();
}

// Samples (n×1×8×8) closer to pattern `c` (0: left half, 1: top half) than to the other.
int nearerTo(const std::vector<float>& x, int n, int c) {
  const auto p = patterns();
  int count = 0;
  for (int i = 0; i < n; ++i) {
    double d[2] = {0, 0};
    for (int k = 0; k < kSize * kSize; ++k)
      for (int j = 0; j < 2; ++j) d[j] += std::pow(x[i * kSize * kSize + k] - p[j][k], 2);
    count += d[c] < d[1 - c];
  }
  return count;
}

}  // namespace

// Class guidance on images: the classifier (a small CNN on noisy images) learns the folder's
// two classes, and guiding the exact empirical score with it puts every sample in the chosen
// class, where the unguided run from the same noise splits between the two.
TEST(ImageRunWorker, ClassGuidanceWithATrainedImageClassifier) {
  const std::string dir = makeLabelledFolder();
  ss::sde::SdeConfig sde;
  sde.eps = 1e-3;
  auto spec = ss::train::imageClassifierSpec(dir, sde);
  spec.steps = 400;
  ss::train::ClassifierTrainer trainer;
  trainer.train(spec);
  ASSERT_TRUE(trainer.waitDone(300.0));
  auto st = trainer.stats();
  ASSERT_TRUE(st);
  ASSERT_EQ(st->status, ss::train::ClassifierStatus::Done) << st->message;
  EXPECT_EQ(st->classes, 2);
  ASSERT_EQ(st->classNames.size(), 2u);
  EXPECT_EQ(st->classNames[0], "left");
  EXPECT_EQ(st->classNames[1], "top");
  EXPECT_EQ(st->heldOut, 8);
  ASSERT_EQ(st->accuracy.size(), 3u);
  EXPECT_GT(st->accuracy[0], 0.95) << "at t = 0.1 the halves are plain under the noise";

  ImageRunWorker w;
  auto r = request(dir);
  r.n = 16;
  r.sampler.steps = 500;
  w.request(r);
  ASSERT_TRUE(w.waitIdle(120s));
  auto plain = w.latest();
  ASSERT_TRUE(plain && plain->error.empty()) << (plain ? plain->error : "");
  const int plainTop = nearerTo(plain->frames.back()->x, 16, 1);
  EXPECT_GT(plainTop, 0);
  EXPECT_LT(plainTop, 16);

  r.classifier = trainer.snapshot();
  ASSERT_TRUE(r.classifier);
  r.guideClass = 1;
  r.guidance = 3.0;
  w.request(r);
  ASSERT_TRUE(w.waitIdle(120s));
  auto guided = w.latest();
  ASSERT_TRUE(guided && guided->error.empty()) << (guided ? guided->error : "");
  EXPECT_NE(guided->scoreName.find("guidance to class 2"), std::string::npos) << guided->scoreName;
  EXPECT_EQ(nearerTo(guided->frames.back()->x, 16, 1), 16) << "unguided: " << plainTop << " of 16";

  r.guideClass = 2;  // outside the two classes: an error in the result, not a crash
  w.request(r);
  ASSERT_TRUE(w.waitIdle(120s));
  auto bad = w.latest();
  ASSERT_TRUE(bad);
  EXPECT_NE(bad->error.find("class 2 is outside"), std::string::npos) << bad->error;
}

// Closing the window must not wait for the classifier's remaining steps: the trainer stops
// between steps when it is destroyed, even in the middle of a long training run.
TEST(ImageRunWorker, ClassifierTrainerStopsMidTrainingWhenDestroyed) {
  ss::sde::SdeConfig sde;
  auto spec = ss::train::imageClassifierSpec(makeLabelledFolder(), sde);
  spec.steps = 1'000'000;  // hours
  auto trainer = std::make_unique<ss::train::ClassifierTrainer>();
  trainer->train(spec);
  for (int i = 0; i < 600; ++i) {
    auto st = trainer->stats();
    if (st && st->step >= 5) break;
    std::this_thread::sleep_for(50ms);
  }
  auto st = trainer->stats();
  ASSERT_TRUE(st && st->step >= 5) << (st ? st->message : "no stats");
  const auto start = std::chrono::steady_clock::now();
  trainer.reset();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 2.0);
}

// The time-dependent classifier for 2D class guidance (core/train/classifier.h): trained in
// the background it approaches the exact mixture posterior's accuracy, and guiding the
// exact score with it puts the samples in the chosen component; data without classes is a
// clear failure.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>

#include "core/scene/run_worker.h"
#include "core/train/classifier.h"

namespace {

using namespace std::chrono_literals;

ss::train::ClassifierSpec spec8(int64_t steps) {
  ss::train::ClassifierSpec s;
  s.data = "8gaussians";
  s.steps = steps;
  s.seed = 3;
  return s;
}

TEST(Classifier, TrainsTowardTheExactPosteriorsAccuracy) {
  ss::train::ClassifierTrainer trainer;
  trainer.train(spec8(1500));
  ASSERT_TRUE(trainer.waitDone(300.0));
  auto st = trainer.stats();
  ASSERT_TRUE(st);
  ASSERT_EQ(st->status, ss::train::ClassifierStatus::Done) << st->message;
  EXPECT_EQ(st->step, 1500);
  EXPECT_EQ(st->classes, 8);
  ASSERT_EQ(st->accuracy.size(), 3u);
  ASSERT_EQ(st->bayesAccuracy.size(), 3u);
  // Early on the modes are apart (the exact posterior is right ~97 % of the time); by t = 0.7
  // under VP they overlap and no classifier can do much better than the posterior's own rate.
  EXPECT_GT(st->bayesAccuracy[0], 0.9);
  EXPECT_LT(st->bayesAccuracy[2], st->bayesAccuracy[0]);
  for (size_t i = 0; i < 3; ++i) {
    std::printf("t = %.2f: accuracy %.4f, exact posterior %.4f\n", st->times[i], st->accuracy[i],
                st->bayesAccuracy[i]);
    EXPECT_GT(st->accuracy[i], st->bayesAccuracy[i] - 0.05) << "t = " << st->times[i];
    EXPECT_LT(st->accuracy[i], st->bayesAccuracy[i] + 0.03)
        << "held-out accuracy above the optimum: a leak";
  }
  auto snap = trainer.snapshot();
  ASSERT_TRUE(snap);
  EXPECT_EQ(snap->step, 1500);
}

TEST(Classifier, GuidanceWithTheTrainedClassifierSamplesTheChosenComponent) {
  ss::train::ClassifierTrainer trainer;
  trainer.train(spec8(1500));
  ASSERT_TRUE(trainer.waitDone(300.0));
  auto snap = trainer.snapshot();
  ASSERT_TRUE(snap);

  ss::scene::RunWorker w;
  ss::scene::RunRequest r;
  r.mode = ss::scene::RunMode::ReverseSde;
  r.data = "8gaussians";
  r.particles = 2000;
  r.sampler.steps = 300;
  r.guideClass = 5;
  r.guidance = 1.0;
  r.classifier = snap;
  w.request(r);
  ASSERT_TRUE(w.waitIdle(120s));
  auto res = w.latest();
  ASSERT_TRUE(res && res->done) << w.lastError();
  EXPECT_NE(res->scoreName.find("trained classifier"), std::string::npos) << res->scoreName;
  ASSERT_EQ(res->metrics.modeWeights.size(), 8u);
  EXPECT_GT(res->metrics.modeWeights[5], 0.9) << "guided toward component 5";

  r.guideClass = -1;  // the same run unguided: an eighth there
  w.request(r);
  ASSERT_TRUE(w.waitIdle(120s));
  res = w.latest();
  ASSERT_TRUE(res && res->done) << w.lastError();
  EXPECT_NEAR(res->metrics.modeWeights[5], 0.125, 0.04);
}

TEST(Classifier, DataWithoutClassesFailsWithAMessage) {
  ss::train::ClassifierTrainer trainer;
  auto s = spec8(10);
  s.data = std::string(SCORESCOPE_TEST_DATA_DIR) + "/four_points.csv";
  trainer.train(s);
  ASSERT_TRUE(trainer.waitDone(60.0));
  auto st = trainer.stats();
  ASSERT_TRUE(st);
  EXPECT_EQ(st->status, ss::train::ClassifierStatus::Failed);
  EXPECT_NE(st->message.find("no classes"), std::string::npos) << st->message;
  EXPECT_FALSE(trainer.snapshot());
  // A valid spec afterwards trains normally.
  trainer.train(spec8(20));
  ASSERT_TRUE(trainer.waitDone(60.0));
  EXPECT_EQ(trainer.stats()->status, ss::train::ClassifierStatus::Done);
}

// User-painted labels: a point CSV with a label column (what the Draw tool writes when two
// or more classes were painted) gives the classes; a classifier trained on it separates
// them, and guiding the empirical score with it lands the samples on the chosen class.
TEST(Classifier, PaintedLabelsFromACsvAreClassesToTrainAndGuideWith) {
  const std::string path = ::testing::TempDir() + "painted_two_classes.csv";
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_TRUE(f);
    std::fprintf(f, "x,y,label\n");
    for (int i = 0; i < 300; ++i) {  // label 0 on a ring around (-2, 0), label 1 around (2, 1)
      const double a = 0.021 * i, r = 0.1 + 0.2 * (i % 7) / 7.0;
      std::fprintf(f, "%.5f,%.5f,0\n", -2 + r * std::cos(a), r * std::sin(a));
      std::fprintf(f, "%.5f,%.5f,1\n", 2 + r * std::cos(a), 1 + r * std::sin(a));
    }
    std::fclose(f);
  }
  ss::train::ClassifierTrainer trainer;
  auto s = spec8(400);
  s.data = path;
  trainer.train(s);
  ASSERT_TRUE(trainer.waitDone(300.0));
  auto st = trainer.stats();
  ASSERT_TRUE(st);
  ASSERT_EQ(st->status, ss::train::ClassifierStatus::Done) << st->message;
  EXPECT_EQ(st->classes, 2);
  ASSERT_FALSE(st->accuracy.empty());
  EXPECT_GT(st->accuracy[0], 0.95)
      << "two clusters 4 apart are easy to tell at t = " << st->times[0];

  ss::scene::RunWorker w;
  ss::scene::RunRequest r;
  r.mode = ss::scene::RunMode::ReverseSde;
  r.data = path;
  r.particles = 400;
  r.sampler.steps =
      1000;  // the classifier's gradient is stiff across the gap: 300 EM steps overshoot
  r.guideClass = 1;
  r.guidance = 1.0;
  r.classifier = trainer.snapshot();
  w.request(r);
  ASSERT_TRUE(w.waitIdle(120s));
  auto res = w.latest();
  ASSERT_TRUE(res && res->done && !res->frames.empty()) << w.lastError();
  const auto& x = res->frames.back()->x;
  int right = 0;
  for (size_t i = 0; i + 1 < x.size(); i += 2) right += x[i] > 0;
  EXPECT_GT(right, 380)
      << "guided toward the painted class 1 (x near 2); unguided it would be half";
}

}  // namespace

// Divergence caught: a loss that grows by orders of magnitude (not only a non-finite one)
// stops quick training and the CLI's loop and pauses + rolls back the GUI trainer; an
// ordinary run at the default learning rate is never flagged.
#include <gtest/gtest.h>

#include <chrono>
#include <limits>
#include <thread>

#include "core/train/divergence.h"
#include "core/train/problem.h"
#include "core/train/snapshot.h"
#include "core/train/train_step.h"
#include "core/train/trainer.h"

using namespace ss;

namespace {

nn::NetConfig smallNet() {
  nn::NetConfig n;
  n.mlp.width = 64;
  n.mlp.depth = 2;
  return n;
}

// Steps a fresh moons run at `lr` (the CLI's other defaults); the first step the watch
// flags, or 0.
int64_t firstFlaggedStep(double lr, int64_t steps) {
  auto p = train::buildProblem("moons", sde::SdeConfig{}, 4096, 0);
  EXPECT_TRUE(p.ok());
  train::TrainConfig cfg;
  cfg.lr = lr;
  cfg.batch = 128;
  train::TrainStep step({smallNet(), p.value().sdeObject, p.value().data, cfg, torch::kCPU});
  train::DivergenceWatch watch;
  for (int64_t i = 0; i < steps; ++i)
    if (watch.diverged(step.step().loss)) return i + 1;
  return 0;
}

}  // namespace

TEST(DivergenceWatch, FlagsNonFiniteAndHugeGrowthButNotNoise) {
  train::DivergenceWatch w;
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(w.diverged(1.0 + 0.5 * (i % 7) - 0.001 * i));
  EXPECT_TRUE(w.diverged(std::numeric_limits<double>::quiet_NaN()));
  EXPECT_NE(w.reason().find("not finite"), std::string::npos);
  w.reset();
  EXPECT_FALSE(w.diverged(1.0));
  EXPECT_FALSE(w.diverged(100.0));  // one spike lifts the average by a factor of 3
  EXPECT_TRUE(w.diverged(1e30));
  EXPECT_NE(w.reason().find("orders of magnitude"), std::string::npos) << w.reason();
  // Negative losses (sliced score matching) are measured by their size.
  train::DivergenceWatch ssm;
  for (int i = 0; i < 500; ++i) EXPECT_FALSE(ssm.diverged(i % 2 ? -3.0 : 2.5));
}

TEST(DivergenceWatch, LargeLearningRatesAreFlaggedOnTwoDimensionalData) {
  // lr 10 on this small net (width 64, batch 128) wanders at a high loss without growing
  // 10⁴-fold within 300 steps, so it is not asserted here; on the CLI's default net it is
  // caught at step 4 (tests/cli/cli_test.cmake).
  for (double lr : {100.0, 1000.0})
    EXPECT_GT(firstFlaggedStep(lr, 300), 0) << "lr " << lr << " was not flagged";
}

TEST(DivergenceWatch, TheDefaultLearningRateIsNeverFlagged) {
  EXPECT_EQ(firstFlaggedStep(train::TrainConfig{}.lr, 1500), 0);
}

TEST(DivergenceWatch, TheTrainerPausesAndRollsBackAGrowingLoss) {
  train::TrainProblemSpec spec;
  spec.data = "moons";
  spec.net = smallNet();
  spec.train.batch = 64;
  spec.train.lr = 100;  // default warm-up and clipping: the loss grows but stays finite
  train::Trainer trainer(spec);
  trainer.start();
  std::shared_ptr<const train::TrainerStats> s;
  for (int i = 0; i < 3000; ++i) {
    s = trainer.stats();
    if (s && s->status == train::TrainerStatus::Diverged) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(s);
  ASSERT_EQ(s->status, train::TrainerStatus::Diverged) << s->message;
  EXPECT_NE(s->message.find("learning rate"), std::string::npos) << s->message;
  auto snap = trainer.snapshot();
  ASSERT_TRUE(snap);
  for (const auto& p : snap->ema->parameters()) EXPECT_TRUE(torch::isfinite(p).all().item<bool>());
}

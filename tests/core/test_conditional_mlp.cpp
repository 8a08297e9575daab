// The class-conditional MLP of classifier-free guidance (MATH.md §6): its config's JSON
// (old files without "classes" load as unconditional), the one-hot label input with its null
// class, label dropout, training on a mixture's components so that guided samples land in
// the asked class, and a checkpoint round trip.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <ATen/CPUGeneratorImpl.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "core/common/error.h"
#include "core/data/toy.h"
#include "core/nn/net_config.h"
#include "core/nn/score_net.h"
#include "core/sample/sampler.h"
#include "core/score/cfg_score.h"
#include "core/train/checkpoint.h"
#include "core/train/problem.h"
#include "core/train/train_step.h"

using namespace ss;

namespace {

nn::NetConfig conditionalNet(int classes, int width = 64) {
  nn::NetConfig n;
  n.mlp.width = width;
  n.mlp.depth = 2;
  n.mlp.classes = classes;
  return n;
}

std::unique_ptr<train::TrainStep> conditionalStep(const std::string& data, train::TrainConfig cfg,
                                                  const nn::NetConfig& net) {
  auto p = train::buildProblem(data, sde::SdeConfig{}, cfg.datasetSize, cfg.seed);
  EXPECT_TRUE(p.ok()) << p.error().message;
  train::TrainStep::Setup s{net, p.value().sdeObject, p.value().data, cfg, torch::kCPU};
  s.labels = p.value().labels;
  return std::make_unique<train::TrainStep>(std::move(s));
}

double fractionNearest(const torch::Tensor& x, const data::GaussianMixture& gm, int64_t k) {
  auto d = torch::cdist(x.to(torch::kFloat64), gm.means.to(torch::kFloat64));
  return (std::get<1>(d.min(1)) == k).to(torch::kFloat64).mean().item<double>();
}

}  // namespace

TEST(ConditionalMlp, ConfigJsonRoundTripAndOldFilesLoadUnconditional) {
  auto n = conditionalNet(8);
  auto back = nn::NetConfig::fromJson(n.toJson());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back.value().mlp.classes, 8);
  // A config written before "classes" existed.
  auto old = nn::NetConfig::fromJson(R"({"kind":"mlp","mlp":{"dim":2,"width":32,"depth":2}})");
  ASSERT_TRUE(old.ok()) << old.error().message;
  EXPECT_EQ(old.value().mlp.classes, 0);
  auto one = conditionalNet(1);
  auto s = one.validate();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("mlp.classes"), std::string::npos) << s.error().message;
}

TEST(ConditionalMlp, NullClassIsTheUnconditionalForwardAndLabelsChangeTheOutput) {
  auto net = nn::makeNet(conditionalNet(3), 7);
  EXPECT_EQ(net->classes(), 3);
  torch::NoGradGuard g;
  auto x = torch::randn({5, 2});
  auto t = torch::full({5}, 0.4f);
  auto uncond = net->forward(x, t);
  EXPECT_TRUE(torch::equal(uncond, net->forwardClass(x, t, torch::full({5}, 3, torch::kLong))));
  EXPECT_FALSE(torch::allclose(uncond, net->forwardClass(x, t, torch::zeros({5}, torch::kLong))));
  EXPECT_THROW(net->forwardClass(x, t, torch::full({5}, 4, torch::kLong)), Failure);
  auto plain = nn::makeNet(conditionalNet(0), 7);
  EXPECT_THROW(plain->forwardClass(x, t, torch::zeros({5}, torch::kLong)), Failure);
  EXPECT_THROW(nn::ClassScoreFn(plain, sde::Sde::create({}), 0), Failure);
}

TEST(ConditionalMlp, LabelDropoutReplacesAboutPOfTheLabels) {
  auto gen = at::detail::createCPUGenerator(3);
  auto labels = torch::randint(0, 8, {20000}, torch::kLong);
  auto dropped = train::dropLabels(labels, 8, 0.15, gen);
  auto isNull = dropped == 8;
  const double frac = isNull.to(torch::kFloat64).mean().item<double>();
  EXPECT_NEAR(frac, 0.15, 0.01);  // ~4 standard errors
  EXPECT_TRUE(torch::equal(dropped.masked_select(~isNull), labels.masked_select(~isNull)));
  EXPECT_TRUE(torch::equal(train::dropLabels(labels, 8, 0.0, gen), labels));
}

TEST(ConditionalMlp, TrainingNeedsLabelsAndSkipsTheFastStep) {
  train::TrainConfig cfg;
  cfg.batch = 64;
  auto p = train::buildProblem("8gaussians", sde::SdeConfig{}, 1024, 0);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value().classes, 8);
  train::TrainStep::Setup s{conditionalNet(8), p.value().sdeObject, p.value().data, cfg,
                            torch::kCPU};
  try {
    train::TrainStep step(s);
    ADD_FAILURE() << "a conditional network trained without labels";
  } catch (const Failure& e) {
    EXPECT_NE(std::string(e.what()).find("needs labelled data"), std::string::npos) << e.what();
  }
  s.labels = p.value().labels;
  s.net.mlp.classes = 4;  // 8gaussians has 8 components
  EXPECT_THROW(train::TrainStep{s}, Failure);
  s.net.mlp.classes = 8;
  train::TrainStep step(s);
  EXPECT_FALSE(step.usesFastPath());
  EXPECT_TRUE(std::isfinite(step.step().loss));
}

TEST(ConditionalMlp, TrainedOnComponentsItsGuidedSamplesLandInTheAskedClass) {
  train::TrainConfig cfg;
  cfg.batch = 256;
  cfg.lr = 3e-3;
  auto step = conditionalStep("8gaussians", cfg, conditionalNet(8, 128));
  for (int i = 0; i < 1000; ++i) step->step();
  const auto gm = *data::makeToy("8gaussians").value()->mixture();
  const auto sde = step->setup().sde;
  auto ema = std::shared_ptr<nn::ScoreNet>(nn::cloneNet(step->ema(), step->setup().net));
  auto uncond = std::make_shared<nn::NetScoreFn>(ema, sde);
  sample::SamplerConfig sc;
  sc.steps = 200;
  auto xT = sample::SamplerRun::priorDraw(*sde, 1000, {2}, 11);
  for (int64_t k : {1, 6}) {
    for (double w : {1.0, 3.0}) {
      auto cond = std::make_shared<nn::ClassScoreFn>(ema, sde, k);
      auto cfgScore = std::make_shared<score::CfgScore>(uncond, cond, k, w);
      sample::SamplerRun run(cfgScore, sde, sc, xT, 12);
      run.runToEnd();
      const double f = fractionNearest(run.result(), gm, k);
      EXPECT_GT(f, 0.8) << "class " << k << ", w " << w;
      std::printf("class %lld, w = %g: %.1f %% nearest to its mean\n", static_cast<long long>(k), w,
                  100 * f);
    }
  }
}

TEST(ConditionalMlp, CheckpointRoundTripKeepsTheClasses) {
  train::TrainConfig cfg;
  cfg.batch = 64;
  cfg.cfgDropout = 0.3;
  const auto net = conditionalNet(8);
  auto step = conditionalStep("8gaussians", cfg, net);
  for (int i = 0; i < 20; ++i) step->step();
  const auto path = (std::filesystem::path(testing::TempDir()) / "conditional.pt").string();
  auto p = train::buildProblem("8gaussians", sde::SdeConfig{}, cfg.datasetSize, cfg.seed);
  ASSERT_TRUE(p.ok());
  auto saved = train::saveCheckpoint(path, *step, {"8gaussians", p.value().sde, net, cfg, 20, ""});
  ASSERT_TRUE(saved.ok()) << saved.error().message;
  auto meta = train::readCheckpointMeta(path);
  ASSERT_TRUE(meta.ok()) << meta.error().message;
  EXPECT_EQ(meta.value().net.mlp.classes, 8);
  EXPECT_DOUBLE_EQ(meta.value().train.cfgDropout, 0.3);
  EXPECT_FALSE(train::loadCheckpoint(path, p.value().data, torch::kCPU).ok())
      << "loaded for training without its labels";
  auto loaded = train::loadCheckpoint(path, p.value().data, torch::kCPU, p.value().labels);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  {
    torch::NoGradGuard g;
    auto x = torch::randn({4, 2});
    auto t = torch::full({4}, 0.3f);
    auto y = torch::tensor({0, 3, 7, 8}, torch::kLong);
    EXPECT_TRUE(torch::equal(step->ema().forwardClass(x, t, y),
                             loaded.value()->ema().forwardClass(x, t, y)));
  }
  // The same optimizer state, RNG and label dropout: the next steps are identical too.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(step->step().loss, loaded.value()->step().loss);
}

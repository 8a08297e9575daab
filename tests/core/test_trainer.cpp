// Training: the step, checkpoints, and the trainer thread (commands, snapshots,
// divergence rollback, shutdown under load).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <thread>

#include "core/data/image_dataset.h"
#include "core/score/exact_score.h"
#include "core/train/checkpoint.h"
#include "core/train/problem.h"
#include "core/train/snapshot.h"
#include "core/train/train_step.h"
#include "core/train/trainer.h"

using namespace ss;

namespace {

std::unique_ptr<train::TrainStep> makeStep(const std::string& data, train::TrainConfig cfg,
                                           nn::NetConfig net = {}) {
  auto p = train::buildProblem(data, sde::SdeConfig{}, cfg.datasetSize, cfg.seed);
  EXPECT_TRUE(p.ok()) << p.error().message;
  return std::make_unique<train::TrainStep>(
      train::TrainStep::Setup{net, p.value().sdeObject, p.value().data, cfg, torch::kCPU});
}

nn::NetConfig smallNet() {
  nn::NetConfig n;
  n.mlp.width = 64;
  n.mlp.depth = 2;
  return n;
}

std::string tempPath(const std::string& name) {
  return (std::filesystem::path(testing::TempDir()) / name).string();
}

torch::Tensor probe() { return torch::tensor({{0.3f, -1.2f}, {2.0f, 0.1f}, {-1.5f, 1.5f}}); }

torch::Tensor evalNet(nn::ScoreNet& net) {
  torch::NoGradGuard g;
  return net.forward(probe(), torch::full({3}, 0.37f));
}

}  // namespace

TEST(TrainStep, LossFallsOnASeededToy) {
  train::TrainConfig cfg;
  cfg.batch = 256;
  auto step = makeStep("8gaussians", cfg, smallNet());
  double early = 0, late = 0;
  for (int i = 0; i < 600; ++i) {
    const double l = step->step().loss;
    if (i < 50) early += l / 50;
    if (i >= 550) late += l / 50;
  }
  // σ²-weighted DSM starts near d = 2 (an untrained net predicts ~0 noise) and falls well below.
  EXPECT_LT(late, 0.75 * early) << "early " << early << " late " << late;
}

TEST(TrainStep, SameSeedSameLosses) {
  train::TrainConfig cfg;
  cfg.batch = 64;
  auto a = makeStep("moons", cfg, smallNet());
  auto b = makeStep("moons", cfg, smallNet());
  for (int i = 0; i < 15; ++i) EXPECT_EQ(a->step().loss, b->step().loss) << "step " << i;
  cfg.seed = 1;
  auto c = makeStep("moons", cfg, smallNet());
  EXPECT_NE(c->step().loss,
            makeStep("moons", train::TrainConfig{.batch = 64}, smallNet())->step().loss);
}

TEST(TrainStep, FastPathMatchesTheGenericAutogradStep) {
  // The hand-written MLP step (flat buffers, manual backward, fused Adam + EMA) against the
  // autograd step with torch::optim::Adam: the same draws, the same losses and weights up to
  // float rounding, for each weighting.
  for (auto weighting : {train::Weighting::Sigma2, train::Weighting::One, train::Weighting::G2}) {
    train::TrainConfig cfg;
    cfg.batch = 300;  // not a multiple of the chunk size
    cfg.loss.weighting = weighting;
    cfg.loss.importanceSampling = weighting == train::Weighting::G2;
    auto p = train::buildProblem("moons", sde::SdeConfig{}, 2000, cfg.seed);
    ASSERT_TRUE(p.ok());
    train::TrainStep::Setup setup{smallNet(), p.value().sdeObject, p.value().data, cfg,
                                  torch::kCPU};
    train::TrainStep fast(setup);
    setup.fastPath = false;
    train::TrainStep generic(setup);
    ASSERT_TRUE(fast.usesFastPath());
    ASSERT_FALSE(generic.usesFastPath());
    for (int i = 0; i < 20; ++i) {
      const auto a = fast.step(), b = generic.step();
      EXPECT_NEAR(a.loss, b.loss, 1e-4 * std::abs(b.loss) + 1e-6) << "step " << i;
      EXPECT_NEAR(a.gradNorm, b.gradNorm, 1e-3 * b.gradNorm + 1e-6) << "step " << i;
    }
    const auto pa = fast.net().parameters(), pb = generic.net().parameters();
    const auto ea = fast.ema().parameters(), eb = generic.ema().parameters();
    for (size_t i = 0; i < pa.size(); ++i) {
      EXPECT_TRUE(torch::allclose(pa[i], pb[i], 1e-3, 1e-5)) << "parameter " << i;
      EXPECT_TRUE(torch::allclose(ea[i], eb[i], 1e-3, 1e-5)) << "EMA parameter " << i;
    }
  }
}

TEST(TrainStep, SwitchingToSlicedScoreMatchingKeepsTraining) {
  // SSM runs the generic step; Adam's moments move between the flat buffers and
  // torch::optim::Adam both ways.
  train::TrainConfig cfg;
  cfg.batch = 64;
  auto step = makeStep("moons", cfg, smallNet());
  ASSERT_TRUE(step->usesFastPath());
  for (int i = 0; i < 5; ++i) step->step();
  cfg.loss.objective = train::Objective::Ssm;
  step->setConfig(cfg);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(std::isfinite(step->step().loss));
  cfg.loss.objective = train::Objective::Dsm;
  step->setConfig(cfg);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(std::isfinite(step->step().loss));
  EXPECT_EQ(step->steps(), 15);
}

TEST(Checkpoint, RoundTripRestoresBitIdenticalOutputsAndContinuation) {
  train::TrainConfig cfg;
  cfg.batch = 64;
  auto step = makeStep("8gaussians", cfg, smallNet());
  for (int i = 0; i < 30; ++i) step->step();
  const std::string path = tempPath("roundtrip.pt");
  auto p = train::buildProblem("8gaussians", sde::SdeConfig{}, cfg.datasetSize, cfg.seed);
  train::CheckpointMeta meta{"8gaussians", p.value().sde, smallNet(), cfg, step->steps(), ""};
  auto saved = train::saveCheckpoint(path, *step, meta);
  ASSERT_TRUE(saved.ok()) << saved.error().message;
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));

  auto m = train::readCheckpointMeta(path);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m.value().step, 30);
  EXPECT_EQ(m.value().data, "8gaussians");
  EXPECT_TRUE(m.value().net == smallNet());

  auto loaded = train::loadCheckpoint(path, p.value().data, torch::kCPU);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  auto& l = *loaded.value();
  EXPECT_EQ(l.steps(), 30);
  EXPECT_TRUE(torch::equal(evalNet(step->net()), evalNet(l.net())));
  EXPECT_TRUE(torch::equal(evalNet(step->ema()), evalNet(l.ema())));
  // Same optimizer state and RNG: the next steps are identical too.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(step->step().loss, l.step().loss) << "step " << i;
}

TEST(Checkpoint, BadFilesAreRefusedWithAMessage) {
  const auto data = torch::randn({100, 2});
  auto expectError = [&](const std::string& path, const std::string& words) {
    auto r = train::loadCheckpoint(path, data, torch::kCPU);
    ASSERT_FALSE(r.ok()) << path;
    EXPECT_NE(r.error().message.find(path), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find(words), std::string::npos) << r.error().message;
  };
  expectError(tempPath("missing.pt"), "no such file");

  const std::string garbage = tempPath("garbage.pt");
  std::ofstream(garbage) << "this is not a checkpoint";
  expectError(garbage, "corrupt");

  // A real checkpoint, truncated.
  train::TrainConfig cfg;
  auto step = makeStep("8gaussians", cfg, smallNet());
  const std::string good = tempPath("good.pt");
  auto p = train::buildProblem("8gaussians", sde::SdeConfig{}, 100, 0);
  ASSERT_TRUE(
      train::saveCheckpoint(good, *step, {"8gaussians", p.value().sde, smallNet(), cfg, 0, ""})
          .ok());
  const auto size = std::filesystem::file_size(good);
  std::filesystem::copy_file(good, tempPath("truncated.pt"),
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::resize_file(tempPath("truncated.pt"), size / 2);
  expectError(tempPath("truncated.pt"), "corrupt");

  // A valid LibTorch archive that is not ours.
  torch::serialize::OutputArchive foreign;
  foreign.write("weights", torch::ones({3}));
  foreign.save_to(tempPath("foreign.pt"));
  expectError(tempPath("foreign.pt"), "not a ScoreScope checkpoint");

  // Ours, but with data that does not fit the network (3-D points for a 2-D net).
  auto r = train::loadCheckpoint(good, torch::randn({10, 3}), torch::kCPU);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("2-dimensional"), std::string::npos) << r.error().message;
}

// A trainer destroyed while it loads an image dataset (the GUI leaving the image explorer)
// stops the load instead of waiting for it: destruction takes a fraction of a full load.
TEST(Trainer, DestroyedWhileLoadingImagesDoesNotWaitForTheLoad) {
  if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist"))
    GTEST_SKIP() << "needs dataset-fashion-mnist";
  const auto t0 = std::chrono::steady_clock::now();
  auto full = data::loadImageDataset("fashion-mnist", {});
  ASSERT_TRUE(full.ok()) << full.error().message;
  const double loadSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  full = Error{"released"};
  ASSERT_GT(loadSeconds, 0.2) << "the load is too quick here to tell waiting from not";
  train::TrainProblemSpec spec;
  spec.data = "fashion-mnist";
  spec.net.kind = nn::NetKind::UNet;
  double destroySeconds = 0;
  {
    auto trainer = std::make_unique<train::Trainer>(spec);
    // Preparing (loading) from the start: wait for its first word, then give the load a
    // moment to be well under way.
    std::shared_ptr<const train::TrainerStats> st;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!(st = trainer->stats()) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ASSERT_TRUE(st) << "the trainer said nothing within 10 s";
    ASSERT_EQ(st->status, train::TrainerStatus::Preparing) << st->message;
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    const auto d0 = std::chrono::steady_clock::now();
    trainer.reset();
    destroySeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - d0).count();
  }
  RecordProperty("load_ms", static_cast<int>(1000 * loadSeconds));
  RecordProperty("destroy_ms", static_cast<int>(1000 * destroySeconds));
  EXPECT_LT(destroySeconds, 0.5 * loadSeconds)
      << "load " << loadSeconds << " s, destroy " << destroySeconds << " s";
}

TEST(Trainer, StepOncePublishesAStatsAndASnapshot) {
  train::TrainProblemSpec spec;
  spec.net = smallNet();
  spec.train.batch = 64;
  train::Trainer trainer(spec);
  trainer.stepOnce();
  ASSERT_TRUE(trainer.waitForStep(1, 60000));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto s = trainer.stats();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->step, 1);
  EXPECT_EQ(s->status, train::TrainerStatus::Paused) << s->message;
  auto snap = trainer.snapshot();
  ASSERT_TRUE(snap);
  EXPECT_EQ(snap->step, 1);
  auto score = (*snap->scoreFn())(probe(), torch::full({3}, 0.5f));
  EXPECT_TRUE(torch::isfinite(score).all().item<bool>());
}

TEST(Trainer, RunsPausesAndResumes) {
  train::TrainProblemSpec spec;
  spec.net = smallNet();
  spec.train.batch = 64;
  train::Trainer trainer(spec);
  trainer.start();
  ASSERT_TRUE(trainer.waitForStep(50, 60000));
  trainer.pause();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto paused = trainer.stats();
  EXPECT_EQ(paused->status, train::TrainerStatus::Paused);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(trainer.stats()->step, paused->step) << "a paused trainer must not step";
  trainer.start();
  ASSERT_TRUE(trainer.waitForStep(paused->step + 20, 60000));
}

TEST(Trainer, DivergenceRollsBackAndPauses) {
  train::TrainProblemSpec spec;
  spec.net = smallNet();
  spec.train.batch = 64;
  spec.train.lr = 1e3;  // injected divergence
  spec.train.warmup = 0;
  spec.train.gradClip = 0;
  train::Trainer trainer(spec);
  trainer.start();
  std::shared_ptr<const train::TrainerStats> s;
  for (int i = 0; i < 2000; ++i) {
    s = trainer.stats();
    if (s && s->status == train::TrainerStatus::Diverged) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(s);
  ASSERT_EQ(s->status, train::TrainerStatus::Diverged) << s->message;
  EXPECT_NE(s->message.find("diverged"), std::string::npos) << s->message;
  EXPECT_NE(s->message.find("learning rate"), std::string::npos) << s->message;
  // Rolled back: the published model is finite.
  auto snap = trainer.snapshot();
  ASSERT_TRUE(snap);
  for (const auto& p : snap->ema->parameters()) EXPECT_TRUE(torch::isfinite(p).all().item<bool>());
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(trainer.stats()->status, train::TrainerStatus::Diverged) << "must stay paused";
}

TEST(Trainer, BadProblemKeepsTheCurrentModel) {
  train::TrainProblemSpec spec;
  spec.net = smallNet();
  train::Trainer trainer(spec);
  trainer.stepOnce();
  ASSERT_TRUE(trainer.waitForStep(1, 60000));
  auto bad = spec;
  bad.data = "/nonexistent/points.csv";
  trainer.setProblem(bad);
  trainer.loadCheckpoint("/nonexistent/model.pt");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto s = trainer.stats();
  EXPECT_EQ(s->step, 1) << "the model was replaced: " << s->message;
  EXPECT_NE(s->message.find("model.pt"), std::string::npos) << s->message;
  trainer.stepOnce();
  EXPECT_TRUE(trainer.waitForStep(2, 60000)) << "the trainer must still work";
}

// The window's "conditional" switch: the MLP takes the data's classes, follows a change of
// data, and data without classes is refused with the reason (the current model kept).
TEST(Trainer, AConditionalSpecTakesTheDatasClasses) {
  train::TrainProblemSpec spec;
  spec.net = smallNet();
  spec.conditional = true;
  train::Trainer trainer(spec);
  trainer.stepOnce();
  ASSERT_TRUE(trainer.waitForStep(1, 60000));
  EXPECT_EQ(trainer.snapshot()->net.mlp.classes, 8);
  EXPECT_EQ(trainer.stats()->classes, 8);
  // Preparation is asynchronous: wait (up to 60 s) until the trainer reports `done`.
  const auto until = [&](const std::function<bool()>& done) {
    for (int i = 0; i < 600 && !done(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  };
  auto moons = spec;
  moons.data = "moons";
  trainer.setProblem(moons);
  until([&] { return trainer.snapshot()->net.mlp.classes == 2; });
  EXPECT_EQ(trainer.snapshot()->net.mlp.classes, 2);
  auto roll = spec;
  roll.data = "swissroll";
  trainer.setProblem(roll);
  until([&] { return trainer.stats()->message.find("no classes") != std::string::npos; });
  const auto s = trainer.stats();
  EXPECT_NE(s->message.find("no classes to condition on"), std::string::npos) << s->message;
  EXPECT_EQ(trainer.snapshot()->net.mlp.classes, 2) << "the moons model stays";
}

TEST(Trainer, CommandsHammeredFromAnotherThreadNeverDeadlock) {
  for (int round = 0; round < 3; ++round) {
    train::TrainProblemSpec spec;
    spec.net = smallNet();
    spec.train.batch = 32;
    auto trainer = std::make_unique<train::Trainer>(spec);
    std::thread hammer([&] {
      for (int i = 0; i < 200; ++i) {
        switch (i % 6) {
          case 0:
            trainer->start();
            break;
          case 1:
            trainer->pause();
            break;
          case 2:
            trainer->stepOnce();
            break;
          case 3:
            if (i % 24 == 3) trainer->reset();
            break;
          case 4:
            trainer->setTrainConfig(spec.train);
            break;
          case 5:
            (void)trainer->stats();
            (void)trainer->snapshot();
            break;
        }
      }
    });
    hammer.join();
    trainer.reset();  // destroy while it may be running: must join promptly
  }
  SUCCEED();
}

TEST(TrainStep, LearnsTheScoreOfASingleGaussian) {
  // One component N((1, -0.5), 0.5² I): the exact score at every t is known in closed form.
  const std::string path = tempPath("one_gaussian.json");
  std::ofstream(path) << R"({"weights":[1],"means":[[1.0,-0.5]],"stds":[0.5]})";
  train::TrainConfig cfg;
  cfg.batch = 512;
  auto step = makeStep(path, cfg, smallNet());
  for (int i = 0; i < 1500; ++i) step->step();
  const auto sde = step->setup().sde;
  score::MixtureScore exact(data::GaussianMixture{torch::ones({1}, torch::kFloat64),
                                                  torch::tensor({{1.0, -0.5}}, torch::kFloat64),
                                                  torch::full({1}, 0.5, torch::kFloat64)},
                            sde);
  for (double t : {0.05, 0.2, 0.5, 0.9}) {
    auto x = torch::randn({2000, 2}) * 0.8 +
             torch::tensor({1.0f, -0.5f}) * sde->marginal(torch::full({1}, t)).a.item<float>();
    auto tt = torch::full({2000}, static_cast<float>(t));
    torch::NoGradGuard g;
    auto learned = nn::scoreOf(step->ema(), *sde, x, tt);
    auto truth = exact(x, tt);
    // Relative L2 error over points drawn near the marginal's mass.
    const double rel = ((learned - truth).norm() / truth.norm()).item<double>();
    EXPECT_LT(rel, 0.15) << "t = " << t;
  }
}

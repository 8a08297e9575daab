// The window's path to an imported model: the trainer opens it and publishes it as the
// snapshot (stats say it is imported), a bad file leaves it in place with a message naming
// the file, and Start trains a model of our own that replaces it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "core/train/snapshot.h"
#include "core/train/trainer.h"
#include "tests/common/script_models.h"

namespace fs = std::filesystem;
using ss::model::Output;
using ss::model::TimeInput;

namespace {

// Polls the trainer's stats until `done` holds (or ~20 s pass).
template <class Pred>
bool waitFor(const ss::train::Trainer& trainer, Pred done) {
  for (int i = 0; i < 400; ++i) {
    if (auto s = trainer.stats(); s && done(*s)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

fs::path tempModel(const std::string& name) {
  return fs::temp_directory_path() /
         ("scorescope_model_trainer_" + std::to_string(::getpid()) + "_" + name);
}

}  // namespace

TEST(ModelTrainer, OpensAnImportedModelKeepsItOnBadInputAndTrainsOverIt) {
  const auto good = tempModel("good.pt"), nan = tempModel("nan.pt");
  auto m = ss::testing::moduleWith("def forward(self, x, t):\n    return -x\n");
  ss::testing::saveWithMeta(m, good.string(), ss::testing::pointsMeta(Output::Score, TimeInput::T));
  auto bad = ss::testing::moduleWith("def forward(self, x, t):\n    return x * float('nan')\n");
  ss::testing::saveWithMeta(bad, nan.string(),
                            ss::testing::pointsMeta(Output::Score, TimeInput::T));

  ss::train::TrainProblemSpec spec;  // 8gaussians, VP: the model's own problem
  spec.net.mlp.width = 32;
  spec.net.mlp.depth = 1;
  ss::train::Trainer trainer(spec);
  trainer.loadCheckpoint(good.string());
  ASSERT_TRUE(waitFor(trainer, [](const auto& s) { return s.imported; }))
      << trainer.stats()->message;
  auto snap = trainer.snapshot();
  ASSERT_TRUE(snap && snap->imported);
  EXPECT_TRUE(snap->trained());
  EXPECT_EQ(snap->label(), "imported");
  EXPECT_TRUE(ss::train::snapshotFits(*snap, "8gaussians", snap->sde->config()));
  auto x = torch::randn({5, 2});
  EXPECT_TRUE(torch::allclose((*snap->scoreFn())(x, torch::full({5}, 0.3)), -x));

  trainer.loadCheckpoint(nan.string());
  ASSERT_TRUE(waitFor(trainer,
                      [](const auto& s) { return s.message.find("nan.pt") != std::string::npos; }));
  EXPECT_TRUE(trainer.stats()->imported) << trainer.stats()->message;
  EXPECT_EQ(trainer.snapshot(), snap) << "a bad file replaced the open model";

  trainer.stepOnce();
  ASSERT_TRUE(trainer.waitForStep(1, 60000));
  ASSERT_TRUE(waitFor(trainer, [](const auto& s) { return !s.imported; }));
  EXPECT_FALSE(trainer.snapshot()->imported) << "our own model replaces the imported one";
  fs::remove(good);
  fs::remove(nan);
}

// Checked checkpoint loading: a description that disagrees with its weights, records cut
// short, flipped bytes in the weights. Each bad file is doctored from a real checkpoint
// (its records rewritten with LibTorch's own zip writer) and must be refused with a
// message naming the file and the record, never a throw or a read past a record's end.
#include <caffe2/serialize/inline_container.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "core/train/checkpoint.h"
#include "core/train/model_open.h"
#include "core/train/problem.h"
#include "core/train/train_step.h"

using namespace ss;

namespace {

std::string tempPath(const std::string& name) {
  return (std::filesystem::path(testing::TempDir()) / name).string();
}

nn::NetConfig mlp(int width) {
  nn::NetConfig n;
  n.mlp.width = width;
  n.mlp.depth = 2;
  return n;
}

train::Problem moons() {
  auto p = train::buildProblem("moons", sde::SdeConfig{}, 2048, 0);
  EXPECT_TRUE(p.ok()) << p.error().message;
  return p.take();
}

// Trains a net of `width` a few steps and saves it under a description saying `metaWidth`.
std::string writeCheckpoint(const std::string& name, int width, int metaWidth) {
  auto p = moons();
  train::TrainConfig cfg;
  cfg.batch = 64;
  cfg.datasetSize = 2048;
  train::TrainStep step({mlp(width), p.sdeObject, p.data, cfg, torch::kCPU});
  for (int i = 0; i < 3; ++i) step.step();
  const std::string path = tempPath(name);
  train::CheckpointMeta meta{"moons", p.sde, mlp(metaWidth), cfg, step.steps(), ""};
  EXPECT_TRUE(train::saveCheckpoint(path, step, meta).ok());
  return path;
}

// Rewrites `from` into `to` record by record; `edit` may change a record's bytes.
void rewrite(const std::string& from, const std::string& to,
             const std::function<void(const std::string&, std::string&)>& edit) {
  caffe2::serialize::PyTorchStreamReader in(from);
  caffe2::serialize::PyTorchStreamWriter out(to);
  for (const auto& name : in.getAllRecords()) {
    if (name == "version" || name == ".data/version") continue;  // writeEndOfFile adds it
    auto [data, size] = in.getRecord(name);
    std::string bytes(static_cast<const char*>(data.get()), size);
    edit(name, bytes);
    out.writeRecord(name, bytes.data(), bytes.size());
  }
  out.writeEndOfFile();
}

std::vector<std::string> tensorRecords(const std::string& path) {
  caffe2::serialize::PyTorchStreamReader in(path);
  std::vector<std::string> names;
  for (const auto& name : in.getAllRecords())
    if (name.rfind("data/", 0) == 0) names.push_back(name);
  return names;
}

std::string loadError(const std::string& path) {
  auto r = train::loadCheckpoint(path, moons().data, torch::kCPU);
  return r ? "" : r.error().message;
}

}  // namespace

TEST(CheckpointChecks, ARewrittenCopyOfAGoodFileStillLoads) {
  const auto good = writeCheckpoint("good.pt", 32, 32);
  const auto copy = tempPath("copy.pt");
  rewrite(good, copy, [](const std::string&, std::string&) {});
  EXPECT_EQ(loadError(copy), "");
  EXPECT_TRUE(train::loadModelSnapshot(copy, "cpu").ok());
}

TEST(CheckpointChecks, ADescriptionNarrowerThanItsWeightsIsRefusedNamingTheRecord) {
  const auto bad = writeCheckpoint("wide.pt", 128, 64);
  const auto e = loadError(bad);
  EXPECT_NE(e.find(bad), std::string::npos) << e;
  EXPECT_NE(e.find("record 'net.hidden0.weight' has shape [128, 34]"), std::string::npos) << e;
  EXPECT_NE(e.find("[64, 34]"), std::string::npos) << e;
  // The views' and the CLI's way in says the same, without a throw.
  auto snap = train::loadModelSnapshot(bad, "cpu");
  ASSERT_FALSE(snap.ok());
  EXPECT_NE(snap.error().message.find("hidden0.weight"), std::string::npos);
}

TEST(CheckpointChecks, EveryTensorRecordCutShortIsRefusedBeforeUse) {
  const auto good = writeCheckpoint("cut_src.pt", 32, 32);
  const auto records = tensorRecords(good);
  ASSERT_GT(records.size(), 10u);
  int cut = 0;
  for (const auto& victim : records) {
    const auto bad = tempPath("cut.pt");
    bool shortened = false;
    rewrite(good, bad, [&](const std::string& name, std::string& bytes) {
      if (name == victim && bytes.size() > 64) bytes.resize(64), shortened = true;
    });
    if (!shortened) continue;
    ++cut;
    const auto e = loadError(bad);
    EXPECT_NE(e.find("is cut short"), std::string::npos) << victim << ": " << e;
    EXPECT_NE(e.find(bad), std::string::npos) << e;
  }
  EXPECT_GT(cut, 6);  // every weight matrix, its EMA and Adam moments
}

TEST(CheckpointChecks, AFlippedByteInTheWeightsIsRefused) {
  const auto good = writeCheckpoint("flip_src.pt", 32, 32);
  int flipped = 0;
  for (const auto& victim : tensorRecords(good)) {
    const auto bad = tempPath("flip.pt");
    rewrite(good, bad, [&](const std::string& name, std::string& bytes) {
      if (name == victim && bytes.size() > 40) bytes[37] ^= 0x10;
    });
    // Only records of the weights are covered by the hash (Adam's moments and the RNG are
    // not): every flip among them is caught.
    const auto e = loadError(bad);
    if (e.find("the weights are damaged") != std::string::npos) ++flipped;
  }
  // Net and EMA: each one record of flat weights (the fast path's views share a storage)
  // and one of the time features' buffer.
  EXPECT_EQ(flipped, 4);
}

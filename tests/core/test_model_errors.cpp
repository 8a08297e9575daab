// Opening a wrong model file or wrong metadata gives one clear message naming what is wrong
// (docs/MODEL_FORMAT.md), and the metadata's reader and writer agree.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/model/model_meta.h"
#include "core/nn/score_net.h"
#include "core/train/model_open.h"
#include "core/train/snapshot.h"
#include "tests/common/script_models.h"

namespace fs = std::filesystem;
using ss::model::Output;
using ss::model::TimeInput;

namespace {

const std::string kIdentity = "def forward(self, x, t):\n    return x * 1.0\n";

class ModelErrors : public ::testing::Test {
 protected:
  fs::path path(const std::string& name) {
    auto p = fs::temp_directory_path() /
             ("scorescope_model_err_" + std::to_string(::getpid()) + "_" + name);
    m_files.push_back(p);
    return p;
  }
  // Saves `source` as a module with `meta` and returns the error of opening it ("" if it opens).
  std::string openError(const std::string& source, const std::string& meta,
                        ss::train::ModelOpenOptions o = {}) {
    auto m = ss::testing::moduleWith(source);
    const auto p = path(std::to_string(m_files.size()) + "_m.pt");
    ss::testing::saveWithMeta(m, p.string(), meta);
    auto snap = ss::train::loadModelSnapshot(p.string(), "cpu", o);
    return snap.ok() ? std::string() : snap.error().message;
  }
  void TearDown() override {
    for (const auto& f : m_files) fs::remove(f);
  }
  std::vector<fs::path> m_files;
};

std::string meta(const std::string& extra = "", const std::string& dataset = "8gaussians") {
  return ss::testing::pointsMeta(Output::Score, TimeInput::T, extra, dataset);
}

}  // namespace

TEST_F(ModelErrors, AFileThatIsNotAModel) {
  const auto p = path("junk.pt");
  std::ofstream(p) << "these are not the weights you are looking for";
  auto snap = ss::train::loadModelSnapshot(p.string(), "cpu");
  ASSERT_FALSE(snap.ok());
  EXPECT_NE(snap.error().message.find("neither a ScoreScope checkpoint nor a TorchScript"),
            std::string::npos)
      << snap.error().message;
  EXPECT_NE(ss::messageOf(ss::train::loadModelSnapshot(path("none.pt").string(), "cpu"))
                .find("no such file"),
            std::string::npos);
}

TEST_F(ModelErrors, MissingUnparsableOrContradictoryMetadata) {
  EXPECT_NE(openError(kIdentity, "").find("has no scorescope.json"), std::string::npos);
  EXPECT_NE(openError(kIdentity, "{not json").find("not valid JSON"), std::string::npos);
  auto unknownSde = meta();
  unknownSde.replace(unknownSde.find("\"vp\""), 4, "\"vpp\"");
  EXPECT_NE(openError(kIdentity, unknownSde).find("unknown SDE kind 'vpp'"), std::string::npos);
  auto unknownOutput = meta();
  unknownOutput.replace(unknownOutput.find("\"score\""), 7, "\"noise\"");
  EXPECT_NE(openError(kIdentity, unknownOutput).find("unknown output 'noise'"), std::string::npos);
  auto wrongDim = meta();
  wrongDim.replace(wrongDim.find("\"dim\": 2"), 8, "\"dim\": 3");
  EXPECT_NE(openError(kIdentity, wrongDim).find("does not match its dataset"), std::string::npos);
  auto ve = meta("", "");
  ve.replace(ve.find("\"vp\""), 4, "\"ve\"");
  EXPECT_NE(openError(kIdentity, ve).find("sigma_max is required"), std::string::npos);
  EXPECT_NE(openError(kIdentity, meta(", \"classes\": 2, \"class_names\": [\"a\"]"))
                .find("class_names has 1 names but classes = 2"),
            std::string::npos);
}

TEST_F(ModelErrors, AWrongForwardOrOutput) {
  EXPECT_NE(openError("def forward(self, x):\n    return x\n", meta()).find("takes 1 arguments"),
            std::string::npos);
  EXPECT_NE(openError("def forward(self, x, t):\n    return x[:, :1]\n", meta())
                .find("forward returned shape [2, 1] for an input of shape [2, 2]"),
            std::string::npos);
  EXPECT_NE(
      openError("def forward(self, x, t):\n    return x * 0.0 / 0.0\n", meta()).find("not finite"),
      std::string::npos);
}

TEST_F(ModelErrors, ClassConditionalModels) {
  const std::string conditional =
      "def forward(self, x, t, y):\n    return x + y.unsqueeze(1).float()\n";
  EXPECT_NE(openError(conditional, meta()).find("needs \"classes\" in its metadata"),
            std::string::npos);
  EXPECT_NE(openError(conditional, meta(", \"classes\": 3")).find("choose a class with --class"),
            std::string::npos);
  ss::train::ModelOpenOptions o;
  o.label = 5;
  EXPECT_NE(openError(conditional, meta(", \"classes\": 3"), o).find("out of range"),
            std::string::npos);
  // A good class reaches the model: output "score", so s = x + label.
  auto m = ss::testing::moduleWith(conditional);
  const auto p = path("conditional.pt");
  ss::testing::saveWithMeta(m, p.string(), meta(", \"classes\": 3"));
  o.label = 2;
  auto snap = ss::train::loadModelSnapshot(p.string(), "cpu", o);
  ASSERT_TRUE(snap.ok()) << ss::messageOf(snap);
  const auto x = torch::randn({4, 2});
  EXPECT_TRUE(torch::allclose((*snap.value()->scoreFn())(x, torch::full({4}, 0.5)), x + 2.0));
  // An unconditional model opens with a class asked for: classifier guidance takes it.
  EXPECT_EQ(openError(kIdentity, meta(), o), "");
}

TEST_F(ModelErrors, MetadataGivenBesideTheFile) {
  auto m = ss::testing::moduleWith(kIdentity);
  const auto p = path("bare.pt"), metaFile = path("bare.json");
  ss::testing::saveWithMeta(m, p.string(), "");
  std::ofstream(metaFile) << meta();
  ss::train::ModelOpenOptions o;
  o.metaFile = metaFile.string();
  auto snap = ss::train::loadModelSnapshot(p.string(), "cpu", o);
  ASSERT_TRUE(snap.ok()) << ss::messageOf(snap);
  auto d = ss::train::describeModelFile(p.string(), metaFile.string());
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d.value().meta.has_value());
  EXPECT_NE(d.value().summary.find("8gaussians · VP · score"), std::string::npos)
      << d.value().summary;
}

TEST(ModelMeta, RoundTripsAndTakesDefaults) {
  auto m = ss::model::parseModelMeta(ss::testing::pointsMeta(Output::V, TimeInput::LogSigma));
  ASSERT_TRUE(m.ok()) << ss::messageOf(m);
  EXPECT_EQ(m.value().output, Output::V);
  EXPECT_EQ(m.value().timeInput, TimeInput::LogSigma);
  EXPECT_EQ(m.value().sde.N, 1000);  // not given: the default
  auto again = ss::model::parseModelMeta(ss::model::toJson(m.value()));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ss::model::toJson(again.value()), ss::model::toJson(m.value()));
  auto image = ss::model::parseModelMeta(
      R"({"format": "scorescope-score-model", "version": 1, "output": "eps",
          "data": {"kind": "image", "shape": [1, 28, 28], "range": [0, 1]},
          "sde": {"type": "vp"}, "time_input": "999t"})");
  ASSERT_TRUE(image.ok()) << ss::messageOf(image);
  EXPECT_EQ(image.value().sampleShape(), (std::vector<int64_t>{1, 28, 28}));
  // A rectified-flow model (docs/PROCESSES.md) takes rf's T = 0.999 unless it gives T < 1.
  const std::string rfHead = R"({"format": "scorescope-score-model", "version": 1,
      "output": "eps", "time_input": "t", "data": {"kind": "points", "dim": 2}, "sde": )";
  auto rf = ss::model::parseModelMeta(rfHead + R"({"type": "rf"}})");
  ASSERT_TRUE(rf.ok()) << ss::messageOf(rf);
  EXPECT_EQ(rf.value().sde.kind, ss::sde::SdeKind::RF);
  EXPECT_EQ(rf.value().sde.T, 0.999);
  EXPECT_EQ(ss::model::parseModelMeta(ss::model::toJson(rf.value())).value().sde, rf.value().sde);
  EXPECT_NE(ss::messageOf(ss::model::parseModelMeta(rfHead + R"({"type": "rf", "T": 1}})"))
                .find("singular"),
            std::string::npos);
  auto cosine = ss::model::parseModelMeta(rfHead + R"({"type": "vp-cosine"}})");
  ASSERT_TRUE(cosine.ok()) << ss::messageOf(cosine);
  EXPECT_EQ(cosine.value().sde.T, 1.0);
  EXPECT_NE(ss::messageOf(ss::model::parseModelMeta(R"({"format": "x"})")).find("format must be"),
            std::string::npos);
  EXPECT_NE(ss::messageOf(
                ss::model::parseModelMeta(R"({"format": "scorescope-score-model", "version": 2})"))
                .find("version 2 is not supported"),
            std::string::npos);
}

// Tests of core/data/toy.h: the built-in toys (shapes, determinism, geometry), makeToy's
// dispatch, the JSON / CSV loaders and their error messages, writePointsCsv and diameter().
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/data/toy.h"

namespace {

using namespace ss::data;

std::string dataPath(const std::string& file) {
  return std::string(SCORESCOPE_TEST_DATA_DIR) + "/" + file;
}

std::string tempPath(const std::string& file) {
  return (std::filesystem::path(testing::TempDir()) / file).string();
}

std::string writeTemp(const std::string& file, const std::string& text) {
  const std::string path = tempPath(file);
  std::ofstream(path, std::ios::trunc) << text;
  return path;
}

std::shared_ptr<const ToyDistribution> toy(const std::string& name) {
  auto r = makeToy(name);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.take();
}

template <class T>
void expectError(const ss::Expected<T>& r, const std::vector<std::string>& words) {
  ASSERT_FALSE(r.ok());
  for (const auto& w : words)
    EXPECT_NE(r.error().message.find(w), std::string::npos)
        << "'" << w << "' missing from: " << r.error().message;
}

bool allFinite(const torch::Tensor& x) { return torch::isfinite(x).all().item<bool>(); }

// Distance from each point of x [n, 2] to the nearest row of means [K, 2], and its index.
std::pair<torch::Tensor, torch::Tensor> nearest(const torch::Tensor& x,
                                                const torch::Tensor& means) {
  auto d = torch::cdist(x.to(torch::kFloat64), means.to(torch::kFloat64));
  auto [dist, idx] = d.min(1);
  return {dist, idx};
}

}  // namespace

TEST(ToyBuiltin, EveryToySamplesFiniteLabelledPoints) {
  const auto names = builtinToyNames();
  ASSERT_EQ(names.size(), 9u);
  for (const auto& name : names) {
    SCOPED_TRACE(name);
    auto t = toy(name);
    EXPECT_EQ(t->name(), name);
    EXPECT_FALSE(t->description().empty());
    EXPECT_GE(t->numClasses(), 1);
    auto s = t->sample(2000, 7);
    ASSERT_EQ(s.x.sizes(), (std::vector<int64_t>{2000, 2}));
    EXPECT_EQ(s.x.scalar_type(), torch::kFloat32);
    EXPECT_TRUE(allFinite(s.x));
    ASSERT_EQ(s.label.sizes(), (std::vector<int64_t>{2000}));
    EXPECT_EQ(s.label.scalar_type(), torch::kLong);
    EXPECT_GE(s.label.min().item<int64_t>(), 0);
    EXPECT_LT(s.label.max().item<int64_t>(), t->numClasses());
    ASSERT_EQ(s.colour.sizes(), (std::vector<int64_t>{2000}));
    EXPECT_EQ(s.colour.scalar_type(), torch::kFloat32);
    EXPECT_GE(s.colour.min().item<float>(), 0.0f);
    EXPECT_LE(s.colour.max().item<float>(), 1.0f);
    // One default view: nearly everything in [-3, 3]², nothing far beyond.
    auto a = s.x.abs().amax(1);
    EXPECT_GT((a <= 3.0).to(torch::kFloat64).mean().item<double>(), 0.995);
    EXPECT_LT(a.max().item<float>(), 4.0f);
    if (t->numClasses() > 1)  // every class shows up
      EXPECT_EQ(std::get<0>(torch::_unique(s.label)).size(0), t->numClasses());
  }
}

TEST(ToyBuiltin, SameSeedSamePointsDifferentSeedDifferent) {
  for (const auto& name : builtinToyNames()) {
    SCOPED_TRACE(name);
    auto t = toy(name);
    auto a = t->sample(500, 42), b = t->sample(500, 42), c = t->sample(500, 43);
    EXPECT_TRUE(torch::equal(a.x, b.x));
    EXPECT_TRUE(torch::equal(a.label, b.label));
    EXPECT_TRUE(torch::equal(a.colour, b.colour));
    EXPECT_FALSE(torch::equal(a.x, c.x));
    // Another toy object gives the same draw.
    EXPECT_TRUE(torch::equal(toy(name)->sample(500, 42).x, a.x));
  }
}

TEST(ToyBuiltin, ZeroPointsGiveEmptySamples) {
  for (const auto& name : builtinToyNames()) {
    SCOPED_TRACE(name);
    auto s = toy(name)->sample(0, 1);
    EXPECT_EQ(s.x.sizes(), (std::vector<int64_t>{0, 2}));
    EXPECT_EQ(s.label.size(0), 0);
  }
}

TEST(ToyBuiltin, OnlyTheGaussianMixturesHaveAMixture) {
  for (const auto& name : builtinToyNames()) {
    auto t = toy(name);
    EXPECT_EQ(t->mixture().has_value(), name == "8gaussians" || name == "25gaussians") << name;
    EXPECT_FALSE(t->points().has_value()) << name;
  }
}

TEST(Toy8Gaussians, PointsClusterAtTheEightMeans) {
  auto t = toy("8gaussians");
  auto gm = t->mixture().value();
  ASSERT_EQ(gm.size(), 8);
  EXPECT_NEAR(gm.weights.sum().item<double>(), 1.0, 1e-12);
  EXPECT_TRUE(torch::allclose(gm.means.norm(2, 1), torch::full({8}, 2.0, torch::kFloat64)));
  EXPECT_TRUE(torch::allclose(gm.stds, torch::full({8}, 0.1, torch::kFloat64)));

  auto s = t->sample(20000, 3);
  auto [dist, idx] = nearest(s.x, gm.means);
  // The distance to an isotropic 2D Gaussian's mean is Rayleigh: mean std·√(π/2).
  EXPECT_NEAR(dist.mean().item<double>(), 0.1 * std::sqrt(M_PI / 2.0), 0.005);
  EXPECT_GT((idx == s.label).to(torch::kFloat64).mean().item<double>(), 0.999);
  auto freq = torch::bincount(s.label, {}, 8).to(torch::kFloat64) / 20000.0;
  EXPECT_LT((freq - 0.125).abs().max().item<double>(), 0.015);
}

TEST(Toy25Gaussians, PointsClusterOnTheGrid) {
  auto t = toy("25gaussians");
  auto gm = t->mixture().value();
  ASSERT_EQ(gm.size(), 25);
  EXPECT_TRUE(torch::allclose(gm.stds, torch::full({25}, 0.05, torch::kFloat64)));
  EXPECT_EQ(gm.means.abs().max().item<double>(), 2.0);

  auto s = t->sample(25000, 5);
  auto [dist, idx] = nearest(s.x, gm.means);
  EXPECT_NEAR(dist.mean().item<double>(), 0.05 * std::sqrt(M_PI / 2.0), 0.003);
  EXPECT_TRUE(torch::equal(idx, s.label));
  auto freq = torch::bincount(s.label, {}, 25).to(torch::kFloat64) / 25000.0;
  EXPECT_LT((freq - 0.04).abs().max().item<double>(), 0.01);
}

TEST(ToyBuiltin, ShapesHaveTheirDocumentedRadii) {
  auto circles = toy("circles")->sample(4000, 1);
  auto r = circles.x.norm(2, 1);
  auto expected = 1.0 + circles.label.to(torch::kFloat32);
  EXPECT_LT((r - expected).abs().mean().item<float>(), 0.06f);

  auto rings = toy("rings")->sample(8000, 1);
  auto ringR = rings.x.norm(2, 1);
  EXPECT_LT((ringR - 0.5 * (1.0 + rings.label.to(torch::kFloat32))).abs().max().item<float>(),
            0.2f);
  // Mass proportional to circumference: the outer ring has 4× the inner one's points.
  auto count = torch::bincount(rings.label, {}, 4).to(torch::kFloat64) / 8000.0;
  EXPECT_NEAR(count[0].item<double>(), 0.1, 0.02);
  EXPECT_NEAR(count[3].item<double>(), 0.4, 0.03);

  auto board = toy("checkerboard")->sample(4000, 1).x;
  EXPECT_LE(board.abs().max().item<float>(), 2.0f);
  auto cell = torch::floor(board + 2.0).to(torch::kLong);
  EXPECT_TRUE((torch::remainder(cell.sum(1), 2) == 0).all().item<bool>());  // dark squares
}

TEST(ToyMakeToy, UnknownNameListsValidNames) {
  auto r = makeToy("nope");
  expectError(r, {"nope", "8gaussians", "25gaussians", "moons", "swissroll", "circles", "rings",
                  "checkerboard", "pinwheel", "spirals", ".json", ".csv"});
}

TEST(ToyMakeToy, MixtureFromJson) {
  auto t = toy(dataPath("three_blobs.json"));
  EXPECT_EQ(t->name(), "three_blobs.json");
  EXPECT_EQ(t->numClasses(), 3);
  auto gm = t->mixture().value();
  EXPECT_TRUE(torch::allclose(gm.weights, torch::tensor({0.25, 0.5, 0.25}, torch::kFloat64)));
  EXPECT_TRUE(torch::allclose(gm.stds, torch::tensor({0.2, 0.3, 0.2}, torch::kFloat64)));
  EXPECT_EQ(gm.means.sizes(), (std::vector<int64_t>{3, 2}));
  auto s = t->sample(8000, 2);
  auto [dist, idx] = nearest(s.x, gm.means);
  EXPECT_GT((idx == s.label).to(torch::kFloat64).mean().item<double>(), 0.97);
  EXPECT_NEAR((s.label == 1).to(torch::kFloat64).mean().item<double>(), 0.5, 0.03);
}

TEST(ToyMakeToy, PointSetFromCsv) {
  auto t = toy(dataPath("four_points.csv"));
  EXPECT_EQ(t->name(), "four_points.csv");
  EXPECT_EQ(t->numClasses(), 1);
  EXPECT_FALSE(t->mixture().has_value());
  auto pts = t->points().value();
  ASSERT_EQ(pts.sizes(), (std::vector<int64_t>{4, 2}));

  // n ≤ M: distinct rows; n > M: rows with replacement; both seeded.
  auto few = t->sample(4, 9);
  EXPECT_EQ(std::get<0>(torch::_unique(few.x.select(1, 0) * 10 + few.x.select(1, 1))).size(0), 4);
  auto many = t->sample(50, 9);
  EXPECT_EQ(many.x.size(0), 50);
  EXPECT_TRUE(torch::equal(many.x, t->sample(50, 9).x));
  auto [dist, idx] = nearest(many.x, pts);
  EXPECT_EQ(dist.max().item<double>(), 0.0);
}

TEST(ToyMixtureJson, BadFilesNameTheFileAndTheProblem) {
  struct Case {
    const char* file;
    const char* text;
    std::vector<std::string> words;
  };
  const std::vector<Case> cases = {
      {"unparsable.json", R"({"weights": [1, 2)", {"invalid JSON", "parse"}},
      {"not_object.json", R"([1, 2, 3])", {"expected a JSON object"}},
      {"no_stds.json", R"({"weights": [1], "means": [[0, 0]]})", {"missing field 'stds'"}},
      {"means_not_array.json",
       R"({"weights": [1], "means": 3, "stds": [1]})",
       {"'means'", "array"}},
      {"lengths.json",
       R"({"weights": [1, 1], "means": [[0, 0]], "stds": [1, 1]})",
       {"lengths differ", "means has 1"}},
      {"empty_mix.json", R"({"weights": [], "means": [], "stds": []})", {"no components"}},
      {"not_pair.json",
       R"({"weights": [1], "means": [[0, 0, 0]], "stds": [1]})",
       {"means[0]", "pair"}},
      {"text_number.json",
       R"({"weights": ["a"], "means": [[0, 0]], "stds": [1]})",
       {"weights[0]", "must be a number"}},
      {"huge.json",
       R"({"weights": [1], "means": [[0, 1e999]], "stds": [1]})",
       {"invalid JSON", "1e999"}},  // JSON has no NaN/Inf: overflow is a parse error
      {"nan.json", R"({"weights": [1], "means": [[0, NaN]], "stds": [1]})", {"invalid JSON"}},
      {"negative_std.json",
       R"({"weights": [1, 1], "means": [[0, 0], [1, 1]], "stds": [0.1, -0.1]})",
       {"stds[1] = -0.1", "must be positive"}},
      {"zero_std.json",
       R"({"weights": [1], "means": [[0, 0]], "stds": [0]})",
       {"stds[0]", "must be positive"}},
      {"negative_weight.json",
       R"({"weights": [1, -1], "means": [[0, 0], [1, 1]], "stds": [1, 1]})",
       {"weights[1] = -1", "negative"}},
      {"zero_weights.json",
       R"({"weights": [0, 0], "means": [[0, 0], [1, 1]], "stds": [1, 1]})",
       {"weights sum to 0"}},
      // Values no float32 sampler can carry are refused with the component, not dropped.
      {"huge_mean.json",
       R"({"weights": [1, 1], "means": [[0, 0], [1, 1e300]], "stds": [1, 1]})",
       {"means[1][1] = 1e+300", "component 1's mean"}},
      {"huge_std.json",
       R"({"weights": [1, 1], "means": [[0, 0], [1, 1]], "stds": [1e300, 1]})",
       {"stds[0] = 1e+300", "component 0's std"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    auto r = loadMixtureJson(writeTemp(c.file, c.text));
    auto words = c.words;
    words.emplace_back(c.file);
    expectError(r, words);
  }
  expectError(loadMixtureJson(tempPath("absent.json")), {"absent.json", "no such file"});
  // makeToy passes the loader's message on.
  expectError(
      makeToy(writeTemp("neg2.json", R"({"weights": [1], "means": [[0, 0]], "stds": [-2]})")),
      {"neg2.json", "stds[0] = -2"});
}

TEST(ToyPointsCsv, HeaderCommentsAndBlankLinesAreSkipped) {
  auto r = loadPointsCsv(dataPath("four_points.csv"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto expected =
      torch::tensor({0.0f, 0.0f, 1.5f, -2.0f, -0.25f, 0.3f, 2.0f, 2.0f}).reshape({4, 2});
  EXPECT_TRUE(torch::equal(r.value(), expected));
  EXPECT_EQ(r.value().scalar_type(), torch::kFloat32);

  auto noHeader = loadPointsCsv(writeTemp("plain.csv", "1,2\r\n3,4\r\n"));
  ASSERT_TRUE(noHeader.ok()) << noHeader.error().message;
  EXPECT_EQ(noHeader.value().size(0), 2);
}

TEST(ToyPointsCsv, BadFilesNameTheFileLineAndProblem) {
  struct Case {
    const char* file;
    const char* text;
    std::vector<std::string> words;
  };
  const std::vector<Case> cases = {
      {"empty.csv", "", {"empty file"}},
      {"only_comments.csv", "# nothing here\n\n", {"empty file"}},
      {"only_header.csv", "x,y\n", {"no 'x,y' rows"}},
      {"words.csv",
       "x,y\n1,2\n3,4\nabc\n",
       {"words.csv:4", "expected two numbers 'x,y', got 'abc'"}},
      {"three_cols.csv",
       "x,y\n1,2\n1,2,3\n",
       {"three_cols.csv:3", "2 columns as on line 2", "got 3 columns"}},
      {"four_cols.csv", "x,y\n1,2,3,4\n", {"four_cols.csv:2", "4 columns"}},
      {"one_col.csv", "1\n", {"one_col.csv:1", "expected two numbers 'x,y', got '1'"}},
      {"nan.csv", "x,y\n1,2\n\n# c\nnan,2\n", {"nan.csv:5", "NaN"}},
      {"inf.csv", "1,inf\n", {"inf.csv:1", "NaN or infinite"}},
      {"overflow.csv", "1,1e300\n", {"overflow.csv:1", "infinite"}},
      {"text_value.csv", "x,y\n1,two\n", {"text_value.csv:2", "got '1,two'"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    auto words = c.words;
    words.emplace_back(c.file);
    expectError(loadPointsCsv(writeTemp(c.file, c.text)), words);
  }
  expectError(loadPointsCsv(tempPath("absent.csv")), {"absent.csv", "no such file"});
  expectError(makeToy(tempPath("absent.csv")), {"absent.csv", "no such file"});
  // A missing folder is named as one, not as an unknown toy.
  expectError(makeToy(tempPath("no-such-folder/")), {"no such file or folder", "no-such-folder"});
}

// A third column is a class label (what the Draw tool writes for painted classes): the toy
// then has max label + 1 classes and draws each row with its label.
TEST(ToyPointsCsv, ALabelColumnGivesTheClasses) {
  const std::string path = writeTemp("labelled.csv", "x,y,label\n0,0,0\n1,0,2\n2,0,1\n3,0,2\n");
  torch::Tensor labels;
  auto pts = loadPointsCsv(path, &labels);
  ASSERT_TRUE(pts.ok()) << pts.error().message;
  EXPECT_EQ(pts.value().size(0), 4);
  ASSERT_EQ(labels.numel(), 4);
  EXPECT_EQ(labels[1].item<int64_t>(), 2);
  auto t = makeToy(path);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t.value()->numClasses(), 3);
  EXPECT_NE(t.value()->description().find("3 classes"), std::string::npos)
      << t.value()->description();
  auto s = t.value()->sample(4, 5);
  const std::vector<int64_t> byRow = {0, 2, 1, 2};  // row k sits at x = k
  for (int64_t i = 0; i < 4; ++i)                   // the label travels with its row
    EXPECT_EQ(s.label[i].item<int64_t>(), byRow[static_cast<size_t>(s.x[i][0].item<float>())]);
  torch::Tensor none;
  auto plain = loadPointsCsv(writeTemp("unlabelled.csv", "1,2\n3,4\n"), &none);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(none.sum().item<int64_t>(), 0) << "no label column: all class 0";
  expectError(loadPointsCsv(writeTemp("bad_label.csv", "0,0,1\n1,1,1.5\n")),
              {"bad_label.csv:2", "label", "'1.5'"});
  expectError(loadPointsCsv(writeTemp("neg_label.csv", "0,0,-1\n")), {"neg_label.csv:1", "label"});
  expectError(loadPointsCsv(writeTemp("big_label.csv", "0,0,10\n")), {"big_label.csv:1", "0..9"});
  expectError(loadPointsCsv(writeTemp("mixed.csv", "0,0,1\n1,1\n")),
              {"mixed.csv:2", "3 columns as on line 1"});
}

TEST(ToyPointsCsv, WriteRoundTripsThroughLoad) {
  const std::string path = tempPath("roundtrip.csv");
  auto x = toy("moons")->sample(1000, 11).x;
  auto w = writePointsCsv(path, x);
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  std::ifstream in(path);
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header, "x,y");
  auto back = loadPointsCsv(path);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_TRUE(torch::equal(back.value(), x));  // exact: shortest round-trip formatting

  // Overwrites an existing file atomically; float64 round-trips to float32 precision.
  auto x64 = torch::tensor({0.1, -2.5, 3.0, 1e-7}, torch::kFloat64).reshape({2, 2});
  ASSERT_TRUE(writePointsCsv(path, x64, {"a", "b"}).ok());
  auto again = loadPointsCsv(path);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(torch::equal(again.value(), x64.to(torch::kFloat32)));
}

TEST(ToyPointsCsv, WriteReportsBadInput) {
  expectError(writePointsCsv(tempPath("cols.csv"), torch::zeros({3, 3})), {"cols.csv", "[M, 2]"});
  expectError(writePointsCsv(tempPath("no_such_dir/p.csv"), torch::zeros({3, 2})),
              {"no_such_dir", "does not exist"});
}

TEST(ToyDiameter, KnownSets) {
  EXPECT_EQ(diameter(torch::zeros({0, 2})), 0.0);
  EXPECT_EQ(diameter(torch::ones({1, 2})), 0.0);
  auto square = torch::tensor({0.f, 0.f, 1.f, 0.f, 0.f, 1.f, 1.f, 1.f}).reshape({4, 2});
  EXPECT_NEAR(diameter(square), std::sqrt(2.0), 1e-6);
  auto segment = torch::stack({torch::linspace(-3, 4, 1000), torch::zeros({1000})}, 1);
  EXPECT_NEAR(diameter(segment), 7.0, 1e-5);
}

TEST(ToyDiameter, LargeSetsUseASeededSubsample) {
  // 20k points on a circle of radius 3 plus interior points: the diameter is about 6.
  auto angle = torch::rand({20000}, torch::kFloat64) * 2 * M_PI;
  auto x = torch::stack({torch::cos(angle), torch::sin(angle)}, 1) * 3.0;
  x = torch::cat({x, torch::randn({30000, 2}, torch::kFloat64) * 0.5});
  const double d = diameter(x);
  EXPECT_LE(d, 6.0 + 1e-9);
  EXPECT_GT(d, 5.99);
  EXPECT_EQ(diameter(x), d);  // deterministic
  // Far outliers are found even when a random subsample would miss them.
  x[123] = torch::tensor({-40.0, 0.0}, torch::kFloat64);
  x[45678] = torch::tensor({40.0, 0.0}, torch::kFloat64);
  EXPECT_NEAR(diameter(x), 80.0, 1e-9);
}

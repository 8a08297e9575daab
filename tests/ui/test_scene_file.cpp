// Scene files: the JSON round trip, lenient reading (defaults and warnings), clear errors,
// stages, relative paths, the built-in presets, and save → open → the identical render.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/common/assets.h"
#include "core/scene/point_cloud.h"
#include "ui/offscreen_render.h"
#include "ui/session/scene_file.h"

namespace ss::ui {
namespace {

namespace fs = std::filesystem;

bool mentions(const std::vector<std::string>& warnings, const std::string& text) {
  for (const auto& w : warnings)
    if (w.find(text) != std::string::npos) return true;
  return false;
}

Scene sampleScene() {
  Scene s;
  s.title = "two moons under VE";
  s.caption = "dx = g dw";
  s.state.data = {"moons", 1234, 7};
  s.state.sde.kind = sde::SdeKind::VE;
  s.state.sde.sigmaMax = 3.5;
  s.state.mode = scene::RunMode::ProbabilityFlow;
  s.state.sampler.kind = sample::SamplerKind::Ode;
  s.state.sampler.solver = sample::OdeSolver::Heun;
  s.state.sampler.steps = 77;
  s.state.samplerPreset = "heun";
  s.state.t = 0.375;
  s.state.canvas.showDensity = true;
  s.state.canvas.showExactField = true;
  s.state.canvas.fieldResolution = 31;
  s.state.canvas.colourMode = ColourMode::Speed;
  s.state.canvas.view = std::array<float, 4>{-3, -2, 3, 2};
  s.model.trainSteps = 500;
  s.model.trainSeed = 3;
  s.stages.push_back({"first", R"({"time":{"t":0.5}})"});
  s.state.compare.enabled = true;
  s.state.compare.overlay = true;
  s.state.compare.picked = 12;
  s.state.compare.panes[1].sampler.solver = sample::OdeSolver::Heun;
  s.state.compare.panes[1].samplerPreset = "heun";
  s.state.compare.panes[1].sde = sde::SdeKind::RF;
  s.state.fixedAxis = 1;
  s.state.fixedValue = -0.25;
  return s;
}

TEST(SceneFile, RoundTripKeepsEveryField) {
  const Scene s = sampleScene();
  const std::string text = sceneToJson(s);
  auto back = parseScene(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_TRUE(back.value().warnings.empty()) << back.value().warnings.front();
  const Scene& r = back.value().scene;
  EXPECT_EQ(sceneToJson(r), text);
  EXPECT_EQ(r.state.data.data, "moons");
  EXPECT_EQ(r.state.data.n, 1234);
  EXPECT_EQ(r.state.data.seed, 7u);
  EXPECT_TRUE(r.state.sde == s.state.sde);
  EXPECT_EQ(r.state.mode, scene::RunMode::ProbabilityFlow);
  EXPECT_EQ(r.state.sampler.solver, sample::OdeSolver::Heun);
  EXPECT_EQ(r.state.sampler.steps, 77);
  EXPECT_DOUBLE_EQ(r.state.t, 0.375);
  EXPECT_EQ(r.state.canvas.fieldResolution, 31);
  ASSERT_TRUE(r.state.canvas.colourMode.has_value());
  EXPECT_EQ(*r.state.canvas.colourMode, ColourMode::Speed);
  EXPECT_NE(text.find("\"colour\": \"speed\""), std::string::npos);
  ASSERT_TRUE(r.state.canvas.view.has_value());
  EXPECT_FLOAT_EQ((*r.state.canvas.view)[2], 3.0f);
  EXPECT_TRUE(r.model == s.model);
  EXPECT_FALSE(r.state.compare.panes[0].sde.has_value());
  ASSERT_TRUE(r.state.compare.panes[1].sde.has_value());
  EXPECT_EQ(*r.state.compare.panes[1].sde, sde::SdeKind::RF);
  ASSERT_EQ(r.stages.size(), 1u);
  EXPECT_EQ(r.stages[0].caption, "first");
  EXPECT_TRUE(r.state.compare.enabled);
  EXPECT_TRUE(r.state.compare.overlay);
  EXPECT_EQ(r.state.compare.picked, 12);
  ASSERT_EQ(r.state.compare.panes.size(), 2u);
  EXPECT_EQ(r.state.compare.panes[0].mode, scene::RunMode::ReverseSde);
  EXPECT_EQ(r.state.compare.panes[1].mode, scene::RunMode::ProbabilityFlow);
  EXPECT_EQ(r.state.compare.panes[1].sampler.solver, sample::OdeSolver::Heun);
  EXPECT_EQ(r.state.fixedAxis, 1);
  EXPECT_DOUBLE_EQ(r.state.fixedValue, -0.25);
}

TEST(SceneFile, MissingAndUnknownFieldsWarnAndKeepDefaults) {
  auto r = parseScene(R"({"format": "scorescope-scene", "data": {"name": "moons", "partcles": 5},
                          "layers": {"density": "yes"}, "colour_scheme": 3})");
  ASSERT_TRUE(r) << r.error().message;
  const auto& w = r.value().warnings;
  const Scene& s = r.value().scene;
  EXPECT_EQ(s.state.data.data, "moons");
  EXPECT_EQ(s.state.data.n, ExplorerState{}.data.n);  // default kept
  EXPECT_TRUE(mentions(w, "data.partcles: unknown field"));
  EXPECT_TRUE(mentions(w, "colour_scheme: unknown field"));
  EXPECT_TRUE(mentions(w, "layers.density"));  // wrong type
  EXPECT_FALSE(s.state.canvas.showDensity);
  EXPECT_TRUE(mentions(w, "sde: missing"));
  EXPECT_TRUE(mentions(w, "data: missing n, seed"));
  EXPECT_TRUE(s.state.sde == sde::SdeConfig{});
}

// A forward-mode scene runs no sampler, but a bad one is not kept silently: the user may switch
// to a reverse run. A reverse-mode scene with it is refused.
TEST(SceneFile, ABadSamplerWarnsInForwardModeAndIsRefusedInReverse) {
  auto r = parseScene(R"({"format": "scorescope-scene", "mode": "forward",
                          "sampler": {"preset": "pc", "steps": -5}})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(mentions(r.value().warnings, "sampler: steps"));
  EXPECT_TRUE(mentions(r.value().warnings, "the default sampler (pc) kept"));
  EXPECT_EQ(r.value().scene.state.sampler.steps, sample::SamplerConfig{}.steps);
  auto reverse = parseScene(R"({"format": "scorescope-scene", "mode": "sde",
                                "sampler": {"preset": "pc", "steps": -5}})");
  ASSERT_FALSE(reverse);
  EXPECT_NE(reverse.error().message.find("sampler: steps"), std::string::npos);
}

TEST(SceneFile, BrokenFilesAreClearErrors) {
  auto notJson = parseScene("{\"data\": ");
  ASSERT_FALSE(notJson);
  EXPECT_NE(notJson.error().message.find("not valid JSON"), std::string::npos);
  auto array = parseScene("[1, 2]");
  ASSERT_FALSE(array);
  EXPECT_NE(array.error().message.find("JSON object"), std::string::npos);
  auto other = parseScene(R"({"format": "scorescope-checkpoint"})");
  ASSERT_FALSE(other);
  EXPECT_NE(other.error().message.find("not a ScoreScope scene"), std::string::npos);
  auto badSde = parseScene(R"({"sde": {"kind": "ve", "sigma_min": 5, "sigma_max": 1}})");
  ASSERT_FALSE(badSde);
  EXPECT_NE(badSde.error().message.find("sigma_min"), std::string::npos);
  auto both = parseScene(R"({"model": {"checkpoint": "a.pt", "train_steps": 10}})");
  ASSERT_FALSE(both);
  auto missing = loadScene("/nonexistent/lesson.json");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("/nonexistent/lesson.json"), std::string::npos);
}

TEST(SceneFile, RelativePathsAreTheScenesOwn) {
  auto r = parseScene(
      R"({"data": {"name": "data/blobs.json"}, "model": {"checkpoint": "../models/m.pt"}})",
      "/lessons/scenes");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r.value().scene.state.data.data, "/lessons/scenes/data/blobs.json");
  EXPECT_EQ(r.value().scene.model.checkpoint, "/lessons/models/m.pt");
  auto builtin = parseScene(R"({"data": {"name": "fashion-mnist:test"}})", "/lessons/scenes");
  ASSERT_TRUE(builtin);
  EXPECT_EQ(builtin.value().scene.state.data.data, "fashion-mnist:test");
  // A stage's relative paths are the scene file's too (the stage is re-read from there).
  auto staged = parseScene(R"({"data": {"name": "8gaussians"},
                              "stages": [{"caption": "", "set": {"model": {"checkpoint": "../models/m.pt"}}}]})",
                           "/lessons/scenes");
  ASSERT_TRUE(staged) << staged.error().message;
  auto stage = sceneAtStage(staged.value().scene, 0);
  ASSERT_TRUE(stage) << stage.error().message;
  EXPECT_EQ(stage.value().scene.model.checkpoint, "/lessons/models/m.pt");
}

TEST(SceneFile, StagesPatchTheScene) {
  Scene s = sampleScene();
  s.stages.push_back(
      {"", R"({"mode": "sde", "sampler": {"preset": "pc", "ode": false}, "sde": {"kind": "vp"}})"});
  auto first = sceneAtStage(s, 0);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_DOUBLE_EQ(first.value().scene.state.t, 0.5);
  EXPECT_EQ(first.value().scene.caption, "first");
  EXPECT_EQ(first.value().scene.state.mode, scene::RunMode::ProbabilityFlow);  // untouched
  auto second = sceneAtStage(s, 1);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second.value().scene.state.mode, scene::RunMode::ReverseSde);
  EXPECT_EQ(second.value().scene.state.sde.kind, sde::SdeKind::VP);
  EXPECT_DOUBLE_EQ(second.value().scene.state.t, 0.375);  // stages are not cumulative
  EXPECT_EQ(second.value().scene.caption, "dx = g dw");   // no caption of its own
  EXPECT_FALSE(sceneAtStage(s, 2));
}

TEST(SceneFile, SaveIsAtomicAndRefusesAMissingFolder) {
  const fs::path dir = fs::temp_directory_path() / "scorescope_scene_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string path = (dir / "a.json").string();
  ASSERT_TRUE(saveScene(path, sampleScene()));
  auto back = loadScene(path);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back.value().scene.title, "two moons under VE");
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  EXPECT_FALSE(saveScene((dir / "no" / "b.json").string(), sampleScene()));
  fs::remove_all(dir);
}

// Classifier-free guidance: "classifier": "free" reads and writes back; the CFG lesson's
// stages turn the weight w from 0 (unconditional) through 1 to 3.
TEST(SceneFile, ClassifierFreeGuidanceRoundTripsAndTheLessonStagesTheWeight) {
  Scene s = sampleScene();
  s.state.guideClass = 2;
  s.state.guidance = 3.0;
  s.state.classifierFree = true;
  const std::string text = sceneToJson(s);
  EXPECT_NE(text.find("\"free\""), std::string::npos);
  auto back = parseScene(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_TRUE(back.value().scene.state.classifierFree);
  EXPECT_FALSE(back.value().scene.state.trainedClassifier);
  EXPECT_EQ(back.value().scene.state.guideClass, 2);
  auto lesson = loadScene(assetsDir() + "/scenes/12-classifier-free-guidance.json");
  ASSERT_TRUE(lesson) << lesson.error().message;
  EXPECT_TRUE(lesson.value().scene.state.classifierFree);
  const double weights[] = {0.0, 1.0, 3.0, 3.0};
  for (int i = 0; i < 4; ++i) {
    auto st = sceneAtStage(lesson.value().scene, i);
    ASSERT_TRUE(st) << st.error().message;
    EXPECT_TRUE(st.value().scene.state.classifierFree) << "stage " << i + 1;
    EXPECT_EQ(st.value().scene.state.guideClass, 2) << "stage " << i + 1;
    EXPECT_DOUBLE_EQ(st.value().scene.state.guidance, weights[i]) << "stage " << i + 1;
  }
}

// Every lesson in assets/scenes reads without a single warning: a preset is complete.
TEST(SceneFile, BuiltinPresetsReadCleanly) {
  const auto presets = builtinScenes();
  ASSERT_GE(presets.size(), 10u) << "assets dir: " << assetsDir();
  for (const auto& p : presets) {
    auto s = loadScene(p);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_TRUE(s.value().warnings.empty()) << p << ": " << s.value().warnings.front();
    EXPECT_FALSE(s.value().scene.title.empty()) << p;
    EXPECT_FALSE(s.value().scene.caption.empty()) << p;
    for (int i = 0; i < static_cast<int>(s.value().scene.stages.size()); ++i) {
      auto st = sceneAtStage(s.value().scene, i);
      EXPECT_TRUE(st) << p << " stage " << i + 1 << ": " << st.error().message;
      if (st)
        EXPECT_TRUE(st.value().warnings.empty())
            << p << " stage " << i + 1 << ": " << st.value().warnings.front();
    }
  }
}

// Save → open → the same pixels.
TEST(SceneFile, ReopenedSceneRendersIdentically) {
  WindowOptions wo;
  wo.visible = false;
  wo.width = wo.height = 64;
  wo.fontScale = 1;
  auto ctx = UiContext::create(wo);
  if (!ctx) GTEST_SKIP() << ctx.error().message;
  Scene s;
  s.state.data = {"8gaussians", 3000, 2};
  s.state.t = 0.2;
  s.state.canvas.showDensity = false;
  s.state.canvas.view = std::array<float, 4>{-3, -2.5f, 3, 2.5f};
  const fs::path path = fs::temp_directory_path() / "scorescope_roundtrip.json";
  ASSERT_TRUE(saveScene(path.string(), s));
  auto back = loadScene(path.string());
  ASSERT_TRUE(back) << back.error().message;
  fs::remove(path);
  auto render = [&](const ExplorerState& st) {
    auto cloud = scene::buildPointCloud(st.data);
    EXPECT_TRUE(cloud);
    return renderExplorer(*ctx.value(), st, cloud.value(), 320, 200).take();
  };
  const auto a = render(s.state), b = render(back.value().scene.state);
  ASSERT_EQ(a.rgba.size(), b.rgba.size());
  EXPECT_TRUE(a.rgba == b.rgba);
  // and the camera is the scene's: x = -3 at the left edge of the plot, x = 3 at the right
  EXPECT_NEAR(a.plot.camera.center.x, 0.0f, 1e-4f);
  const float halfWidth = 0.5f * a.plot.size.x * a.plot.camera.unitsPerPixel;
  const float halfHeight = 0.5f * a.plot.size.y * a.plot.camera.unitsPerPixel;
  EXPECT_TRUE(std::abs(halfWidth - 3.0f) < 0.02f || std::abs(halfHeight - 2.5f) < 0.02f);
}

// The field's solvers' settings (docs/SAMPLERS.md) survive a save and an open, in the main
// run and in a compare pane.
TEST(SceneFile, FieldSolverSettingsRoundTrip) {
  Scene s = sampleScene();
  s.state.sampler.solver = sample::OdeSolver::Ddim;
  s.state.sampler.eta = 0.4;
  s.state.sampler.schedule = sample::TimeSchedule::Karras;
  s.state.sampler.rho = 5.0;
  s.state.compare.panes[1].sampler.solver = sample::OdeSolver::EdmHeun;
  s.state.compare.panes[1].sampler.churn = 1.5;
  auto back = parseScene(sceneToJson(s));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_TRUE(back.value().warnings.empty()) << back.value().warnings.front();
  const auto& r = back.value().scene.state;
  EXPECT_EQ(r.sampler.solver, sample::OdeSolver::Ddim);
  EXPECT_DOUBLE_EQ(r.sampler.eta, 0.4);
  EXPECT_EQ(r.sampler.schedule, sample::TimeSchedule::Karras);
  EXPECT_DOUBLE_EQ(r.sampler.rho, 5.0);
  EXPECT_EQ(r.compare.panes[1].sampler.solver, sample::OdeSolver::EdmHeun);
  EXPECT_DOUBLE_EQ(r.compare.panes[1].sampler.churn, 1.5);
}

// Opening a U-Net on an image dataset (--model, File > Open model…) starts the grid that
// finishes in seconds: 16 images through 50 DDIM steps, not the exact score's 64 × 1000
// (about 24 minutes with the bundled U-Net on a 2-core CPU). A 2D scene is left as it was.
TEST(SceneFile, AnImageModelOpensOnTheQuickGrid) {
  const std::string bundled = assetsDir() + "/models/fashion-mnist-small.pt";
  ASSERT_TRUE(std::filesystem::is_regular_file(bundled)) << bundled;
  ExplorerState images;
  images.data.data = "fashion-mnist";
  Scene before = sceneFromState(images);
  ASSERT_EQ(before.images.n, 64);
  ASSERT_EQ(before.state.sampler.steps, 1000);
  auto opened = withModel(before, bundled, "");
  ASSERT_TRUE(opened) << opened.error().message;
  const Scene& s = opened.value();
  EXPECT_EQ(s.model.checkpoint, bundled);
  EXPECT_EQ(s.images.n, kQuickNetworkImages);
  EXPECT_EQ(s.state.samplerPreset, "ddim");
  EXPECT_EQ(s.state.sampler.kind, sample::SamplerKind::Ode);
  EXPECT_EQ(s.state.sampler.solver, sample::OdeSolver::Ddim);
  EXPECT_EQ(s.state.sampler.steps, kQuickNetworkSteps);
  EXPECT_EQ(s.images.sampler.steps, kQuickNetworkSteps);
  ExplorerState moons;
  moons.data.data = "moons";
  auto flat = withModel(sceneFromState(moons), bundled, "");
  ASSERT_TRUE(flat) << flat.error().message;
  EXPECT_EQ(flat.value().state.sampler.steps, 1000);
  EXPECT_EQ(flat.value().state.samplerPreset, "pc");
}

}  // namespace
}  // namespace ss::ui

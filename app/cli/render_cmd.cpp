// scorescope render: the view a scene (or the options) describes, offscreen, as one PNG or
// as an animation of the timeline (--frames: GIF, MP4 through ffmpeg, or numbered PNGs).
// 2D scenes draw through the GUI's Canvas2D, image scenes through its ImageGrid.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <thread>

#include <unistd.h>

#include "app/cli/commands.h"
#include "app/cli/render_scene.h"
#include "core/common/memory_budget.h"
#include "core/common/runtime.h"
#include "core/sample/sampler_config.h"
#include "core/scene/density_worker.h"
#include "core/scene/image_interp.h"
#include "core/scene/image_run.h"
#include "core/scene/image_score.h"
#include "core/scene/point_cloud.h"
#include "core/scene/run_worker.h"
#include "core/scene/vector_field.h"
#include "core/train/classifier.h"
#include "core/train/quick_train.h"
#include "core/train/snapshot.h"
#include "core/train/trainer.h"
#include "ui/export/animation_writer.h"
#include "ui/offscreen_render.h"
#include "ui/session/requests.h"
#include "ui/session/scene_file.h"
#include "ui/views/compare_view.h"

namespace ss::app {

namespace {

// The times an animation shows: forward runs 0 → T, reverse runs T → 0, `frames` of them.
std::vector<double> animationTimes(const ui::ExplorerState& st, int frames) {
  std::vector<double> ts;
  for (int i = 0; i < frames; ++i) {
    const double u = frames == 1 ? 1.0 : static_cast<double>(i) / (frames - 1);
    ts.push_back(st.mode == scene::RunMode::Forward ? u * st.sde.T : (1.0 - u) * st.sde.T);
  }
  return ts;
}

// Box-filters an image rendered at k× the size down to w×h (antialiased exports, thumbnails).
ui::RenderedImage downsample(const ui::RenderedImage& big, int k) {
  if (k <= 1) return big;
  ui::RenderedImage out;
  out.width = big.width / k;
  out.height = big.height / k;
  out.rgba.assign(static_cast<size_t>(out.width) * out.height * 4, 0);
  for (int y = 0; y < out.height; ++y)
    for (int x = 0; x < out.width; ++x)
      for (int c = 0; c < 4; ++c) {
        int sum = 0;
        for (int dy = 0; dy < k; ++dy)
          for (int dx = 0; dx < k; ++dx)
            sum += big.rgba[(static_cast<size_t>(y * k + dy) * big.width + (x * k + dx)) * 4 + c];
        out.rgba[(static_cast<size_t>(y) * out.width + x) * 4 + c] =
            static_cast<unsigned char>((sum + k * k / 2) / (k * k));
      }
  return out;
}

// A scene guided by a trained classifier: trains one here as the GUI would (the command
// waits: a few seconds for points, a minute or two for Fashion-MNIST), saying what it got.
Expected<std::shared_ptr<const train::ClassifierSnapshot>> trainClassifier(
    const train::ClassifierSpec& spec, int guideClass) {
  std::fprintf(stderr,
               "scorescope render: training a classifier on %s for class guidance (%lld steps)\n",
               spec.data.c_str(), static_cast<long long>(spec.steps));
  auto trained = train::trainClassifierAndWait(spec, guideClass);
  if (!trained) return Error{"class guidance: " + trained.error().message};
  const auto& stats = *trained.value().stats;
  std::string acc;
  for (size_t i = 0; i < stats.times.size() && i < stats.accuracy.size(); ++i) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%.3f at t = %.1f", i ? ", " : "", stats.accuracy[i],
                  stats.times[i]);
    acc += buf;
  }
  std::fprintf(stderr,
               "scorescope render: guiding toward class %d; classifier held-out accuracy %s\n",
               guideClass, acc.c_str());
  return trained.value().snapshot;
}

// Writes one frame (frames == 0) or the animation; `drawBig(t)` renders the view at t, at
// o.supersample × the size.
int writeOutput(const AppOptions& o, int w, int h, const std::vector<double>& times,
                const std::function<Expected<ui::RenderedImage>(double)>& drawBig,
                const std::string& what) {
  auto draw = [&](double t) -> Expected<ui::RenderedImage> {
    auto image = drawBig(t);
    if (!image || o.supersample <= 1) return image;
    return downsample(image.value(), o.supersample);
  };
  if (o.frames <= 0) {
    auto image = draw(times.front());
    if (!image) return fail("render", image.error().message);
    auto written = ui::writePng(o.out, image.value());
    if (!written) return fail("render", written.error().message);
    std::printf("wrote %s (%dx%d, %s, t = %.3f)\n", o.out.c_str(), w, h, what.c_str(),
                times.front());
    return 0;
  }
  auto writer = ui::AnimationWriter::open({o.out, w, h, o.fps});
  if (!writer) return fail("render", writer.error().message);
  const auto start = std::chrono::steady_clock::now();
  const bool bar = isatty(STDERR_FILENO);
  for (size_t i = 0; i < times.size(); ++i) {
    auto image = draw(times[i]);
    if (!image) {
      writer.value()->cancel();
      return fail("render", image.error().message);
    }
    writer.value()->pushWait(std::move(image.value().rgba));
    if (writer.value()->failed()) break;
    if (bar) std::fprintf(stderr, "\rframe %zu/%zu", i + 1, times.size());
  }
  if (bar) std::fprintf(stderr, "\n");
  auto done = writer.value()->finish();
  if (!done) return fail("render", done.error().message);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("wrote %s (%zu frames, %dx%d, %.0f fps, %s) in %.1f s\n", o.out.c_str(), times.size(),
              w, h, o.fps, what.c_str(), secs);
  return 0;
}

int renderImages(const AppOptions& o, const ui::Scene& scene, ui::UiContext& ui, int w, int h) {
  scene::ImageRunRequest req = ui::imageRunRequestFor(scene);
  if (o.frames > 0) req.maxFrames = std::max(req.maxFrames, std::min(o.frames, 400));
  if (req.guideClass >= 0) {  // a classifier trained here, under the score's SDE (as the GUI's)
    std::shared_ptr<const sde::Sde> sde;
    try {
      scene::ImageScoreCache cache;
      sde = cache.load(req.data, req.limit, req.model, nullptr).sde;
    } catch (const std::exception& e) {
      return fail("render", e.what());
    }
    auto spec = train::imageClassifierSpec(req.data, sde->config());
    spec.seed = req.seed;
    auto clf = trainClassifier(spec, req.guideClass);
    if (!clf) return fail("render", clf.error().message);
    req.classifier = clf.value();
  }
  scene::ImageRunWorker worker, compareWorker;
  worker.request(req);
  // The scene's compare pane (the same prior draw through another sampler) and strip.
  if (!scene.imageCompare.empty()) {
    auto other = ui::compareRunRequestFor(req, scene.imageCompare);
    if (!other) return fail("render", other.error().message);
    compareWorker.request(std::move(other.value()));
  }
  scene::InterpolationWorker interpWorker;
  if (scene.imageInterpolation.a >= 0)
    interpWorker.request(ui::interpolationRequestFor(req, scene.imageInterpolation));
  std::shared_ptr<const scene::ImageRunResult> run;
  for (;;) {  // the run publishes every ~100 ms; wait for the final result
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    run = worker.latest();
    if (run && (run->done || !run->error.empty()) && !worker.busy()) break;
  }
  if (!run->error.empty()) return fail("render", run->error);
  if (!run->warning.empty()) std::fprintf(stderr, "scorescope render: %s\n", run->warning.c_str());
  if (!compareWorker.waitIdle(std::chrono::minutes(30)) ||
      !interpWorker.waitIdle(std::chrono::minutes(30)))
    return fail("render", "the compare run or the interpolation did not finish within 30 minutes");
  const auto other = scene.imageCompare.empty() ? nullptr : compareWorker.latest();
  if (other && !other->error.empty()) return fail("render", "compare: " + other->error);
  const auto strip = scene.imageInterpolation.a >= 0 ? interpWorker.latest() : nullptr;
  if (strip && !strip->error.empty()) return fail("render", "interpolation: " + strip->error);
  ui::ImageViewContent content;
  content.run = run.get();
  content.compare = other.get();
  content.titles[0] = ui::imageSamplerTitle(scene.state.samplerPreset);
  content.titles[1] = ui::imageSamplerTitle(scene.imageCompare);
  content.strip = strip.get();
  const double T = run->T;
  ui::ExplorerState timeline = scene.state;
  timeline.mode = scene::RunMode::ReverseSde;
  timeline.sde.T = T;
  std::vector<double> times =
      o.frames > 0 ? animationTimes(timeline, o.frames) : std::vector<double>{scene.state.t};
  return writeOutput(
      o, w / o.supersample, h / o.supersample, times,
      [&](double t) {
        content.t = t;
        return ui::renderImageView(ui, content, w, h);
      },
      req.data + ", " + run->scoreName);
}

// Compare mode: every pane's run (concurrently, from the same prior draw) computed to the
// end, then the panes drawn at each frame's t.
int renderCompare(const AppOptions& o, ui::ExplorerState& st,
                  const std::shared_ptr<const scene::PointCloud>& cloud,
                  const std::shared_ptr<const train::ModelSnapshot>& model, ui::UiContext& ui,
                  int w, int h) {
  const size_t n = st.compare.panes.size();
  std::vector<std::unique_ptr<scene::RunWorker>> workers;
  for (size_t i = 0; i < n; ++i) {
    const ui::ExplorerState pane = ui::paneState(st, i);
    if (auto e = pane.sampler.validate(ui::resolvedSde(pane, cloud.get())); !e)
      return fail("render", "pane " + std::to_string(i + 1) + ": " + e.error().message);
    workers.push_back(std::make_unique<scene::RunWorker>());
    workers.back()->request(ui::paneRequestFor(st, i, cloud.get(), model));
  }
  std::vector<std::shared_ptr<const scene::RunResult>> runs;
  std::string what = st.data.data + ", compare";
  for (size_t i = 0; i < n; ++i) {
    if (!workers[i]->waitIdle(std::chrono::minutes(10)))
      return fail("render", "a compare run did not finish within 10 minutes");
    if (!workers[i]->lastError().empty())
      return fail("render", "pane " + std::to_string(i + 1) + ": " + workers[i]->lastError());
    runs.push_back(workers[i]->latest());
    what += (i ? " | " : ": ") + ui::paneLabel(st.compare.panes[i]);
    if (runs.back() && runs.back()->metrics.valid)
      std::printf("pane %zu (%s): %s\n", i + 1, ui::paneLabel(st.compare.panes[i]).c_str(),
                  ui::paneMetrics(*runs.back()).c_str());
  }
  const std::vector<double> times =
      o.frames > 0 ? animationTimes(st, o.frames) : std::vector<double>{st.t};
  auto draw = [&](double t) -> Expected<ui::RenderedImage> {
    st.t = t;
    std::vector<ui::RunView> views(n);
    std::vector<const ui::RunView*> ptrs;
    for (size_t i = 0; i < n; ++i) {
      views[i].update(runs[i], t, cloud.get());
      ptrs.push_back(&views[i]);
    }
    return ui::renderCompare(ui, st, cloud, ptrs, w, h);
  };
  return writeOutput(o, w / o.supersample, h / o.supersample, times, draw, what);
}

// The reverse run (computed to the end first; with a trained classifier's guidance, as the
// GUI's would be, trained here first).
Expected<std::shared_ptr<const scene::RunResult>> reverseRun(
    const ui::ExplorerState& st, const scene::PointCloud& cloud,
    std::shared_ptr<const train::ModelSnapshot> model) {
  if (auto e = st.sampler.validate(ui::resolvedSde(st, &cloud)); !e) return e.error();
  std::shared_ptr<const train::ClassifierSnapshot> clf;
  if (st.guideClass >= 0 && st.trainedClassifier) {          // trained here, as the GUI's would be
    if (const int k = cloud.numClasses; st.guideClass >= k)  // before any training
      return Error{"class guidance: class " + std::to_string(st.guideClass) + " is outside the " +
                   std::to_string(k) + " classes of " + st.data.data + " (0-based)"};
    train::ClassifierSpec spec;
    spec.data = st.data.data;
    spec.sde = ui::resolvedSde(st, &cloud);
    auto trained = trainClassifier(spec, st.guideClass);
    if (!trained) return Error{trained.error().message};
    clf = trained.value();
  }
  scene::RunWorker runs;
  runs.request(ui::runRequestFor(st, &cloud, st.useModel ? model : nullptr, clf));
  if (!runs.waitIdle(std::chrono::minutes(10)))
    return Error{"the reverse run did not finish within 10 minutes"};
  if (!runs.lastError().empty()) return Error{runs.lastError()};
  return runs.latest();
}

// --frames, --fps and --out, and the memory a w×h drawing needs, checked before anything
// is drawn; empty when fine.
std::string outputError(const AppOptions& o, int w, int h) {
  // The drawn RGBA image, its read-back, the filtered copy and the encoder's: about 16 bytes
  // a pixel.
  const std::string asked =
      "--size " + o.size +
      (o.supersample > 1 ? " --supersample " + std::to_string(o.supersample) : "");
  if (auto m = checkMemory(16.0 * w * h, asked); !m) return m.error().message;
  if (o.frames < 0 || o.frames > 10000)
    return "--frames (" + std::to_string(o.frames) + ") must lie in [0, 10000]";
  if (!(o.fps > 0 && o.fps <= 120)) return "--fps must lie in (0, 120]";
  if (o.frames > 0) return "";  // an animation's --out names its format (AnimationWriter checks)
  auto ok = checkOutputName(o.out, "--out", ".png",
                            "one PNG (--frames N animates: .gif, .mp4 or a folder/)");
  return ok ? "" : ok.error().message;
}

}  // namespace

int runRender(const AppOptions& o) {
  auto size = parseSize(o.size);
  if (!size) return fail("render", size.error().message);
  const auto [outW, outH] = size.value();
  if (o.supersample < 1 || o.supersample > 4)
    return fail("render", "--supersample must lie in [1, 4]");
  const int w = outW * o.supersample, h = outH * o.supersample;  // the size drawn
  if (auto e = outputError(o, w, h); !e.empty()) return fail("render", e);
  setComputeThreads(o.threads > 0 ? o.threads : defaultComputeThreads());
  setKernelThreads(o.threads);  // 0: every core (runtime.h)

  auto loaded = sceneForRender(o);
  if (!loaded) return fail("render", loaded.error().message);
  ui::Scene scene = std::move(loaded.value());

  ui::WindowOptions win;
  win.visible = false;
  win.width = 64;
  win.height = 64;
  // Type scales with the image so a 4K export has labels as legible as the window's.
  win.fontScale = std::clamp(static_cast<float>(h) / 800.0f, 1.0f, 3.0f);
  auto ctx = ui::UiContext::create(win);
  if (!ctx) return fail("render", ctx.error().message, 2);
  if (ui::isImageScene(scene)) return renderImages(o, scene, *ctx.value(), w, h);

  auto& st = scene.state;
  st.canvas.transparentBackground = o.transparent;
  auto cloud = scene::buildPointCloud(st.data);
  if (!cloud) return fail("render", cloud.error().message);
  if (st.sde.kind == sde::SdeKind::VE && st.sde.sigmaMaxIsAuto())
    std::printf("VE: sigma_max = %.4g (the data's diameter)\n",
                st.sde.resolved(cloud.value()->diameter).sigmaMax);
  auto model = sceneModel(scene, o);
  if (!model) return fail("render", model.error().message);
  if (model.value() && model.value()->isImage())
    return fail("render", scene.model.checkpoint + " holds an image model of " +
                              model.value()->data + ": the 2D view of " + st.data.data +
                              " needs a 2D model (render the images with --data " +
                              model.value()->data + ")");
  if (!model.value()) dropLearnedLayers(st);
  const auto& c = st.canvas;
  const bool anyField = c.showExactField || c.showLearnedField || c.showDensity || c.showScoreError;
  ui::FieldSource fields;
  if (anyField) fields = ui::waitedFieldSource(st, cloud.value(), model.value());
  if (st.compare.enabled)
    return renderCompare(o, st, cloud.value(), model.value(), *ctx.value(), w, h);
  // A reverse run (computed to the end first), shown at each frame's t.
  std::shared_ptr<const scene::RunResult> run;
  if (st.mode != scene::RunMode::Forward) {
    auto ran = reverseRun(st, *cloud.value(), model.value());
    if (!ran) return fail("render", ran.error().message);
    run = ran.value();
  }
  std::vector<double> times =
      o.frames > 0 ? animationTimes(st, o.frames) : std::vector<double>{st.t};
  // Step-through animations show successive moves: their "times" are move indices.
  const bool through = ui::stepThroughActive(st);
  if (through && o.frames > 0) {
    times.clear();
    for (int i = 0; i < o.frames; ++i)
      times.push_back(std::min(st.move + i, ui::moveCount(st) - 1));
  }
  auto draw = [&](double t) -> Expected<ui::RenderedImage> {
    if (through) {
      if (o.frames > 0) st.move = static_cast<int>(t);
      ui::stepMove(st, 0);
      t = st.t;
    }
    st.t = t;
    ui::RunView view;
    if (run) view.update(run, t, cloud.value().get());
    return ui::renderExplorer(*ctx.value(), st, cloud.value(), w, h, fields, run ? &view : nullptr);
  };
  return writeOutput(o, outW, outH, times, draw,
                     st.data.data + ", " + std::string(sde::toString(st.sde.kind)));
}

}  // namespace ss::app

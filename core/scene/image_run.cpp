#include "core/scene/image_run.h"

#include "core/scene/frames.h"
#include "core/scene/tensor_floats.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iterator>

#include "core/data/image_dataset.h"
#include "core/data/toy.h"
#include "core/sample/conditional.h"
#include "core/sample/sampler.h"
#include "core/scene/image_score.h"
#include "core/score/exact_score.h"
#include "core/score/guided_score.h"
#include "core/train/classifier.h"
#include "core/train/snapshot.h"
#include "core/train/trainer.h"

namespace ss::scene {

bool looksLikeImageDataset(const std::string& spec) {
  if (spec == "fashion-mnist" || spec.starts_with("fashion-mnist:") || spec == "twemoji" ||
      spec.starts_with("folder:"))
    return true;
  std::error_code ec;
  return !spec.empty() && std::filesystem::is_directory(spec, ec);
}

const char* toString(ImageTask task) {
  static constexpr const char* kNames[] = {"unconditional", "inpaint",
                                           "colorize"};  // in the enum's order
  const auto i = static_cast<size_t>(task);
  return i < std::size(kNames) ? kNames[i] : "?";
}

std::shared_ptr<const ImageFrame> ImageRunResult::frameAt(double t) const {
  return nearestFrame(frames, t);
}

// What a (data, limit, model | snapshot) loads once: the score, its SDE, the images.
struct ImageRunWorkerCache {
  ImageScoreCache scores;
};

namespace {

std::runtime_error failure(const std::string& m) { return std::runtime_error(m); }

// The run's score: the loaded one, guided toward a class by the request's classifier
// (which must have been trained on images of this size).
std::shared_ptr<const score::ScoreFn> guidedScore(const ImageRunRequest& req, const ImageScore& c,
                                                  ImageRunResult& result) {
  std::shared_ptr<const score::ScoreFn> scoreFn = c.score;
  if (req.guideClass >= 0 && req.classifier) {
    const auto& k = *req.classifier;
    if (k.imageSize > 0 && (k.imageSize != c.size || k.imageChannels != c.channels))
      throw failure("the classifier was trained on " + std::to_string(k.imageChannels) + "×" +
                    std::to_string(k.imageSize) + "×" + std::to_string(k.imageSize) +
                    " images, the score samples " + std::to_string(c.channels) + "×" +
                    std::to_string(c.size) + "×" + std::to_string(c.size));
    auto guided =
        std::make_shared<score::GuidedScore>(c.score, req.classifier->classifier, req.guideClass,
                                             req.guidance);  // throws on a bad class or scale
    result.scoreName = guided->name();
    scoreFn = guided;
  }
  return scoreFn;
}

// The inpainting mask (1 = known): the painted one, or the preset.
std::vector<float> inpaintingMask(const ImageRunRequest& req, int size) {
  std::vector<float> m;
  if (!req.customMask.empty()) {
    if (req.customMask.size() != static_cast<size_t>(size) * size)
      throw failure("the painted mask holds " + std::to_string(req.customMask.size()) +
                    " pixels, not " + std::to_string(size) + "×" + std::to_string(size));
    m.assign(req.customMask.begin(), req.customMask.end());
    for (float& v : m) v = v != 0 ? 1.f : 0.f;
  } else {
    m = sample::makeMask(req.mask, size, size, req.seed);
  }
  return m;
}

// The frames a run keeps: the request's, within ~400 MB of x_t and x̂₀.
int64_t frameBudget(const ImageRunRequest& req, const ImageScore& c) {
  const int64_t perFrame = 2 * req.n * c.channels * c.size * c.size * 4;  // bytes
  return std::max<int64_t>(2, std::min<int64_t>(req.maxFrames, (400ll << 20) / perFrame));
}

// One frame of the run: x_t and its Tweedie estimate x̂₀ = (x + σ² s(x, t)) / a, the score at
// max(t, ε) (it is singular at 0), both clamped to [0, 1].
std::shared_ptr<ImageFrame> imageFrame(const sample::SamplerRun& run, const ImageScore& c,
                                       const score::ScoreFn& scoreFn) {
  const auto& st = run.state();
  auto f = std::make_shared<ImageFrame>();
  f->t = st.t;
  f->step = st.step;
  f->nfe = st.nfe;
  auto x = st.done ? run.result() : st.x;
  const double te = std::max(st.t, c.sde->eps());
  const auto m = sde::marginal(c.sde->config(), te);
  f->sigma = sde::marginal(c.sde->config(), st.t).sigma;
  auto tv = torch::full({x.size(0)}, te, x.options());
  auto x0 = (x + (m.sigma * m.sigma) * scoreFn(x, tv)) / m.a;
  f->x = toFloats(x.clamp(0, 1));
  f->x0 = toFloats(x0.clamp(0, 1));
  return f;
}

// The observation of an inpainting or colorization run, from the dataset (at the model's
// size and channels when a model) or a file: its conditioning, and what the view shows.
sample::Conditioning observe(const ImageRunRequest& req, const ImageScore& c,
                             ImageScoreCache& scores, ImageRunResult& result) {
  sample::Conditioning cond;
  if (req.task != ImageTask::Unconditional) {
    if (req.task == ImageTask::Colorize && c.channels != 3)
      throw failure("colorization needs an RGB dataset (this one has " +
                    std::to_string(c.channels) + " channel)");
    torch::Tensor y;
    if (!req.imageFile.empty()) {
      auto file = data::readImage(req.imageFile, c.size, c.channels);
      if (!file) throw failure(file.error().message);
      y = file.value().to(torch::kFloat32);
    } else {
      y = scores.datasetImages({req.imageIndex})[0].clone();
    }
    torch::Tensor shown;
    if (req.task == ImageTask::Inpaint) {
      std::vector<float> m = inpaintingMask(req, c.size);
      result.mask.assign(m.size(), 0);
      for (size_t i = 0; i < m.size(); ++i) result.mask[i] = m[i] > 0.5f ? 1 : 0;
      auto mask = sample::maskTensor(m, c.size, c.size);
      cond = sample::inpainting(y, mask);
      shown = y * mask + 0.5f * (1 - mask);
    } else {
      auto grey = sample::toGrey(y);
      cond = sample::colorization(grey);
      shown = grey.expand({3, -1, -1}).clone();
    }
    result.observation = toFloats(shown.clamp(0, 1));
    result.source = toFloats(y.clamp(0, 1));
  }
  return cond;
}

// Loads the request's images and score (or finds them cached), publishing the load's
// progress: a large folder takes a while, and a newer request waits for the load, which the
// next one then finds cached. Fills the result's shape, SDE and score name.
const ImageScore& loadScore(const ImageRunRequest& req,
                            RequestWorker<ImageRunRequest, ImageRunResult>& w,
                            ImageRunWorkerCache& cache, ImageRunResult& result) {
  using Clock = std::chrono::steady_clock;
  auto lastProgress = Clock::now();
  auto progress = [&](double f) {
    if (Clock::now() - lastProgress < std::chrono::milliseconds(100)) return;
    lastProgress = Clock::now();
    result.loadProgress = f;
    result.status = "loading " + req.data + ": " + std::to_string(static_cast<int>(100 * f)) + " %";
    w.publish(std::make_shared<const ImageRunResult>(result));
  };
  const ImageScore& c = cache.scores.load(req.data, req.limit, req.model, req.snapshot, progress);
  result.loadProgress = 1.0;
  result.channels = c.channels;
  result.size = c.size;
  result.n = req.n;
  result.T = c.sde->T();
  result.sde = c.sde->config();
  result.scoreName = c.scoreName;
  result.warning = c.skipped;
  return c;
}

}  // namespace

void computeImageRunWorker(ImageRunRequest& req, RequestWorker<ImageRunRequest, ImageRunResult>& w,
                           ImageRunWorkerCache& cache) {
  using Clock = std::chrono::steady_clock;
  torch::NoGradGuard noGrad;
  auto result = std::make_shared<ImageRunResult>();
  result->request = req;
  try {
    if (req.n < 1 || req.n > 1024) throw failure("n must lie in [1, 1024]");
    if (req.maxFrames < 2) throw failure("a run keeps at least 2 frames");
    const ImageScore& c = loadScore(req, w, cache, *result);
    if (auto e = req.sampler.validate(c.sde->config()); !e) throw failure(e.error().message);
    std::shared_ptr<const score::ScoreFn> scoreFn = guidedScore(req, c, *result);

    sample::Conditioning cond = observe(req, c, cache.scores, *result);
    const auto& cfg = req.sampler;
    const int64_t maxFrames = frameBudget(req, c);
    const bool adaptive =
        cfg.kind == sample::SamplerKind::Ode && cfg.solver == sample::OdeSolver::Rk45;
    const int64_t every =
        adaptive ? 1 : std::max<int64_t>(1, (cfg.steps + maxFrames - 2) / (maxFrames - 1));

    auto xT = sample::SamplerRun::priorDraw(*c.sde, req.n, {c.channels, c.size, c.size}, req.seed);
    sample::SamplerRun run(scoreFn, c.sde, cfg, xT, req.seed + 1, {}, cond);
    auto addFrame = [&] {
      auto f = imageFrame(run, c, *scoreFn);
      // Adaptive runs keep the newest frames within the budget by thinning every other one.
      if (static_cast<int64_t>(result->frames.size()) >= maxFrames) {
        std::vector<std::shared_ptr<const ImageFrame>> kept;
        for (size_t i = 0; i < result->frames.size(); i += 2) kept.push_back(result->frames[i]);
        result->frames = std::move(kept);
      }
      result->frames.push_back(std::move(f));
    };
    const auto started = Clock::now();
    auto status = [&] {
      const auto& st = run.state();
      result->status = (st.done ? "done: " : "running: ") + std::to_string(st.step) + " steps, " +
                       std::to_string(st.nfe) + " score evaluations";
      const double secs = std::chrono::duration<double>(Clock::now() - started).count();
      const double left =
          secs * static_cast<double>(cfg.steps - st.step) / std::max<int64_t>(st.step, 1);
      result->secondsLeft = !st.done && !adaptive && st.step > 0 ? left : -1;
      if (result->secondsLeft >= 3)
        result->status += ", ~" + std::to_string(static_cast<int>(std::lround(left))) + " s left";
    };
    addFrame();
    status();
    w.publish(std::make_shared<const ImageRunResult>(*result));
    auto lastPublish = Clock::now();
    while (!run.state().done) {
      if (w.superseded()) return;
      run.step();
      const auto& st = run.state();
      if (st.done || st.step % every == 0) addFrame();
      if (st.done || Clock::now() - lastPublish > std::chrono::milliseconds(100)) {
        result->done = st.done;
        status();
        w.publish(std::make_shared<const ImageRunResult>(*result));
        lastPublish = Clock::now();
      }
    }
  } catch (const std::exception& e) {
    result->error = e.what();
    result->done = true;
    result->status = "failed";
    w.publish(std::make_shared<const ImageRunResult>(*result));
  }
}

ImageRunWorker::ImageRunWorker() : RequestWorker(withCache(computeImageRunWorker)) {}

}  // namespace ss::scene

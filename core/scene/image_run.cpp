#include "core/scene/image_run.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

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
  switch (task) {
    case ImageTask::Unconditional:
      return "unconditional";
    case ImageTask::Inpaint:
      return "inpaint";
    case ImageTask::Colorize:
      return "colorize";
  }
  return "?";
}

std::shared_ptr<const ImageFrame> ImageRunResult::frameAt(double t) const {
  std::shared_ptr<const ImageFrame> best;
  double bestDist = 0;
  for (const auto& f : frames) {
    const double d = std::abs(f->t - t);
    if (!best || d <= bestDist)
      best = f, bestDist = d;  // ties: the later frame (the final, denoised one)
  }
  return best;
}

// What a (data, limit, model | snapshot) loads once: the score, its SDE, the images.
struct ImageRunWorker::Cache {
  ImageScoreCache scores;
};

namespace {

std::vector<float> toVector(const torch::Tensor& t) {
  auto c = t.to(torch::kCPU, torch::kFloat32).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

std::runtime_error failure(const std::string& m) { return std::runtime_error(m); }

}  // namespace

ImageRunWorker::ImageRunWorker()
    : m_cache(std::make_unique<Cache>()),
      m_worker([this](ImageRunRequest& req, Worker& w) { compute(req, w); }) {}

ImageRunWorker::~ImageRunWorker() = default;

void ImageRunWorker::compute(ImageRunRequest& req, Worker& w) {
  using Clock = std::chrono::steady_clock;
  torch::NoGradGuard noGrad;
  auto result = std::make_shared<ImageRunResult>();
  result->request = req;
  try {
    if (req.n < 1 || req.n > 1024) throw failure("n must lie in [1, 1024]");
    if (req.maxFrames < 2) throw failure("a run keeps at least 2 frames");
    // Loading publishes its progress (a large folder takes a while); a newer request waits
    // for the load, which the next one then finds cached.
    auto lastProgress = Clock::now();
    auto progress = [&](double f) {
      if (Clock::now() - lastProgress < std::chrono::milliseconds(100)) return;
      lastProgress = Clock::now();
      result->loadProgress = f;
      result->status =
          "loading " + req.data + ": " + std::to_string(static_cast<int>(100 * f)) + " %";
      w.publish(std::make_shared<const ImageRunResult>(*result));
    };
    const ImageScore& c =
        m_cache->scores.load(req.data, req.limit, req.model, req.snapshot, progress);
    result->loadProgress = 1.0;
    result->channels = c.channels;
    result->size = c.size;
    result->n = req.n;
    result->T = c.sde->T();
    result->sde = c.sde->config();
    result->scoreName = c.scoreName;
    if (std::string e = req.sampler.validate(c.sde->config()); !e.empty()) throw failure(e);
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
      result->scoreName = guided->name();
      scoreFn = guided;
    }

    // The observation, from the dataset (at the model's size and channels when a model).
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
        y = m_cache->scores.datasetImages({req.imageIndex})[0].clone();
      }
      torch::Tensor shown;
      if (req.task == ImageTask::Inpaint) {
        std::vector<float> m;
        if (!req.customMask.empty()) {
          if (req.customMask.size() != static_cast<size_t>(c.size) * c.size)
            throw failure("the painted mask holds " + std::to_string(req.customMask.size()) +
                          " pixels, not " + std::to_string(c.size) + "×" + std::to_string(c.size));
          m.assign(req.customMask.begin(), req.customMask.end());
          for (float& v : m) v = v != 0 ? 1.f : 0.f;
        } else {
          m = sample::makeMask(req.mask, c.size, c.size, req.seed);
        }
        result->mask.assign(m.size(), 0);
        for (size_t i = 0; i < m.size(); ++i) result->mask[i] = m[i] > 0.5f ? 1 : 0;
        auto mask = sample::maskTensor(m, c.size, c.size);
        cond = sample::inpainting(y, mask);
        shown = y * mask + 0.5f * (1 - mask);
      } else {
        auto grey = sample::toGrey(y);
        cond = sample::colorization(grey);
        shown = grey.expand({3, -1, -1}).clone();
      }
      result->observation = toVector(shown.clamp(0, 1));
      result->source = toVector(y.clamp(0, 1));
    }

    const auto& cfg = req.sampler;
    const int64_t perFrame = 2 * req.n * c.channels * c.size * c.size * 4;  // bytes
    const int64_t maxFrames =
        std::max<int64_t>(2, std::min<int64_t>(req.maxFrames, (400ll << 20) / perFrame));
    const bool adaptive =
        cfg.kind == sample::SamplerKind::Ode && cfg.solver == sample::OdeSolver::Rk45;
    const int64_t every =
        adaptive ? 1 : std::max<int64_t>(1, (cfg.steps + maxFrames - 2) / (maxFrames - 1));

    auto xT = sample::SamplerRun::priorDraw(*c.sde, req.n, {c.channels, c.size, c.size}, req.seed);
    sample::SamplerRun run(scoreFn, c.sde, cfg, xT, req.seed + 1, {}, cond);
    auto addFrame = [&] {
      const auto& st = run.state();
      auto f = std::make_shared<ImageFrame>();
      f->t = st.t;
      f->step = st.step;
      f->nfe = st.nfe;
      auto x = st.done ? run.result() : st.x;
      // Tweedie: the score is singular at t = 0, so evaluate at max(t, ε).
      const double te = std::max(st.t, c.sde->eps());
      const auto m = sde::marginal(c.sde->config(), te);
      f->sigma = sde::marginal(c.sde->config(), st.t).sigma;
      auto tv = torch::full({x.size(0)}, te, x.options());
      auto x0 = (x + (m.sigma * m.sigma) * (*scoreFn)(x, tv)) / m.a;
      f->x = toVector(x.clamp(0, 1));
      f->x0 = toVector(x0.clamp(0, 1));
      // Adaptive runs keep the newest frames within the budget by thinning every other one.
      if (static_cast<int64_t>(result->frames.size()) >= maxFrames) {
        std::vector<std::shared_ptr<const ImageFrame>> kept;
        for (size_t i = 0; i < result->frames.size(); i += 2) kept.push_back(result->frames[i]);
        result->frames = std::move(kept);
      }
      result->frames.push_back(std::move(f));
    };
    auto status = [&] {
      const auto& st = run.state();
      result->status = (st.done ? "done: " : "running: ") + std::to_string(st.step) + " steps, " +
                       std::to_string(st.nfe) + " score evaluations";
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

}  // namespace ss::scene

// scorescope sample / nll on image datasets (Fashion-MNIST, Twemoji, a folder): a grid of
// samples from a trained U-Net (--model) or the exact empirical score of a subset (--score
// exact, which memorizes: every sample is a training image), with inpainting (--inpaint
// IMAGE.png or --inpaint-index K, --mask MASK.png or --mask-preset NAME) and colorization
// (--colorize IMAGE.png or --colorize-index K) by the projection of MATH.md §6; nll reports
// the PF-ODE bits/dim of dequantized test images (Hutchinson divergence).
#include <unistd.h>

#include <ATen/CPUGeneratorImpl.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "app/cli/commands.h"
#include "app/cli/image_quality.h"
#include "core/common/runtime.h"
#include "core/data/image_dataset.h"
#include "core/likelihood/likelihood.h"
#include "core/sample/conditional.h"
#include "core/sample/masks.h"
#include "core/sample/sampler.h"
#include "core/scene/image_score.h"
#include "core/score/exact_score.h"
#include "core/score/guided_score.h"
#include "core/train/classifier.h"
#include "core/train/model_open.h"
#include "core/train/snapshot.h"
#include "core/train/trainer.h"

namespace ss::app {

namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kDefaultExactImages = 1000;

struct ImageSource {
  std::shared_ptr<const score::ScoreFn> score;
  std::shared_ptr<const sde::Sde> sde;
  std::string data, scoreName, device;
  int channels = 1, size = 28;
  bool conditional = false;  // a class-conditional imported model: --class goes to the model
  data::ImageDataset set;    // the exact score's images; with a model, loaded when needed
};

// The images the loader skipped, named on stderr (as train's summary names them): a
// dataset that silently shrinks would hide a broken folder.
void reportSkipped(const data::ImageDataset& set) {
  if (set.skipped == 0) return;
  std::fprintf(stderr, "scorescope: %s: skipped %lld %s that could not be decoded:\n",
               set.name.c_str(), static_cast<long long>(set.skipped),
               set.skipped == 1 ? "file" : "files");
  for (const auto& e : set.errors) std::fprintf(stderr, "  %s\n", e.c_str());
  if (set.skipped > static_cast<int64_t>(set.errors.size()))
    std::fprintf(stderr, "  (and %lld more)\n",
                 static_cast<long long>(set.skipped - static_cast<int64_t>(set.errors.size())));
}

Expected<ImageSource> imageSourceFrom(const AppOptions& o, const SampleOptions& s,
                                      std::shared_ptr<const train::ModelSnapshot> snap) {
  if (s.model.empty() == s.score.empty())
    return Error{
        "choose exactly one of --model FILE (a checkpoint or TorchScript model) or --score exact"};
  auto device = computeDeviceFrom(o);
  if (!device) return device.error();
  ImageSource src;
  src.device = device.value();
  if (snap) {
    if (!snap->isImage()) return Error{s.model + " holds a 2D model, not an image model"};
    src.score = snap->scoreFn();
    auto sde = modelSde(o, snap->sde);
    if (!sde) return sde.error();
    src.sde = sde.value();
    src.data = snap->data;
    src.channels = snap->channels();
    src.size = snap->imageSize();
    src.conditional = snap->meta && snap->meta->classes > 0;
    src.scoreName = std::string(snap->imported ? "imported model (" : "learned U-Net (") + s.model +
                    ", " + snap->provenance() + ")";
    return src;
  }
  if (s.score != "exact")
    return Error{"unknown --score '" + s.score + "': the only choice is exact"};
  data::ImageLoadOptions opt;
  opt.limit = o.limit > 0 ? o.limit : kDefaultExactImages;
  auto set = data::loadImageDataset(o.data, opt);
  if (!set) return set.error();
  reportSkipped(set.value());
  src.set = std::move(set.value());
  src.data = o.data;
  src.channels = static_cast<int>(src.set.images.size(1));
  src.size = static_cast<int>(src.set.images.size(2));
  auto cfg = sdeConfigFrom(o);
  if (!cfg) return cfg.error();
  auto sc = cfg.value();
  // The exact empirical score is stiff near ε (its scale is 1/σ²): the last Euler–Maruyama
  // step at ε = 1e-5 would overshoot a hundredfold, so sample to the reference's 1e-3 unless
  // --eps is given.
  if (!o.epsGiven) sc.eps = scene::kImageSamplingEps;
  try {
    sc = sc.resolved(data::diameter(src.set.images));
    src.sde = sde::Sde::create(sc);
    src.score = std::make_shared<score::EmpiricalScore>(
        src.set.images.to(torch::Device(src.device)), src.sde);
  } catch (const std::exception& e) {
    return Error{e.what()};
  }
  src.scoreName = "exact (empirical, " + std::to_string(src.set.size()) + " images)";
  return src;
}

// The dataset behind a model (for --inpaint-index / --colorize-index and nll): its images
// at the model's size and channels.
Expected<data::ImageDataset> datasetFor(const ImageSource& src, const std::string& spec,
                                        int64_t limit) {
  data::ImageLoadOptions opt;
  opt.limit = limit;
  opt.size = src.size;
  opt.channels = src.channels;
  auto set = data::loadImageDataset(spec, opt);
  if (set) reportSkipped(set.value());
  return set;
}

Expected<torch::Tensor> pickImage(ImageSource& src, const AppOptions& o, const std::string& path,
                                  int64_t index, const char* what) {
  if (!path.empty()) return data::readImage(path, src.size, src.channels);
  if (src.set.size() == 0) {
    auto set = datasetFor(src, src.data, std::max<int64_t>(index + 1, o.limit));
    if (!set) return set.error();
    src.set = std::move(set.value());
  }
  if (index < 0 || index >= src.set.size())
    return Error{std::string(what) + " " + std::to_string(index) + " is outside the dataset's " +
                 std::to_string(src.set.size()) + " images"};
  return src.set.images[index].clone();
}

void progressBar(double frac, const std::string& right) {
  const int width = 30;
  const int filled = static_cast<int>(width * std::clamp(frac, 0.0, 1.0));
  std::fprintf(stderr, "\r[%.*s%.*s] %s ", filled, "==============================", width - filled,
               "                              ", right.c_str());
  std::fflush(stderr);
}

}  // namespace

bool isImageRun(const AppOptions& o, const SampleOptions& s,
                std::shared_ptr<const train::ModelSnapshot>* snapOut, std::string* error) {
  if (s.model.empty()) return data::isImageDatasetSpec(o.data);
  auto snap = train::loadModelSnapshot(s.model, "cpu", modelOpenOptions(o, s.classLabel));
  if (!snap) {
    *error = snap.error().message;
    return false;
  }
  if (!snap.value()->isImage()) return false;
  if (auto device = computeDeviceFrom(o); device && device.value() != "cpu") {
    auto moved =
        train::loadModelSnapshot(s.model, device.value(), modelOpenOptions(o, s.classLabel));
    if (!moved) {
      *error = moved.error().message;
      return false;
    }
    *snapOut = moved.value();
  } else {
    *snapOut = snap.value();
  }
  return true;
}

namespace {

// Class guidance: a time-dependent classifier trained here on the dataset's perturbed
// images (under the score's SDE), then s + w ∇ log p_t(k | x) becomes src's score. Returns
// the guidance's JSON (null without --class).
Expected<nlohmann::json> guideImages(ImageSource& src, const AppOptions& o,
                                     const SampleOptions& s) {
  if (s.classLabel < 0 || src.conditional) return nlohmann::json();
  if (s.classifierSteps < 1) return Error{"--classifier-steps must be at least 1"};
  auto spec = train::imageClassifierSpec(src.data, src.sde->config());
  spec.steps = s.classifierSteps;
  spec.seed = o.seed;
  spec.imageLimit = o.limit;
  if (!s.json)
    std::printf("training the classifier: %lld steps, batch %d…\n",
                static_cast<long long>(spec.steps), spec.batch);
  auto trained = train::trainClassifierAndWait(spec, s.classLabel);
  if (!trained) return Error{"--class: " + trained.error().message};
  const auto stats = trained.value().stats;
  const auto clf = trained.value().snapshot;
  try {
    auto guided =
        std::make_shared<score::GuidedScore>(src.score, clf->classifier, s.classLabel, s.guidance);
    src.scoreName = guided->name();
    src.score = guided;
  } catch (const std::exception& e) {
    return Error{e.what()};
  }
  const std::string name = stats->classNames.at(static_cast<size_t>(s.classLabel));
  if (!s.json) {
    std::printf("guiding toward class %lld (%s), w = %g; classifier held-out accuracy",
                static_cast<long long>(s.classLabel), name.c_str(), s.guidance);
    for (size_t i = 0; i < stats->times.size() && i < stats->accuracy.size(); ++i)
      std::printf("%s %.3f at t = %.1f", i ? "," : "", stats->accuracy[i], stats->times[i]);
    std::printf(" (%lld images)\n", static_cast<long long>(stats->heldOut));
  }
  return nlohmann::json{{"class", s.classLabel},     {"class_name", name},
                        {"scale", s.guidance},       {"classifier_steps", stats->step},
                        {"times", stats->times},     {"accuracy", stats->accuracy},
                        {"held_out", stats->heldOut}};
}

// The observation of an inpainting or colorization run and what the grid's first tile shows
// of it; an unconditional run has none.
struct Observation {
  bool inpaint = false, colorize = false;
  sample::Conditioning cond;
  torch::Tensor shown;
  std::string task = "unconditional";
};

// --mask (a PNG, white = known) or --mask-preset (left-half by default), [H, W] 0/1.
Expected<torch::Tensor> inpaintingMask(const ImageSource& src, const AppOptions& o,
                                       const SampleOptions& s) {
  torch::Tensor mask;
  if (!s.mask.empty()) {
    auto m = data::readImage(s.mask, src.size, 1);
    if (!m) return m.error();
    mask = (m.value()[0] > 0.5f).to(torch::kFloat32);
  } else {
    auto preset =
        s.maskPreset.empty() ? sample::MaskPreset::LeftHalf : sample::parseMaskPreset(s.maskPreset);
    if (!preset) return Error{"--mask-preset: " + preset.error().message};
    mask = sample::maskTensor(sample::makeMask(preset.value(), src.size, src.size, o.seed),
                              src.size, src.size);
  }
  if (mask.sum().item<double>() == 0)
    return Error{"the mask marks no pixel as known (white = known)"};
  return mask;
}

Expected<bool> observe(Observation& ob, ImageSource& src, const AppOptions& o,
                       const SampleOptions& s) {
  if (ob.inpaint) {
    auto y = pickImage(src, o, s.inpaint, s.inpaintIndex, "--inpaint-index");
    if (!y) return y.error();
    auto mask = inpaintingMask(src, o, s);
    if (!mask) return mask.error();
    const torch::Tensor& m = mask.value();
    ob.cond = sample::inpainting(y.value(), m);
    ob.shown = y.value() * m + 0.5f * (1 - m);
    ob.task = "inpainting (" + std::to_string(static_cast<int>(100 * m.mean().item<double>())) +
              " % known)";
  } else if (ob.colorize) {
    auto y = pickImage(src, o, s.colorize, s.colorizeIndex, "--colorize-index");
    if (!y) return y.error();
    auto grey = sample::toGrey(y.value());
    ob.cond = sample::colorization(grey);
    ob.shown = grey.expand({3, -1, -1}).clone();
    ob.task = "colorization";
  }
  return true;
}

// A finished image run: the samples (CPU float32), its steps and score evaluations, how far
// the known pixels (or the grey level) moved from the observation, and its wall time.
struct ImageSamples {
  torch::Tensor samples;
  int64_t nfe = 0, steps = 0;
  double knownError = 0, wall = 0;
};

ImageSamples sampleImages(const ImageSource& src, const sample::SamplerConfig& cfg, Observation& ob,
                          int64_t n, const AppOptions& o, const SampleOptions& s) {
  const auto start = Clock::now();
  ImageSamples r;
  auto& cond = ob.cond;
  const torch::Device dev(src.device);
  auto xT =
      sample::SamplerRun::priorDraw(*src.sde, n, {src.channels, src.size, src.size}, o.seed, dev);
  if (cond.active()) {
    cond.observation = cond.observation.to(dev);
    cond.mask = cond.mask.to(dev);
    if (cond.basis.defined()) cond.basis = cond.basis.to(dev);
  }
  sample::SamplerRun run(src.score, src.sde, cfg, xT, o.seed + 1, {}, cond);
  runToEnd(run, cfg, src.sde->T(), !s.json && isatty(STDERR_FILENO));
  r.samples = run.result().to(torch::kCPU, torch::kFloat32);
  r.nfe = run.state().nfe;
  r.steps = run.state().step;
  if (ob.inpaint) {
    auto m = cond.mask.to(torch::kCPU);
    r.knownError = ((r.samples - cond.observation.to(torch::kCPU)).abs() * m).max().item<double>();
  } else if (ob.colorize) {
    r.knownError = (sample::toGrey(r.samples) - sample::toGrey(cond.observation.to(torch::kCPU)))
                       .abs()
                       .max()
                       .item<double>();
  }
  r.wall = secondsSince(start);
  return r;
}

// Mean RMS distance (per pixel) of each sample to its nearest training image when the exact
// score's set is at hand (memorization shows as ~0); -1 otherwise.
double nearestTrainingRms(const ImageSource& src, const SampleOptions& s,
                          const torch::Tensor& samples) {
  if (src.set.size() == 0 || !s.model.empty()) return -1;
  auto d = torch::cdist(samples.reshape({samples.size(0), -1}),
                        src.set.images.reshape({src.set.size(), -1}));
  return std::get<0>(d.min(1)).mean().item<double>() /
         std::sqrt(static_cast<double>(samples[0].numel()));
}

void reportImageSamples(const ImageSource& src, const Observation& ob, const ImageSamples& r,
                        int64_t n, double nearest, const nlohmann::json& guidance,
                        const nlohmann::json& quality, const SampleOptions& s) {
  nlohmann::json j = {{"data", src.data},
                      {"task", ob.task},
                      {"score", src.scoreName},
                      {"sde", std::string(sde::toString(src.sde->kind()))},
                      {"eps", src.sde->config().eps},
                      {"n", n},
                      {"steps", r.steps},
                      {"nfe", r.nfe},
                      {"wall_s", r.wall},
                      {"device", src.device},
                      {"shape", {src.channels, src.size, src.size}}};
  if (ob.cond.active()) j["known_max_error"] = r.knownError;
  if (!guidance.is_null()) j["guidance"] = guidance;
  if (nearest >= 0) j["nearest_training_rms"] = nearest;
  if (!s.out.empty()) j["out"] = s.out;
  if (!quality.is_null()) j.update(quality);
  if (s.json) return (void)std::printf("%s\n", j.dump().c_str());
  std::printf("%lld samples in %.1f s (%lld steps, %lld score evaluations)%s%s\n",
              static_cast<long long>(n), r.wall, static_cast<long long>(r.steps),
              static_cast<long long>(r.nfe), s.out.empty() ? "" : ", wrote ", s.out.c_str());
  if (ob.inpaint) std::printf("known pixels: max |x - observation| = %.3g\n", r.knownError);
  if (ob.colorize) std::printf("grey level: max |grey(x) - observation| = %.3g\n", r.knownError);
  if (nearest >= 0)
    std::printf("RMS distance to the nearest training image: %.4f per pixel (0 = memorized)\n",
                nearest);
  if (!quality.is_null()) printImageQuality(quality, n);
}

// The task flags that contradict each other or lack their partner; "" when they agree.
std::string taskFlagsError(const SampleOptions& s, bool inpaint, bool colorize) {
  if (inpaint && colorize) return "choose one of inpainting and colorization";
  if (!inpaint && (!s.mask.empty() || !s.maskPreset.empty()))
    return "--mask and --mask-preset need --inpaint IMAGE.png or --inpaint-index K";
  if (!s.mask.empty() && !s.maskPreset.empty()) return "choose one of --mask and --mask-preset";
  return "";
}

}  // namespace

int runImageSample(const AppOptions& o, const SampleOptions& s,
                   std::shared_ptr<const train::ModelSnapshot> snap) {
  const char* cmd = "sample";
  const int64_t n = s.nGiven ? s.n : 64;
  if (n < 1 || n > 1024)
    return fail(cmd, "--n (" + std::to_string(n) + ") must lie in [1, 1024] for images");
  if (!s.out.empty())
    if (auto ok = checkOutputName(s.out, "--out", ".png", "image samples as a PNG grid"); !ok)
      return fail(cmd, ok.error().message);
  Observation ob;
  ob.inpaint = !s.inpaint.empty() || s.inpaintIndex >= 0;
  ob.colorize = !s.colorize.empty() || s.colorizeIndex >= 0;
  if (auto e = taskFlagsError(s, ob.inpaint, ob.colorize); !e.empty()) return fail(cmd, e);
  auto srcOr = imageSourceFrom(o, s, std::move(snap));
  if (!srcOr) return fail(cmd, srcOr.error().message);
  auto& src = srcOr.value();
  if (!o.epsGiven) src.sde = scene::imageSamplingSde(src.sde);
  if (ob.colorize && src.channels != 3)
    return fail(cmd, "colorization needs an RGB dataset (this one has " +
                         std::to_string(src.channels) + " channel)");
  auto cfg = samplerFrom(s, src.sde->config());
  if (!cfg) return fail(cmd, cfg.error().message);
  auto guidance = guideImages(src, o, s);
  if (!guidance) return fail(cmd, guidance.error().message);
  ImageSamples r;
  try {
    if (auto seen = observe(ob, src, o, s); !seen) return fail(cmd, seen.error().message);
    if (!s.json)
      std::printf("%s of %s (%d×%d×%d), %s SDE, score: %s, %s, %lld samples, %s\n", ob.task.c_str(),
                  src.data.c_str(), src.channels, src.size, src.size,
                  std::string(sde::toString(src.sde->kind())).c_str(), src.scoreName.c_str(),
                  sample::runKindLabel(cfg.value()).c_str(), static_cast<long long>(n),
                  src.device.c_str());
    r = sampleImages(src, cfg.value(), ob, n, o, s);
  } catch (const std::exception& e) {
    return fail(cmd, e.what());
  }
  if (!s.out.empty()) {
    auto tiles = r.samples.clamp(0, 1);
    if (ob.shown.defined()) tiles = torch::cat({ob.shown.unsqueeze(0).to(torch::kCPU), tiles});
    auto written = data::writePng(s.out, data::imageGrid(tiles, s.cols > 0 ? s.cols : 8));
    if (!written) return fail(cmd, written.error().message);
  }
  nlohmann::json quality;
  if (s.metrics) {
    auto q = imageQuality(r.samples, src.data);
    if (!q) return fail(cmd, q.error().message);
    quality = q.value();
  }
  reportImageSamples(src, ob, r, n, nearestTrainingRms(src, s, r.samples), guidance.value(),
                     quality, s);
  return 0;
}

int runImageNll(const AppOptions& o, const SampleOptions& s,
                std::shared_ptr<const train::ModelSnapshot> snap) {
  const char* cmd = "nll";
  if (s.model.empty())
    return fail(cmd,
                "bits/dim needs a trained model (--model FILE): the exact empirical score "
                "memorizes its training images and puts no mass anywhere else");
  const int64_t wanted = s.nGiven ? s.n : 256;
  if (wanted < 1) return fail(cmd, "--n (" + std::to_string(wanted) + ") must be at least 1");
  auto srcOr = imageSourceFrom(o, s, std::move(snap));
  if (!srcOr) return fail(cmd, srcOr.error().message);
  auto& src = srcOr.value();
  auto cfgOr = likelihoodConfigFrom(o, s);
  if (!cfgOr) return fail(cmd, cfgOr.error().message);
  const likelihood::LikelihoodConfig cfg = cfgOr.value();
  // Test images: Fashion-MNIST's test split; other sets their first n images.
  std::string spec = src.data;
  if (spec == "fashion-mnist" || spec == "fashion-mnist:train") spec = "fashion-mnist:test";
  {
    auto set = datasetFor(src, spec, wanted);
    if (!set) return fail(cmd, set.error().message);
    src.set = std::move(set.value());
  }
  const int64_t n = std::min<int64_t>(wanted, src.set.size());
  const int64_t dims = src.set.images[0].numel();
  if (!s.json)
    std::printf("bits/dim of %lld images of %s with %s, %s divergence, RK45 rtol %g atol %g\n",
                static_cast<long long>(n), spec.c_str(), src.scoreName.c_str(),
                likelihood::toString(cfg.divergence).c_str(), cfg.rtol, cfg.atol);
  const auto start = Clock::now();
  std::vector<torch::Tensor> bpds;
  int64_t nfe = 0;
  const int64_t batch = 32;
  const bool bar = !s.json && isatty(STDERR_FILENO);
  try {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(o.seed + 7);
    for (int64_t i = 0; i < n; i += batch) {
      const int64_t b = std::min(batch, n - i);
      auto x =
          likelihood::dequantize(src.set.images.narrow(0, i, b), gen).to(torch::Device(src.device));
      auto r = likelihood::logLikelihood(*src.score, *src.sde, x, cfg);
      bpds.push_back(likelihood::bitsPerDim(r.logp.to(torch::kCPU), dims, 8.0));
      nfe += r.nfe;
      if (bar) {
        auto sofar = torch::cat(bpds);
        progressBar(static_cast<double>(i + b) / n,
                    std::to_string(i + b) + "/" + std::to_string(n) + "  bits/dim " +
                        std::to_string(sofar.mean().item<double>()));
      }
    }
  } catch (const std::exception& e) {
    return fail(cmd, e.what());
  }
  if (bar) std::fprintf(stderr, "\n");
  auto all = torch::cat(bpds);
  const double mean = all.mean().item<double>();
  const double se = n > 1 ? all.std().item<double>() / std::sqrt(static_cast<double>(n)) : 0.0;
  const double wall = secondsSince(start);
  if (s.json) {
    nlohmann::json j = {{"data", spec},
                        {"score", src.scoreName},
                        {"n", n},
                        {"bits_per_dim", mean},
                        {"bits_per_dim_se", se},
                        {"nfe", nfe},
                        {"divergence", likelihood::toString(cfg.divergence)},
                        {"wall_s", wall},
                        {"device", src.device}};
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf(
        "bits/dim: %.4f ± %.4f (standard error, %lld images, dequantized, offset 8 for [0,1])\n",
        mean, se, static_cast<long long>(n));
    std::printf("%lld drift evaluations in %.1f s\n", static_cast<long long>(nfe), wall);
  }
  return 0;
}

}  // namespace ss::app

// scorescope train: trains on the calling thread with a progress bar on a terminal and
// writes the checkpoint atomically; --json ends with one JSON object.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "app/cli/commands.h"
#include "app/cli/train_run.h"
#include "core/common/memory_budget.h"
#include "core/common/runtime.h"
#include "core/data/image_dataset.h"
#include "core/train/checkpoint.h"
#include "core/train/divergence.h"
#include "core/train/problem.h"
#include "core/train/train_step.h"

namespace ss::app {

namespace {

void progress(int64_t step, int64_t total, double smoothed, double rate) {
  const int width = 30;
  const int filled = static_cast<int>(width * step / std::max<int64_t>(total, 1));
  std::fprintf(stderr, "\r[%.*s%.*s] %lld/%lld  loss %.4g  %.0f steps/s ", filled,
               "==============================", width - filled, "                              ",
               static_cast<long long>(step), static_cast<long long>(total), smoothed, rate);
  std::fflush(stderr);
}

}  // namespace

namespace {

// The training settings the options give, with the 2D or image defaults; errors name the flag.
Expected<train::TrainConfig> trainConfigFrom(const AppOptions& o, const TrainOptions& t,
                                             bool images) {
  train::TrainConfig cfg;
  if (t.lrGiven && !(t.lr > 0)) {
    char got[32];
    std::snprintf(got, sizeof got, "%g", t.lr);
    return Error{std::string("--lr must be a positive number (got ") + got + ")"};
  }
  if (t.batchGiven && t.batch < 1)
    return Error{"--batch must be at least 1 (got " + std::to_string(t.batch) + ")"};
  cfg.lr = t.lrGiven ? t.lr : (images ? 5e-4 : 2e-3);
  cfg.batch = t.batchGiven ? t.batch : (images ? 32 : 512);
  // A step's activations, gradients and noise per example: measured about 250 bytes for the
  // 2D MLP (batch 1e6: 250 MB) and a few MB for a small U-Net image; estimated 4× above.
  const double perExample = images ? 4e6 : 1e3;
  if (auto m = checkMemory(perExample * cfg.batch, "--batch " + std::to_string(cfg.batch)); !m)
    return m.error();
  cfg.seed = o.seed;
  cfg.emaDecay = t.ema;
  cfg.warmup = t.warmup;
  cfg.gradClip = t.clip;
  if (!images && !t.precondition.empty())
    return Error{"--precondition applies to the image U-Net: 2D trains the MLP"};
  const bool edm = images && t.precondition != "none";
  auto weighting =
      train::parseWeighting(t.weighting.empty() ? (edm ? "edm" : "sigma2") : t.weighting);
  if (!weighting) return Error{"--weighting: " + weighting.error().message};
  auto objective = train::parseObjective(t.objective);
  if (!objective) return Error{"--objective: " + objective.error().message};
  cfg.loss.weighting = weighting.value();
  cfg.loss.objective = objective.value();
  cfg.loss.importanceSampling = t.importanceSampling;
  if (t.cfgDropout >= 0 && !t.conditional)
    return Error{"--cfg-dropout drops labels of a class-conditional model: add --conditional"};
  if (t.conditional && images)
    return Error{
        "--conditional trains the 2D MLP on labelled points; image datasets train the "
        "unconditional U-Net (classifier guidance: sample --class K)"};
  if (t.cfgDropout >= 0) cfg.cfgDropout = t.cfgDropout;
  if (auto e = cfg.validate(); !e) {
    if (e.error().message.rfind("cfg_dropout", 0) == 0)
      return Error{"--cfg-dropout (" + std::to_string(t.cfgDropout) + ") must be in [0, 1)"};
    return e.error();
  }
  if (t.net != "auto" && t.net != "mlp" && t.net != "unet")
    return Error{"unknown --net '" + t.net + "': choose auto, mlp or unet"};
  if (images && t.net == "mlp") return Error{"images train the U-Net: drop --net mlp"};
  if (!images && t.net == "unet")
    return Error{"--net unet needs an image dataset (--data fashion-mnist, …)"};
  return cfg;
}

// The MLP of --width and --depth, or for images the U-Net preset at the images' size.
Expected<nn::NetConfig> netConfigFrom(const TrainOptions& t, bool images,
                                      const train::Problem& problem) {
  nn::NetConfig net;
  net.mlp.width = t.width;
  net.mlp.depth = t.depth;
  if (t.conditional) {
    if (problem.classes < 2)
      return Error{
          "--conditional needs labelled data (mixture components, a CSV with x,y,label "
          "rows, two or more classes); this data has " +
          std::to_string(problem.classes) + " class"};
    net.mlp.classes = problem.classes;
  }
  if (images) {
    const auto& x = problem.data;
    auto unet = nn::unetPreset(t.preset, static_cast<int>(x.size(1)), static_cast<int>(x.size(2)));
    if (!unet) return unet.error();
    net.kind = nn::NetKind::UNet;
    net.unet = unet.value();
    if (t.precondition == "none") net.unet.sigmaData = 0;
  }
  if (auto e = net.validate(); !e) return e.error();
  return net;
}

}  // namespace

Expected<TrainedLoss> trainSteps(train::TrainStep& step, const TrainOptions& t, double lr) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const bool bar = !t.json && isatty(STDERR_FILENO);
  double first = 0, smoothed = 0;
  int64_t firstCount = 0;
  auto lastDraw = Clock::now();
  train::DivergenceWatch watch;
  for (int64_t i = 0; i < t.steps; ++i) {
    const auto r = step.step();
    if (watch.diverged(r.loss)) {
      char now[32];
      std::snprintf(now, sizeof now, "%g", lr);
      if (bar) std::fprintf(stderr, "\n");
      return Error{"training diverged at step " + std::to_string(i + 1) + ": " + watch.reason() +
                   "; nothing was written. Try a smaller --lr (now " + now + ")."};
    }
    if (i < 20) first += r.loss, ++firstCount;
    smoothed = i == 0 ? r.loss : 0.98 * smoothed + 0.02 * r.loss;
    if (bar && (Clock::now() - lastDraw > std::chrono::milliseconds(100) || i + 1 == t.steps)) {
      lastDraw = Clock::now();
      const double secs = std::chrono::duration<double>(lastDraw - start).count();
      progress(i + 1, t.steps, smoothed, (i + 1) / std::max(secs, 1e-9));
    }
  }
  if (bar) std::fprintf(stderr, "\n");
  return TrainedLoss{first / std::max<int64_t>(firstCount, 1), smoothed};
}

int runTrain(const AppOptions& o, const TrainOptions& t) {
  if (!t.from.empty()) return runTrainFrom(o, t);
  using Clock = std::chrono::steady_clock;
  auto sde = sdeConfigFrom(o);
  if (!sde) return fail("train", sde.error().message);
  auto device = computeDeviceFrom(o);
  if (!device) return fail("train", device.error().message);
  if (t.steps < 1)
    return fail("train", "--steps (" + std::to_string(t.steps) + ") must be at least 1");
  const bool images = data::isImageDatasetSpec(o.data);
  auto cfg = trainConfigFrom(o, t, images);
  if (!cfg) return fail("train", cfg.error().message);
  auto problem = train::buildProblem(o.data, sde.value(), cfg.value().datasetSize, o.seed, o.limit);
  if (!problem) return fail("train", problem.error().message);
  auto net = netConfigFrom(t, images, problem.value());
  if (!net) return fail("train", net.error().message);
  if (images && !t.json) std::printf("%s\n", problem.value().summary.c_str());
  if (sde.value().kind == sde::SdeKind::VE && sde.value().sigmaMaxIsAuto() && !t.json)
    std::printf("VE: sigma_max = %.4g (the data's diameter)\n", problem.value().sde.sigmaMax);
  if (t.conditional && !t.json)
    std::printf("class-conditional: %d classes, labels dropped to the null class with p = %g\n",
                net.value().mlp.classes, cfg.value().cfgDropout);

  const auto start = Clock::now();
  std::unique_ptr<train::TrainStep> step;
  try {
    train::TrainStep::Setup setup{net.value(), problem.value().sdeObject, problem.value().data,
                                  cfg.value(), torch::Device(device.value())};
    setup.labels = problem.value().labels;
    step = std::make_unique<train::TrainStep>(std::move(setup));
  } catch (const std::exception& e) {
    return fail("train", e.what());
  }
  auto loss = trainSteps(*step, t, cfg.value().lr);
  if (!loss) return fail("train", loss.error().message);
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  train::CheckpointMeta meta{o.data,      problem.value().sde, net.value(),
                             cfg.value(), step->steps(),       appVersion()};
  return finishTraining(*step, meta, loss.value(), wall, t, device.value());
}

int finishTraining(const train::TrainStep& step, const train::CheckpointMeta& meta,
                   const TrainedLoss& loss, double wall, const TrainOptions& t,
                   const std::string& device) {
  if (!t.out.empty()) {
    auto saved = train::saveCheckpoint(t.out, step, meta);
    if (!saved) return fail("train", saved.error().message);
  }
  if (t.json) {
    nlohmann::json j = {{"steps", step.steps()},
                        {"initial_loss", loss.initial},
                        {"final_loss", loss.smoothed},
                        {"steps_per_s", t.steps / wall},
                        {"device", device},
                        {"wall_s", wall},
                        {"batch", meta.train.batch},
                        {"data", meta.data},
                        {"sde", std::string(sde::toString(meta.sde.kind))},
                        {"classes", meta.net.mlp.classes},
                        {"out", t.out}};
    if (!t.from.empty()) j["from"] = t.from;  // "steps" counts the checkpoint's own as well
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("trained %lld steps in %.1f s (%.0f steps/s on %s): loss %.4g -> %.4g%s%s\n",
                static_cast<long long>(t.steps), wall, t.steps / wall, device.c_str(), loss.initial,
                loss.smoothed, t.out.empty() ? "" : ", wrote ", t.out.c_str());
  }
  return 0;
}

}  // namespace ss::app

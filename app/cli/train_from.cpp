// scorescope train --from CKPT: continues a checkpoint on its own data, SDE and network, with
// its optimizer, EMA, RNG and step count; the optimizer and loss flags given replace its
// settings (fine-tuning with another weighting), flags that would change the model are refused.
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "app/cli/train_run.h"
#include "core/common/memory_budget.h"
#include "core/common/runtime.h"
#include "core/train/problem.h"

namespace ss::app {

namespace {

bool isGiven(const TrainOptions& t, const char* flag) {
  return std::find(t.given.begin(), t.given.end(), flag) != t.given.end();
}

// The first flag given that describes the model or its data, which --from takes from the
// checkpoint; empty when there is none.
std::string modelFlagGiven(const TrainOptions& t) {
  static const char* const kAllowed[] = {"--from",      "--steps",
                                         "--out",       "--json",
                                         "--device",    "--threads",
                                         "--lr",        "--batch",
                                         "--ema",       "--warmup",
                                         "--clip",      "--weighting",
                                         "--objective", "--importance-sampling"};
  for (const auto& f : t.given)
    if (std::none_of(std::begin(kAllowed), std::end(kAllowed),
                     [&](const char* a) { return f == a; }))
      return f;
  return {};
}

// The checkpoint's training settings with the flags given put in their place.
Expected<train::TrainConfig> continuedConfig(train::TrainConfig cfg, const TrainOptions& t) {
  if (isGiven(t, "--lr")) {
    if (!(t.lr > 0)) return Error{"--lr must be a positive number"};
    cfg.lr = t.lr;
  }
  if (isGiven(t, "--batch")) {
    if (t.batch < 1) return Error{"--batch must be at least 1"};
    cfg.batch = t.batch;
  }
  if (isGiven(t, "--weighting")) {
    auto w = train::parseWeighting(t.weighting);
    if (!w) return Error{"--weighting: " + w.error().message};
    cfg.loss.weighting = w.value();
  }
  if (isGiven(t, "--objective")) {
    auto obj = train::parseObjective(t.objective);
    if (!obj) return Error{"--objective: " + obj.error().message};
    cfg.loss.objective = obj.value();
  }
  if (isGiven(t, "--importance-sampling")) cfg.loss.importanceSampling = t.importanceSampling;
  if (isGiven(t, "--ema")) cfg.emaDecay = t.ema;
  if (isGiven(t, "--warmup")) cfg.warmup = t.warmup;
  if (isGiven(t, "--clip")) cfg.gradClip = t.clip;
  if (auto e = cfg.validate(); !e) return e.error();
  return cfg;
}

}  // namespace

int runTrainFrom(const AppOptions& o, const TrainOptions& t) {
  using Clock = std::chrono::steady_clock;
  if (auto f = modelFlagGiven(t); !f.empty())
    return fail("train", f + " describes the model or its data, which --from takes from " + t.from +
                             ": drop it, or train a new model without --from");
  if (t.steps < 1)
    return fail("train", "--steps (" + std::to_string(t.steps) + ") must be at least 1");
  auto device = computeDeviceFrom(o);
  if (!device) return fail("train", device.error().message);
  auto meta = train::readCheckpointMeta(t.from);
  if (!meta) return fail("train", "--from: " + meta.error().message);
  auto cfg = continuedConfig(meta.value().train, t);
  if (!cfg) return fail("train", cfg.error().message);
  const double perExample = meta.value().net.kind == nn::NetKind::UNet ? 4e6 : 1e3;
  if (auto m = checkMemory(perExample * cfg.value().batch, "--batch"); !m)
    return fail("train", m.error().message);
  auto problem = train::buildProblem(meta.value().data, meta.value().sde,
                                     meta.value().train.datasetSize, meta.value().train.seed);
  if (!problem)
    return fail("train", t.from + ": its dataset cannot be loaded: " + problem.error().message);
  auto step = train::loadCheckpoint(t.from, problem.value().data, torch::Device(device.value()),
                                    problem.value().labels);
  if (!step) return fail("train", "--from: " + step.error().message);
  step.value()->setConfig(cfg.value());
  if (!t.json)
    std::printf("continuing %s from step %lld (%s)\n", t.from.c_str(),
                static_cast<long long>(step.value()->steps()), meta.value().data.c_str());
  const auto start = Clock::now();
  auto loss = trainSteps(*step.value(), t, cfg.value().lr);
  if (!loss) return fail("train", loss.error().message);
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  auto out = meta.value();
  out.train = cfg.value();
  out.step = step.value()->steps();
  out.appVersion = appVersion();
  return finishTraining(*step.value(), out, loss.value(), wall, t, device.value());
}

}  // namespace ss::app

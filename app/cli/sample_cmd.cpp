// scorescope sample / nll: the samplers and the PF-ODE likelihood from the command line,
// with a trained checkpoint or the exact score of the toy. Sample-quality metrics against
// fresh true samples (and the true density when the data is a mixture). --json ends with
// one JSON object on the last line.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "app/cli/commands.h"
#include "app/cli/score_source.h"
#include "core/common/memory_budget.h"
#include "core/common/runtime.h"
#include "core/data/toy.h"
#include "core/likelihood/likelihood.h"
#include "core/metrics/metrics.h"
#include "core/sample/sampler.h"
#include "core/score/cfg_score.h"
#include "core/score/exact_score.h"
#include "core/score/guided_score.h"
#include "core/train/model_open.h"
#include "core/train/problem.h"
#include "core/train/snapshot.h"
#include "core/train/trainer.h"

namespace ss::app {

namespace {

using Clock = std::chrono::steady_clock;

// What a 2D point costs while it is sampled or its likelihood computed: the particles, the
// sampler's buffers and the exact score's per-component temporaries (measured: --n 1000000
// with the exact 8gaussians score peaks about 1 GB above the program's own).
constexpr double kBytesPerPoint = 1024;

constexpr const char* kNoDataset =
    "the model's metadata names no dataset, so there is no data to compare with (add "
    "\"dataset\" to its scorescope.json or --model-meta)";

}  // namespace

Expected<Source> sourceFrom(const AppOptions& o, const SampleOptions& s) {
  if (s.model.empty() == s.score.empty())
    return Error{
        "choose exactly one of --model FILE (a checkpoint or TorchScript model) or --score exact"};
  auto device = computeDeviceFrom(o);
  if (!device) return device.error();
  Source src;
  src.device = device.value();
  if (!s.model.empty()) {
    auto snap = train::loadModelSnapshot(s.model, src.device, modelOpenOptions(o, s.classLabel));
    if (!snap) return snap.error();
    src.conditional = snap.value()->meta && snap.value()->meta->classes > 0;
    src.snap = snap.value();
    if (snap.value()->meta) src.dim = snap.value()->meta->dim;
    src.score = snap.value()->scoreFn();
    auto sde = modelSde(o, snap.value()->sde);
    if (!sde) return sde.error();
    src.sde = sde.value();
    src.data = snap.value()->data;
    src.scoreName = std::string(snap.value()->imported ? "imported (" : "learned (") + s.model +
                    ", " + snap.value()->provenance() + ")";
  } else {
    if (s.score != "exact")
      return Error{"unknown --score '" + s.score + "': the only choice is exact"};
    auto sde = sdeConfigFrom(o);
    if (!sde) return sde.error();
    auto problem = train::buildProblem(o.data, sde.value(), 4096, o.seed);
    if (!problem) return problem.error();
    src.sde = problem.value().sdeObject;
    src.data = o.data;
  }
  if (src.data.empty()) return src;  // an imported model that names no dataset: samples only
  auto toy = data::makeToy(src.data);
  if (!toy) return toy.error();
  src.toy = toy.value();
  if (!src.score) {
    src.score = score::exactScoreFor(*src.toy, src.sde, 4096, o.seed);
    src.scoreName = src.toy->mixture() ? "exact (mixture)" : "exact (empirical, 4096 points)";
  }
  return src;
}

namespace {

std::string describe(const sample::SamplerConfig& c) {
  if (c.kind == sample::SamplerKind::Ode) {
    std::string d = "probability-flow ODE, " + sample::toString(c.solver);
    if (c.solver == sample::OdeSolver::Rk45)
      return d + " (rtol " + std::to_string(c.rtol) + ", atol " + std::to_string(c.atol) + ")";
    d += ", " + std::to_string(c.steps) + " steps on the " +
         sample::toString(sample::scheduleOf(c)) + " grid";
    if (sample::scheduleOf(c) == sample::TimeSchedule::Karras)
      d += " (rho " + std::to_string(c.rho) + ")";
    if (c.eta > 0) d += ", eta " + std::to_string(c.eta);
    if (c.churn > 0) d += ", churn " + std::to_string(c.churn);
    return d;
  }
  std::string d = "PC: " + sample::toString(c.predictor) + " + " + sample::toString(c.corrector);
  if (c.corrector == sample::Corrector::Langevin)
    d +=
        " (snr " + std::to_string(c.snr) + ", " + std::to_string(c.correctorSteps) + " step/level)";
  return d + ", " + std::to_string(c.steps) + " steps";
}

void progress(const sample::RunState& st, const sample::SamplerConfig& c, double T) {
  const int width = 30;
  const double frac = std::clamp(1.0 - st.t / T, 0.0, 1.0);
  const int filled = static_cast<int>(width * frac);
  std::fprintf(
      stderr, "\r[%.*s%.*s] t = %.4f  step %lld%s%d  nfe %lld ", filled,
      "==============================", width - filled, "                              ", st.t,
      static_cast<long long>(st.step),
      c.kind == sample::SamplerKind::Ode && c.solver == sample::OdeSolver::Rk45 ? "" : "/",
      c.kind == sample::SamplerKind::Ode && c.solver == sample::OdeSolver::Rk45 ? 0 : c.steps,
      static_cast<long long>(st.nfe));
  std::fflush(stderr);
}

}  // namespace

namespace {

// --class: guidance toward a mixture component by its exact posterior (MATH.md §6).
Expected<bool> guideByClass(Source& src, const SampleOptions& s) {
  std::optional<data::GaussianMixture> gm;
  if (src.toy) gm = src.toy->mixture();
  if (!gm)
    return Error{"--class needs a mixture dataset (its components are the classes); " + src.data +
                 " has none"};
  try {
    auto clf = std::make_shared<score::MixtureClassifier>(*gm, src.sde);
    auto guided = std::make_shared<score::GuidedScore>(src.score, clf, s.classLabel, s.guidance);
    src.scoreName = guided->name();
    src.score = guided;
  } catch (const std::exception& e) {
    return Error{e.what()};
  }
  return true;
}

// --class K --cfg W: classifier-free guidance s + w (s(x | K) − s) (MATH.md §6), with the
// exact scores of a mixture (--score exact) or a class-conditional checkpoint's two outputs.
// A conditional checkpoint with --class alone samples its conditional (w = 1).
Expected<bool> guideFree(Source& src, const SampleOptions& s) {
  if (s.classLabel < 0) return Error{"--cfg W guides toward a class: add --class K"};
  if (s.guidanceGiven)
    return Error{
        "--cfg (classifier-free guidance) and --guidance (classifier guidance) are two "
        "ways to guide toward --class: give one"};
  const double w = s.cfgGiven ? s.cfg : 1.0;
  try {
    score::checkGuidanceScale(w);
    if (src.snap) {
      if (src.snap->cfgClasses() == 0)
        return Error{"--cfg needs a class-conditional model (scorescope train --conditional); " +
                     s.model +
                     " is unconditional (--class with --guidance W guides it by a "
                     "classifier instead)"};
      if (const int k = src.snap->cfgClasses(); s.classLabel >= k)
        return Error{"--class " + std::to_string(s.classLabel) + " is outside [0, " +
                     std::to_string(k) + ") (the model's classes, 0-based)"};
      auto cond = std::make_shared<nn::ClassScoreFn>(src.snap->ema, src.snap->sde, s.classLabel);
      src.score = std::make_shared<score::CfgScore>(src.score, cond, s.classLabel, w);
    } else {
      std::optional<data::GaussianMixture> gm;
      if (src.toy) gm = src.toy->mixture();
      if (!gm)
        return Error{
            "--cfg with --score exact needs a mixture dataset (its components are the "
            "classes, with exact scores); " +
            src.data + " has none"};
      src.score = score::exactCfgScore(*gm, src.sde, s.classLabel, w);
    }
  } catch (const std::exception& e) {
    return Error{std::string("--cfg: ") + e.what()};
  }
  src.scoreName = src.score->name();
  return true;
}

struct SampledRun {
  torch::Tensor samples;  // [n, 2] float64 on the CPU
  int64_t nfe = 0, steps = 0;
};

// The sampler from the prior to the end, with a progress bar on a terminal.
Expected<SampledRun> runSampler(const AppOptions& o, const SampleOptions& s, const Source& sc,
                                const sample::SamplerConfig& cfg) {
  try {
    auto xT =
        sample::SamplerRun::priorDraw(*sc.sde, s.n, {sc.dim}, o.seed, torch::Device(sc.device));
    sample::SamplerRun run(sc.score, sc.sde, cfg, xT, o.seed + 1);
    runToEnd(run, cfg, sc.sde->T(), !s.json && isatty(STDERR_FILENO));
    return SampledRun{run.result().to(torch::kCPU, torch::kFloat64), run.state().nfe,
                      run.state().step};
  } catch (const std::exception& e) {
    return Error{e.what()};
  }
}

// --metrics: sw2 and energy distance against fresh true samples with their floors; for a
// mixture also nll_true, the Monte Carlo entropy and the mode weights.
Expected<bool> addMetrics(nlohmann::json& j, const AppOptions& o, const SampleOptions& s,
                          const Source& sc, const torch::Tensor& samples) {
  if (!sc.toy) return Error{kNoDataset};
  try {
    torch::NoGradGuard noGrad;
    auto truth = sc.toy->sample(s.n, o.seed + 101).x.to(torch::kFloat64);
    auto truth2 = sc.toy->sample(s.n, o.seed + 202).x.to(torch::kFloat64);
    j["sw2"] = metrics::slicedWasserstein2(samples, truth, 256, o.seed);
    j["sw2_floor"] = metrics::slicedWasserstein2(truth2, truth, 256, o.seed);
    j["energy"] = metrics::energyDistance(samples, truth, 4000, o.seed);
    j["energy_floor"] = metrics::energyDistance(truth2, truth, 4000, o.seed);
    if (auto gm = sc.toy->mixture()) {
      j["nll_true"] = metrics::mixtureNll(*gm, samples);
      auto big = sc.toy->sample(1000000, o.seed + 303).x.to(torch::kFloat64);
      j["entropy"] = metrics::mixtureNll(*gm, big);  // Monte Carlo on 1M true samples
      auto w = metrics::modeWeights(*gm, samples).to(torch::kFloat64).contiguous();
      j["mode_weights"] =
          std::vector<double>(w.data_ptr<double>(), w.data_ptr<double>() + w.numel());
      auto tw = gm->weights.to(torch::kCPU, torch::kFloat64).contiguous();
      j["true_weights"] =
          std::vector<double>(tw.data_ptr<double>(), tw.data_ptr<double>() + tw.numel());
    } else {
      j["nll_true"] = nullptr;  // no closed-form density for this dataset
    }
  } catch (const std::exception& e) {
    return Error{std::string("metrics: ") + e.what()};
  }
  return true;
}

void printSummary(const nlohmann::json& j, const SampleOptions& s, const std::string& data,
                  double wall) {
  const auto steps = j["steps"].get<int64_t>(), nfe = j["nfe"].get<int64_t>();
  std::printf("%lld samples in %.2f s: %lld steps, %lld score evaluations%s%s\n",
              static_cast<long long>(s.n), wall, static_cast<long long>(steps),
              static_cast<long long>(nfe), s.out.empty() ? "" : ", wrote ", s.out.c_str());
  if (s.metrics) {
    std::printf("sw2 %.4f (floor: two true sets %.4f)   energy %.5f (floor %.5f)\n",
                j["sw2"].get<double>(), j["sw2_floor"].get<double>(), j["energy"].get<double>(),
                j["energy_floor"].get<double>());
    if (!j["nll_true"].is_null())
      std::printf("nll_true %.4f nats (true entropy %.4f, Monte Carlo on 1M samples)\n",
                  j["nll_true"].get<double>(), j["entropy"].get<double>());
    else
      std::printf("nll_true: not available (%s has no closed-form density)\n", data.c_str());
  }
}

}  // namespace

void runToEnd(sample::SamplerRun& run, const sample::SamplerConfig& cfg, double T, bool bar) {
  auto lastDraw = Clock::now();
  while (!run.state().done) {
    run.step();
    if (bar && (Clock::now() - lastDraw > std::chrono::milliseconds(100) || run.state().done)) {
      lastDraw = Clock::now();
      progress(run.state(), cfg, T);
    }
  }
  if (bar) std::fprintf(stderr, "\n");
}

int runSample(const AppOptions& o, const SampleOptions& s) {
  const char* cmd = "sample";
  {
    std::shared_ptr<const train::ModelSnapshot> snap;
    std::string error;
    if (isImageRun(o, s, &snap, &error)) {
      if (s.cfgGiven)
        return fail(cmd,
                    "--cfg (classifier-free guidance) works on 2D data; images are guided by a "
                    "classifier (--class K --guidance W) or a class-conditional imported model");
      return runImageSample(o, s, snap);
    }
    if (!error.empty()) return fail(cmd, error);
  }
  if (!s.inpaint.empty() || s.inpaintIndex >= 0 || !s.colorize.empty() || s.colorizeIndex >= 0)
    return fail(cmd,
                "--inpaint and --colorize work on image datasets (--data fashion-mnist, twemoji, a "
                "folder)");
  if (s.n < 1) return fail(cmd, "--n (" + std::to_string(s.n) + ") must be at least 1");
  if (auto m = checkMemory(kBytesPerPoint * static_cast<double>(s.n), "--n " + std::to_string(s.n));
      !m)
    return fail(cmd, m.error().message);
  if (!s.out.empty())
    if (auto ok = checkOutputName(s.out, "--out", ".csv", "2D samples as CSV"); !ok)
      return fail(cmd, ok.error().message);
  auto src = sourceFrom(o, s);
  if (!src) return fail(cmd, src.error().message);
  auto cfg = samplerFrom(s, src.value().sde->config());
  if (!cfg) return fail(cmd, cfg.error().message);
  const bool cfgModel = src.value().snap && src.value().snap->cfgClasses() > 0;
  if (s.cfgGiven || (cfgModel && s.classLabel >= 0)) {
    if (auto g = guideFree(src.value(), s); !g) return fail(cmd, g.error().message);
  } else if (s.classLabel >= 0 && !src.value().conditional) {
    if (auto g = guideByClass(src.value(), s); !g) return fail(cmd, g.error().message);
  }
  const auto& sc = src.value();
  if (!s.json) {
    std::printf("%s on %s, %s SDE, score: %s, %lld particles, %s\n", describe(cfg.value()).c_str(),
                sc.data.c_str(), std::string(sde::toString(sc.sde->kind())).c_str(),
                sc.scoreName.c_str(), static_cast<long long>(s.n), sc.device.c_str());
    if (sc.sde->kind() == sde::SdeKind::VE && s.model.empty() && o.sigmaMax == 0)
      std::printf("VE: sigma_max = %.4g (the data's diameter)\n", sc.sde->config().sigmaMax);
  }

  const auto start = Clock::now();
  auto ran = runSampler(o, s, sc, cfg.value());
  if (!ran) return fail(cmd, ran.error().message);
  const torch::Tensor& samples = ran.value().samples;
  const int64_t nfe = ran.value().nfe, steps = ran.value().steps;
  const double wall = secondsSince(start);

  if (!s.out.empty()) {
    auto written = data::writePointsCsv(s.out, samples.to(torch::kFloat32));
    if (!written) return fail(cmd, written.error().message);
  }

  nlohmann::json j = {{"data", sc.data},
                      {"sde", std::string(sde::toString(sc.sde->kind()))},
                      {"eps", sc.sde->eps()},
                      {"score", sc.scoreName},
                      {"sampler", describe(cfg.value())},
                      {"n", s.n},
                      {"steps", steps},
                      {"nfe", nfe},
                      {"wall_s", wall},
                      {"device", sc.device}};
  if (!s.out.empty()) j["out"] = s.out;
  if (s.classLabel >= 0) j["class"] = s.classLabel;
  if (auto* c = dynamic_cast<const score::CfgScore*>(sc.score.get())) j["cfg"] = c->scale();
  if (s.metrics)
    if (auto m = addMetrics(j, o, s, sc, samples); !m) return fail(cmd, m.error().message);

  if (s.json) {
    std::printf("%s\n", j.dump().c_str());
    return 0;
  }
  printSummary(j, s, sc.data, wall);
  return 0;
}

Expected<likelihood::LikelihoodConfig> likelihoodConfigFrom(const AppOptions& o,
                                                            const SampleOptions& s) {
  likelihood::LikelihoodConfig cfg;
  cfg.rtol = s.rtol;
  cfg.atol = s.atol;
  cfg.probes = s.probes;
  cfg.seed = o.seed;
  auto div = likelihood::parseDivergence(s.divergence);
  if (!div) return div.error();
  cfg.divergence = div.value();
  auto probe = likelihood::parseProbe(s.probe);
  if (!probe) return probe.error();
  cfg.probe = probe.value();
  if (auto e = cfg.validate(); !e) return e.error();
  return cfg;
}

int runNll(const AppOptions& o, const SampleOptions& s) {
  {
    std::shared_ptr<const train::ModelSnapshot> snap;
    std::string error;
    if (isImageRun(o, s, &snap, &error)) return runImageNll(o, s, snap);
    if (!error.empty()) return fail("nll", error);
  }
  const char* cmd = "nll";
  if (s.n < 1) return fail(cmd, "--n (" + std::to_string(s.n) + ") must be at least 1");
  if (auto m = checkMemory(kBytesPerPoint * static_cast<double>(s.n), "--n " + std::to_string(s.n));
      !m)
    return fail(cmd, m.error().message);
  auto src = sourceFrom(o, s);
  if (!src) return fail(cmd, src.error().message);
  const auto& sc = src.value();
  if (!sc.toy) return fail(cmd, kNoDataset);
  auto cfgOr = likelihoodConfigFrom(o, s);
  if (!cfgOr) return fail(cmd, cfgOr.error().message);
  const likelihood::LikelihoodConfig cfg = cfgOr.value();
  if (!s.json)
    std::printf(
        "NLL through the probability-flow ODE (RK45, rtol %g, atol %g) of %lld fresh "
        "samples of %s, %s SDE, score: %s, %s\n",
        cfg.rtol, cfg.atol, static_cast<long long>(s.n), sc.data.c_str(),
        std::string(sde::toString(sc.sde->kind())).c_str(), sc.scoreName.c_str(),
        sc.device.c_str());

  const auto start = Clock::now();
  likelihood::LikelihoodResult r;
  torch::Tensor x;
  try {
    x = sc.toy->sample(s.n, o.seed + 101).x.to(torch::Device(sc.device), torch::kFloat64);
    r = likelihood::logLikelihood(*sc.score, *sc.sde, x, cfg);
  } catch (const std::exception& e) {
    return fail(cmd, e.what());
  }
  const double wall = secondsSince(start);
  const double nll = -r.logp.mean().item<double>();
  const double bpd = likelihood::bitsPerDim(r.logp, 2).mean().item<double>();
  nlohmann::json j = {{"data", sc.data},
                      {"sde", std::string(sde::toString(sc.sde->kind()))},
                      {"score", sc.scoreName},
                      {"n", s.n},
                      {"nll", nll},
                      {"bits_per_dim", bpd},
                      {"nfe", r.nfe},
                      {"steps", r.steps},
                      {"divergence", r.exactDivergence ? "exact" : "hutchinson"},
                      {"wall_s", wall},
                      {"device", sc.device}};
  if (auto gm = sc.toy->mixture()) {
    const double truth = metrics::mixtureNll(*gm, x.to(torch::kCPU));
    j["nll_true"] = truth;
    j["gap"] = nll - truth;
  } else {
    j["nll_true"] = nullptr;
  }
  if (s.json) {
    std::printf("%s\n", j.dump().c_str());
    return 0;
  }
  std::printf(
      "model NLL %.4f nats (%.4f bits/dim), %lld score evaluations (%lld RK45 steps, "
      "%s divergence) in %.2f s\n",
      nll, bpd, static_cast<long long>(r.nfe), static_cast<long long>(r.steps),
      r.exactDivergence ? "exact" : "Hutchinson", wall);
  if (!j["nll_true"].is_null())
    std::printf("true NLL of the same points %.4f nats; gap %+.4f\n", j["nll_true"].get<double>(),
                j["gap"].get<double>());
  else
    std::printf("true NLL: not available (%s has no closed-form density)\n", sc.data.c_str());
  return 0;
}

}  // namespace ss::app

// The probe paths are integrated here with the samplers' single updates (core/sample/
// steps.h) rather than with SamplerRun, which always starts at T: a probe starts at any t.
// The reverse SDE walks the main run's time grid linspace(T, end, steps) from the first grid
// time at or below t, so a probe's steps are the main run's steps from there on.
#include "core/scene/probe_worker.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/common/error.h"
#include "core/data/toy.h"
#include "core/sample/steps.h"
#include "core/score/exact_score_cache.h"
#include "core/train/snapshot.h"

namespace ss::scene {

struct ProbeWorkerCache {
  score::ExactScoreCache exact;
};

namespace {

constexpr int64_t kMaxPoints = 4096;

void append(ProbePath& path, const torch::Tensor& x, double t) {
  auto c = x.to(torch::kCPU, torch::kFloat32).contiguous();
  path.xy.insert(path.xy.end(), c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  path.times.push_back(t);
}

void checkFinite(const torch::Tensor& x, double t, const char* what) {
  if (!torch::isfinite(x).all().item<bool>()) {
    std::ostringstream s;
    s << "probe: the " << what << " path became NaN/Inf at t = " << t;
    throw Failure(s.str());
  }
}

// What the PC sampler's grid-based updates read (see SamplerRun's constructor).
struct Grids {
  std::shared_ptr<const sde::Sde> grid;
  torch::Tensor ddpmBetas, smldSigmas;
};

Grids gridsFor(const sde::Sde& s, const sample::SamplerConfig& cfg) {
  Grids g;
  const auto& sc = s.config();
  const int n = cfg.steps;
  sde::SdeConfig gc = sc;
  gc.N = n;
  g.grid = sde::Sde::create(gc);
  if (sc.kind == sde::SdeKind::VE)
    g.smldSigmas = torch::exp(
        torch::linspace(std::log(sc.sigmaMin), std::log(sc.sigmaMax), n, torch::kFloat64));
  else
    g.ddpmBetas = torch::linspace(sc.betaMin / n, sc.betaMax / n, n, torch::kFloat64);
  return g;
}

// Reverse SDE (PC) from t0 to ε on the main run's grid; the last record is the denoised mean.
template <class Stop>
ProbePath reverseSdePath(const score::ScoreFn& score, const sde::Sde& s,
                         const sample::SamplerConfig& cfg, torch::Tensor x, double t0,
                         uint64_t seed, Stop stop) {
  ProbePath path;
  append(path, x, t0);
  const Grids g = gridsFor(s, cfg);
  sample::detail::Noise noise(seed);
  sample::detail::StepContext c{score,        s,     g.grid.get(), g.ddpmBetas,
                                g.smldSigmas, noise, path.nfe,     cfg.steps};
  const double tEnd = sample::detail::pcEndTime(s, cfg.steps, score);
  auto times = torch::linspace(s.T(), tEnd, cfg.steps, torch::kFloat64);
  const double* ts = times.data_ptr<double>();
  torch::Tensor mean = x;
  for (int i = 0; i < cfg.steps; ++i) {
    if (ts[i] > t0 + 1e-12) continue;
    if (stop()) break;
    sample::detail::Update u{x, x};
    if (cfg.corrector == sample::Corrector::Langevin)
      u = sample::detail::langevinUpdate(c, u.x, ts[i], cfg.snr, cfg.correctorSteps);
    u = sample::detail::predictorUpdate(cfg.predictor, c, u.x, ts[i]);
    x = u.x;
    mean = u.xMean;
    checkFinite(x, ts[i], "reverse SDE");
    const bool last = i + 1 == cfg.steps;
    append(path, last && cfg.denoise ? mean : x, last ? tEnd : ts[i + 1]);
  }
  return path;
}

// The probability-flow ODE from t0 to t1 (either direction): Dormand–Prince with the
// config's tolerances, or the fixed-step solver over `steps` equal steps.
template <class Stop>
ProbePath odePath(const score::ScoreFn& score, const sde::Sde& s, const sample::SamplerConfig& cfg,
                  torch::Tensor x, double t0, double t1, Stop stop) {
  ProbePath path;
  append(path, x, t0);
  sample::detail::Noise unused(0);
  sample::detail::StepContext c{score, s, nullptr, {}, {}, unused, path.nfe, cfg.steps};
  const auto f = sample::detail::probabilityFlowDrift(c);
  double t = t0;
  if (cfg.solver == sample::OdeSolver::Rk45) {
    sample::detail::DormandPrince rk(cfg.rtol, cfg.atol, t1);
    while (t != t1 && !stop()) {
      rk.step(f, x, t);
      checkFinite(x, t, "ODE");
      append(path, x, t);
    }
    return path;
  }
  const int n = std::max(1, static_cast<int>(std::ceil(cfg.steps * std::abs(t1 - t0) / s.T())));
  const double h = (t1 - t0) / n;
  for (int i = 0; i < n && !stop(); ++i) {
    x = sample::detail::fixedOdeStep(cfg.solver, f, x, t, h);
    t = i + 1 == n ? t1 : t0 + (i + 1) * h;
    checkFinite(x, t, "ODE");
    append(path, x, t);
  }
  return path;
}

}  // namespace

void computeProbeWorker(ProbeRequest& req, RequestWorker<ProbeRequest, ProbeResult>& w,
                        ProbeWorkerCache& cache) {
  torch::NoGradGuard noGrad;
  const int64_t n = static_cast<int64_t>(req.points.size() / 2);
  if (n < 1 || req.points.size() % 2 != 0) throw Failure("a probe needs at least one point (x, y)");
  if (n > kMaxPoints)
    throw Failure("a probe takes at most " + std::to_string(kMaxPoints) + " points");
  for (float v : req.points)
    if (!std::isfinite(v)) throw Failure("a probe point is NaN or infinite");
  req.sde.validate().take();
  req.sampler.validate(req.sde).take();

  const auto& exact = cache.exact.get(req.data, req.sde).exact;
  std::shared_ptr<const score::ScoreFn> scoreFn = exact;
  auto sdeObj = sde::Sde::create(req.sde);
  torch::Device device = torch::kCPU;
  auto result = std::make_shared<ProbeResult>();
  result->scoreName = exact->name();
  // As in the RunWorker: a snapshot serves only its own data and SDE, once trained.
  if (req.model && train::snapshotFits(*req.model, req.data, req.sde)) {
    scoreFn = req.model->scoreFn();
    sdeObj = req.model->sde;
    device = req.model->device;
    result->scoreName = "learned (step " + std::to_string(req.model->step) + ")";
  }
  result->kind = req.kind;
  result->id = req.id;
  result->n = n;
  auto x = torch::from_blob(req.points.data(), {n, 2}, torch::kFloat32).clone().to(device);
  auto stop = [&] { return w.superseded(); };
  if (req.kind == ProbeKind::Encode) {
    result->t = sdeObj->eps();
    result->ode = odePath(*scoreFn, *sdeObj, req.sampler, x, sdeObj->eps(), sdeObj->T(), stop);
  } else {
    // The score is singular at t = 0: a probe dropped at t < ε starts at ε.
    const double t0 = std::clamp(req.t, sdeObj->eps(), sdeObj->T());
    result->t = t0;
    result->ode = odePath(*scoreFn, *sdeObj, req.sampler, x, t0, sdeObj->eps(), stop);
    result->sde = reverseSdePath(*scoreFn, *sdeObj, req.sampler, x, t0, req.seed, stop);
  }
  if (!w.superseded()) w.publish(std::move(result));
}

ProbeWorker::ProbeWorker()
    : RequestWorker<ProbeRequest, ProbeResult>(
          [cache = std::make_shared<ProbeWorkerCache>()](
              ProbeRequest& req, RequestWorker<ProbeRequest, ProbeResult>& w) {
            computeProbeWorker(req, w, *cache);
          }) {}

}  // namespace ss::scene

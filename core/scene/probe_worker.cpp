// The probe paths are SamplerRuns over a RunSpan: the reverse SDE from the drop time t on
// the main run's grid (its steps from the first grid time at or below t, so a probe's steps
// are the main run's steps from there on), the probability-flow ODE from t down to ε, or up
// from ε to T for an encoded point. A probe of one particle follows the path the main run
// would give that particle from there with the same noise seed.
#include "core/scene/probe_worker.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "core/common/error.h"
#include "core/data/toy.h"
#include "core/sample/sampler.h"
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

// One path: the batch x at t0, then the run's state after every step until it ends (its
// result last: x̄ when a PC run denoises) or `stop` says the request is moot.
template <class Stop>
ProbePath follow(std::shared_ptr<const score::ScoreFn> score, std::shared_ptr<const sde::Sde> s,
                 sample::SamplerConfig cfg, sample::SamplerKind kind, const torch::Tensor& x,
                 uint64_t seed, sample::RunSpan span, double t0, Stop stop) {
  ProbePath path;
  append(path, x, t0);
  cfg = sample::forKind(cfg, kind);
  if (span.to > span.from) cfg.eta = cfg.churn = 0;  // an encoding: the deterministic ODE
  const char* what = kind == sample::SamplerKind::Pc ? "reverse SDE" : "ODE";
  try {
    sample::SamplerRun run(std::move(score), std::move(s), cfg, x, seed, {}, {}, span);
    while (!run.state().done && !stop()) {
      run.step();
      const auto& st = run.state();
      append(path, st.done ? run.result() : st.x, st.t);
    }
    path.nfe = run.state().nfe;
  } catch (const Failure& e) {
    throw Failure(std::string("probe: the ") + what + " path: " + e.what());
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
  sample::forKind(req.sampler, req.sampler.kind).validate(req.sde).take();

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
    result->scoreName = "learned (" + req.model->label() + ")";
  }
  result->kind = req.kind;
  result->id = req.id;
  result->n = n;
  auto x = torch::from_blob(req.points.data(), {n, 2}, torch::kFloat32).clone().to(device);
  auto stop = [&] { return w.superseded(); };
  using sample::SamplerKind;
  const double eps = sdeObj->eps(), T = sdeObj->T();
  if (req.kind == ProbeKind::Encode) {
    result->t = eps;
    result->ode =
        follow(scoreFn, sdeObj, req.sampler, SamplerKind::Ode, x, req.seed, {eps, T}, eps, stop);
  } else {
    // The score is singular at t = 0: a probe dropped at t < ε starts at ε.
    const double t0 = std::clamp(req.t, eps, T);
    result->t = t0;
    result->ode =
        follow(scoreFn, sdeObj, req.sampler, SamplerKind::Ode, x, req.seed, {t0, eps}, t0, stop);
    result->sde =
        follow(scoreFn, sdeObj, req.sampler, SamplerKind::Pc, x, req.seed, {t0}, t0, stop);
  }
  if (!w.superseded()) w.publish(std::move(result));
}

ProbeWorker::ProbeWorker() : RequestWorker(withCache(computeProbeWorker)) {}

}  // namespace ss::scene

#include "core/scene/run_worker.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/data/toy.h"
#include "core/metrics/metrics.h"
#include "core/sample/conditional.h"
#include "core/sample/forward.h"
#include "core/sample/sampler.h"
#include "core/score/exact_score_cache.h"
#include "core/score/guided_score.h"
#include "core/train/classifier.h"
#include "core/train/snapshot.h"

namespace ss::scene {

const char* toString(RunMode m) {
  switch (m) {
    case RunMode::Forward:
      return "forward";
    case RunMode::ReverseSde:
      return "sde";
    case RunMode::ProbabilityFlow:
      return "ode";
  }
  return "?";
}

std::shared_ptr<const RunFrame> RunResult::frameAt(double t) const {
  std::shared_ptr<const RunFrame> best;
  double bestDist = 0;
  for (const auto& f : frames) {
    const double d = std::abs(f->t - t);
    if (!best || d < bestDist) best = f, bestDist = d;
  }
  return best;
}

struct RunWorker::Cache {
  score::ExactScoreCache exact;
};

namespace {

std::vector<float> toVector(const torch::Tensor& t) {
  auto c = t.to(torch::kCPU, torch::kFloat32).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

RunMetrics metricsOf(const data::ToyDistribution& toy, const torch::Tensor& samples,
                     uint64_t seed) {
  RunMetrics m;
  const int64_t n = samples.size(0);
  auto x = samples.to(torch::kCPU, torch::kFloat64);
  auto truth = toy.sample(n, seed + 101).x.to(torch::kFloat64);
  auto truth2 = toy.sample(n, seed + 202).x.to(torch::kFloat64);
  m.sw2 = metrics::slicedWasserstein2(x, truth, 128, seed);
  m.sw2Floor = metrics::slicedWasserstein2(truth2, truth, 128, seed);
  if (auto gm = toy.mixture()) {
    m.hasDensity = true;
    m.nllTrue = metrics::mixtureNll(*gm, x);
    m.entropy = metrics::mixtureNll(*gm, toy.sample(200000, seed + 303).x.to(torch::kFloat64));
    auto w = metrics::modeWeights(*gm, x).to(torch::kFloat64).contiguous();
    m.modeWeights.assign(w.data_ptr<double>(), w.data_ptr<double>() + w.numel());
    auto tw = gm->weights.to(torch::kCPU, torch::kFloat64).contiguous();
    m.trueWeights.assign(tw.data_ptr<double>(), tw.data_ptr<double>() + tw.numel());
  }
  m.valid = std::isfinite(m.sw2);
  return m;
}

// Colour by the angle of a start position around the origin: neighbouring starts share a
// hue, so where each region of the prior (or of the data) ends up is visible.
std::vector<float> angleColour(const torch::Tensor& x) {
  auto c = x.to(torch::kCPU, torch::kFloat64);
  auto a = (torch::atan2(c.select(1, 1), c.select(1, 0)) / (2 * M_PI) + 0.5);
  return toVector(a);
}

}  // namespace

RunWorker::RunWorker()
    : m_cache(std::make_unique<Cache>()),
      m_worker(
          [this](RunRequest& req, RequestWorker<RunRequest, RunResult>& w) { compute(req, w); }) {}

RunWorker::~RunWorker() = default;

void RunWorker::compute(RunRequest& req, RequestWorker<RunRequest, RunResult>& w) {
  using Clock = std::chrono::steady_clock;
  torch::NoGradGuard noGrad;
  if (req.particles < 1 || req.particles > 2'000'000)
    throw std::runtime_error("particles must be between 1 and 2,000,000");
  if (req.maxFrames < 2) throw std::runtime_error("a run keeps at least 2 frames");
  // Whole-cloud frames cost 8 bytes per particle: keep them within ~200 MB.
  const int64_t maxFrames =
      std::max<int64_t>(2, std::min<int64_t>(req.maxFrames, (200ll << 20) / (8 * req.particles)));
  const auto& cached = m_cache->exact.get(req.data, req.sde);
  const data::ToyDistribution& toy = *cached.toy;
  auto sdeObj = sde::Sde::create(req.sde);
  std::shared_ptr<const score::ScoreFn> scoreFn = cached.exact;
  torch::Device device = torch::kCPU;
  std::string scoreName = cached.exact->name();
  // A snapshot serves a run only when it models this data under this SDE and has trained:
  // right after a dataset or SDE change the trainer still publishes the old model for a
  // moment, and a step-0 network is noise.
  if (req.model && !train::snapshotFits(*req.model, req.data, req.sde)) {
    scoreName += " (no trained model for this data and SDE yet)";
  } else if (req.model) {
    scoreFn = req.model->scoreFn();
    sdeObj = req.model->sde;
    device = req.model->device;
    scoreName = "learned (step " + std::to_string(req.model->step) + ")";
  }
  if (req.guideClass >= 0 && req.mode != RunMode::Forward) {
    std::shared_ptr<const score::TimeClassifier> clf;
    if (req.classifier) {
      clf = req.classifier->classifier;
    } else if (auto gm = toy.mixture()) {
      clf = std::make_shared<score::MixtureClassifier>(*gm, sdeObj);
    } else {
      throw std::runtime_error(
          "class guidance needs a mixture (its components are the classes) or a trained "
          "classifier");
    }
    auto guided = std::make_shared<score::GuidedScore>(scoreFn, clf, req.guideClass, req.guidance);
    scoreFn = guided;
    scoreName = guided->name();
  }

  const int64_t n = req.particles;
  const int traced = static_cast<int>(std::min<int64_t>(std::max(req.traced, 0), n));
  sample::TrajectoryOptions traj;
  traj.particles.resize(static_cast<size_t>(traced));
  std::iota(traj.particles.begin(), traj.particles.end(), 0);

  auto result = std::make_shared<RunResult>();
  result->request = req;
  result->n = n;
  result->traced = traced;
  result->scoreName = scoreName;

  // The run as step/state/trajectory callbacks over either kind.
  torch::Tensor moveStart;  // step-through: x(T), where the first move starts
  auto recordMoves = [&moveStart](const RunRequest& r, RunResult& out,
                                  sample::TrajectoryOptions& t) {
    const int64_t m = std::min<int64_t>(
        std::max<int64_t>(out.traced, std::clamp(r.moveParticles, 0, 2000)), r.particles);
    out.moveParticles = static_cast<int>(m);
    t.onMove = [&moveStart, &out, m](const sample::MoveRecord& rec) {
      auto first = [m](const torch::Tensor& x) { return toVector(x.narrow(0, 0, m)); };
      auto mv = std::make_shared<RunMove>();
      mv->corrector = rec.kind == sample::MoveKind::Corrector;
      mv->index = rec.index;
      mv->step = rec.step;
      mv->t = rec.t;
      mv->stepSize = rec.stepSize;
      mv->from = first(moveStart);
      mv->mean = first(rec.xMean);
      mv->x = first(rec.x);
      moveStart = rec.x;
      out.moves.push_back(std::move(mv));
    };
  };
  std::unique_ptr<sample::SamplerRun> reverse;
  std::unique_ptr<sample::ForwardRun> forward;
  int64_t plannedSteps = 0;
  if (req.mode == RunMode::Forward) {
    auto draw = toy.sample(n, req.seed);
    result->colour = toVector(draw.colour);
    plannedSteps = req.sampler.steps;
    forward = std::make_unique<sample::ForwardRun>(
        sdeObj, draw.x.to(torch::kFloat32),
        req.simulatedForward ? sample::ForwardMode::Simulated : sample::ForwardMode::Exact,
        req.sampler.steps, req.seed + 1, traj);
  } else {
    auto cfg = req.sampler;
    cfg.kind =
        req.mode == RunMode::ProbabilityFlow ? sample::SamplerKind::Ode : sample::SamplerKind::Pc;
    auto xT = sample::SamplerRun::priorDraw(*sdeObj, n, {2}, req.seed, device);
    result->colour = angleColour(xT);
    const bool adaptive =
        cfg.kind == sample::SamplerKind::Ode && cfg.solver == sample::OdeSolver::Rk45;
    plannedSteps = adaptive ? 0 : cfg.steps;
    sample::Conditioning cond;
    if (req.fixedAxis == 0 || req.fixedAxis == 1) {
      auto y = torch::zeros({2}, torch::kFloat32);
      auto mask = torch::zeros({2}, torch::kFloat32);
      y[req.fixedAxis] = req.fixedValue;
      mask[req.fixedAxis] = 1.0;
      cond = sample::inpainting(y.to(device), mask.to(device));
    }
    if (req.recordMoves && req.mode == RunMode::ReverseSde) recordMoves(req, *result, traj);
    reverse =
        std::make_unique<sample::SamplerRun>(scoreFn, sdeObj, cfg, xT, req.seed + 1, traj, cond);
    if (traj.onMove) moveStart = reverse->state().x;
  }
  auto state = [&]() -> const sample::RunState& {
    return forward ? forward->state() : reverse->state();
  };
  auto trajectory = [&]() -> const std::vector<torch::Tensor>& {
    return forward ? forward->trajectory() : reverse->trajectory();
  };
  auto trajectoryTimes = [&]() -> const std::vector<double>& {
    return forward ? forward->trajectoryTimes() : reverse->trajectoryTimes();
  };
  const int64_t every =
      plannedSteps > 0 ? std::max<int64_t>(1, (plannedSteps + maxFrames - 2) / (maxFrames - 1)) : 1;

  size_t tracesDone = 0;
  auto addFrame = [&] {
    auto f = std::make_shared<RunFrame>();
    const auto& st = state();
    f->t = st.t;
    f->step = st.step;
    f->nfe = st.nfe;
    // The finished run's samples are the sampler's result: the last mean x̄ when denoising,
    // with known (inpainted) coordinates equal to their values.
    f->x = toVector(reverse && st.done ? reverse->result() : st.x);
    result->frames.push_back(std::move(f));
    const auto& tr = trajectory();
    const auto& tt = trajectoryTimes();
    for (; tracesDone < tr.size(); ++tracesDone) {
      auto v = toVector(tr[tracesDone]);
      result->traces.insert(result->traces.end(), v.begin(), v.end());
      result->traceTimes.push_back(tt[tracesDone]);
      // Tweedie: the score is singular at t = 0, so evaluate at max(t, ε).
      const double te = std::max(tt[tracesDone], sdeObj->eps());
      auto xp = tr[tracesDone].to(device, torch::kFloat32);
      auto tv = torch::full({xp.size(0)}, te, xp.options());
      auto m = sdeObj->marginal(torch::full({1}, te, torch::kFloat64));
      const double a = m.a.item<double>(), sg = m.sigma.item<double>();
      auto x0 = (xp + (sg * sg) * (*scoreFn)(xp, tv)) / a;
      auto w = toVector(x0);
      result->tweedie.insert(result->tweedie.end(), w.begin(), w.end());
    }
    result->nfe = st.nfe;
  };
  auto publish = [&] {
    w.publish(std::make_shared<const RunResult>(*result));  // frames are shared
  };

  addFrame();
  publish();
  auto lastPublish = Clock::now();
  while (!state().done) {
    if (w.superseded()) break;
    if (forward)
      forward->step();
    else
      reverse->step();
    const auto& st = state();
    if (st.done || st.step % every == 0) addFrame();
    if (st.done && reverse) result->metrics = metricsOf(toy, reverse->result(), req.seed);
    if (st.done || Clock::now() - lastPublish > std::chrono::milliseconds(100)) {
      result->done = st.done;
      publish();
      lastPublish = Clock::now();
    }
  }
}

}  // namespace ss::scene

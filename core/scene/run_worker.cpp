#include "core/scene/run_worker.h"

#include "core/scene/frames.h"
#include "core/scene/tensor_floats.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <numeric>

#include "core/data/toy.h"
#include "core/metrics/metrics.h"
#include "core/sample/conditional.h"
#include "core/sample/forward.h"
#include "core/sample/sampler.h"
#include "core/scene/cfg_views.h"
#include "core/score/exact_score_cache.h"
#include "core/score/guided_score.h"
#include "core/train/classifier.h"
#include "core/train/snapshot.h"

namespace ss::scene {

const char* toString(RunMode m) {
  static constexpr const char* kNames[] = {"forward", "sde", "ode"};  // in the enum's order
  const auto i = static_cast<size_t>(m);
  return i < std::size(kNames) ? kNames[i] : "?";
}

double RunResult::secondsLeft() const {
  if (done || plannedSteps <= 0 || step <= 0) return -1;
  return seconds * static_cast<double>(plannedSteps - step) / static_cast<double>(step);
}

std::shared_ptr<const RunFrame> RunResult::frameAt(double t) const {
  return nearestFrame(frames, t);
}

struct RunWorkerCache {
  score::ExactScoreCache exact;
};

namespace {

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

// The recorded frames' paths' straightness (every particle, through every frame).
double framesStraightness(const std::vector<std::shared_ptr<const RunFrame>>& frames, int64_t n) {
  std::vector<torch::Tensor> path;
  for (const auto& f : frames)
    path.push_back(torch::from_blob(const_cast<float*>(f->x.data()), {n, 2}, torch::kFloat32)
                       .to(torch::kFloat64));
  return path.size() < 2 ? std::numeric_limits<double>::quiet_NaN() : metrics::straightness(path);
}

// Colour by the angle of a start position around the origin: neighbouring starts share a
// hue, so where each region of the prior (or of the data) ends up is visible.
std::vector<float> angleColour(const torch::Tensor& x) {
  auto c = x.to(torch::kCPU, torch::kFloat64);
  auto a = (torch::atan2(c.select(1, 1), c.select(1, 0)) / (2 * M_PI) + 0.5);
  return toFloats(a);
}

// The score a run samples with: the exact one, or the request's model when it fits this data
// and SDE and has trained (right after a dataset or SDE change the trainer still publishes
// the old model for a moment, and a step-0 network is noise); guided toward a class when
// asked (by the mixture's exact posterior or the trained classifier).
struct RunScore {
  std::shared_ptr<const score::ScoreFn> fn;
  std::shared_ptr<const sde::Sde> sde;
  torch::Device device = torch::kCPU;
  std::string name;
};

// Classifier-free guidance: the model's own when it is class-conditional, else exact.
RunScore classifierFree(const RunRequest& req, const score::ExactScoreCache::Entry& cached,
                        RunScore s) {
  const bool useModel = req.model && train::snapshotFits(*req.model, req.data, req.sde);
  auto fn = useModel ? learnedCfg(req.model.get(), req.guideClass, req.guidance) : nullptr;
  if (!fn) {
    fn = exactCfg(*cached.toy, sde::Sde::create(req.sde), req.guideClass, req.guidance);
    if (!fn)
      throw std::runtime_error(
          "classifier-free guidance needs a class-conditional model or a mixture (whose "
          "components' exact scores give the exact CFG score)");
    s.sde = sde::Sde::create(req.sde);
    s.device = torch::kCPU;
  }
  s.fn = fn;
  s.name = fn->name();
  if (useModel && req.model->cfgClasses() == 0) s.name += " (the model is unconditional)";
  return s;
}

RunScore runScore(const RunRequest& req, const score::ExactScoreCache::Entry& cached) {
  RunScore s{cached.exact, sde::Sde::create(req.sde), torch::kCPU, cached.exact->name()};
  if (req.model && !train::snapshotFits(*req.model, req.data, req.sde)) {
    s.name += " (no trained model for this data and SDE yet)";
  } else if (req.model) {
    s.fn = req.model->scoreFn();
    s.sde = req.model->sde;
    s.device = req.model->device;
    s.name = "learned (" + req.model->label() + ")";
  }
  if (req.guideClass < 0 || req.mode == RunMode::Forward) return s;
  if (req.classifierFree) return classifierFree(req, cached, std::move(s));
  std::shared_ptr<const score::TimeClassifier> clf;
  if (req.classifier) {
    clf = req.classifier->classifier;
  } else if (auto gm = cached.toy->mixture()) {
    clf = std::make_shared<score::MixtureClassifier>(*gm, s.sde);
  } else {
    throw std::runtime_error(
        "class guidance needs a mixture (its components are the classes) or a trained "
        "classifier");
  }
  auto guided = std::make_shared<score::GuidedScore>(s.fn, clf, req.guideClass, req.guidance);
  s.fn = guided;
  s.name = guided->name();
  return s;
}

// Step-through: each predictor and corrector move of the first m particles (the traced ones
// at least, up to 2000) as a RunMove, from where the last one ended (`from` starts at x(T)).
void recordMoves(const RunRequest& r, RunResult& out, sample::TrajectoryOptions& t,
                 torch::Tensor& from) {
  const int64_t m = std::min<int64_t>(
      std::max<int64_t>(out.traced, std::clamp(r.moveParticles, 0, 2000)), r.particles);
  out.moveParticles = static_cast<int>(m);
  t.onMove = [&from, &out, m](const sample::MoveRecord& rec) {
    auto first = [m](const torch::Tensor& x) { return toFloats(x.narrow(0, 0, m)); };
    auto mv = std::make_shared<RunMove>();
    mv->corrector = rec.kind == sample::MoveKind::Corrector;
    mv->index = rec.index;
    mv->step = rec.step;
    mv->t = rec.t;
    mv->stepSize = rec.stepSize;
    mv->from = first(from);
    mv->mean = first(rec.xMean);
    mv->x = first(rec.x);
    from = rec.x;
    out.moves.push_back(std::move(mv));
  };
}

// A forward run or a reverse one (SDE or PF-ODE), stepped alike.
struct Stepper {
  std::unique_ptr<sample::SamplerRun> reverse;
  std::unique_ptr<sample::ForwardRun> forward;
  int64_t plannedSteps = 0;  // 0: adaptive (RK45)
  const sample::RunState& state() const { return forward ? forward->state() : reverse->state(); }
  const std::vector<torch::Tensor>& trajectory() const {
    return forward ? forward->trajectory() : reverse->trajectory();
  }
  const std::vector<double>& trajectoryTimes() const {
    return forward ? forward->trajectoryTimes() : reverse->trajectoryTimes();
  }
  void step() {
    if (forward)
      forward->step();
    else
      reverse->step();
  }
  // The run's samples now: the sampler's result once done (the last mean x̄ when denoising,
  // with known inpainted coordinates equal to their values), else the current x.
  torch::Tensor shown() const { return reverse && state().done ? reverse->result() : state().x; }
};

// The run the request asks for, its colours in `result`, trajectories of the traced
// particles, and (step-through) its moves, starting from `moveStart`.
Stepper makeStepper(const RunRequest& req, const data::ToyDistribution& toy, const RunScore& sc,
                    RunResult& result, sample::TrajectoryOptions traj, torch::Tensor& moveStart) {
  Stepper s;
  const int64_t n = req.particles;
  if (req.mode == RunMode::Forward) {
    auto draw = toy.sample(n, req.seed);
    result.colour = toFloats(draw.colour);
    s.plannedSteps = req.sampler.steps;
    s.forward = std::make_unique<sample::ForwardRun>(
        sc.sde, draw.x.to(torch::kFloat32),
        req.simulatedForward ? sample::ForwardMode::Simulated : sample::ForwardMode::Exact,
        req.sampler.steps, req.seed + 1, traj);
    return s;
  }
  auto cfg =
      sample::forKind(req.sampler, req.mode == RunMode::ProbabilityFlow ? sample::SamplerKind::Ode
                                                                        : sample::SamplerKind::Pc);
  auto xT = sample::SamplerRun::priorDraw(*sc.sde, n, {2}, req.seed, sc.device);
  result.colour = angleColour(xT);
  const bool adaptive =
      cfg.kind == sample::SamplerKind::Ode && cfg.solver == sample::OdeSolver::Rk45;
  s.plannedSteps = adaptive ? 0 : cfg.steps;
  sample::Conditioning cond;
  if (req.fixedAxis == 0 || req.fixedAxis == 1) {
    auto y = torch::zeros({2}, torch::kFloat32);
    auto mask = torch::zeros({2}, torch::kFloat32);
    y[req.fixedAxis] = req.fixedValue;
    mask[req.fixedAxis] = 1.0;
    cond = sample::inpainting(y.to(sc.device), mask.to(sc.device));
  }
  if (req.recordMoves && req.mode == RunMode::ReverseSde) recordMoves(req, result, traj, moveStart);
  s.reverse =
      std::make_unique<sample::SamplerRun>(sc.fn, sc.sde, cfg, xT, req.seed + 1, traj, cond);
  if (traj.onMove) moveStart = s.reverse->state().x;
  return s;
}

// The traced particles' new trajectory records with their Tweedie estimates
// x̂₀ = (x + σ² s(x, t)) / a, the score evaluated at max(t, ε) (it is singular at 0): one
// score call for every new record together (a call per record cost a few % of a cheap run).
void appendTraces(RunResult& result, const Stepper& run, const RunScore& sc, size_t& done) {
  const auto& tr = run.trajectory();
  const auto& tt = run.trajectoryTimes();
  if (done >= tr.size()) return;
  std::vector<torch::Tensor> xs;
  std::vector<double> te;
  for (; done < tr.size(); ++done) {
    auto v = toFloats(tr[done]);
    result.traces.insert(result.traces.end(), v.begin(), v.end());
    result.traceTimes.push_back(tt[done]);
    xs.push_back(tr[done]);
    te.push_back(std::max(tt[done], sc.sde->eps()));
  }
  const int64_t traced = xs.front().size(0);
  auto xp = torch::cat(xs).to(sc.device, torch::kFloat32);
  auto t64 = torch::tensor(te, torch::kFloat64).repeat_interleave(traced);
  auto m = sc.sde->marginal(t64);
  auto s2 = (m.sigma * m.sigma).to(xp.options()).unsqueeze(1);
  auto a = m.a.to(xp.options()).unsqueeze(1);
  auto x0 = (xp + s2 * (*sc.fn)(xp, t64.to(xp.options()))) / a;
  auto w = toFloats(x0);
  result.tweedie.insert(result.tweedie.end(), w.begin(), w.end());
}

// The traced paths keep at most ~kTraceRecords points each, whatever the steps (1e6 steps
// must not grow a record per step); step-through records every move, so it is bounded.
sample::TrajectoryOptions traceOptions(const RunRequest& req, int traced) {
  constexpr int kTraceRecords = 2000, kMaxMoveSteps = 20000;
  if (req.recordMoves && req.mode == RunMode::ReverseSde && req.sampler.steps > kMaxMoveSteps)
    throw std::runtime_error("step-through records every move: at most " +
                             std::to_string(kMaxMoveSteps) + " steps (this run has " +
                             std::to_string(req.sampler.steps) + ")");
  sample::TrajectoryOptions traj;
  traj.every = std::max(1, req.sampler.steps / kTraceRecords);
  traj.particles.resize(static_cast<size_t>(traced));
  std::iota(traj.particles.begin(), traj.particles.end(), 0);
  return traj;
}

}  // namespace

void computeRunWorker(RunRequest& req, RequestWorker<RunRequest, RunResult>& w,
                      RunWorkerCache& cache) {
  using Clock = std::chrono::steady_clock;
  torch::NoGradGuard noGrad;
  if (req.particles < 1 || req.particles > 2'000'000)
    throw std::runtime_error("particles must be between 1 and 2,000,000");
  if (req.maxFrames < 2) throw std::runtime_error("a run keeps at least 2 frames");
  // Whole-cloud frames cost 8 bytes per particle: keep them within ~200 MB.
  const int64_t maxFrames =
      std::max<int64_t>(2, std::min<int64_t>(req.maxFrames, (200ll << 20) / (8 * req.particles)));
  const auto& cached = cache.exact.get(req.data, req.sde);
  const RunScore sc = runScore(req, cached);
  const int traced = static_cast<int>(std::min<int64_t>(std::max(req.traced, 0), req.particles));
  sample::TrajectoryOptions traj = traceOptions(req, traced);
  auto result = std::make_shared<RunResult>();
  result->request = req;
  result->n = req.particles;
  result->traced = traced;
  result->scoreName = sc.name;
  torch::Tensor moveStart;  // step-through: where the next move starts
  Stepper run = makeStepper(req, *cached.toy, sc, *result, traj, moveStart);
  const int64_t every =
      run.plannedSteps > 0
          ? std::max<int64_t>(1, (run.plannedSteps + maxFrames - 2) / (maxFrames - 1))
          : 1;
  size_t tracesDone = 0;
  auto addFrame = [&] {
    auto f = std::make_shared<RunFrame>();
    const auto& st = run.state();
    f->t = st.t;
    f->step = st.step;
    f->nfe = st.nfe;
    f->x = toFloats(run.shown());
    // Adaptive runs (RK45) keep their frames within the budget by thinning every other one.
    if (run.plannedSteps == 0 && static_cast<int64_t>(result->frames.size()) >= maxFrames) {
      std::vector<std::shared_ptr<const RunFrame>> kept;
      for (size_t i = 0; i < result->frames.size(); i += 2) kept.push_back(result->frames[i]);
      result->frames = std::move(kept);
    }
    result->frames.push_back(std::move(f));
    appendTraces(*result, run, sc, tracesDone);
    result->nfe = st.nfe;
  };
  const auto started = Clock::now();
  result->plannedSteps = run.plannedSteps;
  auto publish = [&] {  // frames are shared
    result->step = run.state().step;
    result->seconds = std::chrono::duration<double>(Clock::now() - started).count();
    w.publish(std::make_shared<const RunResult>(*result));
  };
  addFrame();
  publish();
  auto lastPublish = Clock::now();
  while (!run.state().done) {
    if (w.superseded()) break;
    run.step();
    const auto& st = run.state();
    if (st.done || st.step % every == 0) addFrame();
    if (st.done || Clock::now() - lastPublish > std::chrono::milliseconds(100)) {
      result->done = st.done;
      publish();
      lastPublish = Clock::now();
    }
  }
  // The final frame is out; its figures follow (sorting the projections of sw2 costs a few
  // % of a cheap run: the run itself does not wait for them).
  if (!run.state().done || w.superseded()) return;
  if (run.reverse) result->metrics = metricsOf(*cached.toy, run.reverse->result(), req.seed);
  if (req.mode == RunMode::ProbabilityFlow)
    result->metrics.straightness = framesStraightness(result->frames, req.particles);
  w.publish(std::make_shared<const RunResult>(*result));
}

RunWorker::RunWorker() : RequestWorker(withCache(computeRunWorker)) {}

}  // namespace ss::scene

// SamplerRun: the PC loop and the probability-flow ODE, one step() at a time (MATH.md §4).
//
// Time grids. PC: step i (0-based) evaluates at t_i = linspace(T, eps, steps)[i] with
// Δt = −T/steps, as the reference's pc_sampler (with a stiff score on VP or sub-VP the grid
// ends at max(eps, T/steps) instead: pcEndTime). The discrete SMLD/DDPM grids that the
// reverse-diffusion and ancestral predictors and the Langevin step size index by
// floor(t (N−1)/T) are built with N = config.steps (the given Sde itself when its N equals
// steps), so changing `steps` runs exactly the reference with sde.N = steps.
// Fixed-step ODE solvers take `steps` steps over steps + 1 times from T to eps, equal in t
// (linspace) or spaced by config.schedule (time_grid.h: log-SNR, Karras), so they end exactly
// at eps; DDIM, DPM-Solver++(2M), DPM-Solver-3 and EDM's Heun among them (solver_steps.cpp).
// RK45 runs from T to eps, one accepted step per step().
// state().t: PC, the time the next step evaluates at (t_k after k steps, its end at the end);
// ODE, the integration time. A RunSpan starts PC later on the same grid (the first grid time
// at or below its start) and runs the ODE between any two times, either way.
#include "core/sample/sampler.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/common/error.h"
#include "core/sample/steps.h"
#include "core/sample/time_grid.h"

namespace ss::sample {

struct SamplerRun::Impl {
  std::shared_ptr<const score::ScoreFn> score;
  std::shared_ptr<const sde::Sde> sde;
  std::shared_ptr<const sde::Sde> grid;  // same kind, N = steps (PC only; may be null)
  torch::Tensor ddpmBetas, smldSigmas;
  torch::Tensor xT;
  torch::Tensor particles;  // int64 indices on xT's device (empty: no trajectories)
  int every = 1;
  std::function<void(const MoveRecord&)> onMove;  // step-through (PC only; may be empty)
  uint64_t noiseSeed;
  detail::Noise noise;
  detail::DormandPrince rk45;
  detail::SolverStepper solver;  // DDIM, DPM-Solver++(2M), DPM-Solver-3, EDM Heun
  std::vector<double> times;     // PC: steps times; fixed-step ODE: its steps + 1 times
  double tStart = 0;             // the span's start (T by default)
  double tEnd = 0;               // PC: the last time a step evaluates at (pcEndTime); ODE: its end
  int64_t first = 0;             // PC: the grid index of the span's first step
  // Conditioning (undefined when none): y in the mixed basis [1 or B, ...], the mask, the
  // basis and its own noise stream (replayed by rewind), and the ODE's fixed z.
  torch::Tensor condY, condMask, basis, odeZ;
  detail::Noise condNoise;

  Impl(const SamplerConfig& cfg, const sde::Sde& s, uint64_t seed)
      : noiseSeed(seed),
        noise(seed),
        rk45(cfg.rtol, cfg.atol, s.eps()),
        solver(cfg),
        condNoise(seed ^ 0x9e3779b97f4a7c15ull) {}

  bool conditioned() const { return condY.defined(); }
  // B x and B⁻¹ x = Bᵀ x over dim 1.
  torch::Tensor mix(const torch::Tensor& x) const {
    return basis.defined() ? x.movedim(1, -1).matmul(basis.t()).movedim(-1, 1) : x;
  }
  torch::Tensor unmix(const torch::Tensor& x) const {
    return basis.defined() ? x.movedim(1, -1).matmul(basis).movedim(-1, 1) : x;
  }
  // B⁻¹[(1−m)⊙Bx + m⊙known]
  torch::Tensor paste(const torch::Tensor& x, const torch::Tensor& known) const {
    return unmix(mix(x) * (1 - condMask) + known * condMask);
  }

  detail::StepContext context(int64_t& nfe, int steps) {
    return {*score, *sde, grid.get(), ddpmBetas, smldSigmas, noise, nfe, steps, scoreThreads};
  }
  int scoreThreads = 0;  // set by step(): the thread's OpenMP team size before it went serial
};

namespace {

std::vector<double> linspace(double a, double b, int n) {
  auto t = torch::linspace(a, b, n, torch::kFloat64);
  return {t.data_ptr<double>(), t.data_ptr<double>() + n};
}

// The solvers SolverStepper runs (the rest of the fixed-step ones are fixedOdeStep's).
bool fieldSolver(OdeSolver s) {
  return s == OdeSolver::Ddim || s == OdeSolver::DpmPp2m || s == OdeSolver::DpmSolver3 ||
         s == OdeSolver::EdmHeun;
}

std::string shapeString(at::IntArrayRef s) {
  std::ostringstream o;
  o << s;
  return o.str();
}

}  // namespace

void SamplerRun::setUpConditioning(Impl& im, const Conditioning& c, const torch::Tensor& xT) {
  const auto opts = xT.options();
  auto y = c.observation.detach().to(opts);
  if (y.dim() == xT.dim() - 1) y = y.unsqueeze(0);
  if (y.dim() != xT.dim() || (y.size(0) != 1 && y.size(0) != xT.size(0)) ||
      y.sizes().slice(1) != xT.sizes().slice(1))
    throw Failure("the observation's shape " + shapeString(c.observation.sizes()) +
                  " does not match the samples' " + shapeString(xT.sizes().slice(1)));
  if (!c.mask.defined()) throw Failure("conditioning needs a mask (1 = known, 0 = unknown)");
  auto m = c.mask.detach().to(opts);
  try {
    (void)(m * y);
  } catch (const std::exception&) {
    throw Failure("the mask's shape " + shapeString(c.mask.sizes()) +
                  " does not broadcast to the observation's " + shapeString(y.sizes()));
  }
  if (m.numel() == 0 || (m < 0).any().item<bool>() || (m > 1).any().item<bool>())
    throw Failure("mask values must lie in [0, 1] (1 = known)");
  if (c.basis.defined()) {
    auto q = c.basis.detach().to(opts);
    if (xT.dim() < 2 || q.dim() != 2 || q.size(0) != q.size(1) || q.size(0) != xT.size(1))
      throw Failure("the colour basis must be a [C, C] matrix over the samples' channels");
    auto err = (q.matmul(q.t()) - torch::eye(q.size(0), opts)).abs().max().item<double>();
    if (!(err < 1e-4)) throw Failure("the colour basis must be orthogonal (B Bᵀ = I)");
    im.basis = q;
  }
  im.condMask = m;
  im.condY = im.mix(y);
}

namespace {

// The last time of a PC grid of `steps` steps: ε, or for a stiff score (the exact
// empirical one) on VP and sub-VP max(ε, T/steps), so the last step ends at t = 0 instead
// of overshooting past it (the grid notes above).
double pcEndTime(const sde::Sde& sde, int steps, const score::ScoreFn& score) {
  const double eps = sde.eps();
  if (!score.stiffNearZero() || sde.kind() == sde::SdeKind::VE || steps < 1) return eps;
  return std::max(eps, sde.T() / steps);
}

bool needsGrid(const SamplerConfig& c) {
  return c.kind == SamplerKind::Pc &&
         (c.predictor == Predictor::ReverseDiffusion || c.predictor == Predictor::Ancestral ||
          c.corrector == Corrector::Langevin);
}

}  // namespace

SamplerRun::SamplerRun(std::shared_ptr<const score::ScoreFn> score,
                       std::shared_ptr<const sde::Sde> sde, SamplerConfig config, torch::Tensor xT,
                       uint64_t noiseSeed, TrajectoryOptions trajectories,
                       Conditioning conditioning, RunSpan span)
    : m_config(config) {
  if (!score) throw Failure("SamplerRun needs a score");
  if (!sde) throw Failure("SamplerRun needs an SDE");
  config.validate(sde->config()).take();
  if (!xT.defined() || xT.dim() < 1 || xT.size(0) == 0)
    throw Failure("SamplerRun needs a non-empty batch x(T) [B, ...]");
  if (!xT.is_floating_point()) throw Failure("x(T) must be a floating-point tensor");
  if (trajectories.every < 1) {
    std::ostringstream s;
    s << "trajectory every (" << trajectories.every << ") must be at least 1";
    throw Failure(s.str());
  }
  for (int64_t p : trajectories.particles)
    if (p < 0 || p >= xT.size(0)) {
      std::ostringstream s;
      s << "trajectory particle " << p << " is outside the batch [0, " << xT.size(0) << ")";
      throw Failure(s.str());
    }

  m_impl = std::make_shared<Impl>(config, *sde, noiseSeed);
  auto& im = *m_impl;
  im.score = std::move(score);
  im.sde = std::move(sde);
  im.xT = xT.detach().clone();
  im.every = trajectories.every;
  im.onMove = std::move(trajectories.onMove);
  if (!trajectories.particles.empty())
    im.particles = torch::tensor(trajectories.particles, torch::kLong).to(xT.device());
  if (conditioning.active()) setUpConditioning(im, conditioning, xT);

  const sde::SdeConfig& sc = im.sde->config();
  if (needsGrid(config)) {
    if (config.steps == sc.N) {
      im.grid = im.sde;
    } else {
      sde::SdeConfig g = sc;
      g.N = config.steps;
      im.grid = sde::Sde::create(g);
    }
    const int n = config.steps;
    if (sc.kind == sde::SdeKind::VE)
      im.smldSigmas = torch::exp(
          torch::linspace(std::log(sc.sigmaMin), std::log(sc.sigmaMax), n, torch::kFloat64));
    else  // the DDPM betas; sub-VP borrows VP's for the Langevin α (MATH.md §4), RF's are 0
      im.ddpmBetas = sde::ddpmBetas(sc, n);
  }
  setUpTimes(span);
  rewind();
}

void SamplerRun::setUpTimes(const RunSpan& span) {
  auto& im = *m_impl;
  const auto& c = m_config;
  const sde::SdeConfig& sc = im.sde->config();
  const bool pc = c.kind == SamplerKind::Pc;
  if (pc && !std::isnan(span.to))
    throw Failure("a PC run ends on its own grid: only an ODE run takes a span's end");
  im.tStart = std::isnan(span.from) ? sc.T : span.from;
  im.tEnd = !std::isnan(span.to) ? span.to : pc ? pcEndTime(*im.sde, c.steps, *im.score) : sc.eps;
  for (double t : {im.tStart, im.tEnd})
    if (!(t >= sc.eps && t <= sc.T)) {
      std::ostringstream s;
      s << "a run's span must lie in [eps, T] = [" << sc.eps << ", " << sc.T << "], not " << t;
      throw Failure(s.str());
    }
  if (pc) {
    im.times = linspace(sc.T, im.tEnd, c.steps);
    const double from = im.tStart + 1e-12;
    im.first = std::find_if(im.times.begin(), im.times.end(), [&](double t) { return t <= from; }) -
               im.times.begin();
  } else if (c.solver == OdeSolver::Rk45) {
    im.rk45 = detail::DormandPrince(c.rtol, c.atol, im.tEnd);
  } else {
    // The whole span [ε, T] in `steps` steps; the share is exactly 1 for the whole span.
    const double share = std::abs(im.tEnd - im.tStart) / (sc.T - sc.eps);
    const int n = std::max(1, static_cast<int>(std::ceil(c.steps * share)));
    const TimeSchedule schedule = scheduleOf(c);
    im.times = schedule == TimeSchedule::Uniform
                   ? linspace(im.tStart, im.tEnd, n + 1)
                   : solverTimes(sc, schedule, c.rho, im.tStart, im.tEnd, n);
  }
}

torch::Tensor SamplerRun::priorDraw(const sde::Sde& sde, int64_t n, at::IntArrayRef shape,
                                    uint64_t priorSeed, torch::Device device) {
  std::vector<int64_t> full{n};
  full.insert(full.end(), shape.begin(), shape.end());
  auto gen = at::make_generator<at::CPUGeneratorImpl>(priorSeed);
  auto x = sde.priorSample(full, torch::TensorOptions().dtype(torch::kFloat32), gen);
  return x.to(device);
}

void SamplerRun::rewind() {
  auto& im = *m_impl;
  im.noise.reseed(im.noiseSeed);
  im.rk45.reset();
  im.solver.reset();
  m_state = RunState{};
  const bool pc = m_config.kind == SamplerKind::Pc;
  const auto steps = static_cast<int64_t>(im.times.size());
  if (pc)
    m_state.t = im.first < steps ? im.times[static_cast<size_t>(im.first)] : im.tEnd;
  else
    m_state.t = im.tStart;
  m_state.done = pc ? im.first >= steps : im.tStart == im.tEnd;
  m_state.x = im.xT.clone();
  if (im.conditioned()) {
    im.condNoise.reseed(im.noiseSeed ^ 0x9e3779b97f4a7c15ull);
    if (m_config.kind == SamplerKind::Ode) im.odeZ = im.condNoise.like(im.mix(m_state.x));
    m_state.x = im.paste(m_state.x, im.condY);
  }
  m_state.xMean = m_state.x;
  m_trajectory.clear();
  m_trajectoryTimes.clear();
  if (im.particles.defined()) {
    m_trajectory.push_back(m_state.x.index_select(0, im.particles).to(torch::kCPU).clone());
    m_trajectoryTimes.push_back(m_state.t);
  }
}

void SamplerRun::step() {
  if (m_state.done) return;
  torch::NoGradGuard noGrad;
  // The step's own small ops on one thread (the score gets the team back); from 2^16 values
  // up (e.g. 100k 2D particles) they are worth splitting again.
  detail::ThreadOmpTeam serial(m_state.x.numel() < (int64_t{1} << 16) ? 1 : 0);
  auto& im = *m_impl;
  im.scoreThreads = serial.previous();
  const auto& c = m_config;
  auto ctx = im.context(m_state.nfe, c.steps);
  const double tEval = m_state.t;
  const int64_t k = m_state.step;

  if (c.kind == SamplerKind::Pc) {
    const int64_t g = im.first + k;  // the step's index on the grid
    const double t = im.times[static_cast<size_t>(g)];
    detail::Update u{m_state.x, m_state.xMean};
    if (c.corrector == Corrector::Langevin) {
      if (im.onMove) {
        correctMoves(t);
      } else {
        u = detail::langevinUpdate(ctx, u.x, t, c.snr, c.correctorSteps);
        m_state.x = u.x;
        m_state.xMean = u.xMean;
        if (im.conditioned()) project(t);
      }
      u = {m_state.x, m_state.xMean};
    }
    if (c.predictor != Predictor::None)
      u = detail::predictorUpdate(c.predictor, ctx, u.x, t);
    else
      u.xMean = u.x;  // the reference's NonePredictor returns (x, x)
    m_state.x = u.x;
    m_state.xMean = u.xMean;
    if (im.conditioned()) project(t);
    if (im.onMove && c.predictor != Predictor::None)
      im.onMove({MoveKind::Predictor, 0, g, t, std::numeric_limits<double>::quiet_NaN(), m_state.x,
                 m_state.xMean});
    m_state.step = k + 1;
    m_state.done = g + 1 >= c.steps;
    m_state.t = m_state.done ? im.tEnd : im.times[static_cast<size_t>(g + 1)];
  } else {
    auto drift = detail::probabilityFlowDrift(ctx);
    double t = m_state.t;
    if (c.solver == OdeSolver::Rk45) {
      im.rk45.step(drift, m_state.x, t);
      m_state.done = t == im.tEnd;  // its last step lands on tEnd exactly
    } else {
      const double t1 = im.times[static_cast<size_t>(k + 1)];
      m_state.x = fieldSolver(c.solver)
                      ? im.solver.step(ctx, m_state.x, t, t1)
                      : detail::fixedOdeStep(c.solver, drift, m_state.x, t, t1 - t);
      t = t1;
      m_state.done = k + 2 >= static_cast<int64_t>(im.times.size());
    }
    m_state.t = m_state.done ? im.tEnd : t;
    m_state.xMean = m_state.x;
    m_state.step = k + 1;
    if (im.conditioned()) {
      project(t);
      im.rk45.stateChanged();
    }
  }

  if (!torch::isfinite(m_state.x).all().item<bool>()) {
    m_state.done = true;
    std::ostringstream s;
    s << "sampler state became NaN/Inf at step " << m_state.step << ", t = " << tEval;
    throw Failure(s.str());
  }
  if (im.particles.defined() && (m_state.step % im.every == 0 || m_state.done)) {
    m_trajectory.push_back(m_state.x.index_select(0, im.particles).to(torch::kCPU).clone());
    m_trajectoryTimes.push_back(m_state.t);
  }
}

namespace {

// The reference's grid index i = floor(t (N−1)/T) on the steps grid (as pc_steps.cpp).
int64_t langevinGridIndex(double t, int steps, double T) {
  const auto i = static_cast<int64_t>(std::floor(t * static_cast<double>(steps - 1) / T));
  return std::clamp<int64_t>(i, 0, steps - 1);
}

}  // namespace

// detail::langevinUpdate one step at a time, with the same operations in the same order and
// the same noise draws, so a step-through run ends bit for bit where the fused one does
// (tests/core/test_pc_moves.cpp holds the two together). Here ε is read out per step.
void SamplerRun::correctMoves(double t) {
  auto& im = *m_impl;
  const auto& c = m_config;
  auto ctx = im.context(m_state.nfe, c.steps);
  const double alpha =
      im.sde->kind() == sde::SdeKind::VE
          ? 1.0
          : 1.0 - im.ddpmBetas[langevinGridIndex(t, c.steps, im.sde->T())].item<double>();
  const int64_t b = m_state.x.size(0);
  detail::Update u{m_state.x, m_state.x};
  for (int k = 0; k < c.correctorSteps; ++k) {
    auto grad = detail::evalScore(ctx, u.x, t);
    auto z = im.noise.like(u.x);
    auto gradNorm = grad.reshape({b, -1}).norm(2, 1).mean();
    auto noiseNorm = z.reshape({b, -1}).norm(2, 1).mean();
    auto stepSize = (c.snr * noiseNorm / gradNorm).pow(2) * (2.0 * alpha);
    u.xMean = u.x + stepSize * grad;
    u.x = u.xMean + torch::sqrt(2.0 * stepSize) * z;
    if (k + 1 == c.correctorSteps) {  // the fused path projects once, after the last step
      m_state.x = u.x;
      m_state.xMean = u.xMean;
      if (im.conditioned()) project(t);
      u = {m_state.x, m_state.xMean};
    }
    im.onMove({MoveKind::Corrector, k, im.first + m_state.step, t, stepSize.item<double>(), u.x,
               u.xMean});
  }
}

void SamplerRun::runToEnd() {
  while (!m_state.done) step();
}

void SamplerRun::project(double t) {
  auto& im = *m_impl;
  auto tt = torch::full({1}, t, torch::kFloat64);
  auto mc = im.sde->marginal(tt);
  const double a = mc.a.item<double>(), sigma = mc.sigma.item<double>();
  auto mean = im.condY * a;
  auto z = m_config.kind == SamplerKind::Pc ? im.condNoise.like(im.mix(m_state.x)) : im.odeZ;
  m_state.x = im.paste(m_state.x, mean + z * sigma);
  m_state.xMean = im.paste(m_state.xMean, mean);
}

torch::Tensor SamplerRun::result() const {
  auto r = (m_config.kind == SamplerKind::Pc && m_config.denoise) ? m_state.xMean : m_state.x;
  if (m_impl->conditioned()) r = m_impl->paste(r, m_impl->condY);
  return r;
}

}  // namespace ss::sample

#include "ui/session/explorer_state.h"

#include <cmath>

#include <algorithm>
#include <cstdio>
#include <iterator>

#include "core/common/enum_names.h"

namespace ss::ui {

std::string sdeLabel(sde::SdeKind kind) {
  static constexpr EnumName<sde::SdeKind> kLabels[] = {{sde::SdeKind::VE, "VE SDE"},
                                                       {sde::SdeKind::VP, "VP SDE"},
                                                       {sde::SdeKind::SubVP, "sub-VP SDE"},
                                                       {sde::SdeKind::VPCosine, "cosine VP SDE"},
                                                       {sde::SdeKind::RF, "rectified flow"}};
  return nameOf(kLabels, kind, "SDE");
}

sde::SdeConfig resolvedSde(const ExplorerState& state, const scene::PointCloud* cloud) {
  return state.sde.resolved(cloud ? cloud->diameter : 0.0);
}

void RunView::update(std::shared_ptr<const scene::RunResult> latest, double t,
                     const scene::PointCloud* data, std::optional<scene::RunMode> mode) {
  run = std::move(latest);
  if (run && mode && run->request.mode != *mode) run.reset();
  auto f = run ? run->frameAt(t) : nullptr;
  if (f == frame && (cloud || !f)) return;
  frame = f;
  ++version;
  if (!f) {
    cloud.reset();
    return;
  }
  auto c = std::make_shared<scene::PointCloud>();
  c->n = run->n;
  c->x0 = f->x;
  c->noise = frameVelocities(*run, *f);  // σ = 0: ε never moves a run's particle
  c->colour = run->colour;
  c->colour.resize(static_cast<size_t>(c->n), 0.5f);
  c->label.assign(static_cast<size_t>(c->n), 0);
  c->numClasses = 1;
  c->name = data ? data->name : run->request.data;
  c->request.data = run->request.data;
  if (data) c->copyDataFacts(*data);
  cloud = std::move(c);
}

std::vector<float> frameVelocities(const scene::RunResult& run, const scene::RunFrame& frame) {
  std::vector<float> v(frame.x.size(), 0.0f);
  const auto& fs = run.frames;
  size_t i = 0;
  while (i < fs.size() && fs[i].get() != &frame) ++i;
  if (i == fs.size() || fs.size() < 2) return v;
  const scene::RunFrame& other = *fs[i > 0 ? i - 1 : 1];
  const double dt = frame.t - other.t;
  if (other.x.size() != frame.x.size() || !(std::abs(dt) > 0)) return v;
  const float inv = static_cast<float>(1.0 / dt);
  for (size_t k = 0; k < v.size(); ++k) v[k] = (frame.x[k] - other.x[k]) * inv;
  return v;
}

float speedQuantile(const scene::PointCloud& cloud, float dadt, float dsdt, double q,
                    size_t maxSamples) {
  const size_t n = std::min(cloud.x0.size(), cloud.noise.size()) / 2;
  if (n == 0 || maxSamples == 0) return 0.0f;
  const size_t stride = std::max<size_t>(1, (n + maxSamples - 1) / maxSamples);
  std::vector<float> s;
  s.reserve(n / stride + 1);
  for (size_t i = 0; i < n; i += stride) {
    const float vx = dadt * cloud.x0[2 * i] + dsdt * cloud.noise[2 * i];
    const float vy = dadt * cloud.x0[2 * i + 1] + dsdt * cloud.noise[2 * i + 1];
    const float v = std::sqrt(vx * vx + vy * vy);
    if (std::isfinite(v)) s.push_back(v);
  }
  if (s.empty()) return 0.0f;
  const size_t k =
      std::min(s.size() - 1, static_cast<size_t>(std::clamp(q, 0.0, 1.0) * (s.size() - 1) + 0.5));
  std::nth_element(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(k), s.end());
  return s[k];
}

scene::RunRequest runRequestFor(const ExplorerState& state, const scene::PointCloud* cloud,
                                std::shared_ptr<const train::ModelSnapshot> model,
                                std::shared_ptr<const train::ClassifierSnapshot> classifier) {
  scene::RunRequest r;
  r.mode = state.mode;
  r.model = state.useModel ? std::move(model) : nullptr;
  r.data = state.data.data;
  r.sde = resolvedSde(state, cloud);
  r.sampler = state.sampler;
  r.particles = state.data.n;
  r.seed = state.data.seed;
  r.fixedAxis = state.mode == scene::RunMode::Forward ? -1 : state.fixedAxis;
  r.fixedValue = state.fixedValue;
  if (state.mode != scene::RunMode::Forward && state.guideClass >= 0 &&
      (state.classifierFree || !state.trainedClassifier || classifier)) {
    r.guideClass = state.guideClass;
    r.guidance = state.guidance;
    r.classifierFree = state.classifierFree;
    r.classifier =
        state.trainedClassifier && !state.classifierFree ? std::move(classifier) : nullptr;
  }
  if (stepThroughActive(state)) {
    r.recordMoves = true;
    r.moveParticles = state.moveParticles;
    r.maxFrames = std::max(r.maxFrames, state.sampler.steps + 1);  // a cloud for every step
  }
  return r;
}

namespace {

// " (running)", with the step and the time left once that is over a few seconds; "" when done.
std::string runProgress(const scene::RunResult& r) {
  if (r.done) return "";
  const double left = r.secondsLeft();
  if (left < 3) return " (running)";
  char buf[80];
  std::snprintf(buf, sizeof buf, " (the run: step %lld of %lld, ~%.0f s left)",
                static_cast<long long>(r.step), static_cast<long long>(r.plannedSteps), left);
  return buf;
}

// The PF-ODE mode's stochastic solvers (DDIM η > 0, EDM churn > 0) are named as such.
std::string runLabel(const ExplorerState& state) {
  static constexpr EnumName<scene::RunMode> kLabels[] = {
      {scene::RunMode::Forward, "forward process"},
      {scene::RunMode::ReverseSde, "reverse SDE"},
      {scene::RunMode::ProbabilityFlow, "probability-flow ODE"}};
  if (state.mode == scene::RunMode::ProbabilityFlow)
    return sample::runKindLabel(sample::forKind(state.sampler, sample::SamplerKind::Ode));
  return nameOf(kLabels, state.mode, "");
}

// Speed colouring: the colour bar's top and its legend.
void colourBySpeed(const ExplorerState& state, CanvasScene& s) {
  if (state.canvas.colourMode != ColourMode::Speed || !s.cloud) return;
  s.speedMax = speedQuantile(*s.cloud, s.dadt, s.dsdt);
  s.colourLegend = state.mode == scene::RunMode::Forward ? "speed ‖dx/dt‖ = ‖a′(t)x₀ + σ′(t)ε‖"
                                                         : "speed ‖Δx/Δt‖ between recorded frames";
}

}  // namespace

CanvasScene makeCanvasScene(const ExplorerState& state,
                            std::shared_ptr<const scene::PointCloud> cloud, uint64_t version,
                            const RunView* run) {
  CanvasScene s;
  const sde::SdeConfig cfg = resolvedSde(state, cloud.get());
  const double t = std::clamp(state.t, 0.0, cfg.T);
  const sde::Marginal m = sde::marginal(cfg, t);
  s.a = static_cast<float>(m.a);
  s.sigma = static_cast<float>(m.sigma);
  s.title = (cloud ? cloud->name : state.data.data) + "  ·  " + sdeLabel(cfg.kind);
  char buf[320];
  std::snprintf(buf, sizeof buf, "t = %.3f    a(t) = %.3f    σ(t) = %.3f    %s", t, m.a, m.sigma,
                runLabel(state).c_str());
  s.subtitle = buf;
  s.colourLegend = "colour: position along the data";
  if (state.mode != scene::RunMode::Forward) {
    if (run && run->cloud && run->frame) {
      std::snprintf(buf, sizeof buf, "t = %.3f    σ(t) = %.3f    %s    NFE %lld%s    score: %s",
                    run->frame->t, sde::marginal(cfg, run->frame->t).sigma, runLabel(state).c_str(),
                    static_cast<long long>(run->frame->nfe), runProgress(*run->run).c_str(),
                    run->run->scoreName.c_str());
      s.subtitle = buf;
      s.cloud = run->cloud;
      s.cloudVersion = run->version;
      s.a = 1;
      s.sigma = 0;
      s.dadt = 0;  // a run cloud keeps its velocity in ε
      s.dsdt = 1;
      s.colourLegend = "colour: direction of the prior draw x(T)";
      s.run = run->run;
      s.runT = run->frame->t;
      s.fixedAxis = state.fixedAxis;
      s.fixedValue = static_cast<float>(state.fixedValue);
      if (stepThroughActive(state)) {
        s.move = state.move;
        s.moveEquation = moveEquation(state, state.move);
        s.subtitle = moveLabel(state, state.move) +
                     "    reverse SDE, step-through    score: " + run->run->scoreName;
      }
    } else {
      s.subtitle = runLabel(state) + ": sampling…";
      s.placeholder = "Sampling…";
    }
    colourBySpeed(state, s);
    return s;
  }
  // The forward path x(t) = a(t)·x0 + σ(t)·ε moves at a′(t)·x0 + σ′(t)·ε: central differences
  // (one-sided at the ends of [0, T]).
  const double h = 1e-4 * cfg.T, lo = std::max(0.0, t - h), hi = std::min(cfg.T, t + h);
  if (hi > lo) {
    const sde::Marginal m0 = sde::marginal(cfg, lo), m1 = sde::marginal(cfg, hi);
    s.dadt = static_cast<float>((m1.a - m0.a) / (hi - lo));
    s.dsdt = static_cast<float>((m1.sigma - m0.sigma) / (hi - lo));
  }
  s.cloud = std::move(cloud);
  s.cloudVersion = version;
  colourBySpeed(state, s);
  return s;
}

int movesPerStep(const sample::SamplerConfig& c) {
  const int corrector =
      c.corrector == sample::Corrector::Langevin ? std::max(c.correctorSteps, 0) : 0;
  return corrector + (c.predictor == sample::Predictor::None ? 0 : 1);
}

bool stepThroughActive(const ExplorerState& state) {
  return state.stepThrough && state.mode == scene::RunMode::ReverseSde && !state.compare.enabled &&
         movesPerStep(state.sampler) > 0 && state.sampler.steps > 0;
}

int moveCount(const ExplorerState& state) {
  return stepThroughActive(state) ? state.sampler.steps * movesPerStep(state.sampler) : 0;
}

MoveInfo moveInfo(const ExplorerState& state, int move) {
  const auto& c = state.sampler;
  const int per = std::max(movesPerStep(c), 1);
  MoveInfo m;
  m.step = move / per;
  const int sub = move % per;
  const int correctors = c.corrector == sample::Corrector::Langevin ? c.correctorSteps : 0;
  m.corrector = sub < correctors;
  m.index = m.corrector ? sub : 0;
  const double T = state.sde.T, eps = state.sde.eps;
  m.t = c.steps > 1 ? T + (eps - T) * m.step / (c.steps - 1) : T;  // the sampler's linspace
  return m;
}

std::string moveLabel(const ExplorerState& state, int move) {
  const MoveInfo m = moveInfo(state, move);
  char buf[120];
  if (m.corrector)
    std::snprintf(buf, sizeof buf, "step %d/%d · corrector %d/%d · t = %.4f", m.step + 1,
                  state.sampler.steps, m.index + 1, state.sampler.correctorSteps, m.t);
  else
    std::snprintf(buf, sizeof buf, "step %d/%d · predictor · t = %.4f", m.step + 1,
                  state.sampler.steps, m.t);
  return buf;
}

std::string moveEquation(const ExplorerState& state, int move) {
  if (moveInfo(state, move).corrector)
    return "Langevin corrector at fixed t (MATH.md §4):\n"
           "  ε = 2α (r ‖z‖ / ‖s‖)²    r = snr, α = 1 − b_i (VP, sub-VP) or 1 (VE),\n"
           "                           norms per sample, averaged over the batch\n"
           "  x′ = x + ε s(x, t)        solid: the drift part\n"
           "  x = x′ + √(2ε) z          dashed: the noise part";
  switch (state.sampler.predictor) {
    case sample::Predictor::EulerMaruyama:
      return "Euler–Maruyama predictor, t → t + Δt, Δt = −T/N < 0:\n"
             "  x′ = x + [f(x, t) − g(t)² s(x, t)] Δt    solid: the drift part\n"
             "  x = x′ + g(t) √|Δt| z                    dashed: the noise part";
    case sample::Predictor::ReverseDiffusion:
      return "Reverse-diffusion predictor (the forward discretization x_{i+1} = x_i + F_i + G_i z, "
             "reversed):\n"
             "  x′ = x − [F − G² s(x, t)]    solid: the drift part\n"
             "  x = x′ + G z                 dashed: the noise part";
    case sample::Predictor::Ancestral:
      return state.sde.kind == sde::SdeKind::VE
                 ? "Ancestral (SMLD) predictor:\n  x′ = x + (σ_i² − σ_{i−1}²) s    solid: the "
                   "drift part\n"
                   "  x = x′ + √(σ_{i−1}²(σ_i² − σ_{i−1}²)/σ_i²) z    dashed: the noise part"
                 : "Ancestral (DDPM) predictor:\n  x′ = (x + b_i s) / √(1 − b_i)    solid: the "
                   "drift part\n"
                   "  x = x′ + √b_i z    dashed: the noise part";
    case sample::Predictor::None:
      break;
  }
  return "";
}

void stepMove(ExplorerState& state, int delta) {
  const int n = moveCount(state);
  if (n == 0) return;
  state.move = std::clamp(state.move + delta, 0, n - 1);
  state.playing = false;
  state.t = moveInfo(state, state.move).t;
}

void setStepThrough(ExplorerState& state, bool on) {
  state.stepThrough = on;
  state.move = 0;
  if (on) stepMove(state, 0);
}

void showRecordedFrame(ExplorerState& state, int frame, double t) {
  state.playing = false;
  if (!stepThroughActive(state)) {
    state.t = t;
    return;
  }
  state.move = frame;
  stepMove(state, 0);
}

bool holdPlaybackAtRun(ExplorerState& state, double computedT) {
  if (state.mode == scene::RunMode::Forward || !state.playing || computedT < 0) return false;
  state.t = std::max(state.t, computedT);
  return state.t <= computedT;
}

void advancePlayback(ExplorerState& state, double dt) {
  if (!state.playing) return;
  const double T = state.sde.T;
  const double dT = dt * T / std::max(state.playSeconds, 0.1);
  if (state.mode != scene::RunMode::Forward) {
    state.t -= dT;
    if (state.t < 0.0) {
      state.t = state.loop ? T : 0.0;
      state.playing = state.loop;
    }
    return;
  }
  state.t += dT;
  if (state.t > T) {
    if (state.loop) {
      state.t = 0.0;
    } else {
      state.t = T;
      state.playing = false;
    }
  }
}

double priorMismatch(const sde::SdeConfig& cfg, const scene::PointCloud& cloud) {
  const size_t n = cloud.x0.size() / 2;
  if (n == 0) return 0;
  double mx = 0, my = 0;
  for (size_t i = 0; i < n; ++i) mx += cloud.x0[2 * i], my += cloud.x0[2 * i + 1];
  mx /= n, my /= n;
  double sxx = 0, sxy = 0, syy = 0;
  for (size_t i = 0; i < n; ++i) {
    const double dx = cloud.x0[2 * i] - mx, dy = cloud.x0[2 * i + 1] - my;
    sxx += dx * dx, sxy += dx * dy, syy += dy * dy;
  }
  sxx /= n, sxy /= n, syy /= n;
  const sde::Marginal m = sde::marginal(cfg, cfg.T);
  const double s2 = sde::priorStd(cfg) * sde::priorStd(cfg), v = m.sigma * m.sigma, a2 = m.a * m.a;
  const double cxx = a2 * sxx + v, cyy = a2 * syy + v, cxy = a2 * sxy;  // C = a²Σ + σ²I
  const double mean2 = a2 * (mx * mx + my * my);
  const double det = cxx * cyy - cxy * cxy;
  // KL(N(m, C) ‖ N(0, s² I)) in d = 2: ½[tr C / s² + ‖m‖² / s² − 2 + 2 ln s² − ln det C].
  return 0.5 * ((cxx + cyy) / s2 + mean2 / s2 - 2.0 + 2.0 * std::log(s2) - std::log(det));
}

}  // namespace ss::ui

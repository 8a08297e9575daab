// Internal to core/sample: the single updates of MATH.md §4 that SamplerRun strings together
// (predictors, the Langevin corrector, fixed-step and Dormand–Prince ODE steps). Each takes
// one shared time t for the whole batch [B, ...] and returns tensors in x's dtype and device.
// Owned by one SamplerRun, so one thread. LibTorch.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <functional>

#include "core/sample/sampler_config.h"
#include "core/score/score_fn.h"
#include "core/sde/sde.h"

namespace ss::sample::detail {

// N(0, I) noise shaped like x, drawn from one seeded CPU generator in x's dtype and moved to
// x's device, so every device replays the same sequence from the same seed.
class Noise {
 public:
  explicit Noise(uint64_t seed);
  void reseed(uint64_t seed);
  torch::Tensor like(const torch::Tensor& x);

 private:
  at::Generator m_gen;
};

// The calling thread's OpenMP team size for LibTorch's ops, for a scope (restored after).
// SamplerRun runs its own per-step ops (noise, drift, updates: a few small tensors) with one
// thread and the score with the thread count it had: LibTorch sends unary ops of ≥ 2048
// elements (sqrt, exp) to OpenMP, whose threads then spin on the core the score's second
// worker wants (bench/README.md, sampling throughput). Other threads are not affected.
class ThreadOmpTeam {
 public:
  explicit ThreadOmpTeam(int threads);  // threads ≤ 0: leave it as it is
  ~ThreadOmpTeam();
  ThreadOmpTeam(const ThreadOmpTeam&) = delete;
  ThreadOmpTeam& operator=(const ThreadOmpTeam&) = delete;
  int previous() const { return m_previous; }

 private:
  int m_previous = 0;
};

// What the updates share. `grid` is an Sde of the same kind with N = config.steps: its
// discrete SMLD/DDPM grid drives the reverse-diffusion and ancestral predictors and the
// Langevin step size (null when no update needs it).
struct StepContext {
  const score::ScoreFn& score;
  const sde::Sde& sde;
  const sde::Sde* grid;
  torch::Tensor ddpmBetas;   // VP, sub-VP: b_i = linspace(βmin, βmax, steps)/steps, float64
  torch::Tensor smldSigmas;  // VE: σ_i = exp(linspace(ln σmin, ln σmax, steps)), float64
  Noise& noise;
  int64_t& nfe;
  int steps;
  int scoreThreads = 0;  // > 0: the OpenMP team size the score runs with (ThreadOmpTeam)
};

struct Update {
  torch::Tensor x, xMean;  // after the update; x̄ before its noise
};

// s(x, t) (counted in nfe), with t in x's dtype.
torch::Tensor evalScore(StepContext& c, const torch::Tensor& x, double t);

// Δt = −T/steps for Euler–Maruyama; Predictor::None returns {x, x}.
Update predictorUpdate(Predictor p, StepContext& c, const torch::Tensor& x, double t);
// `n` Langevin steps with target signal-to-noise ratio `snr` at time t (MATH.md §4).
Update langevinUpdate(StepContext& c, const torch::Tensor& x, double t, double snr, int n);

// The probability-flow drift f̃(x, t) = f − ½ g² s.
using Drift = std::function<torch::Tensor(const torch::Tensor& x, double t)>;
Drift probabilityFlowDrift(StepContext& c);

// One Euler, Heun or RK4 step from t to t + h (h < 0 runs backward).
torch::Tensor fixedOdeStep(OdeSolver solver, const Drift& f, const torch::Tensor& x, double t,
                           double h);

// The field's solvers (MATH.md §8, docs/SAMPLERS.md): DDIM (η), DPM-Solver++(2M),
// DPM-Solver-3 singlestep and EDM's Heun (churn), one step from t to tNext, written through
// a(t), σ(t), λ = log(a/σ) and the data prediction x̂0 = (x + σ² s)/a, so any SDE whose λ
// decreases in t takes them. Holds DPM-Solver++(2M)'s previous x̂0 and step (reset() forgets
// them). Noise (η > 0, churn > 0) comes from the context's stream, only on backward steps.
class SolverStepper {
 public:
  explicit SolverStepper(const SamplerConfig& c) : m_c(c) {}
  void reset() {
    m_prevD = torch::Tensor();
    m_prevH = 0;
  }
  torch::Tensor step(StepContext& c, const torch::Tensor& x, double t, double tNext);

 private:
  torch::Tensor ddim(StepContext& c, const torch::Tensor& x, double t, double s);
  torch::Tensor dpmpp2m(StepContext& c, const torch::Tensor& x, double t, double s);
  torch::Tensor dpmSolver3(StepContext& c, const torch::Tensor& x, double t, double s);
  torch::Tensor edmHeun(StepContext& c, const torch::Tensor& x, double t, double s);

  SamplerConfig m_c;
  torch::Tensor m_prevD;  // DPM-Solver++(2M): x̂0 at the previous step's start
  double m_prevH = 0;     // and that step's h
};

// Adaptive Dormand–Prince 5(4) as scipy's solve_ivp(method="RK45") runs it: the initial step
// from its heuristic, error norm RMS(err / (atol + rtol·max(|y|, |y_new|))) over all
// elements (the batch is one system), safety 0.9, step factor clamped to [0.2, 10], FSAL.
class DormandPrince {
 public:
  DormandPrince(double rtol, double atol, double tEnd) : m_rtol(rtol), m_atol(atol), m_tEnd(tEnd) {}
  // Advances (x, t) by one accepted step toward tEnd. Throws ss::Failure when the step size
  // underflows. A non-finite error estimate accepts the step as is (the caller's NaN check).
  void step(const Drift& f, torch::Tensor& x, double& t);
  void reset() {
    m_f = torch::Tensor();
    m_hAbs = 0;
  }
  // The caller changed x between steps (inpainting's projection): drop the cached f(x, t)
  // (first same as last) but keep the step size.
  void stateChanged() { m_f = torch::Tensor(); }
  double stepSize() const { return m_hAbs; }  // |h| proposed for the next step

 private:
  double initialStep(const Drift& f, const torch::Tensor& x, double t, double direction) const;

  double m_rtol, m_atol, m_tEnd;
  double m_hAbs = 0;
  torch::Tensor m_f;  // f(x, t) at the current point (first same as last)
};

}  // namespace ss::sample::detail

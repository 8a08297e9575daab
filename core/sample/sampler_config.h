// Sampler settings as plain data (MATH.md §4, §8): predictor–corrector combinations, annealed
// Langevin (SMLD) and DDPM presets, probability-flow ODE solvers, and the field's solvers
// (DDIM, DPM-Solver++(2M), DPM-Solver-3, EDM's Heun) on their time grids. Torch-free: ui/
// may include it. Names follow the papers, with diffusers-style aliases where they coincide.
#pragma once

#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/sde/sde_config.h"

namespace ss::sample {

enum class SamplerKind { Pc, Ode };
enum class Predictor { EulerMaruyama, ReverseDiffusion, Ancestral, None };
enum class Corrector { Langevin, None };
// The fixed-step and adaptive PF-ODE solvers, then the field's solvers written through
// a(t), σ(t) and the data prediction x̂0 = (x + σ² s)/a (docs/SAMPLERS.md). DDIM with η > 0
// and EDM's Heun with churn > 0 add noise: they sit here as the stochastic extensions of
// their ODE steps (η = 0, churn = 0).
enum class OdeSolver { Euler, Heun, Rk4, Rk45, Ddim, DpmPp2m, DpmSolver3, EdmHeun };
// Time grids of the fixed-step solvers from T to ε: uniform in t, uniform in the log-SNR
// λ = log(a/σ), or Karras (uniform in σ̃^{1/ρ}, σ̃ = σ/a = e^{−λ}). Default: the solver's own
// (defaultSchedule). PC samplers and RK45 take their own grids.
enum class TimeSchedule { Default, Uniform, LogSnr, Karras };

struct SamplerConfig {
  SamplerKind kind = SamplerKind::Pc;
  Predictor predictor = Predictor::EulerMaruyama;
  Corrector corrector = Corrector::None;
  double snr = 0.16;       // Langevin target signal-to-noise ratio r
  int correctorSteps = 1;  // Langevin steps per noise level
  int steps = 1000;        // time steps from T to eps (fixed-step samplers)
  OdeSolver solver = OdeSolver::Rk45;
  double rtol = 1e-5, atol = 1e-5;  // RK45
  bool denoise = true;  // return the last step's mean x̄ (the reference's final denoising)
  TimeSchedule schedule = TimeSchedule::Default;  // fixed-step ODE solvers

  double rho = 7.0;    // Karras grid's ρ (> 0)
  double eta = 0.0;    // DDIM's η ≥ 0 (0: deterministic)
  double churn = 0.0;  // EDM's S_churn ≥ 0 (0: deterministic); γ = min(churn/steps, √2 − 1)

  // Ok when valid for this SDE (ancestral: vp and ve only), else an error naming the field
  // and the valid choices.
  Status validate(sde::SdeKind kind) const;
  // The same, plus the checks that need the SDE's parameters: on VP the reverse-diffusion
  // and ancestral predictors and the Langevin corrector (VP, sub-VP) use the DDPM betas
  // b_i = β/steps, which must stay below 1 (steps > beta_max).
  Status validate(const sde::SdeConfig& sde) const;
};

// Named presets: "pc" (EM predictor), "ald" (annealed Langevin: no predictor + Langevin),
// "ddpm" (ancestral predictor, no corrector), "ode" (PF-ODE RK45); diffusers-style aliases:
// "euler" (PF-ODE Euler), "heun" (PF-ODE Heun), "euler_a" (ancestral); and the field's
// solvers "ddim", "dpmpp_2m", "dpm_solver_3", "edm_heun".
Expected<SamplerConfig> samplerPreset(const std::string& name);
// The settings as a run of `kind` takes them: `kind` set and, for PC, the PF-ODE solvers' own
// schedule, η and churn dropped, so one SamplerConfig serves the explorer's reverse-SDE and
// PF-ODE modes (validate() refuses them on PC, where they mean nothing).
SamplerConfig forKind(SamplerConfig c, SamplerKind kind);
std::vector<std::string> samplerPresetNames();
// Whether the sampler draws noise as it runs: PC always; DDIM with η > 0 and EDM's Heun with
// churn > 0 (the ODE solvers' stochastic extensions); the other ODE solvers never.
bool addsNoise(const SamplerConfig& c);
// What a caption calls the run: "reverse SDE (PC)", "probability-flow ODE", or for the
// stochastic extensions "DDIM, η = 0.5 (stochastic)" / "EDM Heun, churn 10 (stochastic)".
std::string runKindLabel(const SamplerConfig& c);

std::string toString(Predictor p);  // "euler-maruyama", "reverse-diffusion", "ancestral", "none"
std::string toString(Corrector c);  // "langevin", "none"
// "euler", "heun", "rk4", "rk45", "ddim", "dpmpp-2m", "dpm-solver-3", "edm-heun" (parsed
// loosely: "dpmpp_2m" works)
std::string toString(OdeSolver s);
std::string toString(TimeSchedule s);  // "default", "uniform", "logsnr", "karras"
// The grid a fixed-step solver runs on by default: uniform for euler, heun, rk4 and ddim,
// logsnr for dpmpp-2m and dpm-solver-3, karras for edm-heun.
TimeSchedule defaultSchedule(OdeSolver s);
// config.schedule, or the solver's default when it is Default.
TimeSchedule scheduleOf(const SamplerConfig& c);
// The solver's score evaluations per step (1, 2 or 3; RK45: 0, adaptive).
int nfePerStep(OdeSolver s);
// The diffusers / k-diffusion name of a solver ("" when none), for --help and the docs.
std::string fieldName(OdeSolver s);
Expected<Predictor> parsePredictor(const std::string& s);
Expected<Corrector> parseCorrector(const std::string& s);
Expected<OdeSolver> parseOdeSolver(const std::string& s);
Expected<TimeSchedule> parseTimeSchedule(const std::string& s);

}  // namespace ss::sample

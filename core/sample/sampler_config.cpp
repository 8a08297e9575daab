// SamplerConfig validation, presets and names. Torch-free (ui/ includes the header).
#include "core/sample/sampler_config.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/common/enum_names.h"

namespace ss::sample {

namespace {

// Names first, then aliases (parsed, never printed). Parsing is loose: "Euler_Maruyama" works.
constexpr EnumName<Predictor> kPredictors[] = {{Predictor::EulerMaruyama, "euler-maruyama"},
                                               {Predictor::ReverseDiffusion, "reverse-diffusion"},
                                               {Predictor::Ancestral, "ancestral"},
                                               {Predictor::None, "none"},
                                               {Predictor::EulerMaruyama, "em"},
                                               {Predictor::ReverseDiffusion, "reverse"},
                                               {Predictor::ReverseDiffusion, "rd"},
                                               {Predictor::Ancestral, "ddpm"}};
constexpr EnumName<Corrector> kCorrectors[] = {
    {Corrector::Langevin, "langevin"}, {Corrector::None, "none"}, {Corrector::Langevin, "ald"}};
constexpr EnumName<OdeSolver> kSolvers[] = {{OdeSolver::Euler, "euler"},
                                            {OdeSolver::Heun, "heun"},
                                            {OdeSolver::Rk4, "rk4"},
                                            {OdeSolver::Rk45, "rk45"},
                                            {OdeSolver::Ddim, "ddim"},
                                            {OdeSolver::DpmPp2m, "dpmpp-2m"},
                                            {OdeSolver::DpmSolver3, "dpm-solver-3"},
                                            {OdeSolver::EdmHeun, "edm-heun"},
                                            {OdeSolver::Rk45, "dopri5"},
                                            {OdeSolver::DpmPp2m, "dpm++2m"},
                                            {OdeSolver::DpmSolver3, "dpm3"},
                                            {OdeSolver::EdmHeun, "edm"}};
constexpr EnumName<TimeSchedule> kSchedules[] = {
    {TimeSchedule::Default, "default"}, {TimeSchedule::Uniform, "uniform"},
    {TimeSchedule::LogSnr, "logsnr"},   {TimeSchedule::Karras, "karras"},
    {TimeSchedule::LogSnr, "log-snr"},  {TimeSchedule::Uniform, "time-uniform"}};

bool positive(double v) { return std::isfinite(v) && v > 0; }
bool nonNegative(double v) { return std::isfinite(v) && v >= 0; }

// The checks of the fixed-step solvers' settings: η, churn, ρ and the grid.
Status validateSolver(const SamplerConfig& c) {
  if (!nonNegative(c.eta)) return invalid("eta", c.eta, "must be a number >= 0 (0: deterministic)");
  if (!nonNegative(c.churn))
    return invalid("churn", c.churn, "must be a number >= 0 (0: deterministic)");
  if (!positive(c.rho)) return invalid("rho", c.rho, "must be a positive number (Karras: 7)");
  if (c.eta != 0 && c.solver != OdeSolver::Ddim)
    return Error{"eta applies to the ddim solver only, not " + toString(c.solver)};
  if (c.churn != 0 && c.solver != OdeSolver::EdmHeun)
    return Error{"churn applies to the edm-heun solver only, not " + toString(c.solver)};
  if (c.solver == OdeSolver::Rk45 && c.schedule != TimeSchedule::Default)
    return Error{
        "rk45 chooses its own steps and takes no schedule; schedules (uniform, logsnr, "
        "karras) apply to euler, heun, rk4, ddim, dpmpp-2m, dpm-solver-3, edm-heun"};
  return Ok{};
}

constexpr int kMaxSteps = 1'000'000;

}  // namespace

Status SamplerConfig::validate(sde::SdeKind sdeKind) const {
  if (steps < 1) return invalid("steps", steps, "must be at least 1");
  // A bounded request: a run's work and the frames a view records grow with its steps.
  if (steps > kMaxSteps) return invalid("steps", steps, "must be at most 1000000");
  if (this->kind == SamplerKind::Ode) {
    if (solver == OdeSolver::Rk45) {
      if (!positive(rtol)) return invalid("rtol", rtol, "must be a positive number");
      if (!positive(atol)) return invalid("atol", atol, "must be a positive number");
    }
    return validateSolver(*this);
  }
  if (schedule != TimeSchedule::Default)
    return Error{
        "PC samplers run on the reference's own grid (linspace(T, eps, steps), DDPM and "
        "SMLD indices) and take no schedule; schedule '" +
        toString(schedule) +
        "' applies to the ODE solvers euler, heun, rk4, ddim, dpmpp-2m, dpm-solver-3, "
        "edm-heun"};
  if (eta != 0) return Error{"eta applies to the ddim solver only, not to PC samplers"};
  if (churn != 0) return Error{"churn applies to the edm-heun solver only, not to PC samplers"};
  if (predictor == Predictor::Ancestral && sdeKind != sde::SdeKind::VP &&
      sdeKind != sde::SdeKind::VE)
    return Error{"predictor 'ancestral' has no " + std::string(sde::toString(sdeKind)) +
                 " form (it is DDPM's for vp, SMLD's for ve); valid predictors for " +
                 std::string(sde::toString(sdeKind)) + ": euler-maruyama, reverse-diffusion, none"};
  if (predictor == Predictor::None && corrector == Corrector::None)
    return Error{
        "predictor and corrector are both 'none': nothing would move the samples; valid "
        "predictors: " +
        namesOf(kPredictors) + "; valid correctors: " + namesOf(kCorrectors)};
  if (corrector == Corrector::Langevin) {
    if (!positive(snr)) return invalid("snr", snr, "must be a positive number");
    if (correctorSteps < 1)
      return invalid("corrector_steps", correctorSteps,
                     "must be at least 1 for the Langevin corrector");
  }
  return Ok{};
}

Status SamplerConfig::validate(const sde::SdeConfig& sdeConfig) const {
  if (auto err = validate(sdeConfig.kind); !err) return err;
  // Cosine VP's betas are capped below 1 and RF has none: only VP and sub-VP are checked.
  if (this->kind != SamplerKind::Pc ||
      (sdeConfig.kind != sde::SdeKind::VP && sdeConfig.kind != sde::SdeKind::SubVP))
    return Ok{};
  const bool vp = sdeConfig.kind == sde::SdeKind::VP;
  const char* user = nullptr;
  if (corrector == Corrector::Langevin) user = "the Langevin corrector";
  if (vp && predictor == Predictor::ReverseDiffusion) user = "the reverse-diffusion predictor";
  if (vp && predictor == Predictor::Ancestral) user = "the ancestral predictor";
  if (user && sdeConfig.betaMax / steps >= 1.0) {
    std::ostringstream s;
    s << "steps (" << steps << ") must exceed beta_max (" << sdeConfig.betaMax << ") for " << user
      << ": it uses the DDPM betas beta/steps, which must stay below 1";
    return Error{s.str()};
  }
  return Ok{};
}

Expected<SamplerConfig> samplerPreset(const std::string& name) {
  SamplerConfig c;  // "pc": the reference's VP/sub-VP default, EM predictor, no corrector
  const std::string n = looseName(name);
  if (n == "pc") return c;
  if (n == "ald") {
    c.predictor = Predictor::None;
    c.corrector = Corrector::Langevin;
    return c;
  }
  if (n == "ddpm" || n == "euler-a") {
    c.predictor = Predictor::Ancestral;
    return c;
  }
  c.kind = SamplerKind::Ode;
  if (n == "ode") return c;  // RK45, rtol = atol = 1e-5
  if (n == "euler") {
    c.solver = OdeSolver::Euler;
    return c;
  }
  if (n == "heun") {
    c.solver = OdeSolver::Heun;
    return c;
  }
  for (auto s : {OdeSolver::Ddim, OdeSolver::DpmPp2m, OdeSolver::DpmSolver3, OdeSolver::EdmHeun})
    if (n == toString(s)) {
      c.solver = s;
      c.steps = 20;  // their regime: tens of steps (`--steps` overrides)
      return c;
    }
  std::string valid;
  for (const auto& p : samplerPresetNames()) valid += (valid.empty() ? "" : ", ") + p;
  return Error{"unknown sampler preset '" + name + "'; valid: " + valid};
}

bool addsNoise(const SamplerConfig& c) {
  return c.kind == SamplerKind::Pc || (c.solver == OdeSolver::Ddim && c.eta > 0) ||
         (c.solver == OdeSolver::EdmHeun && c.churn > 0);
}

std::string runKindLabel(const SamplerConfig& c) {
  if (c.kind == SamplerKind::Pc) return "reverse SDE (PC)";
  if (!addsNoise(c)) return "probability-flow ODE";
  char buf[64];
  if (c.solver == OdeSolver::Ddim)
    std::snprintf(buf, sizeof buf, "DDIM, η = %.3g (stochastic)", c.eta);
  else
    std::snprintf(buf, sizeof buf, "EDM Heun, churn %.3g (stochastic)", c.churn);
  return buf;
}

SamplerConfig forKind(SamplerConfig c, SamplerKind kind) {
  c.kind = kind;
  if (kind == SamplerKind::Pc) {
    c.schedule = TimeSchedule::Default;
    c.eta = c.churn = 0;
  }
  return c;
}

std::vector<std::string> samplerPresetNames() {
  return {"pc",      "ald",  "ddpm",     "ode",          "euler",   "heun",
          "euler_a", "ddim", "dpmpp_2m", "dpm_solver_3", "edm_heun"};
}

TimeSchedule defaultSchedule(OdeSolver s) {
  switch (s) {
    case OdeSolver::DpmPp2m:
    case OdeSolver::DpmSolver3:
      return TimeSchedule::LogSnr;
    case OdeSolver::EdmHeun:
      return TimeSchedule::Karras;
    default:
      return TimeSchedule::Uniform;
  }
}

TimeSchedule scheduleOf(const SamplerConfig& c) {
  return c.schedule == TimeSchedule::Default ? defaultSchedule(c.solver) : c.schedule;
}

int nfePerStep(OdeSolver s) {
  switch (s) {
    case OdeSolver::Rk45:
      return 0;
    case OdeSolver::Heun:
    case OdeSolver::EdmHeun:
      return 2;
    case OdeSolver::DpmSolver3:
      return 3;
    case OdeSolver::Rk4:
      return 4;
    default:
      return 1;
  }
}

std::string fieldName(OdeSolver s) {
  switch (s) {
    case OdeSolver::Euler:
      return "diffusers EulerDiscreteScheduler, k-diffusion sample_euler";
    case OdeSolver::Heun:
      return "diffusers HeunDiscreteScheduler, k-diffusion sample_heun (churn 0)";
    case OdeSolver::Ddim:
      return "diffusers DDIMScheduler (eta)";
    case OdeSolver::DpmPp2m:
      return "diffusers DPMSolverMultistepScheduler (dpmsolver++, order 2), k-diffusion "
             "sample_dpmpp_2m";
    case OdeSolver::DpmSolver3:
      return "diffusers DPMSolverSinglestepScheduler (dpmsolver, order 3), DPM-Solver-3";
    case OdeSolver::EdmHeun:
      return "k-diffusion sample_heun (s_churn), EDM Algorithm 2";
    default:
      return "";
  }
}

std::string toString(Predictor p) { return nameOf(kPredictors, p); }
std::string toString(Corrector c) { return nameOf(kCorrectors, c); }
std::string toString(OdeSolver s) { return nameOf(kSolvers, s); }
std::string toString(TimeSchedule s) { return nameOf(kSchedules, s); }

Expected<Predictor> parsePredictor(const std::string& s) {
  return parseName(kPredictors, s, "predictor", NameMatch::Loose);
}

Expected<Corrector> parseCorrector(const std::string& s) {
  return parseName(kCorrectors, s, "corrector", NameMatch::Loose);
}

Expected<OdeSolver> parseOdeSolver(const std::string& s) {
  return parseName(kSolvers, s, "ODE solver", NameMatch::Loose);
}

Expected<TimeSchedule> parseTimeSchedule(const std::string& s) {
  return parseName(kSchedules, s, "schedule", NameMatch::Loose);
}

}  // namespace ss::sample

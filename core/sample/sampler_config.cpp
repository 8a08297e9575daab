// SamplerConfig validation, presets and names. Torch-free (ui/ includes the header).
#include "core/sample/sampler_config.h"

#include <cmath>
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
                                            {OdeSolver::Rk45, "dopri5"}};

bool positive(double v) { return std::isfinite(v) && v > 0; }

}  // namespace

Status SamplerConfig::validate(sde::SdeKind sdeKind) const {
  if (steps < 1) return invalid("steps", steps, "must be at least 1");
  if (this->kind == SamplerKind::Ode) {
    if (solver == OdeSolver::Rk45) {
      if (!positive(rtol)) return invalid("rtol", rtol, "must be a positive number");
      if (!positive(atol)) return invalid("atol", atol, "must be a positive number");
    }
    return Ok{};
  }
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
  std::string valid;
  for (const auto& p : samplerPresetNames()) valid += (valid.empty() ? "" : ", ") + p;
  return Error{"unknown sampler preset '" + name + "'; valid: " + valid};
}

std::vector<std::string> samplerPresetNames() {
  return {"pc", "ald", "ddpm", "ode", "euler", "heun", "euler_a"};
}

std::string toString(Predictor p) { return nameOf(kPredictors, p); }
std::string toString(Corrector c) { return nameOf(kCorrectors, c); }
std::string toString(OdeSolver s) { return nameOf(kSolvers, s); }

Expected<Predictor> parsePredictor(const std::string& s) {
  return parseName(kPredictors, s, "predictor", NameMatch::Loose);
}

Expected<Corrector> parseCorrector(const std::string& s) {
  return parseName(kCorrectors, s, "corrector", NameMatch::Loose);
}

Expected<OdeSolver> parseOdeSolver(const std::string& s) {
  return parseName(kSolvers, s, "ODE solver", NameMatch::Loose);
}

}  // namespace ss::sample

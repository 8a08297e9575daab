// Sampler settings as plain data (MATH.md §4): predictor–corrector combinations, annealed
// Langevin (SMLD) and DDPM presets, and probability-flow ODE solvers. Torch-free: ui/ may
// include it. Names follow the paper, with diffusers-style aliases where they coincide.
#pragma once

#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/sde/sde_config.h"

namespace ss::sample {

enum class SamplerKind { Pc, Ode };
enum class Predictor { EulerMaruyama, ReverseDiffusion, Ancestral, None };
enum class Corrector { Langevin, None };
enum class OdeSolver { Euler, Heun, Rk4, Rk45 };

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

  // Ok when valid for this SDE (ancestral: vp and ve only), else an error naming the field
  // and the valid choices.
  Status validate(sde::SdeKind kind) const;
  // The same, plus the checks that need the SDE's parameters: on VP the reverse-diffusion
  // and ancestral predictors and the Langevin corrector (VP, sub-VP) use the DDPM betas
  // b_i = β/steps, which must stay below 1 (steps > beta_max).
  Status validate(const sde::SdeConfig& sde) const;
};

// Named presets: "pc" (EM predictor), "ald" (annealed Langevin: no predictor + Langevin),
// "ddpm" (ancestral predictor, no corrector), "ode" (PF-ODE RK45); and diffusers-style
// aliases: "euler" (PF-ODE Euler), "heun" (PF-ODE Heun), "euler_a" (ancestral).
Expected<SamplerConfig> samplerPreset(const std::string& name);
std::vector<std::string> samplerPresetNames();

std::string toString(Predictor p);  // "euler-maruyama", "reverse-diffusion", "ancestral", "none"
std::string toString(Corrector c);  // "langevin", "none"
std::string toString(OdeSolver s);  // "euler", "heun", "rk4", "rk45"
Expected<Predictor> parsePredictor(const std::string& s);
Expected<Corrector> parseCorrector(const std::string& s);
Expected<OdeSolver> parseOdeSolver(const std::string& s);

}  // namespace ss::sample

// Time grids of the fixed-step solvers (MATH.md §8, docs/SAMPLERS.md): uniform in t, uniform
// in the log-SNR λ(t) = log(a(t)/σ(t)), and Karras et al.'s steps, uniform in σ̃^{1/ρ} with
// σ̃ = σ/a = e^{−λ} (the σ of EDM's scaled form; VE: σ itself). Written through the SDE's
// a(t) and σ(t) only, so they hold for any SDE whose λ(t) decreases. Torch-free, pure
// functions: any thread, and ui/ may include it.
#pragma once

#include <vector>

#include "core/sample/sampler_config.h"
#include "core/sde/sde_config.h"

namespace ss::sample {

// λ(t) = log a(t) − log σ(t).
double logSnr(const sde::SdeConfig& sde, double t);
// The t in [lo, hi] with λ(t) = lambda (bisection to the last bit; λ decreasing in t). A
// lambda outside [λ(hi), λ(lo)] gives the nearer end.
double timeAtLogSnr(const sde::SdeConfig& sde, double lambda, double lo, double hi);

// n + 1 times from `from` to `to` (either way round), first and last exactly those, spaced
// by `schedule` (Default: uniform). Karras takes ρ > 0.
std::vector<double> solverTimes(const sde::SdeConfig& sde, TimeSchedule schedule, double rho,
                                double from, double to, int n);

}  // namespace ss::sample

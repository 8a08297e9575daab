// The forward SDE's parameters and its scalar schedule (MATH.md §1): a(t), σ(t), β(t),
// g(t), the linear drift coefficient. Torch-free so ui/ can draw the schedule and place
// particles without LibTorch; core/sde/sde.h builds the tensor-level Sde from it.
// Pure functions: any thread.
#pragma once

#include <string>
#include <string_view>

#include "core/common/error.h"
#include "core/common/field_list.h"

namespace ss::sde {

enum class SdeKind { VE, VP, SubVP };

std::string_view toString(SdeKind kind);  // "ve", "vp", "subvp"
// Also "sub-vp"; an error names the text and lists the kinds.
Expected<SdeKind> parseSdeKind(std::string_view name);

struct SdeConfig {
  SdeKind kind = SdeKind::VP;
  double betaMin = 0.1;    // VP, sub-VP: β(0)
  double betaMax = 20.0;   // VP, sub-VP: β(1)
  double sigmaMin = 0.01;  // VE
  double sigmaMax = 0.0;   // VE; 0 = derive from the data's diameter (see resolved())
  int N = 1000;            // discretization steps (SMLD/DDPM grids, default sampler steps)
  double T = 1.0;          // end time
  double eps = 1e-5;       // smallest time used by training and samplers

  // Ok, or one message naming the offending field and value,
  // e.g. "sigma_min (0.5) must be smaller than sigma_max (0.1)".
  Status validate() const;
  // {"kind", "beta_min", "beta_max", "sigma_min", "sigma_max", "N", "T", "eps"} as JSON text:
  // what checkpoints and scene files store.
  std::string toJson() const;
  // A copy with sigmaMax filled in from the data's diameter when it is 0 (auto).
  SdeConfig resolved(double dataDiameter) const;
  bool sigmaMaxIsAuto() const { return sigmaMax <= 0.0; }
  bool operator==(const SdeConfig&) const = default;
};

// The JSON keys of the numbers, each with its field, in one list that toJson writes and
// scene files read: f("beta_min", c.betaMin), …, f("eps", c.eps). C: (const) SdeConfig.
template <class C, class F>
void forEachNumber(C& c, F&& f) {
  // clang-format off
  eachField(f, "beta_min", c.betaMin, "beta_max", c.betaMax, "sigma_min", c.sigmaMin,
            "sigma_max", c.sigmaMax, "N", c.N, "T", c.T, "eps", c.eps);
  // clang-format on
}

// The marginal p_0t(x(t) | x(0)) = N(a(t) x(0), σ(t)² I).
struct Marginal {
  double a;      // mean coefficient
  double sigma;  // standard deviation
};

// Scalar schedule. `cfg` must be valid and resolved (VE needs sigmaMax > 0).
double betaAt(const SdeConfig& cfg, double t);          // β(t), VP and sub-VP
double integratedBeta(const SdeConfig& cfg, double t);  // ∫₀ᵗ β(s) ds
Marginal marginal(const SdeConfig& cfg, double t);
double diffusion(const SdeConfig& cfg, double t);         // g(t)
double driftCoefficient(const SdeConfig& cfg, double t);  // f(x,t) = c(t)·x; returns c(t)
double priorStd(const SdeConfig& cfg);                    // 1 (VP, sub-VP) or σmax (VE)
// Signal-to-noise ratio a(t)²/σ(t)².
double snr(const SdeConfig& cfg, double t);

}  // namespace ss::sde

// The forward SDE's parameters and its scalar schedule (MATH.md §1, §8): a(t), σ(t), β(t),
// g(t), the linear drift coefficient, for VE, VP (linear or cosine β) , sub-VP and the
// rectified flow / linear interpolant. Torch-free so ui/ can draw the schedule and place
// particles without LibTorch; core/sde/sde.h builds the tensor-level Sde from it.
// Pure functions: any thread.
#pragma once

#include <string>
#include <string_view>

#include "core/common/error.h"
#include "core/common/field_list.h"

namespace ss::sde {

// VPCosine is VP with Nichol and Dhariwal's cosine β(t) (betaMin/betaMax unused); RF is the
// rectified flow x_t = (1 − t) x0 + t ε, whose g(t)² = 2t/(1 − t) is singular at t = 1, so
// its T must stay below 1 (kRfT by default; docs/PROCESSES.md).
enum class SdeKind { VE, VP, SubVP, VPCosine, RF };

std::string_view toString(SdeKind kind);  // "ve", "vp", "subvp", "vp-cosine", "rf"
// Also "sub-vp", "cosine", "rectified-flow"; an error names the text and lists the kinds.
Expected<SdeKind> parseSdeKind(std::string_view name);

// The cosine schedule's offset s and the cap on its β(t): the paper clips the per-step
// β_i at 0.999, which on a 1000-step grid (β_i ≈ β(t)/1000) is β(t) ≤ 999.
constexpr double kCosineS = 0.008;
constexpr double kCosineBetaMax = 999.0;
// The time where the cosine β(t) reaches kCosineBetaMax (≈ 0.998).
double cosineCapTime();
// RF's default end time: g(T)² = 2T/(1 − T) ≈ 2000, a(T) = 0.001 (docs/PROCESSES.md).
constexpr double kRfT = 0.999;
// The end time a kind starts with: kRfT for RF, else 1.
double defaultT(SdeKind kind);

struct SdeConfig {
  SdeKind kind = SdeKind::VP;
  double betaMin = 0.1;    // VP, sub-VP: β(0)
  double betaMax = 20.0;   // VP, sub-VP: β(1)
  double sigmaMin = 0.01;  // VE
  double sigmaMax = 0.0;   // VE; 0 = derive from the data's diameter (see resolved())
  int N = 1000;            // discretization steps (SMLD/DDPM grids, default sampler steps)
  double T = 1.0;          // end time (RF: below 1, defaultT(SdeKind::RF) = 0.999)
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

// The defaults for a kind: SdeConfig{} with `kind` and its defaultT.
SdeConfig defaultsFor(SdeKind kind);

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
// β(t) and ∫₀ᵗ β: VP and sub-VP linear; cosine VP −d ln a(t)²/dt capped at kCosineBetaMax
// (past the cap a(t)² falls as exp(−kCosineBetaMax Δt), so a, σ and g stay one process);
// RF the β of its drift −½β(t)x, 2/(1 − t) and −2 ln(1 − t).
double betaAt(const SdeConfig& cfg, double t);
double integratedBeta(const SdeConfig& cfg, double t);
Marginal marginal(const SdeConfig& cfg, double t);
double diffusion(const SdeConfig& cfg, double t);         // g(t)
double driftCoefficient(const SdeConfig& cfg, double t);  // f(x,t) = c(t)·x; returns c(t)
// The prior's std: 1 (VP, sub-VP, cosine VP), σmax (VE), σ(T) = T (RF: p_T is
// N((1 − T) x0, T² I), whose mean 0.001·x0 the prior N(0, T² I) neglects).
double priorStd(const SdeConfig& cfg);
// Signal-to-noise ratio a(t)²/σ(t)².
double snr(const SdeConfig& cfg, double t);

}  // namespace ss::sde

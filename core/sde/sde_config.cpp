#include "core/sde/sde_config.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <sstream>

#include "core/common/enum_names.h"

namespace ss::sde {

namespace {
constexpr EnumName<SdeKind> kKinds[] = {
    {SdeKind::VE, "ve"},           {SdeKind::VP, "vp"},
    {SdeKind::SubVP, "subvp"},     {SdeKind::VPCosine, "vp-cosine"},
    {SdeKind::RF, "rf"},           {SdeKind::SubVP, "sub-vp"},
    {SdeKind::VPCosine, "cosine"}, {SdeKind::RF, "rectified-flow"}};
bool finite(double v) { return std::isfinite(v); }

// The cosine schedule: θ(t) = (t + s)/(1 + s)·π/2, a(t)² = cos²θ(t)/cos²θ(0), so
// β(t) = −d ln a²/dt = π/(1 + s)·tan θ(t), which reaches kCosineBetaMax at t = tCap.
constexpr double kHalfPi = 0.5 * M_PI;
double cosineTheta(double t) { return (t + kCosineS) / (1.0 + kCosineS) * kHalfPi; }
}  // namespace

double cosineCapTime() {
  return std::atan(kCosineBetaMax * (1.0 + kCosineS) / M_PI) / kHalfPi * (1.0 + kCosineS) -
         kCosineS;
}

namespace {
// −2 ln(cos θ(t)/cos θ(0)) without cancellation near t = 0: with δ = θ(t) − θ(0),
// cos θ(t)/cos θ(0) = cos δ − tan θ(0) sin δ = 1 − 2 sin²(δ/2) − tan θ(0) sin δ.
double cosineLogTerm(double t) {
  const double th0 = cosineTheta(0.0), d = cosineTheta(t) - th0, h = std::sin(0.5 * d);
  return -2.0 * std::log1p(-2.0 * h * h - std::tan(th0) * std::sin(d));
}
double cosineBeta(double t) {
  return t >= cosineCapTime() ? kCosineBetaMax : M_PI / (1.0 + kCosineS) * std::tan(cosineTheta(t));
}
double cosineIntegratedBeta(double t) {
  const double cap = cosineCapTime();
  return t <= cap ? cosineLogTerm(t) : cosineLogTerm(cap) + kCosineBetaMax * (t - cap);
}
}  // namespace

double defaultT(SdeKind kind) { return kind == SdeKind::RF ? kRfT : 1.0; }

SdeConfig defaultsFor(SdeKind kind) {
  SdeConfig c;
  c.kind = kind;
  c.T = defaultT(kind);
  return c;
}

std::string_view toString(SdeKind kind) { return nameOf(kKinds, kind); }

Expected<SdeKind> parseSdeKind(std::string_view name) {
  return parseName(kKinds, name, "SDE kind");
}

Status SdeConfig::validate() const {
  if (!finite(T) || T <= 0) return invalid("T", T, "must be a positive number");
  if (!finite(eps) || eps <= 0 || eps >= T)
    return invalid("eps", eps, "must be positive and smaller than T");
  if (N < 1) return invalid("N", N, "must be at least 1");
  if (kind == SdeKind::VE) {
    if (!finite(sigmaMin) || sigmaMin <= 0)
      return invalid("sigma_min", sigmaMin, "must be a positive number");
    if (!finite(sigmaMax) || sigmaMax < 0)
      return invalid("sigma_max", sigmaMax,
                     "must be positive (or 0 for auto: the data's diameter)");
    if (sigmaMax > 0 && sigmaMin >= sigmaMax) {
      std::ostringstream s;
      s << "sigma_min (" << sigmaMin << ") must be smaller than sigma_max (" << sigmaMax << ")";
      return Error{s.str()};
    }
  } else if (kind == SdeKind::RF) {
    if (T >= 1.0)
      return invalid("T", T,
                     "must be below 1 for rf: g(t)^2 = 2t/(1-t) is singular at t = 1 (rf's "
                     "default T is 0.999)");
  } else if (kind == SdeKind::VPCosine) {
    if (T > 1.0) return invalid("T", T, "must be at most 1 for vp-cosine: a(1) = 0");
  } else {
    if (!finite(betaMin) || betaMin <= 0)
      return invalid("beta_min", betaMin, "must be a positive number");
    if (!finite(betaMax) || betaMax <= 0)
      return invalid("beta_max", betaMax, "must be a positive number");
    if (betaMin > betaMax) {
      std::ostringstream s;
      s << "beta_min (" << betaMin << ") must not exceed beta_max (" << betaMax << ")";
      return Error{s.str()};
    }
    // VP's DDPM grid uses b_i ≤ βmax/N as a per-step variance: it must stay below 1.
    if (kind == SdeKind::VP && betaMax / N >= 1.0) {
      std::ostringstream s;
      s << "N (" << N << ") must exceed beta_max (" << betaMax
        << ") so the DDPM betas beta/N stay below 1";
      return Error{s.str()};
    }
  }
  return Ok{};
}

SdeConfig SdeConfig::resolved(double dataDiameter) const {
  SdeConfig c = *this;
  if (c.kind == SdeKind::VE && c.sigmaMaxIsAuto()) {
    // MATH.md §1: σmax about the largest distance between two data points; never below
    // a few σmin so the grid stays meaningful on degenerate data.
    double d = std::isfinite(dataDiameter) && dataDiameter > 0 ? dataDiameter : 1.0;
    c.sigmaMax = std::max(d, 10.0 * c.sigmaMin);
  }
  return c;
}

double betaAt(const SdeConfig& c, double t) {
  if (c.kind == SdeKind::VPCosine) return cosineBeta(t);
  if (c.kind == SdeKind::RF) return 2.0 / (1.0 - t);
  return c.betaMin + t * (c.betaMax - c.betaMin);
}

double integratedBeta(const SdeConfig& c, double t) {
  if (c.kind == SdeKind::VPCosine) return cosineIntegratedBeta(t);
  if (c.kind == SdeKind::RF) return -2.0 * std::log1p(-t);
  return c.betaMin * t + 0.5 * t * t * (c.betaMax - c.betaMin);
}

Marginal marginal(const SdeConfig& c, double t) {
  switch (c.kind) {
    case SdeKind::VE:
      return {1.0, c.sigmaMin * std::pow(c.sigmaMax / c.sigmaMin, t)};
    case SdeKind::VP:
    case SdeKind::VPCosine: {
      double B = integratedBeta(c, t);
      return {std::exp(-0.5 * B), std::sqrt(-std::expm1(-B))};
    }
    case SdeKind::SubVP: {
      double B = integratedBeta(c, t);
      return {std::exp(-0.5 * B), -std::expm1(-B)};
    }
    case SdeKind::RF:
      return {1.0 - t, t};
  }
  return {1.0, 1.0};
}

double diffusion(const SdeConfig& c, double t) {
  switch (c.kind) {
    case SdeKind::VE: {
      double sigma = c.sigmaMin * std::pow(c.sigmaMax / c.sigmaMin, t);
      return sigma * std::sqrt(2.0 * (std::log(c.sigmaMax) - std::log(c.sigmaMin)));
    }
    case SdeKind::VP:
    case SdeKind::VPCosine:
      return std::sqrt(betaAt(c, t));
    case SdeKind::SubVP:
      return std::sqrt(betaAt(c, t) * -std::expm1(-2.0 * integratedBeta(c, t)));
    case SdeKind::RF:  // g² = dσ²/dt − 2(a′/a)σ² = 2t + 2t²/(1 − t) = 2t/(1 − t)
      return std::sqrt(2.0 * t / (1.0 - t));
  }
  return 0.0;
}

double driftCoefficient(const SdeConfig& c, double t) {
  return c.kind == SdeKind::VE ? 0.0 : -0.5 * betaAt(c, t);
}

double priorStd(const SdeConfig& c) {
  if (c.kind == SdeKind::VE) return c.sigmaMax;
  return c.kind == SdeKind::RF ? c.T : 1.0;
}

double snr(const SdeConfig& c, double t) {
  Marginal m = marginal(c, t);
  return (m.a * m.a) / (m.sigma * m.sigma);
}

std::string SdeConfig::toJson() const {
  nlohmann::json j = {{"kind", std::string(toString(kind))}};
  forEachNumber(*this, [&](const char* key, const auto& value) { j[key] = value; });
  return j.dump();
}

}  // namespace ss::sde

// The field's solvers (MATH.md §8; each update written out in docs/SAMPLERS.md): DDIM,
// DPM-Solver++(2M), DPM-Solver-3 (singlestep) and EDM's Heun with churn. Everything goes
// through a(t), σ(t), λ(t) = log(a/σ), the data prediction x̂0 = (x + σ² s)/a and the noise
// prediction ε̂ = −σ s, so they hold on VP, sub-VP and VE alike.
#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/common/error.h"
#include "core/sample/steps.h"
#include "core/sample/time_grid.h"

namespace ss::sample::detail {

namespace {

struct Coef {
  double a, sigma, lambda;
};

Coef coef(const StepContext& c, double t) {
  const sde::Marginal m = sde::marginal(c.sde.config(), t);
  return {m.a, m.sigma, std::log(m.a) - std::log(m.sigma)};
}

// x̂0(x, t) = (x + σ² s)/a (one score evaluation).
torch::Tensor dataPrediction(StepContext& c, const torch::Tensor& x, double t, const Coef& k) {
  return (x + (k.sigma * k.sigma) * evalScore(c, x, t)) / k.a;
}

// ε̂(x, t) = −σ s (one score evaluation).
torch::Tensor noisePrediction(StepContext& c, const torch::Tensor& x, double t, const Coef& k) {
  return -k.sigma * evalScore(c, x, t);
}

}  // namespace

torch::Tensor SolverStepper::step(StepContext& c, const torch::Tensor& x, double t, double tNext) {
  const bool noisy = (m_c.solver == OdeSolver::Ddim && m_c.eta > 0) ||
                     (m_c.solver == OdeSolver::EdmHeun && m_c.churn > 0);
  if (noisy && tNext > t) {
    std::ostringstream s;
    s << toString(m_c.solver) << " with noise (eta or churn > 0) runs backward in time only; "
      << "from t = " << t << " it was asked to go to " << tNext << " (use eta = churn = 0)";
    throw Failure(s.str());
  }
  switch (m_c.solver) {
    case OdeSolver::Ddim:
      return ddim(c, x, t, tNext);
    case OdeSolver::DpmPp2m:
      return dpmpp2m(c, x, t, tNext);
    case OdeSolver::DpmSolver3:
      return dpmSolver3(c, x, t, tNext);
    case OdeSolver::EdmHeun:
      return edmHeun(c, x, t, tNext);
    default:
      throw Failure("SolverStepper: " + toString(m_c.solver) + " is not one of its solvers");
  }
}

// x_s = a_s x̂0 + sqrt(σ_s² − c²) ε̂ + c z, c = η σ_s sqrt(1 − (a_t σ_s)²/(a_s σ_t)²), where
// ε̂ = (x − a_t x̂0)/σ_t (= −σ_t s).
torch::Tensor SolverStepper::ddim(StepContext& c, const torch::Tensor& x, double t, double s) {
  const Coef kt = coef(c, t), ks = coef(c, s);
  auto x0 = dataPrediction(c, x, t, kt);
  auto eps = (x - kt.a * x0) / kt.sigma;
  const double ratio = (kt.a * ks.sigma) / (ks.a * kt.sigma);
  const double noise = m_c.eta * ks.sigma * std::sqrt(std::max(0.0, 1.0 - ratio * ratio));
  auto out = ks.a * x0 + std::sqrt(std::max(0.0, ks.sigma * ks.sigma - noise * noise)) * eps;
  if (noise > 0) out = out + noise * c.noise.like(x);
  return out;
}

// h = λ_s − λ_t, d = x̂0(x, t); D = (1 + 1/(2r)) d − (1/(2r)) d_prev with r = h_prev/h (first
// step: D = d); x_s = (σ_s/σ_t) x − a_s (e^{−h} − 1) D.
torch::Tensor SolverStepper::dpmpp2m(StepContext& c, const torch::Tensor& x, double t, double s) {
  const Coef kt = coef(c, t), ks = coef(c, s);
  const double h = ks.lambda - kt.lambda;
  auto d = dataPrediction(c, x, t, kt);
  torch::Tensor D = d;
  if (m_prevD.defined()) {
    const double r = m_prevH / h;
    D = (1.0 + 0.5 / r) * d - (0.5 / r) * m_prevD;
  }
  m_prevD = d;
  m_prevH = h;
  return (ks.sigma / kt.sigma) * x - (ks.a * std::expm1(-h)) * D;
}

// Lu et al. 2022 (DPM-Solver), Algorithm 2 with r1 = 1/3, r2 = 2/3, in noise prediction:
// s1, s2 at λ_t + r1 h, λ_t + r2 h;
// u1 = (a_s1/a_t) x − σ_s1 (e^{r1 h} − 1) ε̂_t,                          D1 = ε̂(u1, s1) − ε̂_t;
// u2 = (a_s2/a_t) x − σ_s2 (e^{r2 h} − 1) ε̂_t − (σ_s2 r2/r1)((e^{r2 h} − 1)/(r2 h) − 1) D1,
//                                                                       D2 = ε̂(u2, s2) − ε̂_t;
// x_s = (a_s/a_t) x − σ_s (e^h − 1) ε̂_t − (σ_s/r2)((e^h − 1)/h − 1) D2.
torch::Tensor SolverStepper::dpmSolver3(StepContext& c, const torch::Tensor& x, double t,
                                        double s) {
  constexpr double r1 = 1.0 / 3.0, r2 = 2.0 / 3.0;
  const sde::SdeConfig& cfg = c.sde.config();
  const Coef kt = coef(c, t), ks = coef(c, s);
  const double h = ks.lambda - kt.lambda;
  const double t1 = timeAtLogSnr(cfg, kt.lambda + r1 * h, t, s);
  const double t2 = timeAtLogSnr(cfg, kt.lambda + r2 * h, t, s);
  const Coef k1 = coef(c, t1), k2 = coef(c, t2);
  auto e0 = noisePrediction(c, x, t, kt);
  auto u1 = (k1.a / kt.a) * x - (k1.sigma * std::expm1(r1 * h)) * e0;
  auto d1 = noisePrediction(c, u1, t1, k1) - e0;
  auto u2 = (k2.a / kt.a) * x - (k2.sigma * std::expm1(r2 * h)) * e0 -
            (k2.sigma * r2 / r1) * (std::expm1(r2 * h) / (r2 * h) - 1.0) * d1;
  auto d2 = noisePrediction(c, u2, t2, k2) - e0;
  return (ks.a / kt.a) * x - (ks.sigma * std::expm1(h)) * e0 -
         (ks.sigma / r2) * (std::expm1(h) / h - 1.0) * d2;
}

// Karras et al. 2022, Algorithm 2, in the scaled variable y = x/a with σ̃ = σ/a (VE: a = 1):
// γ = min(churn/steps, √2 − 1), σ̂ = min(σ̃_t (1 + γ), σ̃_T), ŷ = y + sqrt(σ̂² − σ̃_t²) z;
// d = (ŷ − x̂0(a ŷ, t̂))/σ̂ (= ε̂), y' = ŷ + (σ̃_s − σ̂) d, d' = (y' − x̂0(a_s y', s))/σ̃_s,
// y_s = ŷ + (σ̃_s − σ̂)(d + d')/2, x_s = a_s y_s. t̂ is the time where σ/a = σ̂.
torch::Tensor SolverStepper::edmHeun(StepContext& c, const torch::Tensor& x, double t, double s) {
  const sde::SdeConfig& cfg = c.sde.config();
  const Coef kt = coef(c, t), ks = coef(c, s);
  const double st = std::exp(-kt.lambda), ss = std::exp(-ks.lambda);
  auto y = x / kt.a;
  double tHat = t, sHat = st;
  if (m_c.churn > 0) {
    const double gamma = std::min(m_c.churn / m_c.steps, std::sqrt(2.0) - 1.0);
    const double sMax = std::exp(-logSnr(cfg, cfg.T));
    sHat = std::min(st * (1.0 + gamma), std::max(st, sMax));
    if (sHat > st) {
      tHat = timeAtLogSnr(cfg, -std::log(sHat), t, cfg.T);
      y = y + std::sqrt(sHat * sHat - st * st) * c.noise.like(x);
    }
  }
  const Coef kh = coef(c, tHat);
  auto d = (y - dataPrediction(c, kh.a * y, tHat, kh)) / sHat;
  auto yEuler = y + (ss - sHat) * d;
  auto d2 = (yEuler - dataPrediction(c, ks.a * yEuler, s, ks)) / ss;
  return ks.a * (y + (0.5 * (ss - sHat)) * (d + d2));
}

}  // namespace ss::sample::detail

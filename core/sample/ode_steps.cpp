// Probability-flow ODE steps (MATH.md §4): Euler, Heun, RK4 and adaptive Dormand–Prince.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <sstream>

#include "core/common/error.h"
#include "core/sample/steps.h"

namespace ss::sample::detail {

torch::Tensor fixedOdeStep(OdeSolver solver, const Drift& f, const torch::Tensor& x, double t,
                           double h) {
  switch (solver) {
    case OdeSolver::Euler:
      return x + h * f(x, t);
    case OdeSolver::Heun: {
      auto k1 = f(x, t);
      auto k2 = f(x + h * k1, t + h);
      return x + (0.5 * h) * (k1 + k2);
    }
    case OdeSolver::Rk4: {
      auto k1 = f(x, t);
      auto k2 = f(x + (0.5 * h) * k1, t + 0.5 * h);
      auto k3 = f(x + (0.5 * h) * k2, t + 0.5 * h);
      auto k4 = f(x + h * k3, t + h);
      return x + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
    }
    case OdeSolver::Rk45:
    case OdeSolver::Ddim:
    case OdeSolver::DpmPp2m:
    case OdeSolver::DpmSolver3:
    case OdeSolver::EdmHeun:
      break;
  }
  throw Failure("fixedOdeStep: " + toString(solver) + " is not Euler, Heun or RK4");
}

namespace {

// Dormand–Prince 5(4) tableau (scipy.integrate.RK45).
constexpr std::array<double, 6> kC = {0.0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1.0};
constexpr double kA[6][5] = {
    {0, 0, 0, 0, 0},
    {1.0 / 5, 0, 0, 0, 0},
    {3.0 / 40, 9.0 / 40, 0, 0, 0},
    {44.0 / 45, -56.0 / 15, 32.0 / 9, 0, 0},
    {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729, 0},
    {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656}};
constexpr std::array<double, 6> kB = {35.0 / 384,     0,        500.0 / 1113, 125.0 / 192,
                                      -2187.0 / 6784, 11.0 / 84};
constexpr std::array<double, 7> kE = {-71.0 / 57600,    0,           71.0 / 16695, -71.0 / 1920,
                                      17253.0 / 339200, -22.0 / 525, 1.0 / 40};
constexpr double kSafety = 0.9, kMinFactor = 0.2, kMaxFactor = 10.0;
constexpr double kErrorExponent = -1.0 / 5.0;  // −1/(error estimator order 4 + 1)
constexpr int kOrder = 5;

// RMS over all elements, in float64.
double rms(const torch::Tensor& v) {
  return std::sqrt(v.to(torch::kFloat64).pow(2).mean().item<double>());
}

}  // namespace

double DormandPrince::initialStep(const Drift& f, const torch::Tensor& x, double t,
                                  double direction) const {
  // scipy.integrate._ivp.common.select_initial_step (Hairer, Nørsett & Wanner, II.4).
  const double interval = std::abs(m_tEnd - t);
  auto scale = m_atol + x.abs() * m_rtol;
  const double d0 = rms(x / scale), d1 = rms(m_f / scale);
  double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
  h0 = std::min(h0, interval);
  auto f1 = f(x + (h0 * direction) * m_f, t + h0 * direction);
  const double d2 = rms((f1 - m_f) / scale) / h0;
  const double h1 = (d1 <= 1e-15 && d2 <= 1e-15)
                        ? std::max(1e-6, h0 * 1e-3)
                        : std::pow(0.01 / std::max(d1, d2), 1.0 / (kOrder + 1));
  return std::min({100 * h0, h1, interval});
}

void DormandPrince::step(const Drift& f, torch::Tensor& x, double& t) {
  const double direction = m_tEnd < t ? -1.0 : 1.0;
  if (!m_f.defined()) {
    m_f = f(x, t);
    if (m_hAbs <= 0) m_hAbs = initialStep(f, x, t, direction);
  }
  const double minStep =
      10.0 * std::abs(std::nextafter(t, direction * std::numeric_limits<double>::infinity()) - t);
  double hAbs = std::max(m_hAbs, minStep);
  bool rejected = false;
  std::array<torch::Tensor, 7> K;
  for (;;) {
    if (hAbs < minStep) {
      std::ostringstream s;
      s << "RK45 step size became too small at t = " << t << " (rtol " << m_rtol << ", atol "
        << m_atol << ")";
      throw Failure(s.str());
    }
    double tNew = t + hAbs * direction;
    if (direction * (tNew - m_tEnd) > 0) tNew = m_tEnd;
    const double h = tNew - t;
    hAbs = std::abs(h);

    K[0] = m_f;
    for (int s = 1; s < 6; ++s) {
      auto dy = kA[s][0] * K[0];
      for (int j = 1; j < s; ++j) dy = dy + kA[s][j] * K[j];
      K[s] = f(x + h * dy, t + kC[s] * h);
    }
    auto sum = kB[0] * K[0];
    for (int j = 1; j < 6; ++j)
      if (kB[j] != 0) sum = sum + kB[j] * K[j];
    auto yNew = x + h * sum;
    K[6] = f(yNew, tNew);

    auto err = kE[0] * K[0];
    for (int j = 1; j < 7; ++j)
      if (kE[j] != 0) err = err + kE[j] * K[j];
    auto scale = m_atol + torch::maximum(x.abs(), yNew.abs()) * m_rtol;
    const double errorNorm = rms(h * err / scale);

    if (!std::isfinite(errorNorm) || errorNorm < 1) {
      double factor = kMaxFactor;
      if (errorNorm > 0 && std::isfinite(errorNorm))
        factor = std::min(kMaxFactor, kSafety * std::pow(errorNorm, kErrorExponent));
      if (rejected) factor = std::min(1.0, factor);
      m_hAbs = hAbs * factor;
      x = yNew;
      t = tNew;
      m_f = K[6];
      return;
    }
    hAbs *= std::max(kMinFactor, kSafety * std::pow(errorNorm, kErrorExponent));
    rejected = true;
  }
}

}  // namespace ss::sample::detail

// Time grids: uniform in t, in λ, or Karras's σ̃^{1/ρ} steps, mapped back to t by bisection.
#include "core/sample/time_grid.h"

#include <algorithm>
#include <cmath>

namespace ss::sample {

double logSnr(const sde::SdeConfig& sde, double t) {
  const sde::Marginal m = sde::marginal(sde, t);
  return std::log(m.a) - std::log(m.sigma);
}

double timeAtLogSnr(const sde::SdeConfig& sde, double lambda, double lo, double hi) {
  if (lo > hi) std::swap(lo, hi);
  if (lambda >= logSnr(sde, lo)) return lo;
  if (lambda <= logSnr(sde, hi)) return hi;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;  // lo and hi are adjacent doubles
    (logSnr(sde, mid) > lambda ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

std::vector<double> solverTimes(const sde::SdeConfig& sde, TimeSchedule schedule, double rho,
                                double from, double to, int n) {
  n = std::max(n, 1);
  std::vector<double> t(static_cast<size_t>(n) + 1);
  const double l0 = logSnr(sde, from), l1 = logSnr(sde, to);
  // σ̃^{1/ρ} = e^{−λ/ρ} at both ends (Karras).
  const double k0 = std::exp(-l0 / rho), k1 = std::exp(-l1 / rho);
  for (int i = 0; i <= n; ++i) {
    const double f = static_cast<double>(i) / n;
    switch (schedule) {
      case TimeSchedule::LogSnr:
        t[static_cast<size_t>(i)] = timeAtLogSnr(sde, l0 + f * (l1 - l0), from, to);
        break;
      case TimeSchedule::Karras: {
        const double lambda = -rho * std::log(k0 + f * (k1 - k0));
        t[static_cast<size_t>(i)] = timeAtLogSnr(sde, lambda, from, to);
        break;
      }
      default:
        t[static_cast<size_t>(i)] = from + f * (to - from);
    }
  }
  t.front() = from;
  t.back() = to;
  return t;
}

}  // namespace ss::sample

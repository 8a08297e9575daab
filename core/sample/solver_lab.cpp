#include "core/sample/solver_lab.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/sample/sampler_config.h"

namespace ss::sample {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::vector<std::string> splitCommas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');) out.push_back(trim(item));
  if (!s.empty() && s.back() == ',') out.push_back("");
  return out;
}

nlohmann::json finiteOrNull(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

}  // namespace

Status SolverLabSpec::validate() const {
  if (solvers.empty()) return Error{"the solver lab needs at least one solver"};
  for (const auto& name : solvers) {
    auto s = parseOdeSolver(name);
    if (!s || s.value() == OdeSolver::Rk45)
      return Error{"solver '" + name +
                   "' is not a fixed-step PF-ODE solver; the lab takes euler, heun, rk4, ddim, "
                   "dpmpp_2m, dpm_solver_3 and edm_heun (RK45 is its reference)"};
  }
  if (nfes.empty()) return Error{"the solver lab needs at least one NFE budget"};
  for (int n : nfes)
    if (n < 1 || n > 100000) return invalid("NFE budget", n, "must lie in [1, 100000]");
  if (particles < 2 || particles > 1000000)
    return invalid("particles", particles, "must lie in [2, 1000000]");
  if (!(referenceTol > 0 && referenceTol <= 1e-3))
    return invalid("reference tolerance", referenceTol, "must lie in (0, 1e-3]");
  return Ok{};
}

double logLogSlope(const std::vector<double>& x, const std::vector<double>& y) {
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
    if (!(x[i] > 0 && y[i] > 0) || !std::isfinite(x[i]) || !std::isfinite(y[i])) continue;
    const double lx = std::log(x[i]), ly = std::log(y[i]);
    n += 1;
    sx += lx;
    sy += ly;
    sxx += lx * lx;
    sxy += lx * ly;
  }
  const double den = n * sxx - sx * sx;
  if (n < 2 || !(std::abs(den) > 1e-12)) return kNaN;
  return (n * sxy - sx * sy) / den;
}

double SolverLabCurve::errorSlope() const {
  std::vector<double> x, y;
  for (const auto& p : points) {
    x.push_back(static_cast<double>(p.nfe));
    y.push_back(p.error);
  }
  return logLogSlope(x, y);
}

double SolverLabCurve::sw2Slope(double band) const {
  std::vector<double> x, y;
  for (const auto& p : points)
    if (p.sw2 > band) {
      x.push_back(static_cast<double>(p.nfe));
      y.push_back(p.sw2);
    }
  return logLogSlope(x, y);
}

int64_t SolverLabCurve::firstNfeInBand(double band) const {
  int64_t best = -1;
  for (const auto& p : points)
    if (p.sw2 <= band && (best < 0 || p.nfe < best)) best = p.nfe;
  return best;
}

int SolverLabResult::pointsDone() const {
  int n = 0;
  for (const auto& c : curves) n += static_cast<int>(c.points.size());
  return n;
}

std::string SolverLabResult::toJson() const {
  nlohmann::json j = {{"data", data},
                      {"sde", sde},
                      {"score", score},
                      {"particles", spec.particles},
                      {"seed", spec.seed},
                      {"nfe_budgets", spec.nfes},
                      {"reference",
                       {{"solver", "rk45"},
                        {"rtol", spec.referenceTol},
                        {"atol", spec.referenceTol},
                        {"nfe", referenceNfe},
                        {"sw2", referenceSw2}}},
                      {"sw2_floor", floor},
                      {"sw2_band", band()},
                      {"done", done},
                      {"seconds", seconds},
                      {"solvers", nlohmann::json::array()}};
  for (const auto& c : curves) {
    nlohmann::json cj = {{"solver", c.solver},
                         {"grid", c.grid},
                         {"error_slope", finiteOrNull(c.errorSlope())},
                         {"measured_order", finiteOrNull(-c.errorSlope())},
                         {"sw2_slope_above_band", finiteOrNull(c.sw2Slope(band()))},
                         {"first_nfe_in_band", c.firstNfeInBand(band())},
                         {"points", nlohmann::json::array()}};
    for (const auto& p : c.points)
      cj["points"].push_back({{"budget", p.budget},
                              {"steps", p.steps},
                              {"nfe", p.nfe},
                              {"error", finiteOrNull(p.error)},
                              {"sw2", finiteOrNull(p.sw2)},
                              {"seconds", p.seconds}});
    j["solvers"].push_back(cj);
  }
  return j.dump(1);
}

int stepsForBudget(const std::string& solver, int budget) {
  auto s = parseOdeSolver(solver);
  const int per = s ? std::max(1, nfePerStep(s.value())) : 1;
  return std::max(1, budget / per);
}

Expected<std::vector<int>> parseIntList(const std::string& s, const std::string& what) {
  std::vector<int> out;
  for (const auto& item : splitCommas(s)) {
    size_t used = 0;
    int v = 0;
    try {
      v = std::stoi(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (item.empty() || used != item.size())
      return Error{what + ": '" + item + "' is not a whole number (give e.g. 5,10,20)"};
    out.push_back(v);
  }
  if (out.empty()) return Error{what + " is empty"};
  return out;
}

Expected<std::vector<std::string>> parseNameList(const std::string& s, const std::string& what) {
  std::vector<std::string> out;
  for (const auto& item : splitCommas(s)) {
    if (item.empty()) return Error{what + ": an empty name in '" + s + "'"};
    out.push_back(item);
  }
  if (out.empty()) return Error{what + " is empty"};
  return out;
}

}  // namespace ss::sample

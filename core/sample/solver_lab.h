// The solver lab (docs/SAMPLERS.md, "Solver lab"): chosen PF-ODE solvers run from one prior
// draw at a ladder of score-evaluation budgets (NFE), each endpoint compared with a tight
// RK45 reference (RMS over particles of ‖x − x_ref‖) and with the data (sliced W2 against a
// fresh true set, beside the floor of two true sets). A least-squares line through
// log(error) against log(NFE) gives each solver's measured order. Plain data, torch-free:
// ui/ draws it; the computation is solver_lab_run.h, the GUI's worker core/scene.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/common/error.h"

namespace ss::sample {

struct SolverLabSpec {
  // Presets of deterministic PF-ODE solvers (euler, heun, rk4, ddim, dpmpp_2m, dpm_solver_3,
  // edm_heun), each on its own default grid.
  std::vector<std::string> solvers = {"euler",    "heun",         "ddim",
                                      "dpmpp_2m", "dpm_solver_3", "edm_heun"};
  std::vector<int> nfes = {5, 10, 20, 50, 100, 200};  // budgets; each solver's steps fit in one
  int64_t particles = 10000;
  uint64_t seed = 0;           // the prior draw (seed), the true sets (seed + 101, seed + 202)
  double referenceTol = 1e-8;  // RK45 rtol = atol of the reference, in float64

  // Ok, or an error naming the bad field: an unknown or stochastic solver, an NFE < 1, no
  // solvers, particles outside [2, 1e6], a tolerance outside (0, 1e-3].
  Status validate() const;
};

// One solver at one budget.
struct SolverLabPoint {
  int budget = 0;      // the NFE asked for
  int steps = 0;       // the steps that fit in it (at least one)
  int64_t nfe = 0;     // the score evaluations the run made
  double error = 0;    // RMS over particles of ‖x − x_ref‖ at the end
  double sw2 = 0;      // sliced W2 to a fresh true set
  double seconds = 0;  // wall time of the run
};

struct SolverLabCurve {
  std::string solver;                  // the preset name
  std::string grid;                    // its default time grid ("uniform", "logsnr", "karras")
  std::vector<SolverLabPoint> points;  // by budget, as computed
  // The least-squares slope of log(error) on log(nfe) over the points (the measured order is
  // its negative); NaN with fewer than two points.
  double errorSlope() const;
  // The same for sw2 over the points above the band (NaN with fewer than two).
  double sw2Slope(double band) const;
  // The first NFE whose sw2 is within the band (-1: none).
  int64_t firstNfeInBand(double band) const;
};

struct SolverLabResult {
  SolverLabSpec spec;
  std::string data, sde, score;                // what was run: the data, the SDE, the score's name
  int64_t referenceNfe = 0;                    // the RK45 reference's evaluations (0: not yet)
  double referenceSw2 = 0;                     // the reference's own sw2
  double floor = 0;                            // sw2 of two true sets
  double band() const { return 2.5 * floor; }  // the perfect-sampler band (docs/SAMPLERS.md)
  std::vector<SolverLabCurve> curves;          // in spec order; filled as results come
  int pointsDone() const;
  int pointsPlanned() const { return static_cast<int>(spec.solvers.size() * spec.nfes.size()); }
  bool done = false;
  double seconds = 0;  // wall time so far

  std::string toJson() const;  // the result with each curve's slopes (docs/SAMPLERS.md)
};

// The steps a solver takes within an NFE budget: floor(budget / NFE per step), at least 1.
int stepsForBudget(const std::string& solver, int budget);

// The least-squares slope of log(y) on log(x) over the pairs with x, y > 0 (NaN when fewer
// than two).
double logLogSlope(const std::vector<double>& x, const std::vector<double>& y);

// "5,10,20" → {5, 10, 20}; error naming the bad entry.
Expected<std::vector<int>> parseIntList(const std::string& s, const std::string& what);
// "euler,ddim" → {"euler", "ddim"} (spaces trimmed, empty entries refused).
Expected<std::vector<std::string>> parseNameList(const std::string& s, const std::string& what);

}  // namespace ss::sample

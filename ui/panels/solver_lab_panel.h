// The solver lab's window (docs/SAMPLERS.md, "Solver lab"): which solvers and NFE budgets,
// how many particles, the exact or the learned score, Run; then what the lab's worker has
// published so far: its summary line and the two log–log plots (ui/views/solver_lab_plot.h),
// filling in as points arrive. It sends RunSolverLab; the explorer owns the worker and
// nothing here waits on it. UI thread.
#pragma once

#include <array>
#include <string>

#include "core/sample/solver_lab.h"
#include "ui/panels/commands.h"

namespace ss::ui {

inline constexpr std::array<const char*, 7> kLabSolvers = {
    "euler", "heun", "rk4", "ddim", "dpmpp_2m", "dpm_solver_3", "edm_heun"};
inline constexpr std::array<int, 8> kLabBudgets = {3, 5, 10, 20, 50, 100, 200, 400};

struct SolverLabPanelState {
  bool open = false;
  std::array<bool, kLabSolvers.size()> solvers = {true, true, false, true, true, true, true};
  std::array<bool, kLabBudgets.size()> budgets = {false, true, true, true, true, true, true, false};
  int particles = 10000;
  bool learned = false;  // the trained model's score (when there is one), else the exact score
  std::string error;     // why Run sent nothing
};

// The spec the checkboxes describe, validated.
Expected<sample::SolverLabSpec> solverLabSpec(const SolverLabPanelState& view, uint64_t seed);

// The window's contents, in the current window. `lab`: the newest published result (null:
// none yet).
void drawSolverLabContents(SolverLabPanelState& view, const sample::SolverLabResult* lab, bool busy,
                           const std::string& labError, bool hasModel, uint64_t seed,
                           CommandSink& sink);

// The floating window "Solver lab" around them, while view.open (its close box clears it).
void drawSolverLabWindow(SolverLabPanelState& view, const sample::SolverLabResult* lab, bool busy,
                         const std::string& labError, bool hasModel, uint64_t seed,
                         CommandSink& sink);

}  // namespace ss::ui

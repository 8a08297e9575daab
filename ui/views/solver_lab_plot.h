// The solver lab's two log–log plots (docs/SAMPLERS.md, "Solver lab"): each solver's
// endpoint error against the RK45 reference, and its sliced W2 to the data with the
// perfect-sampler band shaded and the floor dashed, both against NFE; the legend names each
// solver, its grid and its measured order (the fitted slope). Points not yet computed are
// simply absent, so a lab that is still running draws what it has. Used by the GUI's panel
// and by `scorescope solvers --plot` (offscreen). UI thread, inside an ImGui window.
#pragma once

#include <string>

#include "core/sample/solver_lab.h"

namespace ss::ui {

// Draws both plots into the window's next `width` × `height` pixels (side by side when wide,
// stacked when tall) and advances the cursor past them.
void solverLabPlots(const sample::SolverLabResult& lab, float width, float height);

// One line saying what the lab ran: data, SDE, score, particles, the reference and progress.
std::string solverLabSummary(const sample::SolverLabResult& lab);

}  // namespace ss::ui

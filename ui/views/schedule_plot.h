// A small plot of the noise schedule: a(t) and σ(t)/σ(T) over [0, T] with the current t
// marked; clicking or dragging in it scrubs t. UI thread, inside an ImGui window.
#pragma once

#include "core/sde/sde_config.h"

namespace ss::ui {

// Returns true when the user moved t (written to *t).
bool scheduleplot(const sde::SdeConfig& resolvedCfg, double* t, float height);

}  // namespace ss::ui

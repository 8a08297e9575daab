// The 2D explorer's keys. ImGui 1.86 indexes keys by the GLFW backend's key codes.
// UI thread, inside an ImGui frame.
#pragma once

#include "ui/session/explorer_state.h"
#include "ui/views/canvas2d.h"

namespace ss::ui {

// 1–3 switch modes, 4 compare, R re-samples, space plays, ←/→ step t (or the step-through's
// moves), Home/End jump, F fits. Returns true when a new run should be requested.
// `arrowsStepStages`: in presentation mode with a lesson, ←/→ belong to the stages.
bool handleKeys(ExplorerState& state, Canvas2D& canvas, bool arrowsStepStages = false);

}  // namespace ss::ui

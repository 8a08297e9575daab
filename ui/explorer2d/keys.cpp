#include "ui/explorer2d/keys.h"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>

namespace ss::ui {

bool handleKeys(ExplorerState& state, Canvas2D& canvas, bool arrowsStepStages) {
  if (ImGui::GetIO().WantTextInput) return false;
  bool resample = false;
  const scene::RunMode modes[] = {scene::RunMode::Forward, scene::RunMode::ReverseSde,
                                  scene::RunMode::ProbabilityFlow};
  for (int i = 0; i < 4; ++i) {  // 4: compare panes
    const bool compare = i == 3;
    if (!ImGui::IsKeyPressed(GLFW_KEY_1 + i)) continue;
    if (compare ? state.compare.enabled : !state.compare.enabled && state.mode == modes[i])
      continue;
    setCompare(state, compare, compare ? scene::RunMode::ReverseSde : modes[i]);
    resample = true;
  }
  if (ImGui::IsKeyPressed(GLFW_KEY_R) && state.mode != scene::RunMode::Forward) {
    state.t = state.sde.T;
    resample = true;
  }
  const double step = state.sde.T / 100.0;
  if (ImGui::IsKeyPressed(GLFW_KEY_SPACE)) state.playing = !state.playing;
  if (stepThroughActive(state)) {  // step-through: ←/→ one predictor or corrector move
    if (!arrowsStepStages && ImGui::IsKeyPressed(GLFW_KEY_RIGHT)) stepMove(state, 1);
    if (!arrowsStepStages && ImGui::IsKeyPressed(GLFW_KEY_LEFT)) stepMove(state, -1);
    if (ImGui::IsKeyPressed(GLFW_KEY_HOME)) stepMove(state, -moveCount(state));
    if (ImGui::IsKeyPressed(GLFW_KEY_END)) stepMove(state, moveCount(state));
    if (ImGui::IsKeyPressed(GLFW_KEY_F)) canvas.requestFit();
    return resample;
  }
  if (!arrowsStepStages && ImGui::IsKeyPressed(GLFW_KEY_RIGHT))
    state.t = std::min(state.sde.T, state.t + step);
  if (!arrowsStepStages && ImGui::IsKeyPressed(GLFW_KEY_LEFT))
    state.t = std::max(0.0, state.t - step);
  if (ImGui::IsKeyPressed(GLFW_KEY_HOME)) state.t = 0.0;
  if (ImGui::IsKeyPressed(GLFW_KEY_END)) state.t = state.sde.T;
  if (ImGui::IsKeyPressed(GLFW_KEY_F)) canvas.requestFit();
  return resample;
}

}  // namespace ss::ui

#include "ui/panels/interp_panel.h"

#include <imgui.h>

#include <algorithm>

#include "ui/panels/widgets.h"

namespace ss::ui {

namespace {

// An index field: Enter or leaving the field counts as an edit.
bool indexField(const char* label, int* value, int maximum) {
  ImGui::SetNextItemWidth(7 * ImGui::GetFontSize());
  ImGui::InputInt(label, value, 1, 10);
  *value = std::clamp(*value, 0, maximum);
  return ImGui::IsItemDeactivatedAfterEdit();
}

}  // namespace

void drawInterpolationPanel(InterpPanelState& view, CommandSink& sink) {
  bool edited = false, pressed = false;
  if (ImGui::CollapsingHeader("Latent interpolation", ImGuiTreeNodeFlags_DefaultOpen)) {
    edited |= indexField("image A", &view.indexA, 1000000);
    tooltip("A dataset image: encoded to x(T) through the probability-flow ODE");
    edited |= indexField("image B", &view.indexB, 1000000);
    ImGui::SetNextItemWidth(7 * ImGui::GetFontSize());
    ImGui::SliderInt("frames", &view.frames, 2, 32);
    view.frames = std::clamp(view.frames, 2, 32);
    edited |= ImGui::IsItemDeactivatedAfterEdit();
    tooltip("Decoded points from A to B, both ends included");
    if (ImGui::RadioButton("slerp", view.spherical) && !view.spherical) {
      view.spherical = true;
      edited = true;
    }
    tooltip("Along the great circle between the codes: keeps the norm a Gaussian code has");
    ImGui::SameLine();
    if (ImGui::RadioButton("linear", !view.spherical) && view.spherical) {
      view.spherical = false;
      edited = true;
    }
    tooltip(
        "The straight line: its middle is shorter than a typical code, so it decodes to blurrier "
        "images");
    pressed = ImGui::Button("Interpolate");
    tooltip(
        "Encode A and B to x(T), walk between the codes and decode every frame back (MATH.md §5)");
  }
  if (pressed) view.started = true;
  if (pressed || (edited && view.started)) sink.send(cmd::RequestInterpolation{});
}

}  // namespace ss::ui

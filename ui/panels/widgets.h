// Small ImGui helpers shared by the panels. UI thread.
#pragma once

#include <imgui.h>

#include <string>

namespace ss::ui {

// A wrapped message in the error colour.
inline void errorText(const std::string& message) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.45f, 0.42f, 1.0f));
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(message.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
}

// A hover tooltip on the last item (shown on a disabled item too: it says why).
// SameLine when an item `w` pixels wide still fits left of `right` (screen x), else a new row:
// rows of buttons wrap instead of running off a narrow column (a projector's type scale).
inline void sameLineIfFits(float w, float right) {
  if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + w <= right) ImGui::SameLine();
}

inline float buttonWidth(const char* label) {
  return ImGui::CalcTextSize(label, nullptr, true).x + 2 * ImGui::GetStyle().FramePadding.x;
}

inline void tooltip(const char* text) {
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", text);
}

// Controls that depend on a setting stay in place, disabled while it is off, so the panel
// never moves under the pointer: DisabledUnless scope(on); ... draws them greyed out.
class DisabledUnless {
 public:
  explicit DisabledUnless(bool enabled) : m_disabled(!enabled) {
    if (m_disabled) ImGui::BeginDisabled();
  }
  ~DisabledUnless() {
    if (m_disabled) ImGui::EndDisabled();
  }
  DisabledUnless(const DisabledUnless&) = delete;
  DisabledUnless& operator=(const DisabledUnless&) = delete;

 private:
  bool m_disabled;
};

}  // namespace ss::ui

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

// A hover tooltip on the last item.
inline void tooltip(const char* text) {
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text);
}

}  // namespace ss::ui

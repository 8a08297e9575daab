#include <imgui.h>

#include <cstring>

#include "ui/panels/panels.h"
#include "ui/panels/widgets.h"

namespace ss::ui {

namespace {
// Built-in names (mirrors ss::data::builtinToyNames; kept here so ui/ needs no LibTorch).
const char* const kBuiltins[] = {"8gaussians", "25gaussians",  "moons",    "swissroll", "circles",
                                 "rings",      "checkerboard", "pinwheel", "spirals"};
}  // namespace

void drawDataPanel(ExplorerState& state, DataPanelState& view, const scene::PointCloud* cloud,
                   bool busy, const std::string& error, CommandSink& sink) {
  bool changed = false;
  if (!ImGui::CollapsingHeader("Data", ImGuiTreeNodeFlags_DefaultOpen)) return;
  const std::string& current = state.data.data;
  if (ImGui::BeginCombo("dataset", current.c_str())) {
    for (const char* name : kBuiltins) {
      const bool selected = current == name;
      if (ImGui::Selectable(name, selected) && !selected) {
        state.data.data = name;
        changed = true;
      }
    }
    ImGui::EndCombo();
  }
  char path[512];
  std::snprintf(path, sizeof path, "%s", view.pathDraft.c_str());
  if (ImGui::InputTextWithHint("##file", "mixture .json or points .csv", path, sizeof path,
                               ImGuiInputTextFlags_EnterReturnsTrue)) {
    view.pathDraft = path;
    if (!view.pathDraft.empty()) {
      state.data.data = view.pathDraft;
      changed = true;
    }
  } else {
    view.pathDraft = path;
  }
  ImGui::SameLine();
  if (ImGui::Button("Load") && !view.pathDraft.empty()) {
    state.data.data = view.pathDraft;
    changed = true;
  }
  if (view.particlesDraft < 0) view.particlesDraft = static_cast<int>(state.data.n);
  ImGui::SliderInt("particles", &view.particlesDraft, 500, 200000, "%d",
                   ImGuiSliderFlags_Logarithmic);
  if (ImGui::IsItemDeactivatedAfterEdit() && view.particlesDraft != state.data.n) {
    state.data.n = view.particlesDraft;
    changed = true;
  }
  int seed = static_cast<int>(state.data.seed);
  if (ImGui::InputInt("seed", &seed) && seed >= 0) {
    state.data.seed = static_cast<uint64_t>(seed);
    changed = true;
  }
  if (busy) ImGui::TextDisabled("loading…");
  if (!error.empty()) errorText(error);
  if (cloud) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s", cloud->description.c_str());
    ImGui::PopTextWrapPos();
  }
  if (changed) sink.send(cmd::RequestData{});
}

}  // namespace ss::ui

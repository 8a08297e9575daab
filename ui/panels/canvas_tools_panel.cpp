#include "ui/panels/canvas_tools_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "ui/panels/widgets.h"
#include "ui/views/point_renderer.h"
#include "ui/views/probe_overlay.h"

namespace ss::ui {

namespace {

void legendSwatch(unsigned colour, const char* text) {
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float font = ImGui::GetFontSize();
  ImGui::GetWindowDrawList()->AddLine(ImVec2(p.x, p.y + 0.55f * font),
                                      ImVec2(p.x + 1.4f * font, p.y + 0.55f * font), colour, 2.5f);
  ImGui::Dummy(ImVec2(1.6f * font, font));
  ImGui::SameLine();
  ImGui::TextUnformatted(text);
}

void drawProbeControls(CanvasTools& tools) {
  const auto& c = probeColours();
  if (tools.tool == CanvasTool::DropCluster) {
    ImGui::SliderInt("cluster size", &tools.clusterSize, 2, 64);
    ImGui::SliderFloat("cluster radius", &tools.clusterRadius, 0.02f, 1.0f, "%.2f");
  }
  if (tools.tool == CanvasTool::Encode)
    ImGui::TextDisabled("click a data point: its PF-ODE path up to x(T)");
  else if (tools.tool != CanvasTool::Draw && tools.tool != CanvasTool::Erase &&
           tools.tool != CanvasTool::Pan)
    ImGui::TextDisabled("click: reverse SDE and PF-ODE from the shown t to ε");
  // Side by side while they fit (a projector's type scale puts them on their own rows).
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  const float font = ImGui::GetFontSize(), spacing = ImGui::GetStyle().ItemSpacing.x;
  legendSwatch(c.sde, "reverse SDE path");
  sameLineIfFits(1.6f * font + spacing + ImGui::CalcTextSize("PF-ODE path").x, right);
  legendSwatch(c.ode, "PF-ODE path");
  legendSwatch(c.encode, "encode (square: x(T))");
  ImGui::TextDisabled("%zu probe%s kept (the newest %zu)%s", tools.probes().size(),
                      tools.probes().size() == 1 ? "" : "s", CanvasTools::kKeptProbes,
                      tools.idle() ? "" : " · computing…");
  sameLineIfFits(buttonWidth("Clear probes"), right);
  if (ImGui::Button("Clear probes")) tools.clearProbes();
}

CanvasToolsAction drawDrawingControls(CanvasTools& tools, ExplorerState& state,
                                      const std::string& dataDir) {
  CanvasToolsAction action;
  ImGui::SliderFloat("brush radius", &tools.brush.radius, 0.02f, 2.0f, "%.2f",
                     ImGuiSliderFlags_Logarithmic);
  tooltip("world units");
  ImGui::SliderFloat("density", &tools.brush.density, 10.0f, 2000.0f, "%.0f /unit²",
                     ImGuiSliderFlags_Logarithmic);
  tooltip("points per unit area a stroke paints");
  int jitter = tools.brush.gaussian ? 0 : 1;
  ImGui::RadioButton("Gaussian", &jitter, 0);
  ImGui::SameLine();
  ImGui::RadioButton("uniform", &jitter, 1);
  tools.brush.gaussian = jitter == 0;
  // The brush's class: swatches in the canvas's class colours, 1-based as in its legend.
  const float* pal = categoricalPalette();
  ImGui::TextUnformatted("class");
  for (int k = 0; k < DrawModel::kMaxLabels; ++k) {
    ImGui::SameLine();
    ImGui::PushID(k);
    const ImVec4 c(pal[3 * k], pal[3 * k + 1], pal[3 * k + 2], 1.0f);
    const bool on = tools.brush.label == k;
    ImGui::PushStyleColor(ImGuiCol_Button,
                          on ? c : ImVec4(c.x * 0.45f, c.y * 0.45f, c.z * 0.45f, 1.0f));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, c);
    ImGui::PushStyleColor(ImGuiCol_Text,
                          on ? ImVec4(0.05f, 0.05f, 0.08f, 1) : ImVec4(0.92f, 0.92f, 0.92f, 1));
    char label[4];
    std::snprintf(label, sizeof label, "%d", k + 1);
    if (ImGui::SmallButton(label)) tools.brush.label = k;
    ImGui::PopStyleColor(3);
    ImGui::PopID();
  }
  tooltip(
      "the class the brush paints: with two or more classes the dataset is labelled (its CSV gets "
      "a "
      "label column), so class guidance can steer towards one of them with a trained classifier");
  const auto painted = tools.drawing().distinctLabels();
  if (painted.size() > 1)
    ImGui::TextDisabled("%zu points drawn in %zu classes", tools.drawing().size(), painted.size());
  else
    ImGui::TextDisabled("%zu points drawn", tools.drawing().size());
  ImGui::SameLine();
  if (ImGui::Button("Clear drawing")) tools.drawing().clear();
  const bool use = ImGui::Button("Use as dataset");
  tooltip(
      "write the points as a CSV under the data dir and explore it (exact score: the empirical "
      "one)");
  ImGui::SameLine();
  const bool train = ImGui::Button("Train on it");
  if ((use || train) && tools.useAsDataset(state, dataDir)) {
    action.dataChanged = true;
    action.train = train;
  }
  return action;
}

}  // namespace

CanvasToolsAction drawCanvasToolsPanel(CanvasTools& tools, ExplorerState& state,
                                       const std::string& dataDir) {
  CanvasToolsAction action;
  if (!ImGui::CollapsingHeader("Canvas tools", ImGuiTreeNodeFlags_DefaultOpen)) return action;
  const CanvasTool all[] = {CanvasTool::Pan,    CanvasTool::DropParticle, CanvasTool::DropCluster,
                            CanvasTool::Encode, CanvasTool::Draw,         CanvasTool::Erase};
  const char* shortNames[] = {"Pan", "Particle", "Cluster", "Encode", "Draw", "Erase"};
  // Three to a row, or two (or one) where three do not fit: rows of equal count.
  const ImGuiStyle& style = ImGui::GetStyle();
  auto rowWidth = [&](int first, int count) {
    float w = 0;
    for (int i = first; i < first + count && i < 6; ++i)
      w += ImGui::GetFrameHeight() + style.ItemInnerSpacing.x +
           ImGui::CalcTextSize(shortNames[i]).x + (i > first ? style.ItemSpacing.x : 0);
    return w;
  };
  const float avail = ImGui::GetContentRegionAvail().x;
  int perRow = 3;
  while (perRow > 1 && std::max({rowWidth(0, perRow), rowWidth(perRow, perRow),
                                 rowWidth(2 * perRow, perRow)}) > avail)
    --perRow;
  for (int i = 0; i < 6; ++i) {
    if (i % perRow != 0) ImGui::SameLine();
    int current = static_cast<int>(tools.tool);
    if (ImGui::RadioButton(shortNames[i], &current, i)) tools.tool = all[i];
    tooltip(toString(all[i]));
  }
  if (tools.tool == CanvasTool::Draw || tools.tool == CanvasTool::Erase)
    action = drawDrawingControls(tools, state, dataDir);
  else
    drawProbeControls(tools);
  if (const std::string m = tools.message(); !m.empty()) {
    if (tools.messageIsError())
      errorText(m);
    else {
      ImGui::PushTextWrapPos(0);
      ImGui::TextDisabled("%s", m.c_str());
      ImGui::PopTextWrapPos();
    }
  }
  return action;
}

}  // namespace ss::ui

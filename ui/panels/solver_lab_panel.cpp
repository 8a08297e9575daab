#include "ui/panels/solver_lab_panel.h"

#include <imgui.h>

#include <algorithm>

#include "ui/panels/widgets.h"
#include "ui/views/solver_lab_plot.h"

namespace ss::ui {

Expected<sample::SolverLabSpec> solverLabSpec(const SolverLabPanelState& view, uint64_t seed) {
  sample::SolverLabSpec spec;
  spec.solvers.clear();
  spec.nfes.clear();
  for (size_t i = 0; i < kLabSolvers.size(); ++i)
    if (view.solvers[i]) spec.solvers.emplace_back(kLabSolvers[i]);
  for (size_t i = 0; i < kLabBudgets.size(); ++i)
    if (view.budgets[i]) spec.nfes.push_back(kLabBudgets[i]);
  spec.particles = view.particles;
  spec.seed = seed;
  if (auto ok = spec.validate(); !ok) return ok.error();
  return spec;
}

namespace {

// Solver and budget checkboxes, particles, the score; true when Run was pressed.
bool drawLabControls(SolverLabPanelState& view, bool hasModel) {
  ImGui::TextUnformatted("solvers");
  for (size_t i = 0; i < kLabSolvers.size(); ++i) {
    ImGui::SameLine();
    ImGui::Checkbox(kLabSolvers[i], &view.solvers[i]);
  }
  tooltip(
      "Deterministic PF-ODE solvers, each on its default grid (docs/SAMPLERS.md): "
      "uniform in t for euler, heun, rk4 and ddim; log-SNR for the DPM-Solvers; Karras for "
      "edm_heun");
  ImGui::TextUnformatted("NFE budgets");
  for (size_t i = 0; i < kLabBudgets.size(); ++i) {
    ImGui::SameLine();
    ImGui::Checkbox(std::to_string(kLabBudgets[i]).c_str(), &view.budgets[i]);
  }
  tooltip("Each solver takes the whole steps that fit in a budget (heun 2, rk4 4, ...)");
  ImGui::SetNextItemWidth(12 * ImGui::GetFontSize());
  ImGui::SliderInt("particles", &view.particles, 1000, 100000, "%d",
                   ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp);
  ImGui::SameLine();
  {
    DisabledUnless model(hasModel);
    bool learned = view.learned && hasModel;
    if (ImGui::Checkbox("learned score", &learned)) view.learned = learned;
  }
  tooltip(hasModel ? "The trained model's score instead of the exact one"
                   : "No trained model yet: the lab uses the exact score");
  ImGui::SameLine();
  return ImGui::Button("Run");
}

}  // namespace

void drawSolverLabWindow(SolverLabPanelState& view, const sample::SolverLabResult* lab, bool busy,
                         const std::string& labError, bool hasModel, uint64_t seed,
                         CommandSink& sink) {
  if (!view.open) return;
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowSize(ImVec2(display.x * 0.7f, display.y * 0.7f), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowPos(ImVec2(display.x * 0.15f, display.y * 0.15f), ImGuiCond_FirstUseEver);
  if (ImGui::Begin("Solver lab", &view.open))
    drawSolverLabContents(view, lab, busy, labError, hasModel, seed, sink);
  ImGui::End();
}

void drawSolverLabContents(SolverLabPanelState& view, const sample::SolverLabResult* lab, bool busy,
                           const std::string& labError, bool hasModel, uint64_t seed,
                           CommandSink& sink) {
  if (drawLabControls(view, hasModel)) {
    auto spec = solverLabSpec(view, seed);
    view.error = messageOf(spec);
    if (spec) sink.send(cmd::RunSolverLab{spec.value(), view.learned && hasModel});
  }
  if (!view.error.empty()) errorText(view.error);
  if (!labError.empty()) errorText(labError);
  if (lab) {
    ImGui::TextUnformatted(solverLabSummary(*lab).c_str());
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    solverLabPlots(*lab, avail.x, std::max(avail.y, 8 * ImGui::GetFontSize()));
  } else {
    ImGui::TextDisabled(busy ? "computing the RK45 reference…"
                             : "Run compares the solvers from one prior draw");
  }
}

}  // namespace ss::ui

#include <imgui.h>

#include "ui/panels/panels.h"
#include "ui/panels/widgets.h"

namespace ss::ui {

void applySdeDraft(ExplorerState& state, ProcessPanelState& view) {
  view.error = messageOf(view.draft.validate());
  if (view.error.empty()) state.sde = view.seen = view.draft;
}

void drawProcessPanel(ExplorerState& state, ProcessPanelState& view,
                      const scene::PointCloud* cloud) {
  // The panel shows the SDE in force: at first, and whenever it changed from elsewhere.
  if (!view.initialized || !(state.sde == view.seen)) {
    view.draft = view.seen = state.sde;
    view.error.clear();
    view.initialized = true;
  }
  if (!ImGui::CollapsingHeader("Forward SDE", ImGuiTreeNodeFlags_DefaultOpen)) return;
  sde::SdeConfig& d = view.draft;
  bool edited = false;
  int kind = static_cast<int>(d.kind);
  edited |= ImGui::RadioButton("VP", &kind, static_cast<int>(sde::SdeKind::VP));
  tooltip("Variance preserving (DDPM limit): dx = -½β(t)x dt + √β(t) dw");
  ImGui::SameLine();
  edited |= ImGui::RadioButton("sub-VP", &kind, static_cast<int>(sde::SdeKind::SubVP));
  tooltip("sub-VP: same drift, diffusion √(β(t)(1-exp(-2∫β))); variance stays below VP's");
  ImGui::SameLine();
  edited |= ImGui::RadioButton("VE", &kind, static_cast<int>(sde::SdeKind::VE));
  tooltip("Variance exploding (SMLD limit): dx = √(d[σ²(t)]/dt) dw");
  edited |= ImGui::RadioButton("cosine VP", &kind, static_cast<int>(sde::SdeKind::VPCosine));
  tooltip(
      "VP with Nichol and Dhariwal's cosine schedule: a(t)² = "
      "cos²((t+s)/(1+s)·π/2)/cos²(s/(1+s)·π/2), "
      "s = 0.008, β(t) = -d ln a²/dt capped at 999");
  ImGui::SameLine();
  edited |= ImGui::RadioButton("rectified flow", &kind, static_cast<int>(sde::SdeKind::RF));
  tooltip(
      "Rectified flow, the linear interpolant x_t = (1-t)x0 + tε: dx = -x/(1-t) dt + √(2t/(1-t)) "
      "dw, "
      "singular at t = 1, so it stops at T = 0.999");
  if (static_cast<sde::SdeKind>(kind) != d.kind) {
    // VE's spread grows to σmax ≫ the data: follow it by default; the others stay in N(0, I).
    state.canvas.followSpread = static_cast<sde::SdeKind>(kind) == sde::SdeKind::VE;
    // RF ends before t = 1; the others at 1.
    if (d.T == sde::defaultT(d.kind)) d.T = sde::defaultT(static_cast<sde::SdeKind>(kind));
  }
  d.kind = static_cast<sde::SdeKind>(kind);

  if (d.kind == sde::SdeKind::VE) {
    edited |= ImGui::InputDouble("σ min", &d.sigmaMin, 0.0, 0.0, "%.4g");
    bool autoMax = d.sigmaMaxIsAuto();
    if (ImGui::Checkbox("σ max = data diameter", &autoMax)) {
      d.sigmaMax = autoMax ? 0.0 : (cloud ? std::max(cloud->diameter, 1.0) : 5.0);
      edited = true;
    }
    if (autoMax) {
      ImGui::TextDisabled("σ max = %.3g (auto)", resolvedSde(state, cloud).sigmaMax);
    } else {
      edited |= ImGui::InputDouble("σ max", &d.sigmaMax, 0.0, 0.0, "%.4g");
    }
  } else if (d.kind == sde::SdeKind::VP || d.kind == sde::SdeKind::SubVP) {
    edited |= ImGui::InputDouble("β min", &d.betaMin, 0.0, 0.0, "%.4g");
    edited |= ImGui::InputDouble("β max", &d.betaMax, 0.0, 0.0, "%.4g");
  } else if (d.kind == sde::SdeKind::RF) {
    ImGui::TextDisabled("T = %.4g (g(t) is singular at t = 1)", d.T);
  }
  edited |= ImGui::InputInt("N (steps)", &d.N);
  edited |= ImGui::InputDouble("ε (t min)", &d.eps, 0.0, 0.0, "%.1e");
  if (edited) applySdeDraft(state, view);
  if (!view.error.empty()) errorText(view.error + " (showing the last valid SDE)");
  if (ImGui::SmallButton("defaults")) {
    d = sde::defaultsFor(d.kind);
    state.sde = d;
    view.error.clear();
  }
}

}  // namespace ss::ui

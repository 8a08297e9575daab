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
  if (static_cast<sde::SdeKind>(kind) != d.kind) {
    // VE's spread grows to σmax ≫ the data: follow it by default; VP/sub-VP stay in N(0, I).
    state.canvas.followSpread = static_cast<sde::SdeKind>(kind) == sde::SdeKind::VE;
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
  } else {
    edited |= ImGui::InputDouble("β min", &d.betaMin, 0.0, 0.0, "%.4g");
    edited |= ImGui::InputDouble("β max", &d.betaMax, 0.0, 0.0, "%.4g");
  }
  edited |= ImGui::InputInt("N (steps)", &d.N);
  edited |= ImGui::InputDouble("ε (t min)", &d.eps, 0.0, 0.0, "%.1e");
  if (edited) applySdeDraft(state, view);
  if (!view.error.empty()) errorText(view.error + " (showing the last valid SDE)");
  if (ImGui::SmallButton("defaults")) {
    const sde::SdeKind k = d.kind;
    d = sde::SdeConfig{};
    d.kind = k;
    state.sde = d;
    view.error.clear();
  }
}

}  // namespace ss::ui

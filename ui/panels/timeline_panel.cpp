#include <imgui.h>

#include <algorithm>

#include "ui/panels/panels.h"
#include "ui/panels/widgets.h"
#include "ui/views/schedule_plot.h"

namespace ss::ui {

void drawTimelinePanel(ExplorerState& state, const scene::PointCloud* cloud) {
  if (!ImGui::CollapsingHeader("Time", ImGuiTreeNodeFlags_DefaultOpen)) return;
  const sde::SdeConfig cfg = resolvedSde(state, cloud);
  float t = static_cast<float>(state.t);
  ImGui::SetNextItemWidth(-FLT_MIN);
  if (ImGui::SliderFloat("##t", &t, 0.0f, static_cast<float>(cfg.T), "t = %.3f")) state.t = t;
  tooltip("Drag to scrub the forward process (space: play/pause, ←/→: step, Home: t = 0)");
  if (ImGui::Button(state.playing ? "Pause" : "Play")) {
    const bool reverse = state.mode != scene::RunMode::Forward;
    if (!state.playing && !reverse && state.t >= cfg.T) state.t = 0;
    if (!state.playing && reverse && state.t <= 0) state.t = cfg.T;
    state.playing = !state.playing;
  }
  ImGui::SameLine();
  if (ImGui::Button("|<")) state.t = 0;
  ImGui::SameLine();
  if (ImGui::Button(">|")) state.t = cfg.T;
  ImGui::SameLine();
  ImGui::Checkbox("loop", &state.loop);
  float secs = static_cast<float>(state.playSeconds);
  if (ImGui::SliderFloat("duration", &secs, 1.0f, 30.0f, "%.1f s")) state.playSeconds = secs;
  scheduleplot(cfg, &state.t, 4.5f * ImGui::GetFontSize());
  tooltip("The noise schedule: click or drag to scrub t");
  const sde::Marginal m = sde::marginal(cfg, std::clamp(state.t, 0.0, cfg.T));
  ImGui::Text("a(t) = %.4f   σ(t) = %.4f", m.a, m.sigma);
  ImGui::Text("g(t) = %.4f   SNR = %.3g", sde::diffusion(cfg, state.t), sde::snr(cfg, state.t));
  ImGui::TextDisabled("prior at T: N(0, %.3g² I)", sde::priorStd(cfg));
}

bool drawViewPanel(ExplorerState& state, const scene::PointCloud* cloud) {
  if (!ImGui::CollapsingHeader("View", ImGuiTreeNodeFlags_DefaultOpen)) return false;
  CanvasOptions& o = state.canvas;
  ImGui::SliderFloat("point size", &o.pointSize, 1.0f, 12.0f, "%.1f px");
  ImGui::SliderFloat("opacity", &o.alpha, 0.05f, 1.0f, "%.2f");
  int mode = o.colourMode ? static_cast<int>(*o.colourMode) + 1 : 0;
  if (ImGui::Combo("colour by", &mode, "auto\0class\0position in the data\0"))
    o.colourMode = mode == 0 ? std::nullopt : std::optional(static_cast<ColourMode>(mode - 1));
  ImGui::Checkbox("grid", &o.showGrid);
  if (cloud && !cloud->mixtureMeans.empty()) {
    ImGui::SameLine();
    ImGui::Checkbox("mixture means a(t)μ", &o.showMeans);
  }
  ImGui::SliderFloat("UI scale", &state.uiScale, 0.75f, 3.0f, "%.2f×");
  tooltip("Type and widget size: raise it for a projector (applied on release)");
  ImGui::Checkbox("zoom follows the spread", &o.followSpread);
  tooltip("Re-frame as the cloud grows or shrinks with t (useful for VE, whose spread reaches σmax)");
  ImGui::Checkbox("learned score", &o.showLearnedField);
  ImGui::SameLine();
  ImGui::Checkbox("exact score", &o.showExactField);
  ImGui::SliderInt("arrows", &o.fieldResolution, 8, 64);
  ImGui::Checkbox("density p_t", &o.showDensity);
  tooltip("Heatmap of the exact density of the perturbed data at the shown t, computed on a worker");
  if (o.showDensity) {
    ImGui::SameLine();
    ImGui::Checkbox("log", &o.logDensity);
    tooltip("Colour by log p_t over the 8 nats below its peak (shows the tails), or by p_t / max");
  }
  ImGui::Checkbox("score error", &o.showScoreError);
  tooltip("Heatmap of p_t(x)·‖s_θ(x,t) − ∇log p_t(x)‖²: where the learned score is wrong, weighted by "
          "where the data is (needs a trained snapshot)");
  const bool fit = ImGui::Button("Fit view");
  tooltip("Also: double-click the canvas. Drag to pan, scroll to zoom about the cursor.");
  return fit;
}

}  // namespace ss::ui

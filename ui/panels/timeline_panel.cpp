#include <imgui.h>

#include <algorithm>

#include "ui/panels/panels.h"
#include "ui/panels/widgets.h"
#include "ui/views/schedule_plot.h"

namespace ss::ui {

void drawTimelinePanel(ExplorerState& state, const scene::PointCloud* cloud) {
  if (!ImGui::CollapsingHeader("Time", ImGuiTreeNodeFlags_DefaultOpen)) return;
  const sde::SdeConfig cfg = resolvedSde(state, cloud);
  if (stepThroughActive(state)) {  // PC step-through: the timeline is the run's moves
    const std::string equation = moveEquation(state, state.move);
    ImGui::TextUnformatted(moveLabel(state, state.move).c_str());
    tooltip(equation.c_str());
    if (ImGui::Button("previous move")) stepMove(state, -1);
    tooltip("← : one corrector or predictor move back");
    ImGui::SameLine();
    if (ImGui::Button("next move")) stepMove(state, 1);
    tooltip(("→ : the next move\n\n" + moveEquation(state, state.move + 1)).c_str());
    int move = state.move + 1;
    ImGui::SetNextItemWidth(-FLT_MIN);
    if (ImGui::SliderInt("##move", &move, 1, moveCount(state), "move %d"))
      stepMove(state, move - 1 - state.move);
    tooltip("Drag to jump between moves (Home/End: first/last)");
  } else {
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
  }
  scheduleplot(cfg, &state.t, 4.5f * ImGui::GetFontSize());
  tooltip("The noise schedule: click or drag to scrub t");
  const sde::Marginal m = sde::marginal(cfg, std::clamp(state.t, 0.0, cfg.T));
  ImGui::Text("a(t) = %.4f   σ(t) = %.4f", m.a, m.sigma);
  ImGui::Text("g(t) = %.4f   SNR = %.3g", sde::diffusion(cfg, state.t), sde::snr(cfg, state.t));
  ImGui::TextDisabled("prior at T: N(0, %.3g² I)", sde::priorStd(cfg));
  if (cloud) {
    // One pass over the cloud, redone only when the data or the SDE changes (UI thread; a
    // cloud is a deterministic function of its request).
    static scene::DataRequest lastData{"", -1, 0};
    static sde::SdeConfig lastCfg;
    static double kl = 0;
    const auto& d = cloud->request;
    if (d.data != lastData.data || d.n != lastData.n || d.seed != lastData.seed ||
        !(cfg == lastCfg))
      lastData = d, lastCfg = cfg, kl = priorMismatch(cfg, *cloud);
    ImGui::TextDisabled("prior mismatch at T: KL ≈ %.2g nats", kl);
    tooltip(
        "How far p_T, the data pushed to T, is from the prior the samplers start from: KL between "
        "the "
        "Gaussian with the data's moments at T, N(a(T)μ, a(T)²Σ + σ(T)² I), and N(0, s² I). The "
        "reverse "
        "SDE's noise forgets part of it; the probability-flow ODE maps it to the end unchanged.");
  }
}

namespace {

// The score-field layer: which field, arrows or streamlines, how arrows encode magnitude.
void drawFieldControls(CanvasOptions& o) {
  const bool both = o.showLearnedField && o.showExactField;
  int field =
      both && o.fieldDifference ? 4 : (o.showLearnedField ? 1 : 0) + (o.showExactField ? 2 : 0);
  if (ImGui::Combo("score field", &field,
                   "off\0learned s_θ\0exact ∇log p_t\0both\0difference s_θ − ∇log p_t\0")) {
    o.showLearnedField = field == 1 || field >= 3;
    o.showExactField = field >= 2;
    o.fieldDifference = field == 4;
  }
  tooltip(
      "The score at the shown t on a grid; the learned field and the difference need a trained "
      "model");
  // The field's style: always shown, disabled where it does not apply (the panel stays put).
  DisabledUnless anyField(field != 0);
  int style = o.fieldStreamlines && field != 4 ? 1 : 0;
  ImGui::RadioButton("arrows", &style, 0);
  ImGui::SameLine();
  {
    DisabledUnless notDifference(field != 4);
    ImGui::RadioButton("streamlines", &style, 1);
  }
  tooltip(
      "Streamlines of the probability-flow ODE drift v = f − ½g²s; arrowheads point along −v, "
      "where particles move as t decreases (not for the difference)");
  if (field != 4 && field != 0) o.fieldStreamlines = style == 1;
  {
    DisabledUnless arrows(style == 0);
    int length = static_cast<int>(o.fieldLength);
    if (ImGui::Combo("arrow length", &length,
                     "scaled\0normalized, magnitude in colour\0true length s·Δ\0"))
      o.fieldLength = static_cast<FieldLength>(length);
    tooltip(
        "scaled: length ∝ ‖s‖ up to a cell; normalized: equal lengths, ‖s‖ as colour (log scale); "
        "true: an arrow is s·Δ in world units (arrows only)");
    DisabledUnless trueLength(o.fieldLength == FieldLength::True);
    ImGui::SliderFloat("Δ", &o.arrowScale, 0.001f, 1.0f, "%.3f", ImGuiSliderFlags_Logarithmic);
    tooltip("With true length: world units per unit of score");
  }
  ImGui::SliderInt(style == 1 ? "lines across" : "arrows", &o.fieldResolution, 8, 64);
}

}  // namespace

void drawViewPanel(ExplorerState& state, const scene::PointCloud* cloud, CommandSink& sink) {
  if (!ImGui::CollapsingHeader("View", ImGuiTreeNodeFlags_DefaultOpen)) return;
  CanvasOptions& o = state.canvas;
  ImGui::SliderFloat("point size", &o.pointSize, 1.0f, 12.0f, "%.1f px");
  ImGui::SliderFloat("opacity", &o.alpha, 0.05f, 1.0f, "%.2f");
  int mode = o.colourMode ? static_cast<int>(*o.colourMode) + 1 : 0;
  if (ImGui::Combo("colour by", &mode, "auto\0class\0position in the data\0speed\0"))
    o.colourMode = mode == 0 ? std::nullopt : std::optional(static_cast<ColourMode>(mode - 1));
  ImGui::Checkbox("grid", &o.showGrid);
  ImGui::SameLine();
  {
    DisabledUnless mixture(cloud && !cloud->mixtureMeans.empty());
    ImGui::Checkbox("mixture means a(t)μ", &o.showMeans);
  }
  tooltip("The components' means, moved as a(t)μ (Gaussian mixtures only)");
  ImGui::SliderFloat("UI scale", &state.uiScale, 0.75f, 3.0f, "%.2f×");
  tooltip("Type and widget size: raise it for a projector (applied on release)");
  ImGui::Checkbox("zoom follows the spread", &o.followSpread);
  tooltip(
      "Re-frame as the cloud grows or shrinks with t (useful for VE, whose spread reaches σmax)");
  drawFieldControls(o);
  ImGui::Checkbox("density p_t", &o.showDensity);
  tooltip(
      "Heatmap of the exact density of the perturbed data at the shown t, computed on a worker");
  {
    DisabledUnless density(o.showDensity);
    ImGui::SameLine();
    ImGui::Checkbox("log", &o.logDensity);
    tooltip("Colour by log p_t over the 8 nats below its peak (shows the tails), or by p_t / max");
    int source = static_cast<int>(o.densitySource);
    if (ImGui::Combo("density of", &source, "exact (data)\0model (PF-ODE)\0"))
      o.densitySource = static_cast<DensitySource>(source);
    tooltip(
        "exact: the closed form of the perturbed data, instant. model: log p_t of the trained "
        "model from the probability-flow ODE, log p_T(x(T)) + \u222b_t^T \u2207\u00b7v dt, "
        "computed on "
        "a worker from 16\u00d716 up to 128\u00d7128 (needs a trained snapshot)");
  }
  ImGui::Checkbox("score error", &o.showScoreError);
  tooltip(
      "Heatmap of p_t(x)·‖s_θ(x,t) − ∇log p_t(x)‖²: where the learned score is wrong, weighted by "
      "where the data is (needs a trained snapshot)");
  if (ImGui::Button("Fit view")) sink.send(cmd::FitView{});
  tooltip("Also: double-click the canvas. Drag to pan, scroll to zoom about the cursor.");
}

}  // namespace ss::ui

// The mode switch (forward process | reverse SDE | probability-flow ODE) and the sampler's
// settings. Runs go to the RunWorker; nothing here waits for them.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <vector>

#include "ui/panels/panels.h"
#include "ui/panels/widgets.h"

namespace ss::ui {

namespace {

const char* kPresets[] = {"pc", "ald", "ddpm"};
const char* kPresetLabels[] = {"Euler–Maruyama (pc)", "annealed Langevin (ald)",
                               "ancestral (ddpm, euler_a)"};
// In OdeSolver's order (the combo's index is the enum's value).
const char* kSolvers[] = {"Euler",           "Heun",        "RK4",
                          "RK45 (adaptive)", "DDIM (ddim)", "DPM-Solver++(2M)",
                          "DPM-Solver-3",    "EDM Heun"};
constexpr int kSolverCount = static_cast<int>(std::size(kSolvers));

// Picks a solver: η and churn belong to DDIM and EDM's Heun only, so they reset elsewhere.
void pickSolver(sample::SamplerConfig& c, int solver) {
  c.solver = static_cast<sample::OdeSolver>(solver);
  if (c.solver != sample::OdeSolver::Ddim) c.eta = 0;
  if (c.solver != sample::OdeSolver::EdmHeun) c.churn = 0;
}

// DDIM's η and EDM's churn, for the solver that takes one. True when edited.
bool drawSolverNoise(sample::SamplerConfig& c) {
  bool edited = false;
  if (c.solver == sample::OdeSolver::Ddim) {
    float eta = static_cast<float>(c.eta);
    if (ImGui::SliderFloat("eta", &eta, 0.0f, 1.0f, "%.2f")) c.eta = eta, edited = true;
    tooltip("DDIM's η: 0 is the deterministic PF-ODE step, 1 about DDPM's ancestral noise");
  } else if (c.solver == sample::OdeSolver::EdmHeun) {
    float churn = static_cast<float>(c.churn);
    if (ImGui::SliderFloat("churn", &churn, 0.0f, 80.0f, "%.1f")) c.churn = churn, edited = true;
    tooltip("EDM's S_churn: each step first adds noise up to σ(1 + γ), γ = min(churn/steps, 0.41)");
  }
  return edited;
}

// Compare mode's panes: count, overlay, and per pane its mode, sampler, steps and score.
// A pane's own forward process (default parameters), or the explorer's: VP beside the
// rectified flow from the same prior noise shows which paths are straighter.
void drawPaneSde(ComparePane& p) {
  static constexpr const char* kLabels =
      "same as the panel\0VE\0VP\0sub-VP\0cosine VP\0rectified flow\0";
  int item = p.sde ? static_cast<int>(*p.sde) + 1 : 0;  // SdeKind's order
  if (ImGui::Combo("process", &item, kLabels))
    p.sde = item == 0 ? std::nullopt : std::optional(static_cast<sde::SdeKind>(item - 1));
  tooltip(
      "The pane's forward SDE (with its default parameters), from the same prior noise as the "
      "other panes; a PF-ODE pane prints its paths' straightness once done");
}

// Edits re-run only the panes they change (CompareRuns compares requests); returns true
// for "Sample now" (every pane again, with the newest model).
bool drawCompareControls(ExplorerState& state, SamplingPanelState& view, bool busy,
                         const std::string& runError, bool hasModel) {
  auto& cmp = state.compare;
  ImGui::Checkbox("overlay in one pane", &cmp.overlay);
  tooltip("Side by side (off) or all runs in one pane, one colour per run (on)");
  int count = static_cast<int>(cmp.panes.size());
  if (ImGui::SliderInt("panes", &count, 2, 3)) {
    while (static_cast<int>(cmp.panes.size()) < count) {
      ComparePane p;  // a third pane: predictor–corrector (EM + Langevin), beside plain EM
      p.sampler.corrector = sample::Corrector::Langevin;
      p.sampler.steps = cmp.panes.empty() ? 1000 : cmp.panes.front().sampler.steps;
      cmp.panes.push_back(p);
    }
    cmp.panes.resize(static_cast<size_t>(count));
  }
  view.error.clear();
  for (size_t i = 0; i < cmp.panes.size(); ++i) {
    ComparePane& p = cmp.panes[i];
    ImGui::PushID(static_cast<int>(i));
    ImGui::Separator();
    ImGui::Text("pane %zu: %s", i + 1, paneLabel(p).c_str());
    int mode = p.mode == scene::RunMode::ProbabilityFlow ? 1 : 0;
    if (ImGui::Combo("mode", &mode, "reverse SDE\0PF-ODE\0")) {
      p.mode = mode == 1 ? scene::RunMode::ProbabilityFlow : scene::RunMode::ReverseSde;
      p.sampler.kind = mode == 1 ? sample::SamplerKind::Ode : sample::SamplerKind::Pc;
    }
    auto& c = p.sampler;
    if (p.mode == scene::RunMode::ReverseSde) {
      int preset =
          static_cast<int>(std::find(std::begin(kPresets), std::end(kPresets), p.samplerPreset) -
                           std::begin(kPresets));
      if (preset >= 3) preset = 0;
      if (ImGui::Combo("sampler", &preset, kPresetLabels, 3)) {
        p.samplerPreset = kPresets[preset];
        auto preset0 = sample::samplerPreset(p.samplerPreset).take();
        c.predictor = preset0.predictor;
        c.corrector = preset0.corrector;
      }
    } else {
      int solver = static_cast<int>(c.solver);
      if (ImGui::Combo("solver", &solver, kSolvers, kSolverCount)) pickSolver(c, solver);
      drawSolverNoise(c);
    }
    if (p.mode == scene::RunMode::ReverseSde || c.solver != sample::OdeSolver::Rk45)
      ImGui::SliderInt("steps", &c.steps, 10, 2000);
    drawPaneSde(p);
    ImGui::Checkbox("learned score", &p.useModel);
    tooltip(
        "On: the trainer's latest EMA snapshot (when one exists). Off: the exact score. A learned "
        "and an exact pane with the same sampler compare the model with the truth.");
    if (p.useModel && !hasModel) {
      ImGui::SameLine();
      ImGui::TextDisabled("(no model yet: exact)");
    }
    const sample::SamplerConfig check =
        sample::forKind(c, p.mode == scene::RunMode::ProbabilityFlow ? sample::SamplerKind::Ode
                                                                     : sample::SamplerKind::Pc);
    if (auto e = check.validate(state.sde); !e && view.error.empty())
      view.error = "pane " + std::to_string(i + 1) + ": " + e.error().message;
    ImGui::PopID();
  }
  ImGui::Separator();
  ImGui::Text("picked particle #%lld", static_cast<long long>(cmp.picked));
  tooltip(
      "Ringed in every pane: the same prior draw x(T). Click a particle in any pane to pick it.");
  ImGui::SameLine();
  if (ImGui::SmallButton("reset")) cmp.picked = 0;
  if (!view.error.empty()) errorText(view.error);
  const bool resample = ImGui::Button("Sample now");
  tooltip("Re-run every pane from the same prior draw with the newest model (R)");
  if (busy) {
    ImGui::SameLine();
    ImGui::TextUnformatted("running…");
  }
  if (!runError.empty()) errorText(runError);
  return resample;
}

// PC step-through: the toggle and how many particles draw their moves.
bool drawStepThroughControls(ExplorerState& state) {
  bool edited = false;
  bool on = state.stepThrough;
  if (ImGui::Checkbox("step-through", &on)) {
    setStepThrough(state, on);
    edited = true;
  }
  tooltip(
      "Advance one move at a time (→/←, or the Time panel's buttons): each Langevin corrector "
      "step, then "
      "the predictor. Arrows show each move: solid the drift part x′ − x, dashed the noise x − x′; "
      "cyan corrector, magenta predictor");
  if (on) {
    ImGui::SameLine();
    bool many = state.moveParticles > 0;
    if (ImGui::Checkbox("300 particles", &many)) {
      state.moveParticles = many ? 300 : 0;
      edited = true;
    }
    tooltip("Draw the moves of 300 particles (thin) beside the traced ones (thick)");
  }
  return edited;
}

// The mode switch: forward | reverse SDE | PF-ODE | compare panes. True when it changed.
bool drawModeSwitch(ExplorerState& state) {
  int mode = state.compare.enabled ? 3 : static_cast<int>(state.mode);
  bool modeChanged = false;
  modeChanged |= ImGui::RadioButton("forward", &mode, static_cast<int>(scene::RunMode::Forward));
  tooltip("x(t) = a(t)·x0 + σ(t)·ε: data → noise (key 1)");
  ImGui::SameLine();
  modeChanged |=
      ImGui::RadioButton("reverse SDE", &mode, static_cast<int>(scene::RunMode::ReverseSde));
  tooltip("dx = [f − g² s(x,t)] dt + g dw̄, from the prior at T down to ε (key 2)");
  ImGui::SameLine();
  modeChanged |=
      ImGui::RadioButton("PF-ODE", &mode, static_cast<int>(scene::RunMode::ProbabilityFlow));
  tooltip("dx = [f − ½ g² s(x,t)] dt: deterministic, same marginals (key 3)");
  modeChanged |= ImGui::RadioButton("compare panes", &mode, 3);
  tooltip(
      "Two or three reverse runs from the same prior draw side by side, e.g. SDE | ODE (key 4)");
  if (!modeChanged) return false;
  // A reverse run starts at T; the forward process at 0.
  if (mode == 3)
    setCompare(state, true);
  else
    setCompare(state, false, static_cast<scene::RunMode>(mode));
  return true;
}

// The predictor and corrector (reverse SDE) or the ODE solver, and the steps. True when edited.
bool drawSolverSettings(ExplorerState& state) {
  auto& c = state.sampler;
  bool edited = false;
  if (state.mode == scene::RunMode::ReverseSde) {
    int preset =
        static_cast<int>(std::find(std::begin(kPresets), std::end(kPresets), state.samplerPreset) -
                         std::begin(kPresets));
    if (preset >= 3) preset = 0;
    if (ImGui::Combo("sampler", &preset, kPresetLabels, 3)) {
      state.samplerPreset = kPresets[preset];
      auto p = sample::samplerPreset(state.samplerPreset).take();
      c.predictor = p.predictor;
      c.corrector = p.corrector;
      edited = true;
    }
    bool corrector = c.corrector == sample::Corrector::Langevin;
    if (ImGui::Checkbox("Langevin corrector", &corrector)) {
      c.corrector = corrector ? sample::Corrector::Langevin : sample::Corrector::None;
      edited = true;
    }
    tooltip("x ← x + ε s + √(2ε) z with ε = 2α (r‖z‖/‖s‖)², before each predictor step");
    if (corrector) {
      float snr = static_cast<float>(c.snr);
      if (ImGui::SliderFloat("snr r", &snr, 0.01f, 0.5f, "%.3f")) c.snr = snr, edited = true;
      tooltip(
          "The corrector's step size ε = 2α (r‖z‖/‖s‖)² grows with r²; a change re-runs from the "
          "same "
          "prior draw and the same noise z, so only the step size differs");
      edited |= ImGui::SliderInt("corrector steps", &c.correctorSteps, 1, 5);
    }
    edited |= drawStepThroughControls(state);
  } else {
    int solver = static_cast<int>(c.solver);
    if (ImGui::Combo("solver", &solver, kSolvers, kSolverCount)) {
      pickSolver(c, solver);
      edited = true;
    }
    edited |= drawSolverNoise(c);
    if (c.solver == sample::OdeSolver::Rk45) {
      float logTol = static_cast<float>(std::log10(c.rtol));
      if (ImGui::SliderFloat("log10 tol", &logTol, -6.0f, -1.0f, "%.1f")) {
        c.rtol = c.atol = std::pow(10.0, logTol);
        edited = true;
      }
      tooltip("Dormand–Prince RK45 with rtol = atol: looser → fewer score evaluations");
    }
  }
  const bool fixedSteps =
      state.mode == scene::RunMode::ReverseSde || c.solver != sample::OdeSolver::Rk45;
  if (fixedSteps) {
    int steps = c.steps;
    if (ImGui::SliderInt("steps", &steps, 10, 2000)) {
      c.steps = steps;
      edited = true;
    }
  }
  return edited;
}

// The score (learned or exact), 2D inpainting and the trails. True when a run setting changed.
bool drawScoreSettings(ExplorerState& state, const scene::RunResult* run, bool hasModel) {
  bool edited = false;
  edited |= ImGui::Checkbox("learned score", &state.useModel);
  tooltip(
      "On: the trainer's latest EMA snapshot (when one exists). Off: the exact score of the data.");
  if (state.useModel && !hasModel) {
    ImGui::SameLine();
    ImGui::TextDisabled("(no model yet: exact)");
  }
  if (run && state.useModel && run->scoreName.find("no trained model") != std::string::npos) {
    ImGui::TextDisabled("the exact score until the model has trained: press Sample now (R) later");
  }
  // 2D inpainting (MATH.md §6): hold one coordinate, sample the other from the conditional.
  bool fix = state.fixedAxis >= 0;
  if (ImGui::Checkbox("inpaint: fix one coordinate", &fix)) {
    state.fixedAxis = fix ? 0 : -1;
    edited = true;
  }
  tooltip(
      "After every step the known coordinate is replaced by a(t)·c + σ(t)·z; the other follows the "
      "reverse process, so the samples come from p(x_other | x_known = c)");
  if (fix) {
    edited |= ImGui::RadioButton("x\u2081", &state.fixedAxis, 0);
    ImGui::SameLine();
    edited |= ImGui::RadioButton("x\u2082", &state.fixedAxis, 1);
    ImGui::SameLine();
    float value = static_cast<float>(state.fixedValue);
    ImGui::SetNextItemWidth(-FLT_MIN);
    if (ImGui::SliderFloat("##fixed", &value, -4.0f, 4.0f, "= %.2f")) state.fixedValue = value;
    edited |= ImGui::IsItemDeactivatedAfterEdit();
  }
  ImGui::Checkbox("trails and Tweedie estimates", &state.canvas.showTrails);
  tooltip(
      "White: paths of traced particles, fading with age. Gold rings: each one's Tweedie estimate "
      "E[x0 | x] = (x + σ(t)² s(x,t)) / a(t), the denoised guess the score makes at the current t");
  return edited;
}

// Whether the run is busy, done or stopped, its error, and its metrics once done.
void drawRunStatus(const scene::RunResult* run, bool busy, const std::string& runError) {
  if (run) {
    ImGui::Text("%s NFE %lld",
                busy        ? "running…"
                : run->done ? "done,"
                            : "stopped,",
                static_cast<long long>(run->nfe));
  } else if (busy) {
    ImGui::TextUnformatted("running…");
  }
  if (!runError.empty()) errorText(runError);
  if (run && run->done && run->metrics.valid) {
    const auto& m = run->metrics;
    ImGui::Text("sw2 %.4f   (floor %.4f)", m.sw2, m.sw2Floor);
    tooltip(
        "Sliced Wasserstein-2 to fresh true samples; the floor is the same distance between two "
        "independent true sets of this size");
    if (m.hasDensity) {
      ImGui::Text("NLL %.3f nats   (entropy %.3f)", m.nllTrue, m.entropy);
      tooltip(
          "Mean negative log-likelihood of the samples under the true density, beside the true "
          "entropy (Monte Carlo): lower than the entropy means too concentrated, higher too "
          "spread");
      if (!m.modeWeights.empty() && m.modeWeights.size() <= 32) {
        std::vector<float> w(m.modeWeights.begin(), m.modeWeights.end());
        const float top = *std::max_element(w.begin(), w.end());
        ImGui::PlotHistogram(
            "##modes", w.data(), static_cast<int>(w.size()), 0, "mode weights", 0.0f,
            std::max(top, static_cast<float>(m.trueWeights.empty() ? 0.0 : 2 * m.trueWeights[0])),
            ImVec2(-FLT_MIN, 3.0f * ImGui::GetFontSize()));
        tooltip(
            "Fraction of samples nearest each mixture component (true weights: equal for the "
            "built-ins)");
      }
    }
  }
}

}  // namespace

void drawSamplingPanel(ExplorerState& state, SamplingPanelState& view, const scene::RunResult* run,
                       bool busy, const std::string& runError, bool hasModel, CommandSink& sink) {
  if (!ImGui::CollapsingHeader("Mode and sampler", ImGuiTreeNodeFlags_DefaultOpen)) return;
  bool resample = drawModeSwitch(state);
  // Compare mode: "Sample now" re-runs every pane (edits re-run the panes they change).
  if (state.compare.enabled) {
    if (drawCompareControls(state, view, busy, runError, hasModel) || resample)
      sink.send(cmd::RequestRun{});
    return;
  }
  if (state.mode == scene::RunMode::Forward) {
    if (resample) sink.send(cmd::RequestRun{});
    return;
  }
  bool edited = drawSolverSettings(state);
  edited |= drawScoreSettings(state, run, hasModel);
  // Apply settings only when valid for this SDE; say why otherwise.
  const auto& c = state.sampler;
  const sample::SamplerKind kind = state.mode == scene::RunMode::ProbabilityFlow
                                       ? sample::SamplerKind::Ode
                                       : sample::SamplerKind::Pc;
  const sample::SamplerConfig check = sample::forKind(c, kind);
  view.error = messageOf(check.validate(state.sde));
  if (edited && view.error.empty()) resample = true;
  if (!view.error.empty()) errorText(view.error);

  if (ImGui::Button("Sample now")) resample = true;
  tooltip("Re-run from the same prior draw with the newest model (R)");
  ImGui::SameLine();
  drawRunStatus(run, busy, runError);
  if (ImGui::Button("Solver lab…")) sink.send(cmd::OpenSolverLab{});
  tooltip(
      "Every PF-ODE solver at 5 to 200 score evaluations from one prior draw: the error against "
      "a tight RK45 reference and the sliced W2 to the data, with each solver's measured order");
  if (resample && view.error.empty()) sink.send(cmd::RequestRun{});
}

}  // namespace ss::ui

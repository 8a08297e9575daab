#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "ui/panels/panels.h"
#include "ui/panels/widgets.h"

namespace ss::ui {

void setGuidance(ExplorerState& state, bool on, const scene::PointCloud* cloud) {
  state.guideClass = on ? 0 : -1;
  if (on) state.trainedClassifier = !(cloud && !cloud->mixtureMeans.empty());
}

namespace {

// The trained classifier's button, status and held-out accuracy.
void drawTrainedClassifier(const ExplorerState& state, const train::ClassifierStats* classifier,
                           CommandSink& sink) {
  const bool ready = classifier && classifier->spec.data == state.data.data && classifier->step > 0;
  if (ImGui::Button(ready ? "Retrain classifier" : "Train classifier"))
    sink.send(cmd::TrainClassifier{});
  if (classifier) {
    if (classifier->status == train::ClassifierStatus::Failed)
      errorText(classifier->message);
    else
      ImGui::TextDisabled("%s", classifier->message.c_str());
    if (!classifier->accuracy.empty()) {
      std::string line = "held-out accuracy:";
      for (size_t i = 0; i < classifier->accuracy.size(); ++i) {
        char buf[96];
        const bool bayes = i < classifier->bayesAccuracy.size();
        std::snprintf(buf, sizeof buf, "\n  t = %.2f: %.0f %%", classifier->times[i],
                      100 * classifier->accuracy[i]);
        line += buf;
        if (bayes) {
          std::snprintf(buf, sizeof buf, " (exact posterior %.0f %%)",
                        100 * classifier->bayesAccuracy[i]);
          line += buf;
        }
      }
      ImGui::TextDisabled("%s", line.c_str());
    }
  }
  if (!ready) ImGui::TextDisabled("runs are unguided until the classifier is ready");
}

// The panel below its header; returns true when a new run is due.
bool drawGuidanceControls(ExplorerState& state, const scene::PointCloud* cloud,
                          const train::ClassifierStats* classifier, CommandSink& sink) {
  const int classes = cloud ? cloud->numClasses : 1;
  if (classes < 2) {
    ImGui::TextDisabled("%s has no classes to guide toward",
                        cloud ? cloud->request.data.c_str() : "the data");
    if (state.guideClass >= 0) {
      state.guideClass = -1;
      return true;
    }
    return false;
  }
  bool changed = false;
  bool on = state.guideClass >= 0;
  if (ImGui::Checkbox("guide toward a class", &on)) {
    setGuidance(state, on, cloud);
    changed = true;
  }
  tooltip(
      "Reverse runs follow s(x,t) + w ∇ₓ log p_t(y | x): the score of the data, plus w times the "
      "gradient of a time-dependent classifier's log-probability of class y (MATH.md §6). "
      "Classifier-free: s(x,t) + w (s(x,t | y) − s(x,t)), the difference a class label makes to "
      "the score. w = 1 samples p(x | y) when the parts are exact; w > 1 sharpens it.");
  // The controls stay in place while guidance is off, disabled (the panel does not move).
  DisabledUnless guided(on);
  // Shown 1-based, as the canvas's class legend; stored 0-based, as `sample --class`.
  int k = std::max(0, std::min(state.guideClass, classes - 1)) + 1;
  ImGui::SetNextItemWidth(8.0f * ImGui::GetFontSize());
  if (ImGui::SliderInt("class", &k, 1, classes, "class %d")) changed = true;
  if (on) state.guideClass = k - 1;
  float w = static_cast<float>(state.guidance);
  ImGui::SetNextItemWidth(8.0f * ImGui::GetFontSize());
  ImGui::SliderFloat("scale w", &w, 0.0f, 10.0f, "%.2f");
  if (ImGui::IsItemDeactivatedAfterEdit()) changed = true;  // re-run on release, not per pixel
  state.guidance = w;
  const bool mixture = cloud && !cloud->mixtureMeans.empty();
  int source = state.classifierFree ? 2 : state.trainedClassifier ? 1 : 0;
  if (ImGui::Combo("classifier", &source,
                   mixture ? "exact posterior\0trained in the background\0none: classifier-free\0"
                           : "(exact needs a mixture)\0trained in the background\0none: "
                             "classifier-free\0")) {
    state.trainedClassifier = source == 1;
    state.classifierFree = source == 2;
    changed = true;
  }
  tooltip(
      "Exact: p_t(k | x) ∝ w_k N(x; a(t)μ_k, (a²s_k² + σ²) I) for a Gaussian mixture. Trained: an "
      "MLP on [x, Fourier(t)] learns p_t(y | x) by cross-entropy on perturbed data x(t) = "
      "a(t)x(0) + σ(t)ε, t ~ U(ε, T), on a worker thread. Classifier-free: a class-conditional "
      "model's conditional and unconditional scores (scorescope train --conditional), or for a "
      "mixture the exact ones (component k's Gaussian and the whole mixture).");
  if (state.classifierFree) {
    if (!mixture)
      ImGui::TextDisabled(
          "needs a class-conditional model (train --conditional, File > Open "
          "model) or a mixture");
    else
      ImGui::TextDisabled("exact on a mixture unless the model is class-conditional");
    return changed;
  }
  if (!state.trainedClassifier) {
    if (!mixture)
      errorText("the exact posterior needs a Gaussian mixture: choose the trained classifier");
    return changed;
  }
  drawTrainedClassifier(state, classifier, sink);
  return changed;
}

}  // namespace

void drawGuidancePanel(ExplorerState& state, const scene::PointCloud* cloud,
                       const train::ClassifierStats* classifier, CommandSink& sink) {
  if (state.mode == scene::RunMode::Forward) return;  // guidance steers reverse runs
  if (!ImGui::CollapsingHeader("Class guidance")) return;
  if (drawGuidanceControls(state, cloud, classifier, sink)) sink.send(cmd::RequestRun{});
}

}  // namespace ss::ui

#include "ui/panels/image_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iterator>

#include "ui/panels/widgets.h"
#include "ui/session/requests.h"

namespace ss::ui {

namespace {

// DDIM and DPM-Solver++(2M) take inpainting and colorization as every sampler does: the
// known part is pasted back after each step (the ODE's one noise draw per run).
const char* kPresets[] = {"pc", "ald", "ddpm", "ode", "euler", "heun", "ddim", "dpmpp_2m"};
const char* kPresetLabels[] = {"Euler–Maruyama (pc)",
                               "annealed Langevin (ald)",
                               "ancestral (ddpm)",
                               "PF-ODE RK45 (ode)",
                               "PF-ODE Euler",
                               "PF-ODE Heun",
                               "DDIM",
                               "DPM-Solver++(2M)"};
constexpr int kPresetCount = static_cast<int>(std::size(kPresets));
constexpr sample::MaskPreset kMasks[] = {
    sample::MaskPreset::LeftHalf,     sample::MaskPreset::RightHalf, sample::MaskPreset::TopHalf,
    sample::MaskPreset::BottomHalf,   sample::MaskPreset::CentreBox, sample::MaskPreset::Random50,
    sample::MaskPreset::EveryOtherRow};

// The preset's settings with the draft's steps (the preset decides the kind and solver).
bool applyPreset(ImagePanelState& view) {
  auto p = sample::samplerPreset(view.samplerPreset);
  if (!p) {
    view.error = p.error().message;
    return false;
  }
  const int steps = view.draft.sampler.steps;
  view.draft.sampler = p.value();
  view.draft.sampler.steps = steps;
  return true;
}

// Class guidance: on/off, the class (by name once the classifier knows them), the scale and
// the classifier's progress and held-out accuracy. Returns true when a new run is due.
bool drawGuidanceSection(ImagePanelState& view, const train::ClassifierStats* clf,
                         CommandSink& sink) {
  if (!ImGui::CollapsingHeader("Class guidance", view.guide ? ImGuiTreeNodeFlags_DefaultOpen : 0))
    return false;
  bool changed = false;
  if (ImGui::Checkbox("guide toward a class", &view.guide)) changed = true;
  tooltip(
      "s(x, t) + w ∇ₓ log p_t(y | x) (MATH.md §6): a small CNN classifier of noisy images, trained "
      "in "
      "the background with cross-entropy on x(t) = a(t) x(0) + σ(t) ε; runs are unguided until it "
      "is trained");
  if (!view.guide) return changed;
  const int classes = clf && clf->classes > 0 ? clf->classes : 10;
  if (clf && clf->classes > 0 && view.guideClass >= classes) {  // e.g. a scene's class
    view.guideNote = "class " + std::to_string(view.guideClass) + " is outside this dataset's " +
                     std::to_string(classes) + " classes: class " + std::to_string(classes - 1) +
                     " is used";
    changed = true;
  }
  view.guideClass = std::clamp(view.guideClass, 0, classes - 1);
  if (!view.guideNote.empty()) errorText(view.guideNote);
  auto label = [&](int k) {
    std::string s = std::to_string(k);
    if (clf && k < static_cast<int>(clf->classNames.size()))
      s += "  " + clf->classNames[static_cast<size_t>(k)];
    return s;
  };
  if (ImGui::BeginCombo("class", label(view.guideClass).c_str())) {
    for (int k = 0; k < classes; ++k)
      if (ImGui::Selectable(label(k).c_str(), k == view.guideClass))
        view.guideClass = k, view.guideNote.clear(), changed = true;
    ImGui::EndCombo();
  }
  ImGui::SliderFloat("scale w", &view.guidance, 0.0f, 10.0f, "%.1f");
  changed |= ImGui::IsItemDeactivatedAfterEdit();
  tooltip(
      "w = 1 follows the conditional p_t(x | y) for an exact classifier; larger w trades diversity "
      "for class");
  if (!clf) {
    ImGui::TextDisabled("the classifier starts training once the data is loaded");
    return changed;
  }
  ImGui::PushTextWrapPos(0);
  const bool failed = clf->status == train::ClassifierStatus::Failed;
  if (failed)
    errorText(clf->message);
  else
    ImGui::TextDisabled("classifier: %s", clf->message.c_str());
  if (!clf->accuracy.empty()) {
    std::string acc = "held-out accuracy";
    char buf[64];
    for (size_t i = 0; i < clf->accuracy.size() && i < clf->times.size(); ++i) {
      std::snprintf(buf, sizeof buf, "%s %.2f at t = %.1f", i ? "," : "", clf->accuracy[i],
                    clf->times[i]);
      acc += buf;
    }
    std::snprintf(buf, sizeof buf, " (%lld images)", static_cast<long long>(clf->heldOut));
    ImGui::TextDisabled("%s%s", acc.c_str(), buf);
  }
  ImGui::PopTextWrapPos();
  if (clf->status != train::ClassifierStatus::Done && !failed)
    ImGui::TextDisabled("runs are unguided until it is trained");
  if (ImGui::Button("Retrain classifier")) sink.send(cmd::TrainClassifier{});
  return changed;
}

// A U-Net costs far more per step than the exact score: choosing one sets a grid that
// finishes in seconds on a CPU (16 images, 50 DDIM steps); "Full run" is one click away.
void quickNetworkGrid(ImagePanelState& view) {
  view.samplerPreset = kQuickNetworkPreset;
  if (!applyPreset(view)) return;
  view.draft.sampler.steps = kQuickNetworkSteps;
  view.draft.n = kQuickNetworkImages;
}

// The score the grid samples with: the exact empirical one (of `limit` images), a U-Net
// checkpoint, or a U-Net trained here. Returns true when a new run is due.
bool drawScoreChoice(ImagePanelState& view, const train::TrainerStats* training,
                     CommandSink& sink) {
  auto& d = view.draft;
  bool changed = false;
  ImGui::TextWrapped("data: %s", d.data.c_str());
  bool exact = d.model.empty() && !view.live;
  if (ImGui::RadioButton("exact empirical score", exact) && !exact) {
    d.model.clear();
    view.modelPath.clear();
    view.live = false;
    changed = true;
  }
  tooltip("The exact score of the first `limit` images (MATH.md §7): no training; it memorizes");
  if (exact) {
    int limit = static_cast<int>(d.limit);
    ImGui::SetNextItemWidth(8 * ImGui::GetFontSize());
    ImGui::InputInt("images (limit)", &limit, 100, 1000);
    d.limit = std::clamp(limit, 1, 100000);
    changed |= ImGui::IsItemDeactivatedAfterEdit();
  }
  char path[512];
  std::snprintf(path, sizeof path, "%s", view.modelPath.c_str());
  if (ImGui::InputTextWithHint("##model", "U-Net checkpoint (.pt)", path, sizeof path,
                               ImGuiInputTextFlags_EnterReturnsTrue)) {
    view.modelPath = path;
    if (exact) quickNetworkGrid(view);
    d.model = view.modelPath;
    view.live = false;
    changed = true;
  } else {
    view.modelPath = path;
  }
  tooltip("A checkpoint of `scorescope train --data <images>`; Enter loads it");
  if (!view.bundledModel.empty() && (d.model != view.bundledModel || view.live)) {
    ImGui::SameLine();
    if (ImGui::SmallButton("bundled")) {
      if (exact) quickNetworkGrid(view);
      view.modelPath = d.model = view.bundledModel;
      view.live = false;
      changed = true;
    }
    tooltip(("Sample with the model that comes with ScoreScope: " + view.bundledModel).c_str());
  }
  if (ImGui::RadioButton("U-Net trained here", view.live) && !view.live) {
    if (exact) quickNetworkGrid(view);
    view.live = true;
    changed = training != nullptr;  // with no trainer yet, the grid waits for Start
  }
  tooltip(
      "Train a U-Net on this dataset in the background (the strip below the grid) and sample "
      "with its newest EMA weights; the grid re-runs from the same noise as it learns");
  if (view.live && !training) {
    const char* presets[] = {"small", "large"};
    int p = view.trainPreset == "large" ? 1 : 0;
    ImGui::SetNextItemWidth(8 * ImGui::GetFontSize());
    if (ImGui::Combo("preset", &p, presets, 2)) view.trainPreset = presets[p];
    tooltip(
        "small: 16 base channels, two resolutions (learns shapes in minutes on a CPU); "
        "large: 64 base channels, three resolutions (for a GPU)");
    if (ImGui::Button("Train from scratch")) sink.send(cmd::TrainImageModel{});
    if (!view.bundledModel.empty()) {
      ImGui::SameLine();
      if (ImGui::Button("Continue the bundled model"))
        sink.send(cmd::TrainImageModel{view.bundledModel});
      tooltip(view.bundledModel.c_str());
    }
  } else if (view.live && training) {
    ImGui::TextDisabled("step %lld · loss %.4g · %.1f steps/s",
                        static_cast<long long>(training->step), training->lossSmoothed,
                        training->stepsPerSecond);
    ImGui::Checkbox("re-sample as it trains", &view.resampleWhileTraining);
    tooltip(
        "When a run has played out and the trainer has newer weights, run again from the same "
        "noise: the same 64 draws sharpen as the model learns");
    if (training->step < kLiveFirstSampleStep)
      ImGui::TextDisabled("the first samples come after %lld training steps…",
                          static_cast<long long>(kLiveFirstSampleStep));
  }
  return changed;
}

// The sampler preset, the compare grid, steps and the image count.
bool drawSamplerChoice(ImagePanelState& view) {
  auto& d = view.draft;
  bool changed = false;
  int preset =
      static_cast<int>(std::find(std::begin(kPresets), std::end(kPresets), view.samplerPreset) -
                       std::begin(kPresets));
  if (preset >= kPresetCount) preset = 0;
  if (ImGui::Combo("sampler", &preset, kPresetLabels, kPresetCount)) {
    view.samplerPreset = kPresets[preset];
    changed |= applyPreset(view);
  }
  if (ImGui::Checkbox("compare with", &view.compare)) changed = true;
  tooltip(
      "A second grid beside the first: the same prior draw x(T) through another sampler "
      "(e.g. the reverse SDE | the probability-flow ODE), on the same timeline");
  if (view.compare) {
    ImGui::SameLine();
    int other =
        static_cast<int>(std::find(std::begin(kPresets), std::end(kPresets), view.comparePreset) -
                         std::begin(kPresets));
    if (other >= kPresetCount) other = 3;
    ImGui::SetNextItemWidth(-1);
    if (ImGui::Combo("##compare", &other, kPresetLabels, kPresetCount)) {
      view.comparePreset = kPresets[other];
      changed = true;
    }
  }
  if (!(d.sampler.kind == sample::SamplerKind::Ode &&
        d.sampler.solver == sample::OdeSolver::Rk45)) {
    ImGui::SliderInt("steps", &d.sampler.steps, 10, 2000);
    changed |= ImGui::IsItemDeactivatedAfterEdit();
  }
  int n = static_cast<int>(d.n);
  ImGui::SliderInt("images", &n, 1, 256);
  d.n = n;
  changed |= ImGui::IsItemDeactivatedAfterEdit();
  // The long label where it fits (a projector's scale leaves half of it); the tooltip says all.
  const char* full = "Full run: 1000 steps, 64 images";
  const float pad = 2 * ImGui::GetStyle().FramePadding.x;
  if (ImGui::CalcTextSize(full).x + pad > ImGui::GetContentRegionAvail().x)
    full = "Full run (1000 x 64)";
  if (ImGui::Button(full)) {
    d.sampler.steps = 1000, d.n = 64;
    changed = true;
  }
  tooltip(
      "The paper's step count on a full grid, 40× the work of the grid a U-Net starts with "
      "(100 steps on 16 images, seconds on a CPU; the full run takes about 20 minutes there)");
  return changed;
}

// The task (unconditional, inpaint, colorize), its mask and the observed image.
bool drawTaskChoice(ImagePanelState& view) {
  auto& d = view.draft;
  bool changed = false;
  int task = static_cast<int>(d.task);
  if (ImGui::Combo("task", &task, "unconditional\0inpaint\0colorize (RGB)\0")) {
    d.task = static_cast<scene::ImageTask>(task);
    changed = true;
  }
  // The mask rows stay in place, disabled unless inpainting (the panel does not move).
  {
    DisabledUnless inpainting(d.task == scene::ImageTask::Inpaint);
    ImGui::Checkbox("Paint mask…", &view.paintMask);
    tooltip(
        "Open the mask painter beside the grid: brush, eraser, rectangle, lasso, presets. "
        "Closing it keeps the painted mask; a preset below replaces it");
    {
      DisabledUnless presets(!view.paintMask);
      // The painted mask (while there is one) first, then the presets.
      const bool painted = !d.customMask.empty();
      int mask = static_cast<int>(std::find(std::begin(kMasks), std::end(kMasks), d.mask) -
                                  std::begin(kMasks));
      std::string names = painted ? std::string("painted") + '\0' : std::string();
      for (auto m : kMasks) names += sample::toString(m) + '\0';
      int shown = painted ? 0 : mask;
      if (ImGui::Combo("mask", &shown, names.c_str()) && !(painted && shown == 0)) {
        d.mask = kMasks[shown - (painted ? 1 : 0)];
        d.customMask.clear();  // a preset replaces the painted mask
        changed = true;
      }
    }
  }
  if (d.task != scene::ImageTask::Unconditional) {
    int index = static_cast<int>(d.imageIndex);
    ImGui::SetNextItemWidth(8 * ImGui::GetFontSize());
    if (ImGui::InputInt("image index", &index)) {
      d.imageIndex = std::max(0, index);
      d.imageFile.clear();  // the index picks a dataset image again
      view.imagePath.clear();
      changed = true;
    }
    char file[512];
    std::snprintf(file, sizeof file, "%s", view.imagePath.c_str());
    if (ImGui::InputTextWithHint("##imagefile", "or an image file (Enter)", file, sizeof file,
                                 ImGuiInputTextFlags_EnterReturnsTrue)) {
      d.imageFile = file;
      changed = true;
    }
    view.imagePath = file;
    tooltip("Observe this PNG/JPEG (resized to the dataset's size) instead of a dataset image");
  }
  return changed;
}

}  // namespace

const std::vector<std::string>& imageSamplerPresets() {
  static const std::vector<std::string> names(std::begin(kPresets), std::end(kPresets));
  return names;
}

Expected<scene::ImageRunRequest> compareRequest(const ImagePanelState& view) {
  return compareRunRequestFor(view.draft, view.comparePreset);
}

void drawImagePanel(ImagePanelState& view, const scene::ImageRunResult* run, bool busy,
                    const train::TrainerStats* training, const train::ClassifierStats* classifier,
                    CommandSink& sink) {
  auto& d = view.draft;
  bool changed = false;
  if (ImGui::CollapsingHeader("Images", ImGuiTreeNodeFlags_DefaultOpen)) {
    changed |= drawScoreChoice(view, training, sink);
    changed |= drawSamplerChoice(view);
    changed |= drawTaskChoice(view);
    int seed = static_cast<int>(d.seed);
    ImGui::SetNextItemWidth(8 * ImGui::GetFontSize());
    if (ImGui::InputInt("seed", &seed))
      d.seed = static_cast<uint64_t>(std::max(0, seed)), changed = true;
    if (ImGui::Button("Sample")) changed = true;
    tooltip("Run again with the same noise (R); change the seed for new noise");
    if (busy) {
      ImGui::SameLine();
      ImGui::TextDisabled("running…");
    }
    if (run) {
      ImGui::TextDisabled("score: %s", run->scoreName.c_str());
      if (run->size > 0)
        ImGui::TextDisabled("%d×%d×%d, %lld images · %s", run->channels, run->size, run->size,
                            static_cast<long long>(run->n), run->status.c_str());
      if (!run->error.empty()) errorText(run->error);
      if (!run->warning.empty()) ImGui::TextWrapped("%s", run->warning.c_str());  // skipped files
    }
    if (!view.error.empty()) errorText(view.error);
  }
  changed |= drawGuidanceSection(view, classifier, sink);
  if (changed) {
    view.error.clear();
    sink.send(cmd::RequestRun{});
  }
}

}  // namespace ss::ui

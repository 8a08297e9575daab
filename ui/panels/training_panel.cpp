#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "ui/panels/panels.h"
#include "ui/panels/widgets.h"
#include "ui/views/loss_plot.h"

namespace ss::ui {

namespace {

ImVec4 statusColour(train::TrainerStatus s) {
  switch (s) {
    case train::TrainerStatus::Running:
      return ImVec4(0.45f, 0.85f, 0.45f, 1);
    case train::TrainerStatus::Diverged:
    case train::TrainerStatus::Failed:
      return ImVec4(1.0f, 0.45f, 0.42f, 1);
    default:
      return ImVec4(0.85f, 0.85f, 0.6f, 1);
  }
}

// Live knobs: applied before the next step, without a restart (only when valid).
// A knob's label, also shown on its own line above the knob when the column is narrow: the
// knob then spans the column and the column clips the label ImGui draws right of it (the
// label stays the widget's ID either way).
const char* knobLabel(const char* label, bool narrow) {
  if (narrow) ImGui::TextUnformatted(label);
  return label;
}

void drawLiveKnobs(TrainingPanelState& view, CommandSink& sink, bool narrow) {
  train::TrainConfig& d = view.draft;
  bool edited = false;
  float lr = static_cast<float>(d.lr);
  if (ImGui::SliderFloat(knobLabel("learning rate", narrow), &lr, 1e-5f, 1e-1f, "%.1e",
                         ImGuiSliderFlags_Logarithmic)) {
    d.lr = lr;
    edited = true;
  }
  edited |= ImGui::SliderInt(knobLabel("batch", narrow), &d.batch, 16, 8192, "%d",
                             ImGuiSliderFlags_Logarithmic);
  int w = static_cast<int>(d.loss.weighting);
  if (ImGui::Combo(knobLabel("weighting", narrow), &w,
                   "σ(t)² (noise prediction)\0g(t)² (likelihood)\0one\0g(t)⁴/4 (flow matching)\0"
                   "EDM (preconditioned U-Net)\0")) {
    d.loss.weighting = static_cast<train::Weighting>(w);
    edited = true;
  }
  float ema = static_cast<float>(d.emaDecay);
  if (ImGui::SliderFloat(knobLabel("EMA decay", narrow), &ema, 0.0f, 0.9999f, "%.4f")) {
    d.emaDecay = ema;
    edited = true;
  }
  float clip = static_cast<float>(d.gradClip);
  if (ImGui::SliderFloat(knobLabel("grad clip", narrow), &clip, 0.0f, 10.0f,
                         clip == 0 ? "off" : "%.2f")) {
    d.gradClip = clip;
    edited = true;
  }
  if (edited) {
    view.error = messageOf(d.validate());
    if (view.error.empty()) sink.send(cmd::SetTrainConfig{d});
  }
  if (!view.error.empty()) errorText(view.error);
}

// The checkpoint path with Save and Load.
void drawCheckpointRow(TrainingPanelState& view, CommandSink& sink) {
  char path[512];
  std::snprintf(path, sizeof path, "%s", view.checkpointPath.c_str());
  // The path field leaves room for both buttons on the same row; in a narrow column (a
  // projector's type scale) it takes the row and the buttons go below it.
  const ImGuiStyle& style = ImGui::GetStyle();
  const float buttons =
      ImGui::CalcTextSize("SaveLoad").x + 4 * style.FramePadding.x + 2 * style.ItemSpacing.x;
  const float avail = ImGui::GetContentRegionAvail().x;
  const float right = ImGui::GetCursorScreenPos().x + avail;
  const bool oneRow = avail - buttons >= 6.0f * ImGui::GetFontSize();
  ImGui::SetNextItemWidth(oneRow ? avail - buttons : -FLT_MIN);
  if (ImGui::InputTextWithHint("##checkpoint", "checkpoint path", path, sizeof path))
    view.checkpointPath = path;
  tooltip(
      "Checkpoint file: Save writes it atomically, Load replaces the model (a bad file changes "
      "nothing)");
  if (oneRow) ImGui::SameLine();
  if (ImGui::Button("Save")) sink.send(cmd::SaveCheckpoint{view.checkpointPath});
  sameLineIfFits(buttonWidth("Load"), right);
  if (ImGui::Button("Load")) {
    sink.send(cmd::LoadCheckpoint{view.checkpointPath});
    view.initialized = false;  // show the loaded settings
  }
}

// The architecture row: the U-Net's summary, or the MLP's width, depth and conditional switch
// with Apply (applying restarts the model).
void drawArchitecture(TrainingPanelState& view, float right, CommandSink& sink) {
  if (view.netDraft.kind == nn::NetKind::UNet) {
    const auto& u = view.netDraft.unet;
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("U-Net %d×%d×%d · %d base channels · %zu resolutions", u.channels, u.size,
                        u.size, u.baseChannels, u.multipliers.size());
    ImGui::PopTextWrapPos();
  } else {
    // Each input with its label, on the row while it fits (a projector's scale wraps them).
    const float field = 3.2f * ImGui::GetFontSize();
    ImGui::PushItemWidth(field);
    ImGui::InputInt("width", &view.netDraft.mlp.width, 0);
    sameLineIfFits(field + ImGui::GetStyle().ItemInnerSpacing.x + buttonWidth("depth"), right);
    ImGui::InputInt("depth", &view.netDraft.mlp.depth, 0);
    ImGui::PopItemWidth();
    sameLineIfFits(ImGui::GetFrameHeight() + buttonWidth("conditional"), right);
    ImGui::Checkbox("conditional", &view.conditional);
    tooltip(
        "Class-conditional MLP for classifier-free guidance: the data's classes (mixture "
        "components, a labelled CSV, painted classes) with label dropout to a null class. "
        "Applies with Apply");
    sameLineIfFits(buttonWidth("Apply"), right);
    const std::string netError = messageOf(view.netDraft.validate());
    if (ImGui::Button("Apply") && netError.empty())
      sink.send(cmd::ApplyNet{view.netDraft, view.conditional});
    tooltip("MLP hidden width and layers: applying restarts training from scratch");
    if (!netError.empty()) errorText(netError);
  }
}

}  // namespace

void drawTrainingPanel(const train::TrainerStats* stats, TrainingPanelState& view,
                       CommandSink& sink) {
  if (!stats) {
    ImGui::TextDisabled("starting…");
    return;
  }
  if (!view.initialized) {
    view.draft = stats->train;
    view.conditional = stats->classes > 0;
    view.initialized = true;
  }
  if (!ImGui::BeginTable("##training", 3, ImGuiTableFlags_SizingStretchProp)) return;
  ImGui::TableSetupColumn("controls", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn("loss", ImGuiTableColumnFlags_WidthStretch, 1.4f);
  ImGui::TableSetupColumn("knobs", ImGuiTableColumnFlags_WidthStretch, 1.1f);
  ImGui::TableNextRow();
  ImGui::TableSetColumnIndex(0);
  const float right = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
  ImGui::TextUnformatted("Training");
  const float startW = 5.0f * ImGui::GetFontSize();
  sameLineIfFits(startW, right);  // else below: a narrow column clipped it
  const bool running = stats->status == train::TrainerStatus::Running;
  if (ImGui::Button(running ? "Pause" : "Start", ImVec2(startW, 0)))
    sink.send(running ? Command{cmd::PauseTraining{}} : Command{cmd::StartTraining{}});
  sameLineIfFits(buttonWidth("Step"), right);
  if (ImGui::Button("Step")) sink.send(cmd::StepTraining{});
  sameLineIfFits(buttonWidth("Reset"), right);
  if (ImGui::Button("Reset")) sink.send(cmd::ResetTraining{});
  tooltip("Re-initialise the model (same seed): training starts over");

  ImGui::PushStyleColor(ImGuiCol_Text, statusColour(stats->status));
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted((train::toString(stats->status) + ": " + stats->message).c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
  ImGui::PushTextWrapPos(0);  // a narrow column wraps these lines instead of clipping them
  ImGui::Text("step %lld   loss %.4g", static_cast<long long>(stats->step), stats->lossSmoothed);
  ImGui::Text("%.0f steps/s   %.3g samples/s", stats->stepsPerSecond, stats->samplesPerSecond);
  ImGui::TextDisabled("%s · %lld parameters · |grad| %.3g", stats->device.c_str(),
                      static_cast<long long>(stats->parameters), stats->gradNorm);
  ImGui::PopTextWrapPos();
  drawArchitecture(view, right, sink);
  ImGui::TableSetColumnIndex(1);
  lossPlot(stats->historySteps, stats->historyLoss, stats->historySmoothed,
           std::max(5.0f * ImGui::GetFontSize(), ImGui::GetContentRegionAvail().y - 4.0f));
  ImGui::TableSetColumnIndex(2);
  // Labels right of the knobs when the column has room for both, else above them (at a
  // projector's type scale), so a knob never shrinks to nothing.
  const bool narrow = ImGui::GetContentRegionAvail().x < 16.0f * ImGui::GetFontSize();
  ImGui::PushItemWidth(narrow ? -FLT_MIN : -9.0f * ImGui::GetFontSize());
  drawLiveKnobs(view, sink, narrow);
  drawCheckpointRow(view, sink);
  ImGui::PopItemWidth();
  ImGui::EndTable();
}

}  // namespace ss::ui

// The side panels of the 2D explorer, one per file: data, process (SDE), timeline and view.
// Each edits ExplorerState (or a draft of it) and sends what the app must act on through a
// CommandSink (ui/panels/commands.h). UI thread, inside an ImGui window.
#pragma once

#include <string>

#include "core/nn/net_config.h"
#include "core/scene/point_cloud.h"
#include "core/sde/sde_config.h"
#include "core/train/classifier.h"
#include "core/train/trainer.h"
#include "ui/panels/commands.h"
#include "ui/session/explorer_state.h"

namespace ss::ui {

struct DataPanelState {
  std::string pathDraft;    // text field for a .json / .csv file
  int particlesDraft = -1;  // slider value while dragging; applied on release
};

// Sends RequestData when state.data changed and a new cloud must be loaded.
void drawDataPanel(ExplorerState& state, DataPanelState& view, const scene::PointCloud* cloud,
                   bool busy, const std::string& error, CommandSink& sink);

struct ProcessPanelState {
  sde::SdeConfig draft;  // what the fields show; copied into state.sde when valid
  std::string error;     // why the draft is not applied
  bool initialized = false;
  sde::SdeConfig seen;  // state.sde as the panel last saw it: a change from elsewhere (a
                        // scene, a lesson stage) replaces the draft
};

void drawProcessPanel(ExplorerState& state, ProcessPanelState& view,
                      const scene::PointCloud* cloud);
// Applies view.draft: when valid it becomes state.sde and the error clears; otherwise the
// error names the field and state.sde keeps the last valid SDE.
void applySdeDraft(ExplorerState& state, ProcessPanelState& view);

struct SamplingPanelState {
  std::string error;  // why the sampler settings are not applied
};

// Mode (forward | reverse SDE | PF-ODE) and sampler settings. Sends RequestRun when a new run
// is due (mode or valid settings changed, or "Sample now"); invalid settings send nothing
// and show why.
void drawSamplingPanel(ExplorerState& state, SamplingPanelState& view, const scene::RunResult* run,
                       bool busy, const std::string& runError, bool hasModel, CommandSink& sink);

// Guidance on (toward the first class) with a classifier that works for the data: the exact
// posterior of a Gaussian mixture, else the one trained in the background; or off.
void setGuidance(ExplorerState& state, bool on, const scene::PointCloud* cloud);

// Class guidance of reverse runs: on/off, the class, the scale w and the classifier (the
// mixture's exact posterior, or one trained in the background, whose progress and held-out
// accuracy it shows). Sends TrainClassifier when the user asks to (re)train it and
// RequestRun when a new run is due.
void drawGuidancePanel(ExplorerState& state, const scene::PointCloud* cloud,
                       const train::ClassifierStats* classifier, CommandSink& sink);

// Time slider with play/pause/loop/speed and the marginal's numbers.
void drawTimelinePanel(ExplorerState& state, const scene::PointCloud* cloud);

struct TrainingPanelState {
  train::TrainConfig draft;  // the knobs as shown; sent to the trainer when valid
  bool initialized = false;
  std::string error;
  std::string checkpointPath = "model.pt";
  nn::NetConfig netDraft;    // architecture fields; applied with a restart
  bool conditional = false;  // class-conditional MLP (classifier-free guidance); with Apply
};

// Start/pause/step/reset, live knobs, stats, the loss plot, checkpoint save/load: each sends
// its trainer command (the caller forwards them to the trainer's mailbox; nothing here waits
// on training). A valid architecture (view.netDraft) applied sends ApplyNet.
void drawTrainingPanel(const train::TrainerStats* stats, TrainingPanelState& view,
                       CommandSink& sink);

// Point size, opacity, colouring, grid; "fit view" sends FitView.
void drawViewPanel(ExplorerState& state, const scene::PointCloud* cloud, CommandSink& sink);

}  // namespace ss::ui

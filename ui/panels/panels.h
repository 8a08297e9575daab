// The side panels of the 2D explorer, one per file: data, process (SDE), timeline and view.
// Each edits ExplorerState (or a draft of it) and reports what the app must act on.
// UI thread, inside an ImGui window.
#pragma once

#include <string>

#include "core/nn/net_config.h"
#include "core/scene/point_cloud.h"
#include "core/sde/sde_config.h"
#include "core/train/classifier.h"
#include "core/train/trainer.h"
#include "ui/session/explorer_state.h"

namespace ss::ui {

struct DataPanelState {
  std::string pathDraft;    // text field for a .json / .csv file
  int particlesDraft = -1;  // slider value while dragging; applied on release
};

// Returns true when state.data changed and a new cloud must be requested.
bool drawDataPanel(ExplorerState& state, DataPanelState& view, const scene::PointCloud* cloud,
                   bool busy, const std::string& error);

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

// Mode (forward | reverse SDE | PF-ODE) and sampler settings. Returns true when a new run
// should be requested (mode or valid settings changed, or "Sample now").
bool drawSamplingPanel(ExplorerState& state, SamplingPanelState& view, const scene::RunResult* run,
                       bool busy, const std::string& runError, bool hasModel);

// Guidance on (toward the first class) with a classifier that works for the data: the exact
// posterior of a Gaussian mixture, else the one trained in the background; or off.
void setGuidance(ExplorerState& state, bool on, const scene::PointCloud* cloud);

// Class guidance of reverse runs: on/off, the class, the scale w and the classifier (the
// mixture's exact posterior, or one trained in the background, whose progress and held-out
// accuracy it shows). Sets `trainClassifier` when the user asks to (re)train it. Returns
// true when a new run should be requested.
bool drawGuidancePanel(ExplorerState& state, const scene::PointCloud* cloud,
                       const train::ClassifierStats* classifier, bool& trainClassifier);

// Time slider with play/pause/loop/speed and the marginal's numbers.
void drawTimelinePanel(ExplorerState& state, const scene::PointCloud* cloud);

struct TrainingPanelState {
  train::TrainConfig draft;  // the knobs as shown; sent to the trainer when valid
  bool initialized = false;
  std::string error;
  std::string checkpointPath = "model.pt";
  nn::NetConfig netDraft;  // architecture fields; applied with a restart
};

// Start/pause/step/reset, live knobs, stats, the loss plot, checkpoint save/load. Commands
// go to the trainer's mailbox; nothing here waits on training. Returns true when the user
// applied a new architecture (view.netDraft): the caller restarts the trainer with it.
bool drawTrainingPanel(train::Trainer& trainer, const train::TrainerStats* stats,
                       TrainingPanelState& view);

// Point size, opacity, colouring, grid; returns true when "fit view" was pressed.
bool drawViewPanel(ExplorerState& state, const scene::PointCloud* cloud);

}  // namespace ss::ui

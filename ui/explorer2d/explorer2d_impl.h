// The 2D explorer's controller (run2D in explorer2d.h is its entry point): one object per
// opened 2D scene, owning its workers and panel state, one method per window region. It is
// the panels' CommandSink: what they send is acted on as it arrives (send). Split over
// explorer2d.cpp (scene, frame, panels and their commands) and explorer2d_layers.cpp (the
// run, the plot, the layers' requests, exports). Internal to ui/explorer2d. UI thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/scene/density_worker.h"
#include "core/scene/point_cloud.h"
#include "core/scene/run_worker.h"
#include "core/scene/solver_lab_worker.h"
#include "core/scene/vector_field.h"
#include "core/train/classifier.h"
#include "core/train/trainer.h"
#include "ui/explorer2d/explorer2d.h"
#include "ui/explorer2d/layer_requests.h"
#include "ui/frame_pacer.h"
#include "ui/panels/canvas_tools_panel.h"
#include "ui/panels/commands.h"
#include "ui/panels/panels.h"
#include "ui/panels/solver_lab_panel.h"
#include "ui/session/shown_model.h"
#include "ui/views/canvas2d.h"
#include "ui/views/canvas_tools.h"
#include "ui/views/compare_view.h"

namespace ss::ui::detail {

// What a reverse run depends on besides its sampler settings: a change re-runs it.
struct RunKey {
  std::string data;
  int64_t n = 0;
  uint64_t seed = 0;
  sde::SdeConfig sde;
  int fixedAxis = -1;
  double fixedValue = 0;
  bool operator==(const RunKey&) const = default;
};

class Explorer2D : public CommandSink {
 public:
  Explorer2D(UiContext& ui, const GuiOptions& options, LessonShell& shell, const Scene& opened);
  // One GUI frame; false when the loop ends (the last smoke-test frame, or *next was set).
  bool frame(std::optional<Scene>* next);
  void writeTimings() const;
  // The panels' commands: data, runs, the classifier, the trainer and the canvas.
  void send(const Command& command) override;

 private:
  void applyModel(const SceneModel& m);
  void applyScene(const Scene& s);
  void restartTrainer(bool keepSettings);
  void setTrainerProblem();
  std::shared_ptr<const scene::VectorField> shownField() const;
  void forgetStaleProbes();
  void beginFrame();
  void drawSidePanel(float width, float top, float height);
  void drawTrainingStrip(float x, float y, float width, float height);
  void drawCanvasWindow(float x, float y, float width, float height);
  void drawSolverLab();
  void updateRun();
  void drawPlot(Vec2 size);
  void requestLayers();
  void exportAndRecord(const FileAction& fileAction);
  bool recordingFrameReady() const;
  // The model the layers show: none until it has trained a step (or was imported).
  std::shared_ptr<const train::ModelSnapshot> trainedModel() const;
  bool runFinishedForBenchmark() const;

  UiContext& m_ui;
  const GuiOptions& m_options;
  LessonShell& m_shell;
  ExplorerState m_state;
  // Workers.
  scene::DataWorker m_data;
  train::TrainProblemSpec m_spec;
  train::Trainer m_trainer;
  scene::FieldWorker m_fields;
  scene::DensityWorker m_modelDensity;    // the model's log p_t through the PF-ODE, refined
  train::ClassifierTrainer m_classifier;  // class guidance's trained classifier (on demand)
  scene::RunWorker m_runs;
  CompareRuns m_compareRuns;  // compare mode: one run per pane
  scene::SolverLabWorker m_solverLab;
  CanvasTools m_tools;  // probes and drawing on the canvas (owns the probe worker)
  // Panels' own state.
  DataPanelState m_dataView;
  ProcessPanelState m_processView;
  TrainingPanelState m_trainingView;
  SamplingPanelState m_samplingView;
  SolverLabPanelState m_solverLabView;
  std::optional<cmd::RunSolverLab> m_solverLabPending;  // sent once the data is in
  // Change detection.
  FieldRequester m_fieldRequests;
  ModelDensityRequester m_densityRequests;
  std::string m_modelDensityPending;
  std::optional<train::ClassifierSpec> m_classifierSpec;  // what it was last asked to train
  uint64_t m_guidedBy = 0;           // the classifier snapshot the last run used
  bool m_retrainClassifier = false;  // the guidance panel asked to (re)train it
  RunView m_runView;
  RunKey m_lastRun;
  bool m_firstRun = false;       // a reverse mode was opened: run once the data is in
  bool m_awaitingModel = false;  // a model file is loading: its arrival reruns the run once
  bool m_scriptedProbes = false;
  // Scenes: what the open one asks of the model ("train N steps" pauses at N), and whether
  // the camera must re-frame on the next draw.
  SceneModel m_appliedModel;
  int64_t m_pauseAtStep = 0;
  bool m_fitPending = false;
  // This frame's reads: each snapshot once, so one frame never mixes model versions.
  std::shared_ptr<const scene::PointCloud> m_cloud;
  uint64_t m_cloudVersion = 0;
  std::shared_ptr<const train::TrainerStats> m_stats;
  std::shared_ptr<const train::ModelSnapshot> m_model;
  uint64_t m_modelVersion = 0;
  // The snapshot in force when the trainer got a new problem: it models the old data or SDE,
  // so it is not used until the trainer publishes a new one.
  ShownModel m_shownModel;  // hides the old problem's snapshot after setProblem
  bool m_resample = false;
  // Views (GL objects: destroyed before the UiContext, with this explorer).
  Canvas2D m_canvas;
  CompareView m_compareView;  // compare mode's other panes; m_canvas is pane 0
  // When frames are drawn (on demand), and whether playback waits for the run.
  FramePacer m_pacer;
  bool m_heldByRun = false;
  double m_runRequestedAt = -1;  // --exit-when-done: when the shown run was asked for
  // --exit-when-done with a scene that trains N steps: the first step and time seen, and the
  // last (training's throughput in the window, without its start-up).
  int64_t m_trainStep0 = -1, m_trainStep1 = -1;
  double m_trainAt0 = 0, m_trainAt1 = 0;
  // Frame timing (the frame-time benchmark) and the smoke test's frame count.
  int m_frames = 0;
  std::vector<double> m_frameMs;
  std::string m_frameHeavy;  // per timed frame: '1' while training or a reverse run was at work
  double m_frameStart = 0, m_last = 0;
};

}  // namespace ss::ui::detail

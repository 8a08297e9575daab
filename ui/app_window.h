// The GUI: a window with the side panels on the left and the 2D canvas filling the rest,
// driven by a DataWorker so loading never blocks a frame; for an image dataset, the image
// grid explorer instead, driven by an ImageRunWorker. UI thread (the main thread).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <optional>

#include "ui/session/explorer_state.h"
#include "ui/session/scene_file.h"
#include "ui/ui_context.h"

namespace ss::ui {

struct GuiOptions {
  ExplorerState initial;
  // A scene to open instead (`--scene`): its state replaces `initial`; its title, caption,
  // model and stages come with it. scenePath: where it was read (Save writes there).
  std::optional<Scene> scene;
  std::string scenePath;
  bool presentation = false;  // start in presentation mode (F5 toggles it)
  int stage = 0;              // open the scene at this stage (1-based; 0: the scene itself)
  std::string record;         // record the timeline here on launch (File > Record animation…)
  // Open the lesson browser on launch: true, or "auto" = only on the very first launch (no
  // preferences saved yet).
  enum class Lessons { No, Yes, FirstLaunch } lessons = Lessons::No;
  WindowOptions window;
  std::string runtimeLine;     // e.g. "LibTorch 1.13.0 · cpu", shown in the status line
  std::string device = "cpu";  // resolved compute device for training
  int threads = 1;             // LibTorch threads for the workers
  bool startTraining = false;  // press Start on launch
  bool solverLab = false;      // open the solver lab on launch and run it (2D)
  int maxFrames = 0;           // > 0: close after this many frames (smoke tests)
  // Benchmark (hidden --exit-when-done): close once the reverse run (2D) or the image run is
  // done, printing how long it took as one JSON line; frames stay paced as in normal use.
  bool exitWhenDone = false;
  double maxFps = 0;       // frames per second while animating; 0: 60, or 30 on software OpenGL
  std::string screenshot;  // with maxFrames: save the last frame's window here as PNG
  // Scripted canvas probes (hidden --probe, for screenshots): "X,Y", "cluster:X,Y" or
  // "encode:X,Y" (ui/views/canvas_tools.h, parseProbeSpec), dropped at the initial t.
  std::vector<std::string> probes;
  // Write every frame's duration (ms, frame start to frame start) here at exit as JSON, with
  // the median, p95 and p99: the frame-time benchmark (bench/frame_times.sh).
  std::string frameTimes;
  // --workers yield|share: the View menu's "Background work yields to the display" for this
  // launch and later ones (unset: as saved, yield by default).
  std::optional<bool> workersYield;
  // The image explorer (when --data names an image dataset): sampler steps and the exact
  // score's image count; 0 = the panel's defaults (1000 steps, 500 images).
  int imageSteps = 0;
  int64_t imageLimit = 0;
};

// Runs until the window closes. Returns the process exit code: 0, or 2 when there is no
// display or no OpenGL 3.3 (after printing one line saying so).
int runGui(const GuiOptions& options);

}  // namespace ss::ui

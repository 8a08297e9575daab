// AppOptions: every command-line option in one place, and the helpers that attach the
// shared ones (SDE, data, device) to the app and to each subcommand. Main thread.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/sde/sde_config.h"
#include "core/train/model_open.h"

namespace ss::sde {
class Sde;
}

namespace ss::app {

struct AppOptions {
  // shared by the GUI and every subcommand
  std::string device = "auto";
  std::string data = "8gaussians";
  std::string sde = "vp";
  double betaMin = 0.1, betaMax = 20.0;
  double sigmaMin = 0.01, sigmaMax = 0.0;  // 0 = the data's diameter
  int N = 1000;
  double eps = 1e-5;
  bool epsGiven = false;  // --eps on the command line (else some paths pick their own)
  // The SDE flags given on the command line (--sde, --beta-min, …): with --model, which
  // brings its own SDE, they are errors.
  std::vector<std::string> sdeFlagsGiven;
  int64_t limit = 0;  // image datasets: use the first N images (0 = all, or the path's default)
  int64_t particles = 20000;
  uint64_t seed = 0;
  int threads = 0;  // 0 = default (1 on a 2-core machine)
  // view (GUI and render)
  double t = 0.0;
  bool tGiven = false;       // --t on the command line (render --scene: overrides the scene's t)
  bool stepThrough = false;  // render: PC step-through, the moves of one step as arrows
  int move = -1;             // render --step-through: the move shown (0-based; -1: the scene's)
  bool follow = false, noFollow = false;  // zoom follows the spread (default: on for VE)
  float uiScale = 0;                      // GUI scale; 0 = the monitor's content scale
  std::string window;                     // GUI window size WIDTHxHEIGHT; empty: 1600x900
  // render
  std::string size = "1280x800";
  int supersample = 1;       // render: draw at k× the size and box-filter down
  bool transparent = false;  // render: no background (PNG alpha)
  std::string out = "scorescope.png";
  std::string field = "none";  // none | exact | learned | both | difference
  bool streamlines = false;    // render: probability-flow streamlines instead of score arrows
  std::string arrowLength = "scaled";  // render: scaled | normalized | true
  std::string colour = "auto";         // render and GUI: auto | class | attribute | speed
  double arrowScale = 0.05;            // render: --arrow-length true: an arrow is s·Δ world units
  std::string model;             // checkpoint for the learned field (and, with --mode, the sampler)
  std::string modelMeta;         // --model-meta: metadata for a TorchScript model without its own
  std::string score;             // render --score exact: no model, the scene's included
  std::string mode = "forward";  // forward | sde | ode | compare (render)
  std::string compare =
      "sde:pc,ode:rk45";       // render --mode compare: the panes, MODE:SAMPLER[:exact|learned]
  bool overlay = false;        // render --mode compare: all runs in one pane
  bool samplerGiven = false;   // render: --sampler on the command line
  std::string sampler = "pc";  // reverse-SDE preset (pc, ald, ddpm) or ODE solver (rk45, …)
  int steps = 1000;
  bool density = false;                 // render and GUI: the exact p_t heatmap
  std::string densitySource = "exact";  // render: exact | model (PF-ODE, needs --model)
  bool scoreError = false;    // render: the p_t-weighted score error heatmap (needs --model)
  int arrows = 0;             // GUI: score arrows across the view (0: the default)
  bool exactField = false;    // GUI: show the exact score's arrows
  bool play = false;          // GUI: start playing the timeline
  std::string frameTimes;     // GUI: write frame durations here (benchmark)
  double maxFps = 0;          // GUI: frames per second while animating (0: auto)
  bool exitWhenDone = false;  // GUI: close once the run is done (liveness benchmark)
  // scenes (GUI and render)
  std::string scene;     // a scene file to open / render
  bool present = false;  // GUI: start in presentation mode
  bool lessons = false;  // GUI: open the lesson browser on launch
  std::string record;    // GUI: record the timeline on launch
  int stage = 0;  // render and the window: this stage of the scene (1-based; 0 = the scene itself)
  double fps = 30;  // render --frames: animation frame rate
  // GUI smoke tests
  int frames = 0;      // GUI: close after this many frames; render: animation frames (0 = one PNG)
  bool train = false;  // GUI: start training on launch
  bool solverLab = false;  // GUI: open the solver lab on launch and run it
  std::string workers;     // GUI: yield | share (empty: as saved)
  std::string screenshot;
  std::vector<std::string> probes;  // GUI (hidden --probe): scripted canvas probes
  bool version = false;
};

// --sde --beta-min --beta-max --sigma-min --sigma-max --N --eps --data --particles --seed
// --device --threads.
void addSharedOptions(CLI::App& app, AppOptions& o);

// --t, --follow/--no-follow: what the view shows (GUI and render).
void addViewOptions(CLI::App& app, AppOptions& o);

// render: --streamlines, --arrow-length, --arrow-scale (the score field's style).
void addFieldOptions(CLI::App& app, AppOptions& o);

// The SDE the options describe, validated (VE's σmax may still be 0 = auto).
Expected<sde::SdeConfig> sdeConfigFrom(const AppOptions& o);

// The device --device resolves to ("cpu", "cuda:0"), after applying --threads (or the
// default, defaultComputeThreads()) to LibTorch. Errors name the device problem.
Expected<std::string> computeDeviceFrom(const AppOptions& o);

// The SDE a command samples a model with: the model's own, with --eps (when given) as the
// sampling ε. The SDE's shape is the model's: --sde, --beta-min, --beta-max, --sigma-min and
// --sigma-max given with --model are an error that says so.
// How --model is opened: --model-meta's metadata for a TorchScript file without its own, and
// the class a class-conditional model is asked for.
// `classLabel` < 0: none.
train::ModelOpenOptions modelOpenOptions(const AppOptions& o, int64_t classLabel = -1);

Expected<std::shared_ptr<const sde::Sde>> modelSde(const AppOptions& o,
                                                   std::shared_ptr<const sde::Sde> own);

// "1280x800" → {1280, 800}, each in [16, 16384].
Expected<std::pair<int, int>> parseSize(const std::string& text,
                                        const std::string& option = "--size");

// Whether `path` ends in `ext` (".png", any case), else the error "OPTION 'x.xyz': this writes
// WHAT: give a file ending in .png". Outputs follow their extension or are refused.
Expected<bool> checkOutputName(const std::string& path, const std::string& option,
                               const std::string& ext, const std::string& what);

}  // namespace ss::app

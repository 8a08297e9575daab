// The state the 2D explorer's panels edit (dataset, SDE, time, view options) and the one
// function that turns it into what Canvas2D draws, shared by the GUI and `render`.
// Plain data, UI thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/sample/sampler_config.h"
#include "core/scene/point_cloud.h"
#include "core/scene/run_worker.h"
#include "core/sde/sde_config.h"
#include "ui/session/canvas_options.h"
#include "ui/session/canvas_scene.h"

namespace ss::ui {

// One pane of compare mode: a reverse run (SDE or PF-ODE) with its own sampler and score.
struct ComparePane {
  scene::RunMode mode = scene::RunMode::ReverseSde;  // ReverseSde or ProbabilityFlow
  sample::SamplerConfig sampler;                     // its preset/solver and steps
  std::string samplerPreset = "pc";                  // ReverseSde: pc | ald | ddpm
  bool useModel = true;  // the learned snapshot when one exists, else the exact score
  // The pane's own forward process, with its default parameters (e.g. VP beside the
  // rectified flow, from the same prior noise); none: the explorer's SDE.
  std::optional<sde::SdeKind> sde;
};

// Compare mode: two or three reverse runs from the same prior draw (the same seed), side by
// side on one timeline (or overlaid in one pane), with one picked particle ringed in each.
struct CompareSpec {
  bool enabled = false;  // the canvas shows the panes (state.mode then stays a reverse mode)
  bool overlay = false;  // all runs in one pane, one colour per run
  std::vector<ComparePane> panes = defaultComparePanes();
  int64_t picked = 0;  // particle index ringed in every pane (0: the first traced particle)
  static std::vector<ComparePane> defaultComparePanes();  // reverse SDE (pc) | PF-ODE (RK45)
};

struct ExplorerState {
  scene::DataRequest data;  // the dataset asked of the DataWorker
  sde::SdeConfig sde;       // the SDE in force (always valid)
  double t = 0.0;           // shown time in [0, T]
  bool playing = false;
  double playSeconds = 4.0;  // seconds for t to run from 0 to T
  bool loop = true;
  CanvasOptions canvas;
  float uiScale = 0;  // GUI type and widget scale; 0 = the monitor's content scale
  // What the canvas shows: the forward process (closed-form marginals, in the shader), or a
  // reverse run computed on the RunWorker (reverse SDE / probability-flow ODE) replayed by t.
  scene::RunMode mode = scene::RunMode::Forward;
  sample::SamplerConfig sampler;  // reverse SDE: predictor/corrector; ODE: the solver
  std::string samplerPreset = "pc";
  bool useModel = true;  // sample with the learned snapshot when one exists, else the exact score
  // 2D inpainting of reverse runs: coordinate fixedAxis (0 = x₁, 1 = x₂) held at fixedValue,
  // the other sampled from the conditional (MATH.md §6); -1 = off.
  int fixedAxis = -1;
  double fixedValue = 0.0;
  // 2D class guidance of reverse runs (MATH.md §6): toward class guideClass (-1: off) with
  // scale `guidance`, by the exact posterior of the mixture's components, or by the
  // time-dependent classifier trained in the background (trainedClassifier).
  int guideClass = -1;
  double guidance = 1.0;
  bool trainedClassifier = false;
  // Classifier-free instead (MATH.md §6): s + w (s(x | k) − s), learned with a
  // class-conditional model, else exact on a mixture; trainedClassifier is then unused.
  bool classifierFree = false;
  CompareSpec compare;
  // PC step-through (reverse SDE): the timeline advances one sub-move at a time (each
  // Langevin corrector step, then the predictor) and the canvas draws the shown move's
  // displacement for the traced particles and the first `moveParticles` ones.
  bool stepThrough = false;
  int move = 0;           // the shown move, 0-based in run order
  int moveParticles = 0;  // particles drawn besides the traced ones (0: the traced only)
};

// One move of a PC step-through, from the sampler's settings alone (MATH.md §4).
struct MoveInfo {
  int step = 0;            // the PC step, 0-based
  bool corrector = false;  // a Langevin corrector step; else the predictor
  int index = 0;           // corrector: which of the step's corrector steps, 0-based
  double t = 0;            // the step's time t_step = linspace(T, ε, steps)[step]
};

// The run shown in a reverse mode and the point cloud built from its frame at the shown t
// (rebuilt only when the frame changes). UI thread.
struct RunView {
  std::shared_ptr<const scene::RunResult> run;
  std::shared_ptr<const scene::RunFrame> frame;
  std::shared_ptr<const scene::PointCloud> cloud;
  // Versions of run clouds have the top bit set, so they never equal a data cloud's.
  uint64_t version = 1ull << 63;
  // Picks the frame nearest t; `data` lends the mixture means and the diameter. A result of
  // another mode than `mode` (a switch not yet re-run) shows nothing.
  void update(std::shared_ptr<const scene::RunResult> latest, double t,
              const scene::PointCloud* data, std::optional<scene::RunMode> mode = std::nullopt);
};

// Velocities dx/dt (n×2) of a run's particles at `frame`, from the recorded frame before it
// in run order (the one after it, for the first): what the speed colouring shows. Zeros
// when there is no other frame.
std::vector<float> frameVelocities(const scene::RunResult& run, const scene::RunFrame& frame);

// The q-quantile of the particle speeds ‖dadt·x0 + dsdt·ε‖ over at most maxSamples evenly
// strided particles (0 for an empty cloud): the top of the speed colour bar.
float speedQuantile(const scene::PointCloud& cloud, float dadt, float dsdt, double q = 0.99,
                    size_t maxSamples = 4096);

// The SDE resolved against the cloud's diameter (VE's automatic σmax).
sde::SdeConfig resolvedSde(const ExplorerState& state, const scene::PointCloud* cloud);

// Captions and marginal coefficients for the current t.
// In a reverse mode with a run, the run's frame replaces the data cloud.
CanvasScene makeCanvasScene(const ExplorerState& state,
                            std::shared_ptr<const scene::PointCloud> cloud, uint64_t version,
                            const RunView* run = nullptr);

// The RunRequest the state describes (the SDE resolved against the data cloud).
// With trainedClassifier, guidance waits for `classifier` (the run is unguided until then).
scene::RunRequest runRequestFor(
    const ExplorerState& state, const scene::PointCloud* cloud,
    std::shared_ptr<const train::ModelSnapshot> model,
    std::shared_ptr<const train::ClassifierSnapshot> classifier = nullptr);

// Compare mode: the RunRequest of pane `pane` (the same data, SDE, particles and seed as
// runRequestFor, so every pane starts from the same prior draw).
scene::RunRequest paneRequestFor(const ExplorerState& state, size_t pane,
                                 const scene::PointCloud* cloud,
                                 std::shared_ptr<const train::ModelSnapshot> model);
// The state as one pane sees it (mode, sampler, score of the pane; compare off).
ExplorerState paneState(const ExplorerState& state, size_t pane);
// "reverse SDE · Euler–Maruyama", "PF-ODE · RK45", with " · exact score" for an exact pane
// when `withScore`.
std::string paneLabel(const ComparePane& pane, bool withScore = true);
// Switches compare mode on (a reverse mode at T, playing) or off (back to `mode`).
void setCompare(ExplorerState& state, bool on, scene::RunMode mode = scene::RunMode::ReverseSde);
// "sde:pc,ode:rk45" → panes. Each item MODE:SAMPLER[:exact|learned], MODE sde or ode, SAMPLER
// pc|ald|ddpm (sde) or euler|heun|rk4|rk45 (ode); 2 or 3 items; `steps` for fixed-step ones.
Expected<std::vector<ComparePane>> parseComparePanes(const std::string& text, int steps);

// Advances t by `dt` seconds of playback: forward mode from 0 to T, reverse modes from T to
// 0 (as the sampler runs); stops there, or wraps when looping.
void advancePlayback(ExplorerState& state, double dt);

// Reverse runs still computing: playback may not run ahead of the newest computed time
// `computedT` (the run's last frame), so the timeline shows what the canvas shows and the run
// extends as it computes. No-op in forward mode, when paused, or when `computedT` < 0.
// Returns true when playback waits for the run (t is held at the computed time): the view
// then changes only as the run publishes.
bool holdPlaybackAtRun(ExplorerState& state, double computedT);

// PC step-through. Moves per PC step: the corrector steps (Langevin) plus one for a predictor.
int movesPerStep(const sample::SamplerConfig& c);
// Step-through applies: on, in reverse-SDE mode (not compare) with at least one move per step.
bool stepThroughActive(const ExplorerState& state);
int moveCount(const ExplorerState& state);  // steps × movesPerStep; 0 when not active
MoveInfo moveInfo(const ExplorerState& state, int move);
// "step 3/200 · corrector 1/2 · t = 0.9850" or "step 3/200 · predictor · t = 0.9850" (1-based).
std::string moveLabel(const ExplorerState& state, int move);
// The update the move applies, as MATH.md §4 writes it (tooltips, legend).
std::string moveEquation(const ExplorerState& state, int move);
// Moves `delta` moves (clamped to the run's moves), pauses, and puts t on the move's time.
// delta 0 just re-clamps (after a sampler change). No-op when step-through is not active.
void stepMove(ExplorerState& state, int delta);
// Switches step-through on (move 0 at T, paused) or off.
void setStepThrough(ExplorerState& state, bool on);
// While a recording runs, the state shows its frame `frame` (0-based): in a PC step-through
// move `frame` (one move per frame, the last move held), otherwise the timeline at `t`, the
// recorder's time for that frame. Playback pauses: the recorder drives t.
void showRecordedFrame(ExplorerState& state, int frame, double t);

// The prior mismatch at T, in nats: KL(N(a μ, a² Σ + σ² I) ‖ N(0, s² I)) with a = a(T),
// σ = σ(T), s the prior's std, and μ, Σ the data cloud's mean and covariance: a Gaussian
// moment approximation of KL(p_T ‖ prior). What the ODE carries to its end (docs/SAMPLERS.md).
double priorMismatch(const sde::SdeConfig& cfg, const scene::PointCloud& cloud);

// "VP SDE", "sub-VP SDE", "VE SDE".
std::string sdeLabel(sde::SdeKind kind);

}  // namespace ss::ui

// Sampler and forward-process runs for the views: a worker thread runs one run at a time
// (reverse SDE / PC, probability-flow ODE, or the forward process) with a trained snapshot
// or the exact score, and publishes its frames progressively as plain floats, so the
// timeline can replay what is computed while the run extends. A new request cancels the
// running one between steps. Torch-free header: the UI includes it and never waits.
#pragma once

#include <limits>

#include "core/scene/scene_worker.h"

namespace ss::scene {

enum class RunMode { Forward, ReverseSde, ProbabilityFlow };
const char* toString(RunMode m);  // "forward", "sde", "ode"

struct RunRequest {
  RunMode mode = RunMode::ReverseSde;
  std::shared_ptr<const train::ModelSnapshot> model;  // null: the exact score of `data`
  std::string data = "8gaussians";
  sde::SdeConfig sde;             // resolved (VE σmax set)
  sample::SamplerConfig sampler;  // ReverseSde: its PC settings; ProbabilityFlow: its solver
  bool simulatedForward = false;  // Forward: Euler–Maruyama paths, not exact marginals
  int64_t particles = 20000;
  uint64_t seed = 0;    // the prior draw (reverse) or the data draw (forward)
  int traced = 24;      // particles whose every step is kept (trails)
  int maxFrames = 240;  // whole-cloud frames kept, evenly over the steps
  // 2D inpainting (reverse runs): coordinate `fixedAxis` (0 = x₁, 1 = x₂) is known and equal
  // to `fixedValue`; the other is sampled from p(x_other | x_fixed) (MATH.md §6). -1: off.
  int fixedAxis = -1;
  double fixedValue = 0.0;
  // Class guidance (reverse runs, MATH.md §6): the score s + w ∇x log p_t(y | x) toward class
  // `guideClass` (-1: off) with scale `guidance`, using `classifier` (a trained one) or, when
  // null, the exact posterior of the data's mixture components.
  int guideClass = -1;
  double guidance = 1.0;
  std::shared_ptr<const train::ClassifierSnapshot> classifier;
  // Classifier-free guidance instead (MATH.md §6): s + w (s(x | k) − s), learned when `model`
  // is class-conditional, else with the exact scores of the data's mixture components.
  bool classifierFree = false;
  // Step-through (reverse SDE only): keep every predictor and corrector sub-move of the
  // first max(traced, moveParticles) particles (RunResult::moves). Off: no extra cost.
  bool recordMoves = false;
  int moveParticles = 0;  // at most 2000
};

// One sub-move of a PC step (step-through), for the first RunResult::moveParticles
// particles: where each was before it, the move's mean x̄ (x̄ − from: the drift part) and
// where it ended (x − x̄: the noise part). Immutable, shared between publications.
struct RunMove {
  bool corrector = false;  // a Langevin corrector step; else the predictor
  int index = 0;           // corrector: its 0-based step within the PC step; predictor: 0
  int64_t step = 0;        // the PC step (0-based)
  double t = 0;            // where the move evaluates the score
  double stepSize = std::numeric_limits<double>::quiet_NaN();  // Langevin ε; NaN: predictor
  std::vector<float> from, mean, x;                            // m×2 each, world units
};

// One recorded moment of a run: every particle's position.
struct RunFrame {
  double t = 0;
  int64_t step = 0, nfe = 0;
  std::vector<float> x;  // n×2
};

// How the run's final samples compare with the data (computed once the run is done).
struct RunMetrics {
  bool valid = false;
  double sw2 = 0, sw2Floor = 0;  // sliced W2 to fresh true samples; the same between two true sets
  double nllTrue = 0, entropy = 0;  // mixtures: mean NLL under the true density; its MC entropy
  bool hasDensity = false;
  std::vector<double> modeWeights, trueWeights;  // mixtures
  // PF-ODE runs: the mean over particles of ‖x(end) − x(start)‖ over the path's length
  // through the recorded frames (1: straight; metrics::straightness). NaN for SDE runs.
  double straightness = std::numeric_limits<double>::quiet_NaN();
};

struct RunResult {
  RunRequest request;
  int64_t n = 0;
  std::vector<std::shared_ptr<const RunFrame>> frames;  // in run order (t falls for reverse runs)
  // Traced particles: positions at every step, [step][traced][2], with their times.
  std::vector<float> traces;
  std::vector<double> traceTimes;
  // The Tweedie estimate x̂₀ = (x + σ(t)² s(x, t)) / a(t) of each traced particle at each
  // record (same layout as traces): where the score says the particle's data point is.
  std::vector<float> tweedie;
  int traced = 0;
  std::vector<float> colour;  // n values in [0, 1]: the start position's angle (stable colours)
  int64_t nfe = 0;
  bool done = false;  // the last step's frame is in; `metrics` follow in a later publish
  int64_t step = 0, plannedSteps = 0;  // steps taken, and planned (0: adaptive, RK45)
  double seconds = 0;                  // compute time so far
  // Seconds left at the pace so far (-1: not known: adaptive, done, or no step yet).
  double secondsLeft() const;
  std::vector<std::shared_ptr<const RunMove>> moves;  // recordMoves: in run order
  int moveParticles = 0;                              // m of each move
  RunMetrics metrics;                                 // reverse runs, once done
  std::string scoreName;
  // The frame nearest to t (null when there is none yet).
  std::shared_ptr<const RunFrame> frameAt(double t) const;
};

// request / latest / lastError / busy / waitIdle are RequestWorker's; its cache is withCache's.
class RunWorker : public RequestWorker<RunRequest, RunResult> {
 public:
  RunWorker();
};

}  // namespace ss::scene

// SamplerRun: a reverse-time sampler that advances one step at a time (MATH.md §4), so the
// GUI animates it, the CLI loops it and tests check single updates. Works with any ScoreFn
// (learned, exact mixture, exact empirical, guided). Owned by one thread. LibTorch.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <limits>
#include <memory>
#include <vector>

#include "core/sample/sampler_config.h"
#include "core/score/score_fn.h"
#include "core/sde/sde.h"

namespace ss::sample {

// One sub-move of a PC step (step-through): each Langevin corrector step and the predictor
// step, as the state after it. Only PC runs with `onMove` set report them.
enum class MoveKind { Corrector, Predictor };
struct MoveRecord {
  MoveKind kind = MoveKind::Predictor;
  int index = 0;     // corrector: its 0-based step k of correctorSteps; predictor: 0
  int64_t step = 0;  // the PC step (0-based) the move belongs to
  double t = 0;      // the time its score is evaluated at (t_step)
  // Corrector: the Langevin step size ε = 2α (r ‖z‖/‖s‖)² (MATH.md §4); predictor: NaN.
  double stepSize = std::numeric_limits<double>::quiet_NaN();
  torch::Tensor x;      // [B, ...] the whole batch after the move (shared, do not modify)
  torch::Tensor xMean;  // [B, ...] its mean x̄ before the noise: x̄ − x_prev is the drift part
};

struct TrajectoryOptions {
  std::vector<int64_t> particles;  // indices of particles to record (empty: none)
  int every = 1;                   // record every k-th step
  // Step-through: called after every corrector step and every predictor step of a PC run
  // (in run order; a None predictor makes no move). Empty (the default): the step runs as
  // one fused update and nothing extra is computed or copied.
  std::function<void(const MoveRecord&)> onMove;
};

// Controllable generation by projection (MATH.md §6): entries the mask marks as known are
// replaced, after every predictor, corrector and ODE step at time t, by a forward
// perturbation of the observation y, x ← B⁻¹[(1−m)⊙Bx + m⊙(a(t) By + σ(t) z)], where B
// mixes channels by an orthogonal matrix (identity for inpainting; the grey/colour basis for
// colorization). PC draws a fresh z each time (the reference's inpainter); the ODE keeps
// one z per run, so the known part follows a deterministic path. x(T) starts with By in the
// known part; result() pastes y exactly into it, so known entries equal the observation.
// In 2D, mask (1, 0) with y = (c, ·) samples p(x₂ | x₁ = c).
struct Conditioning {
  torch::Tensor observation;  // y: one sample's shape [...] or [B, ...]
  torch::Tensor mask;         // 1 = known, 0 = unknown, in the mixed basis; broadcasts to y
  torch::Tensor basis;        // optional orthogonal [C, C] acting on dim 1 of x (channels)
  bool active() const { return observation.defined(); }
};

// The stretch of time a run covers: by default from T down to its end (ε, or the PC grid's
// end, pcEndTime). A later `from` starts there with x(from) = the given batch: PC then takes
// its grid's steps from the first at or below `from` (the full run's steps from there on,
// the noise stream from its start), the ODE integrates from `from`. `to` (ODE only) may lie
// above `from`: the probability-flow ODE then runs forward, encoding x(from) into x(to).
// Both lie in [ε, T]. A fixed-step ODE solver takes a share of `steps` proportional to
// |to − from| / (T − ε), at least one step.
struct RunSpan {
  double from = std::numeric_limits<double>::quiet_NaN();  // NaN: T
  double to = std::numeric_limits<double>::quiet_NaN();    // NaN: the run's own end
};

struct RunState {
  double t = 0;         // current time (the span's start at the start)
  torch::Tensor x;      // [B, ...] current sample
  torch::Tensor xMean;  // [B, ...] last step's mean x̄ (x before the noise), = x for ODEs
  int64_t step = 0;     // steps taken (since the span's start)
  int64_t nfe = 0;      // score evaluations so far
  bool done = false;
};

class SamplerRun {
 public:
  // Starts from the given x(T) [B, ...]. `generator` drives every noise draw (predictor and
  // corrector), so a rewound run replays the same noise. Throws ss::Failure on an invalid
  // config or span (the message names the field and the valid choices). `xT` is x at the
  // span's start (T unless `span` says otherwise).
  SamplerRun(std::shared_ptr<const score::ScoreFn> score, std::shared_ptr<const sde::Sde> sde,
             SamplerConfig config, torch::Tensor xT, uint64_t noiseSeed,
             TrajectoryOptions trajectories = {}, Conditioning conditioning = {},
             RunSpan span = {});
  // x(T) ~ p_T from `priorSeed`: n samples of the SDE's data shape `shape` (e.g. {2}).
  static torch::Tensor priorDraw(const sde::Sde& sde, int64_t n, at::IntArrayRef shape,
                                 uint64_t priorSeed, torch::Device device = torch::kCPU);

  // One step (a PC step: corrector then predictor; an ODE solver step). No-op when done.
  // A state that turns NaN/Inf throws ss::Failure naming the step and t.
  void step();
  void runToEnd();
  void rewind();  // back to the span's start, x(T), with the same noise sequence

  const RunState& state() const { return m_state; }
  // The sample: x̄ of the last step when config.denoise, else x (with the observation pasted
  // into the known entries when conditioned).
  torch::Tensor result() const;
  // Recorded positions: one [P, ...] tensor per recorded step, with its time.
  const std::vector<torch::Tensor>& trajectory() const { return m_trajectory; }
  const std::vector<double>& trajectoryTimes() const { return m_trajectoryTimes; }
  const SamplerConfig& config() const { return m_config; }

 private:
  struct Impl;
  static void setUpConditioning(Impl& im, const Conditioning& c, const torch::Tensor& xT);
  void setUpTimes(const RunSpan& span);
  void project(double t);
  void correctMoves(double t);  // the Langevin steps one by one, reporting each (onMove)
  std::shared_ptr<Impl> m_impl;
  SamplerConfig m_config;
  RunState m_state;
  std::vector<torch::Tensor> m_trajectory;
  std::vector<double> m_trajectoryTimes;
};

}  // namespace ss::sample

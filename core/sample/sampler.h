// SamplerRun: a reverse-time sampler that advances one step at a time (MATH.md §4), so the
// GUI animates it, the CLI loops it and tests check single updates. Works with any ScoreFn
// (learned, exact mixture, exact empirical, guided). Owned by one thread. LibTorch.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <vector>

#include "core/sample/sampler_config.h"
#include "core/score/score_fn.h"
#include "core/sde/sde.h"

namespace ss::sample {

struct TrajectoryOptions {
  std::vector<int64_t> particles;  // indices of particles to record (empty: none)
  int every = 1;                   // record every k-th step
};

struct RunState {
  double t = 0;            // current time (T at the start)
  torch::Tensor x;         // [B, ...] current sample
  torch::Tensor xMean;     // [B, ...] last step's mean x̄ (x before the noise), = x for ODEs
  int64_t step = 0;        // steps taken
  int64_t nfe = 0;         // score evaluations so far
  bool done = false;
};

class SamplerRun {
 public:
  // Starts from the given x(T) [B, ...]. `generator` drives every noise draw (predictor and
  // corrector), so a rewound run replays the same noise. Throws ss::Failure on an invalid
  // config (the message names the field and the valid choices).
  SamplerRun(std::shared_ptr<const score::ScoreFn> score, std::shared_ptr<const sde::Sde> sde,
             SamplerConfig config, torch::Tensor xT, uint64_t noiseSeed,
             TrajectoryOptions trajectories = {});
  // x(T) ~ p_T from `priorSeed`: n samples of the SDE's data shape `shape` (e.g. {2}).
  static torch::Tensor priorDraw(const sde::Sde& sde, int64_t n, at::IntArrayRef shape,
                                 uint64_t priorSeed, torch::Device device = torch::kCPU);

  // One step (a PC step: corrector then predictor; an ODE solver step). No-op when done.
  // A state that turns NaN/Inf throws ss::Failure naming the step and t.
  void step();
  void runToEnd();
  void rewind();  // back to x(T) with the same noise sequence

  const RunState& state() const { return m_state; }
  // The sample: x̄ of the last step when config.denoise, else x.
  torch::Tensor result() const;
  // Recorded positions: one [P, ...] tensor per recorded step, with its time.
  const std::vector<torch::Tensor>& trajectory() const { return m_trajectory; }
  const std::vector<double>& trajectoryTimes() const { return m_trajectoryTimes; }
  const SamplerConfig& config() const { return m_config; }

 private:
  struct Impl;
  std::shared_ptr<Impl> m_impl;
  SamplerConfig m_config;
  RunState m_state;
  std::vector<torch::Tensor> m_trajectory;
  std::vector<double> m_trajectoryTimes;
};

}  // namespace ss::sample

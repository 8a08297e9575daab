// ForwardRun: the forward process as a run the GUI animates like a sampler (MATH.md §1).
//  - Exact: x(t) = a(t) x0 + σ(t) ε with ε drawn once, so any t is one closed-form draw
//    and scrubbing back and forth is smooth and repeatable (at(t)).
//  - Simulated: Euler–Maruyama paths of dx = f dt + g dw from 0 to T on `steps` equal
//    steps, real Brownian trajectories; rewind replays the same increments.
// step() advances along t_k = k T / steps in both modes, recording the chosen particles.
// Owned by one thread. LibTorch.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <vector>

#include "core/sample/sampler.h"
#include "core/sample/steps.h"
#include "core/sde/sde.h"

namespace ss::sample {

enum class ForwardMode { Exact, Simulated };

class ForwardRun {
 public:
  // x0: [B, ...] data at t = 0. Throws ss::Failure on steps < 1 or an empty batch.
  ForwardRun(std::shared_ptr<const sde::Sde> sde, torch::Tensor x0, ForwardMode mode, int steps,
             uint64_t noiseSeed, TrajectoryOptions trajectories = {});

  // Exact mode: the marginal draw at any t ∈ [0, T] with the run's fixed ε.
  torch::Tensor at(double t) const;

  void step();  // t_k → t_{k+1}; no-op when done (t = T)
  void runToEnd();
  void rewind();  // back to x0 at t = 0, same noise

  const RunState& state() const { return m_state; }
  ForwardMode mode() const { return m_mode; }
  int steps() const { return m_steps; }
  const std::vector<torch::Tensor>& trajectory() const { return m_trajectory; }
  const std::vector<double>& trajectoryTimes() const { return m_trajectoryTimes; }

 private:
  void record();

  std::shared_ptr<const sde::Sde> m_sde;
  torch::Tensor m_x0, m_eps, m_particles;
  ForwardMode m_mode;
  int m_steps;
  int m_every;
  uint64_t m_seed;
  detail::Noise m_noise;
  RunState m_state;
  std::vector<torch::Tensor> m_trajectory;
  std::vector<double> m_trajectoryTimes;
};

}  // namespace ss::sample

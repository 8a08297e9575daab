#include "core/sample/forward.h"

#include <sstream>

#include "core/common/error.h"

namespace ss::sample {

ForwardRun::ForwardRun(std::shared_ptr<const sde::Sde> sde, torch::Tensor x0, ForwardMode mode,
                       int steps, uint64_t noiseSeed, TrajectoryOptions trajectories)
    : m_sde(std::move(sde)),
      m_mode(mode),
      m_steps(steps),
      m_every(trajectories.every),
      m_seed(noiseSeed),
      m_noise(noiseSeed) {
  if (!m_sde) throw Failure("ForwardRun needs an SDE");
  if (steps < 1) throw Failure("forward steps (" + std::to_string(steps) + ") must be at least 1");
  if (!x0.defined() || x0.dim() < 1 || x0.size(0) == 0)
    throw Failure("ForwardRun needs a non-empty batch x(0) [B, ...]");
  if (!x0.is_floating_point()) throw Failure("x(0) must be a floating-point tensor");
  if (m_every < 1) throw Failure("trajectory every must be at least 1");
  for (int64_t p : trajectories.particles)
    if (p < 0 || p >= x0.size(0)) {
      std::ostringstream s;
      s << "trajectory particle " << p << " is outside the batch [0, " << x0.size(0) << ")";
      throw Failure(s.str());
    }
  m_x0 = x0.detach().clone();
  if (!trajectories.particles.empty())
    m_particles = torch::tensor(trajectories.particles, torch::kLong).to(x0.device());
  rewind();
}

torch::Tensor ForwardRun::at(double t) const {
  if (!(t >= 0 && t <= m_sde->T())) {
    std::ostringstream s;
    s << "forward time " << t << " is outside [0, " << m_sde->T() << "]";
    throw Failure(s.str());
  }
  torch::NoGradGuard noGrad;
  auto tt = torch::full({m_x0.size(0)}, t, m_x0.options().dtype(torch::kFloat64));
  auto [mean, std] = m_sde->marginalProb(m_x0.to(torch::kFloat64), tt);
  std::vector<int64_t> shape(static_cast<size_t>(m_x0.dim()), 1);
  shape[0] = -1;
  return (mean + std.reshape(shape) * m_eps.to(torch::kFloat64)).to(m_x0.scalar_type());
}

void ForwardRun::rewind() {
  m_noise.reseed(m_seed);
  m_eps = m_noise.like(m_x0);  // the exact mode's fixed ε (the first draw of the seed)
  m_state = RunState{};
  m_state.t = 0;
  m_state.x = m_x0.clone();
  m_state.xMean = m_state.x;
  m_trajectory.clear();
  m_trajectoryTimes.clear();
  record();
}

void ForwardRun::record() {
  if (!m_particles.defined()) return;
  m_trajectory.push_back(m_state.x.index_select(0, m_particles).to(torch::kCPU).clone());
  m_trajectoryTimes.push_back(m_state.t);
}

void ForwardRun::step() {
  if (m_state.done) return;
  torch::NoGradGuard noGrad;
  const double T = m_sde->T();
  const double dt = T / m_steps;
  const int64_t k = m_state.step;
  const double t1 = k + 1 == m_steps ? T : (k + 1) * dt;
  if (m_mode == ForwardMode::Exact) {
    m_state.x = at(t1);
    m_state.xMean = m_state.x;
  } else {
    auto& x = m_state.x;
    auto tt = torch::full({x.size(0)}, m_state.t, x.options().dtype(torch::kFloat64));
    auto c = m_sde->sde(x.to(torch::kFloat64), tt);
    std::vector<int64_t> shape(static_cast<size_t>(x.dim()), 1);
    shape[0] = -1;
    auto mean = x.to(torch::kFloat64) + c.drift * dt;
    auto z = m_noise.like(x).to(torch::kFloat64);
    m_state.xMean = mean.to(x.scalar_type());
    m_state.x = (mean + c.diffusion.reshape(shape) * std::sqrt(dt) * z).to(x.scalar_type());
  }
  m_state.t = t1;
  m_state.step = k + 1;
  m_state.done = m_state.step >= m_steps;
  if (m_state.step % m_every == 0 || m_state.done) record();
}

void ForwardRun::runToEnd() {
  while (!m_state.done) step();
}

}  // namespace ss::sample

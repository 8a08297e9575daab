#include "core/train/train_step.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <limits>

#include "core/common/error.h"

namespace ss::train {

namespace {

at::Generator generatorFor(const torch::Device& device, uint64_t seed) {
  if (device.is_cpu()) return at::detail::createCPUGenerator(seed);
  // Other devices: their default generator, seeded (one trainer per device at a time).
  auto gen = at::globalContext().defaultGenerator(device);
  gen.set_current_seed(seed);
  return gen;
}

}  // namespace

TrainStep::TrainStep(Setup setup) : m_setup(std::move(setup)) {
  if (std::string e = m_setup.config.validate(); !e.empty()) throw Failure(e);
  if (std::string e = m_setup.net.validate(); !e.empty()) throw Failure(e);
  if (!m_setup.sde) throw Failure("training needs an SDE");
  if (!m_setup.data.defined() || m_setup.data.size(0) < 1) throw Failure("training needs data");
  m_setup.data = m_setup.data.to(m_setup.device, torch::kFloat32).contiguous();
  m_net = nn::makeNet(m_setup.net, m_setup.config.seed);
  m_net->to(m_setup.device);
  m_net->train();
  m_ema = nn::cloneNet(*m_net, m_setup.net);
  m_ema->eval();
  for (auto& p : m_ema->parameters()) p.set_requires_grad(false);
  m_params = m_net->parameters();
  m_emaParams = m_ema->parameters();
  m_adam = std::make_unique<torch::optim::Adam>(
      m_params, torch::optim::AdamOptions(m_setup.config.lr));
  m_gen = generatorFor(m_setup.device, m_setup.config.seed + 0x5EED);
}

double TrainStep::currentLr() const {
  const auto& c = m_setup.config;
  if (c.warmup <= 0) return c.lr;
  return c.lr * std::min(1.0, static_cast<double>(m_steps + 1) / c.warmup);
}

TrainStep::Result TrainStep::step() {
  const auto& c = m_setup.config;
  const auto& data = m_setup.data;
  auto idx = torch::randint(data.size(0), {c.batch}, m_gen,
                            torch::TensorOptions().dtype(torch::kLong).device(data.device()));
  auto x0 = data.index_select(0, idx);
  auto& net = *m_net;
  const auto& sde = *m_setup.sde;
  auto result = scoreMatchingLoss(
      [&](const torch::Tensor& x, const torch::Tensor& t) { return nn::scoreOf(net, sde, x, t); },
      sde, x0, c.loss, m_gen);
  Result r;
  r.loss = result.loss.item<double>();
  if (!std::isfinite(r.loss)) {
    r.gradNorm = std::numeric_limits<double>::quiet_NaN();
    return r;
  }
  m_adam->zero_grad();
  result.loss.backward();
  const double maxNorm = c.gradClip > 0 ? c.gradClip : std::numeric_limits<double>::infinity();
  r.gradNorm = torch::nn::utils::clip_grad_norm_(m_params, maxNorm);
  for (auto& group : m_adam->param_groups())
    static_cast<torch::optim::AdamOptions&>(group.options()).lr(currentLr());
  m_adam->step();
  ++m_steps;
  // EMA with the reference's warm-up: decay min(d, (1 + n) / (10 + n)).
  const double decay = std::min(c.emaDecay, (1.0 + m_steps) / (10.0 + m_steps));
  {
    torch::NoGradGuard guard;
    for (size_t i = 0; i < m_params.size(); ++i)
      m_emaParams[i].mul_(decay).add_(m_params[i].detach(), 1.0 - decay);
  }
  return r;
}

void TrainStep::setConfig(const TrainConfig& config) {
  if (std::string e = config.validate(); !e.empty()) throw Failure(e);
  m_setup.config = config;
}

void TrainStep::restoreWeights(const nn::ScoreNet& net, const nn::ScoreNet& ema, int64_t steps) {
  nn::copyWeights(net, *m_net);
  nn::copyWeights(ema, *m_ema);
  m_adam = std::make_unique<torch::optim::Adam>(m_params, torch::optim::AdamOptions(m_setup.config.lr));
  m_steps = steps;
}

void TrainStep::save(torch::serialize::OutputArchive& archive) const {
  torch::serialize::OutputArchive net, ema, adam, rng;
  m_net->save(net);
  m_ema->save(ema);
  m_adam->save(adam);
  archive.write("net", net);
  archive.write("ema", ema);
  archive.write("optimizer", adam);
  if (m_gen.device().is_cpu()) archive.write("rng", m_gen.get_state());
}

void TrainStep::load(torch::serialize::InputArchive& archive, int64_t steps) {
  torch::serialize::InputArchive net, ema, adam;
  archive.read("net", net);
  archive.read("ema", ema);
  archive.read("optimizer", adam);
  m_net->load(net);
  m_ema->load(ema);
  m_net->to(m_setup.device);
  m_ema->to(m_setup.device);
  m_params = m_net->parameters();
  m_emaParams = m_ema->parameters();
  for (auto& p : m_emaParams) p.set_requires_grad(false);
  m_adam = std::make_unique<torch::optim::Adam>(m_params, torch::optim::AdamOptions(m_setup.config.lr));
  m_adam->load(adam);
  torch::Tensor state;
  if (m_gen.device().is_cpu() && archive.try_read("rng", state)) m_gen.set_state(state);
  m_steps = steps;
}

}  // namespace ss::train

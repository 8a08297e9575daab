// TrainStep's checkpoint state: the model, its EMA, Adam (its moments taken from or put back
// into the fast path's flat buffers) and the RNG.
#include "core/train/train_step.h"
#include "core/train/train_step_fast.h"

namespace ss::train {

void TrainStep::save(torch::serialize::OutputArchive& archive) const {
  torch::serialize::OutputArchive net, ema, adam, rng;
  m_net->save(net);
  m_ema->save(ema);
  if (m_fast && m_fast->adamInFlat) exportAdamState();
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
  m_adam =
      std::make_unique<torch::optim::Adam>(m_params, torch::optim::AdamOptions(m_setup.config.lr));
  m_adam->load(adam);
  if (m_fast) {
    // Loading replaced the parameters' storage: flatten again, then take Adam's moments.
    buildFast();
    if (m_fast) importAdamState();
  }
  torch::Tensor state;
  if (m_gen.device().is_cpu() && archive.try_read("rng", state)) m_gen.set_state(state);
  m_steps = steps;
}

}  // namespace ss::train

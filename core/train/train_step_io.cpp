// TrainStep's checkpoint state: the model, its EMA, Adam (its moments taken from or put back
// into the fast path's flat buffers) and the RNG. Loading checks every record against the
// networks the description built (core/train/checkpoint_records.h) before it is used.
#include "core/train/checkpoint_records.h"
#include "core/train/train_step.h"
#include "core/train/train_step_fast.h"

namespace ss::train {

namespace {

// Adam's loaded moments: each like its parameter and inside its storage.
Status checkAdamState(torch::optim::Adam& adam, const std::vector<torch::Tensor>& params) {
  auto& state = adam.state();
  for (size_t i = 0; i < params.size(); ++i) {
    const auto& p = params[i];
    auto it = state.find(c10::guts::to_string(p.unsafeGetTensorImpl()));
    if (it == state.end()) continue;
    auto& st = static_cast<torch::optim::AdamParamState&>(*it->second);
    const std::string name = "optimizer.state." + std::to_string(i);
    if (auto ok = checkRecordLike(st.exp_avg(), p, name + ".exp_avg"); !ok) return ok;
    if (auto ok = checkRecordLike(st.exp_avg_sq(), p, name + ".exp_avg_sq"); !ok) return ok;
    if (st.max_exp_avg_sq().defined())
      if (auto ok = checkRecordLike(st.max_exp_avg_sq(), p, name + ".max_exp_avg_sq"); !ok)
        return ok;
  }
  if (state.size() > params.size()) return Error{"record 'optimizer' has extra state"};
  return Ok{};
}

}  // namespace

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

Status TrainStep::load(torch::serialize::InputArchive& archive, int64_t steps) {
  torch::serialize::InputArchive net, ema, adam;
  using Sub = std::pair<const char*, torch::serialize::InputArchive*>;
  for (const auto& [key, sub] : {Sub{"net", &net}, Sub{"ema", &ema}, Sub{"optimizer", &adam}})
    if (!archive.try_read(key, *sub)) return Error{std::string("record '") + key + "' is missing"};
  if (auto ok = loadModuleChecked(*m_net, net, "net"); !ok) return ok;
  if (auto ok = loadModuleChecked(*m_ema, ema, "ema"); !ok) return ok;
  m_adam =
      std::make_unique<torch::optim::Adam>(m_params, torch::optim::AdamOptions(m_setup.config.lr));
  m_adam->load(adam);
  if (auto ok = checkAdamState(*m_adam, m_params); !ok) return ok;
  if (m_fast) {
    // Take Adam's moments into the flat buffers (the parameters kept their storage).
    importAdamState();
  }
  torch::Tensor state;
  if (m_gen.device().is_cpu() && archive.try_read("rng", state)) {
    if (auto ok = checkRecordBounds(state, "rng"); !ok) return ok;
    if (state.scalar_type() != torch::kByte) return Error{"record 'rng' is not a byte tensor"};
    m_gen.set_state(state);
  }
  m_steps = steps;
  return Ok{};
}

}  // namespace ss::train

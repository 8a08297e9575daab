#include "core/train/train_step.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <ATen/record_function.h>
#include <c10/core/InferenceMode.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <optional>

#include "core/common/error.h"
#include "core/common/parallel_parts.h"
#include "core/common/runtime.h"
#include "core/train/fast_step_kernels.h"
#include "core/train/train_step_fast.h"

namespace ss::train {

using namespace detail;

namespace {

at::Generator generatorFor(const torch::Device& device, uint64_t seed) {
  if (device.is_cpu()) return at::detail::createCPUGenerator(seed);
  // Other devices: their default generator, seeded (one trainer per device at a time).
  auto gen = at::globalContext().defaultGenerator(device);
  gen.set_current_seed(seed);
  return gen;
}

}  // namespace

TrainStep::~TrainStep() = default;

TrainStep::TrainStep(Setup setup) : m_setup(std::move(setup)) {
  m_setup.config.validate().take();
  m_setup.net.validate().take();
  if (!m_setup.sde) throw Failure("training needs an SDE");
  if (!m_setup.data.defined() || m_setup.data.size(0) < 1) throw Failure("training needs data");
  m_setup.data = m_setup.data.to(m_setup.device, torch::kFloat32).contiguous();
  checkLabels();
  m_net = nn::makeNet(m_setup.net, m_setup.config.seed);
  m_net->to(m_setup.device);
  m_net->train();
  m_ema = nn::cloneNet(*m_net, m_setup.net);
  m_ema->eval();
  for (auto& p : m_ema->parameters()) p.set_requires_grad(false);
  m_params = m_net->parameters();
  m_emaParams = m_ema->parameters();
  m_adam =
      std::make_unique<torch::optim::Adam>(m_params, torch::optim::AdamOptions(m_setup.config.lr));
  m_gen = generatorFor(m_setup.device, m_setup.config.seed + 0x5EED);
  if (m_setup.fastPath && m_setup.net.kind == nn::NetKind::Mlp && m_setup.net.mlp.xFeatures == 0 &&
      m_setup.net.mlp.classes == 0 && m_setup.device.is_cpu())
    buildFast();
}

void TrainStep::checkLabels() {
  const int64_t k = m_setup.net.kind == nn::NetKind::Mlp ? m_setup.net.mlp.classes : 0;
  if (k == 0) return;
  const auto& y = m_setup.labels;
  const int64_t m = m_setup.data.size(0);
  if (!y.defined() || y.numel() == 0)
    throw Failure(
        "a class-conditional network needs labelled data (mixture components, a "
        "labelled CSV x,y,label, painted classes); this data has no labels");
  if (y.dim() != 1 || y.size(0) != m)
    throw Failure("training labels: " + std::to_string(y.numel()) + " labels for " +
                  std::to_string(m) + " examples");
  const int64_t lo = y.min().item<int64_t>(), hi = y.max().item<int64_t>();
  if (lo < 0 || hi >= k)
    throw Failure("training labels lie in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                  "], outside the network's " + std::to_string(k) + " classes");
  m_setup.labels = y.to(m_setup.device, torch::kLong).contiguous();
}

torch::Tensor TrainStep::drawLabels(const torch::Tensor& idx) {
  const int64_t k = m_setup.net.kind == nn::NetKind::Mlp ? m_setup.net.mlp.classes : 0;
  if (k == 0) return {};
  return dropLabels(m_setup.labels.index_select(0, idx), k, m_setup.config.cfgDropout, m_gen);
}

torch::Tensor dropLabels(const torch::Tensor& labels, int64_t nullClass, double p,
                         at::Generator& gen) {
  auto drop =
      torch::rand({labels.size(0)}, gen, torch::TensorOptions().device(labels.device())) < p;
  return torch::where(drop, torch::full_like(labels, nullClass), labels);
}

void TrainStep::buildFast() {
  torch::NoGradGuard noGrad;
  const auto& mc = m_setup.net.mlp;
  auto f = std::make_unique<Fast>();
  f->dim = mc.dim;
  f->width = mc.width;
  f->depth = mc.depth;
  f->freqs = mc.timeFeatures / 2;
  f->in = mc.dim + 2 * f->freqs;
  if (m_params.size() != static_cast<size_t>(2 * (f->depth + 1)) ||
      m_emaParams.size() != m_params.size()) {
    m_fast.reset();
    return;
  }
  for (const auto& p : m_params) {
    if (p.scalar_type() != torch::kFloat32) {
      m_fast.reset();
      return;
    }
    f->offsets.push_back(f->total);
    f->total += p.numel();
  }
  const auto opts = torch::TensorOptions().dtype(torch::kFloat32);
  f->flat = torch::empty({f->total}, opts);
  f->emaFlat = torch::empty({f->total}, opts);
  f->grad = torch::zeros({f->total}, opts);
  f->expAvg = torch::zeros({f->total}, opts);
  f->expAvgSq = torch::zeros({f->total}, opts);
  for (size_t i = 0; i < m_params.size(); ++i) {
    auto& p = m_params[i];
    auto& e = m_emaParams[i];
    const int64_t off = f->offsets[i], n = p.numel();
    auto view = f->flat.narrow(0, off, n).view(p.sizes());
    auto emaView = f->emaFlat.narrow(0, off, n).view(p.sizes());
    view.copy_(p.detach());
    emaView.copy_(e.detach());
    // The modules' parameters become views into the flat buffers (same TensorImpl, so
    // autograd, the optimizer's keys and the module all keep working).
    p.set_data(view);
    e.set_data(emaView);
    auto gview = f->grad.narrow(0, off, n).view(p.sizes());
    if (i % 2 == 0) {
      f->W.push_back(view);
      f->gW.push_back(gview);
    } else {
      f->b.push_back(view);
      f->gb.push_back(gview);
    }
  }
  for (const auto& buf : m_net->named_buffers())
    if (buf.key() == "time_W") f->timeW = buf.value();
  if (!f->timeW.defined() || f->timeW.numel() != f->freqs) {
    m_fast.reset();
    return;
  }
  m_fast = std::move(f);
}

void TrainStep::exportAdamState() const {
  auto& state = m_adam->state();
  state.clear();
  if (m_fast->adamStep == 0) return;
  for (size_t i = 0; i < m_params.size(); ++i) {
    const auto& p = m_params[i];
    const int64_t off = m_fast->offsets[i], n = p.numel();
    auto st = std::make_unique<torch::optim::AdamParamState>();
    st->step(m_fast->adamStep);
    st->exp_avg(m_fast->expAvg.narrow(0, off, n).view(p.sizes()).clone());
    st->exp_avg_sq(m_fast->expAvgSq.narrow(0, off, n).view(p.sizes()).clone());
    state[c10::guts::to_string(p.unsafeGetTensorImpl())] = std::move(st);
  }
}

void TrainStep::importAdamState() {
  torch::NoGradGuard noGrad;
  auto& state = m_adam->state();
  m_fast->expAvg.zero_();
  m_fast->expAvgSq.zero_();
  m_fast->adamStep = 0;
  for (size_t i = 0; i < m_params.size(); ++i) {
    const auto& p = m_params[i];
    auto it = state.find(c10::guts::to_string(p.unsafeGetTensorImpl()));
    if (it == state.end()) continue;
    auto& st = static_cast<torch::optim::AdamParamState&>(*it->second);
    const int64_t off = m_fast->offsets[i], n = p.numel();
    m_fast->expAvg.narrow(0, off, n).copy_(st.exp_avg().reshape({n}));
    m_fast->expAvgSq.narrow(0, off, n).copy_(st.exp_avg_sq().reshape({n}));
    m_fast->adamStep = std::max(m_fast->adamStep, st.step());
  }
  state.clear();
  m_fast->adamInFlat = true;
}

double TrainStep::currentLr() const {
  const auto& c = m_setup.config;
  if (c.warmup <= 0) return c.lr;
  return c.lr * std::min(1.0, static_cast<double>(m_steps + 1) / c.warmup);
}

TrainStep::Result TrainStep::step() {
  const bool fast = m_fast && m_setup.config.loss.objective == Objective::Dsm;
  if (fast) {
    if (!m_fast->adamInFlat) importAdamState();
    return fastStep();
  }
  if (m_fast && m_fast->adamInFlat) {
    exportAdamState();
    m_fast->adamInFlat = false;
  }
  return genericStep();
}

TrainStep::Result TrainStep::genericStep() {
  const auto& c = m_setup.config;
  const auto& data = m_setup.data;
  auto idx = torch::randint(data.size(0), {c.batch}, m_gen,
                            torch::TensorOptions().dtype(torch::kLong).device(data.device()));
  auto x0 = data.index_select(0, idx);
  const auto labels = drawLabels(idx);
  auto& net = *m_net;
  const auto& sde = *m_setup.sde;
  auto result =
      scoreMatchingLoss([&](const torch::Tensor& x,
                            const torch::Tensor& t) { return nn::scoreOf(net, sde, x, t, labels); },
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

TrainStep::Result TrainStep::fastStep() {
  // The MLP's DSM step by hand: forward and backward with addmm / mm / addmv and fused SiLU
  // kernels into preallocated buffers, chunk by chunk (and split over workers), the loss and
  // its gradient in one loop, then one fused pass for clipping, Adam and the EMA over the
  // flat buffers. The generator is drawn in the generic step's order.
  c10::InferenceMode inference;
  Fast& f = *m_fast;
  const int64_t B = m_setup.config.batch;
  // Workers: one per LibTorch thread, each with at least 128 rows.
  const int64_t parts = std::max<int64_t>(1, std::min<int64_t>(at::get_num_threads(), B / 128));
  const int64_t chunk = std::min<int64_t>((B + parts - 1) / parts, chunkRows());
  f.reserve(B, parts, chunk, m_params);
  FastPhase phase;
  phase.enter("ss::draw");
  const FastDraws draws =
      drawFastBatch(f, m_setup.data, *m_setup.sde, m_setup.config.loss, B, m_gen);
  if (parts == 1) {
    fastForwardBackward(f, f.work[0], draws, 0, B, chunk, B, &phase);
  } else {
    // Data parallel: one worker per LibTorch thread, each a share of the rows with
    // single-threaded BLAS (OpenBLAS's own pool would fight LibTorch's for the cores), then
    // the gradients are summed in worker order (deterministic for a given thread count).
    phase.enter("ss::forward_backward_parallel");
    OpenBlasSingleThreaded blasGuard;
    runInParts(B, parts, [&](int64_t k, int64_t begin, int64_t end) {
      std::optional<c10::InferenceMode> pooled;  // the pool's threads; 0 keeps the caller's mode
      if (k > 0) pooled.emplace();
      fastForwardBackward(f, f.work[static_cast<size_t>(k)], draws, begin, end, chunk, B, nullptr);
    });
    phase.enter("ss::reduce");
    for (int64_t k = 1; k < parts; ++k) f.grad.add_(f.work[static_cast<size_t>(k)].grad);
  }
  double lossSum = 0;
  for (const auto& w : f.work) lossSum += w.loss;
  phase.enter("ss::adam_ema");
  Result r;
  r.loss = lossSum / static_cast<double>(B);
  if (!std::isfinite(r.loss)) {
    r.gradNorm = std::numeric_limits<double>::quiet_NaN();
    return r;
  }
  r.gradNorm = fastUpdate();
  return r;
}

// Clipping, Adam and the EMA in one fused pass over the flat buffers; returns the gradient's
// global norm (in float, as clip_grad_norm_ returns it: inf past float's range).
double TrainStep::fastUpdate() {
  Fast& f = *m_fast;
  const auto& c = m_setup.config;
  const float* gp = f.grad.data_ptr<float>();
  const double norm = static_cast<float>(
      std::sqrt(haveAvx2() ? sumSquaresAvx2(gp, f.total) : sumSquaresScalar(gp, f.total)));
  // clip_grad_norm_'s coefficient, NaN kept (an infinite norm poisons the weights there too,
  // which the trainer's divergence check relies on); Adam's defaults as torch::optim::Adam's.
  const double maxNorm = c.gradClip > 0 ? c.gradClip : std::numeric_limits<double>::infinity();
  double clip = maxNorm / (norm + 1e-6);
  if (clip > 1.0) clip = 1.0;
  const auto& ao =
      static_cast<const torch::optim::AdamOptions&>(m_adam->param_groups()[0].options());
  const double beta1 = std::get<0>(ao.betas()), beta2 = std::get<1>(ao.betas());
  ++f.adamStep;
  const double bc1 = 1 - std::pow(beta1, static_cast<double>(f.adamStep));
  const double bc2 = 1 - std::pow(beta2, static_cast<double>(f.adamStep));
  const double lr = currentLr();
  ++m_steps;
  const double decay = std::min(c.emaDecay, (1.0 + m_steps) / (10.0 + m_steps));
  const AdamEma s{static_cast<float>(beta1),    static_cast<float>(1 - beta1),
                  static_cast<float>(beta2),    static_cast<float>(1 - beta2),
                  static_cast<float>(clip),     static_cast<float>(1.0 / std::sqrt(bc2)),
                  static_cast<float>(ao.eps()), static_cast<float>(lr / bc1),
                  static_cast<float>(decay),    static_cast<float>(1.0 - decay)};
  float* pp = f.flat.data_ptr<float>();
  float* mp = f.expAvg.data_ptr<float>();
  float* vp = f.expAvgSq.data_ptr<float>();
  float* ep = f.emaFlat.data_ptr<float>();
  if (haveAvx2())
    adamEmaAvx2(pp, gp, mp, vp, ep, f.total, s);
  else
    adamEmaScalar(pp, gp, mp, vp, ep, 0, f.total, s);
  return norm;
}

void TrainStep::setConfig(const TrainConfig& config) {
  config.validate().take();
  m_setup.config = config;
}

void TrainStep::restoreWeights(const nn::ScoreNet& net, const nn::ScoreNet& ema, int64_t steps) {
  nn::copyWeights(net, *m_net);
  nn::copyWeights(ema, *m_ema);
  m_adam =
      std::make_unique<torch::optim::Adam>(m_params, torch::optim::AdamOptions(m_setup.config.lr));
  if (m_fast) importAdamState();  // an empty state: zero moments
  m_steps = steps;
}

}  // namespace ss::train

#include "core/model/script_score.h"

#include <sstream>

#include "core/common/error.h"

namespace ss::model {

namespace {
// v [B] viewed as [B, 1, …] against x (Sde::perSample is the SDEs' own).
torch::Tensor perSample(const torch::Tensor& v, const torch::Tensor& x) {
  std::vector<int64_t> shape(static_cast<size_t>(x.dim()), 1);
  shape[0] = v.size(0);
  return v.view(shape);
}
}  // namespace

torch::Tensor timeInputFor(TimeInput kind, const sde::Sde& sde, const torch::Tensor& t) {
  switch (kind) {
    case TimeInput::T:
      return t;
    case TimeInput::T999:
      return t * 999.0;
    case TimeInput::Sigma:
      return sde.marginal(t).sigma;
    case TimeInput::LogSigma:
      return sde.marginal(t).sigma.log();
  }
  return t;
}

torch::Tensor scoreFromOutput(Output kind, const sde::Sde& sde, const torch::Tensor& out,
                              const torch::Tensor& x, const torch::Tensor& t) {
  if (kind == Output::Score) return out;
  const auto m = sde.marginal(t);
  const auto a = perSample(m.a.to(x.dtype()), x);
  const auto sigma = perSample(m.sigma.to(x.dtype()), x);
  switch (kind) {
    case Output::Eps:  // x = a x0 + σ ε, s = −ε/σ
      return -out / sigma;
    case Output::X0:  // s = (a x0 − x)/σ²
      return (a * out - x) / (sigma * sigma);
    case Output::V:  // v = a ε − σ x0 ⇒ ε = (σ x + a v)/(a² + σ²)
      return -(sigma * x + a * out) / (sigma * (a * a + sigma * sigma));
    case Output::Score:
      break;
  }
  return out;
}

ScriptScoreFn::ScriptScoreFn(std::shared_ptr<torch::jit::Module> module, ModelMeta meta,
                             std::shared_ptr<const sde::Sde> sde, std::string source,
                             std::optional<int64_t> label)
    : m_module(std::move(module)),
      m_meta(std::move(meta)),
      m_sde(std::move(sde)),
      m_source(std::move(source)),
      m_label(label) {}

torch::Tensor ScriptScoreFn::raw(const torch::Tensor& x, const torch::Tensor& t) const {
  const auto tt = (t.dim() == 0 ? t.expand({x.size(0)}) : t).to(torch::kFloat32);
  std::vector<torch::jit::IValue> args{x.to(torch::kFloat32),
                                       timeInputFor(m_meta.timeInput, *m_sde, tt).contiguous()};
  if (m_meta.classes > 0) {
    if (!m_label)
      throw Failure(m_source + " is class-conditional (" + std::to_string(m_meta.classes) +
                    " classes): choose a class");
    args.emplace_back(torch::full({x.size(0)}, *m_label,
                                  torch::TensorOptions().dtype(torch::kInt64).device(x.device())));
  }
  torch::jit::IValue result;
  try {
    result = m_module->forward(args);
  } catch (const std::exception& e) {
    std::string what = e.what();
    throw Failure(m_source + ": its forward(" +
                  std::string(m_meta.classes > 0 ? "x, t, y" : "x, t") +
                  ") failed: " + what.substr(0, what.find('\n')));
  }
  if (!result.isTensor()) throw Failure(m_source + ": forward must return a tensor");
  auto out = result.toTensor();
  if (out.sizes() != x.sizes()) {
    std::ostringstream s;
    s << m_source << ": forward returned shape " << out.sizes() << " for an input of shape "
      << x.sizes() << " (it must return x's shape)";
    throw Failure(s.str());
  }
  return out.to(x.dtype());
}

torch::Tensor ScriptScoreFn::evaluate(const torch::Tensor& x, const torch::Tensor& t) const {
  const auto tt = (t.dim() == 0 ? t.expand({x.size(0)}) : t).to(x.dtype());
  auto s = scoreFromOutput(m_meta.output, *m_sde, raw(x, tt), x, tt);
  if (!torch::isfinite(s).all().item<bool>())
    throw Failure(m_source + ": the model's output is not finite (NaN or Inf) at t in [" +
                  std::to_string(tt.min().item<double>()) + ", " +
                  std::to_string(tt.max().item<double>()) + "]");
  return s;
}

torch::Tensor ScriptScoreFn::operator()(const torch::Tensor& x, const torch::Tensor& t) const {
  torch::NoGradGuard noGrad;
  // Points on the CPU go through in blocks of 4096 rows, whose activations stay closer to
  // the cache than a 20k-particle batch's: the network is per row, so only the time changes
  // (7 % at 10k particles, bench/import_speed).
  constexpr int64_t kRows = 4096;
  if (x.dim() != 2 || !x.device().is_cpu() || x.size(0) <= kRows) return evaluate(x, t);
  const auto tt = t.dim() == 0 ? t.expand({x.size(0)}) : t;
  auto out = torch::empty_like(x);
  for (int64_t i = 0; i < x.size(0); i += kRows) {
    const int64_t n = std::min(kRows, x.size(0) - i);
    out.narrow(0, i, n).copy_(evaluate(x.narrow(0, i, n), tt.narrow(0, i, n)));
  }
  return out;
}

torch::Tensor ScriptScoreFn::differentiable(const torch::Tensor& x, const torch::Tensor& t) const {
  torch::AutoGradMode on(true);
  return evaluate(x, t);
}

std::shared_ptr<const ScriptScoreFn> ScriptScoreFn::withLabel(std::optional<int64_t> label) const {
  return std::make_shared<ScriptScoreFn>(m_module, m_meta, m_sde, m_source, label);
}

}  // namespace ss::model

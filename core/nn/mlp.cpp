#include "core/nn/mlp.h"

#include <cmath>
#include <numbers>

#include "core/common/error.h"

namespace ss::nn {

namespace {
constexpr double kTwoPi = 2.0 * std::numbers::pi;
}  // namespace

torch::Tensor MlpNet::oneHot(const torch::Tensor& labels, const torch::Tensor& x) const {
  const int64_t k = m_cfg.classes;
  auto y = labels.defined() ? labels.to(x.device(), torch::kLong).reshape({-1})
                            : torch::full({x.size(0)}, k, x.options().dtype(torch::kLong));
  if (y.numel() == 1 && x.size(0) != 1) y = y.expand({x.size(0)});
  if (y.size(0) != x.size(0))
    throw Failure("class labels: " + std::to_string(y.size(0)) + " for " +
                  std::to_string(x.size(0)) + " rows");
  if (y.numel() > 0 && (y.min().item<int64_t>() < 0 || y.max().item<int64_t>() > k))
    throw Failure("class labels must lie in [0, " + std::to_string(k) + "] (" + std::to_string(k) +
                  " = the null class)");
  return torch::one_hot(y, k + 1).to(m_timeW.dtype());
}

torch::Tensor fourierFeatures(const torch::Tensor& v, const torch::Tensor& W) {
  const auto in = v.to(W.dtype());
  // One outer product / matmul, scaled in place (the product's backward needs only its inputs).
  auto proj = (in.dim() == 1 ? torch::outer(in, W) : torch::matmul(in, W)).mul_(kTwoPi);
  return torch::cat({proj.sin(), proj.cos()}, 1);
}

void seededInit(torch::nn::Module& module, at::Generator& gen) {
  torch::NoGradGuard noGrad;
  for (const auto& m : module.modules(/*include_self=*/false)) {
    torch::Tensor w, b;
    if (auto* lin = m->as<torch::nn::LinearImpl>()) {
      w = lin->weight;
      b = lin->bias;
    } else if (auto* conv = m->as<torch::nn::Conv2dImpl>()) {
      w = conv->weight;
      b = conv->bias;
    } else {
      continue;
    }
    // kaiming_uniform(a = √5) as LibTorch's reset() uses: bound 1/√fan_in for weight and bias.
    const double bound = 1.0 / std::sqrt(static_cast<double>(w.numel() / w.size(0)));
    w.uniform_(-bound, bound, gen);
    if (b.defined()) b.uniform_(-bound, bound, gen);
  }
}

MlpNet::MlpNet(const MlpConfig& config, at::Generator& gen) : m_cfg(config) {
  const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
  m_timeW = register_buffer(
      "time_W", torch::randn({config.timeFeatures / 2}, gen, f32).mul_(config.timeScale));
  int64_t in = config.timeFeatures;
  if (config.xFeatures > 0) {
    m_xW = register_buffer(
        "x_W", torch::randn({config.dim, config.xFeatures / 2}, gen, f32).mul_(config.xScale));
    in += config.xFeatures;
  } else {
    in += config.dim;
  }
  if (config.classes > 0) in += config.classes + 1;
  for (int i = 0; i < config.depth; ++i) {
    m_hidden.push_back(register_module(
        "hidden" + std::to_string(i), torch::nn::Linear(i == 0 ? in : config.width, config.width)));
  }
  m_out = register_module("out", torch::nn::Linear(config.width, config.dim));
  seededInit(*this, gen);
}

torch::Tensor MlpNet::forward(const torch::Tensor& x, const torch::Tensor& t) {
  return forwardClass(x, t, torch::Tensor());
}

torch::Tensor MlpNet::forwardClass(const torch::Tensor& x, const torch::Tensor& t,
                                   const torch::Tensor& labels) {
  // The training hot path: one outer product for t, one matmul for x's features, one cat.
  const auto tt = (t.dim() == 0 ? t.expand({x.size(0)}) : t).to(m_timeW.dtype());
  auto pt = torch::outer(tt, m_timeW).mul_(kTwoPi);
  std::vector<torch::Tensor> parts;
  if (m_xW.defined()) {
    auto px = torch::matmul(x, m_xW).mul_(kTwoPi);
    parts = {px.sin(), px.cos(), pt.sin(), pt.cos()};
  } else {
    parts = {x, pt.sin(), pt.cos()};
  }
  if (m_cfg.classes > 0)
    parts.push_back(oneHot(labels, x));
  else if (labels.defined())
    throw Failure("an unconditional network was given class labels");
  auto h = torch::cat(parts, 1);
  for (auto& layer : m_hidden) h = torch::silu(layer->forward(h));
  return m_out->forward(h);
}

}  // namespace ss::nn

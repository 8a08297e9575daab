#include "core/nn/score_net.h"

#include <ATen/CPUGeneratorImpl.h>

#include <sstream>

#include "core/common/error.h"
#include "core/nn/fast_mlp.h"
#include "core/nn/mlp.h"
#include "core/nn/unet.h"

namespace ss::nn {

namespace {

std::string shapeOf(const torch::Tensor& t) {
  std::ostringstream s;
  s << t.sizes();
  return s.str();
}

// Copies `from` into `to` entry by entry, names and shapes checked. `what`: "parameter"/"buffer".
void copyAll(const torch::OrderedDict<std::string, torch::Tensor>& from,
             const torch::OrderedDict<std::string, torch::Tensor>& to, const char* what) {
  if (from.size() != to.size()) {
    std::ostringstream s;
    s << "copyWeights: the source has " << from.size() << " " << what << "s, the target "
      << to.size() << " (different architectures)";
    throw Failure(s.str());
  }
  for (size_t i = 0; i < from.size(); ++i) {
    const auto& src = from[i];
    const auto& dst = to[i];
    if (src.key() != dst.key()) {
      throw Failure(std::string("copyWeights: ") + what + " " + std::to_string(i) + " is '" +
                    src.key() + "' in the source but '" + dst.key() + "' in the target");
    }
    if (!src.value().sizes().equals(dst.value().sizes())) {
      throw Failure(std::string("copyWeights: ") + what + " '" + src.key() + "' has shape " +
                    shapeOf(src.value()) + " in the source but " + shapeOf(dst.value()) +
                    " in the target");
    }
  }
  for (size_t i = 0; i < from.size(); ++i) to[i].value().copy_(from[i].value());
}

}  // namespace

std::shared_ptr<ScoreNet> makeNet(const NetConfig& config, uint64_t seed) {
  config.validate().take();
  // A private generator: the weights depend on (config, seed) only; the global RNG is not
  // reseeded (the default initialization still draws from it once, then is overwritten).
  auto gen = at::detail::createCPUGenerator(seed);
  switch (config.kind) {
    case NetKind::Mlp:
      return std::make_shared<MlpNet>(config.mlp, gen);
    case NetKind::UNet:
      return std::make_shared<UNet>(config.unet, gen);
  }
  throw Failure("makeNet: unknown network kind");
}

void copyWeights(const ScoreNet& source, ScoreNet& target) {
  torch::NoGradGuard noGrad;
  copyAll(source.named_parameters(), target.named_parameters(), "parameter");
  copyAll(source.named_buffers(), target.named_buffers(), "buffer");
}

std::shared_ptr<ScoreNet> cloneNet(const ScoreNet& source, const NetConfig& config) {
  auto copy = makeNet(config, 0);
  const auto params = source.parameters();
  if (!params.empty()) copy->to(params.front().device(), params.front().scalar_type());
  copyWeights(source, *copy);
  copy->train(source.is_training());
  // Also the frozen/trainable state of each parameter (an EMA copy stays frozen).
  const auto dst = copy->parameters();
  for (size_t i = 0; i < params.size(); ++i) dst[i].set_requires_grad(params[i].requires_grad());
  return copy;
}

int64_t parameterCount(const torch::nn::Module& net) {
  int64_t n = 0;
  for (const auto& p : net.parameters()) n += p.numel();
  return n;
}

torch::Tensor ScoreNet::forwardClass(const torch::Tensor& x, const torch::Tensor& t,
                                     const torch::Tensor& labels) {
  if (labels.defined()) throw Failure("an unconditional network was given class labels");
  return forward(x, t);
}

torch::Tensor scoreOf(ScoreNet& net, const sde::Sde& sde, const torch::Tensor& x,
                      const torch::Tensor& t) {
  return scoreOf(net, sde, x, t, torch::Tensor());
}

torch::Tensor scoreOf(ScoreNet& net, const sde::Sde& sde, const torch::Tensor& x,
                      const torch::Tensor& t, const torch::Tensor& labels) {
  auto run = [&](const torch::Tensor& in) {
    return labels.defined() ? net.forwardClass(in, t, labels) : net.forward(in, t);
  };
  std::vector<int64_t> shape(x.dim(), 1);
  shape[0] = -1;
  const auto m = sde.marginal(t);
  auto sigma = m.sigma.to(x.scalar_type()).view(shape);
  const double sd = net.sigmaData();
  if (sd <= 0) return run(x) / sigma;
  auto a = m.a.to(x.scalar_type()).view(shape);
  auto q = sigma * sigma + a * a * (sd * sd);
  auto rootQ = q.sqrt();
  return -x / q + (a * sd / (sigma * rootQ)) * run(x / rootQ);
}

NetScoreFn::NetScoreFn(std::shared_ptr<ScoreNet> net, std::shared_ptr<const sde::Sde> sde,
                       bool fastPath)
    : m_net(std::move(net)), m_sde(std::move(sde)) {
  if (!m_net || !m_sde) throw Failure("NetScoreFn needs a network and an SDE");
  if (fastPath) m_fast = detail::FastMlpScore::create(*m_net);
}

NetScoreFn::~NetScoreFn() = default;

bool NetScoreFn::usesFastPath(const torch::Tensor& x, const torch::Tensor& t) const {
  return m_fast && m_fast->accepts(x, t);
}

namespace {

// The module's forward in the network's dtype and device, returned in x's.
torch::Tensor moduleScore(ScoreNet& net, const sde::Sde& sde, const torch::Tensor& x,
                          const torch::Tensor& t, const torch::Tensor& labels = {}) {
  const auto params = net.parameters();
  if (params.empty() ||
      (params.front().scalar_type() == x.scalar_type() && params.front().device() == x.device()))
    return scoreOf(net, sde, x, t, labels);
  const auto opts = params.front().options();
  return scoreOf(net, sde, x.to(opts), t.to(opts), labels).to(x.options());
}

}  // namespace

torch::Tensor NetScoreFn::differentiable(const torch::Tensor& x, const torch::Tensor& t) const {
  torch::AutoGradMode on(true);
  return moduleScore(*m_net, *m_sde, x, t);
}

torch::Tensor NetScoreFn::operator()(const torch::Tensor& x, const torch::Tensor& t) const {
  if (usesFastPath(x, t)) {
    auto s = (*m_fast)(*m_sde, x, t);
    return s.scalar_type() == x.scalar_type() ? s : s.to(x.scalar_type());
  }
  // NoGradGuard rather than InferenceMode: results stay ordinary tensors that callers may
  // mix with autograd-tracked ones later.
  torch::NoGradGuard noGrad;
  return moduleScore(*m_net, *m_sde, x, t);
}

ClassScoreFn::ClassScoreFn(std::shared_ptr<ScoreNet> net, std::shared_ptr<const sde::Sde> sde,
                           int64_t label)
    : m_net(std::move(net)), m_sde(std::move(sde)), m_label(label) {
  if (!m_net || !m_sde) throw Failure("ClassScoreFn needs a network and an SDE");
  const int64_t k = m_net->classes();
  if (k < 1) throw Failure("the network is not class-conditional (it was trained without labels)");
  if (label < 0 || label > k) {
    std::ostringstream s;
    s << "class " << label << " is outside [0, " << k << ") (the network's classes; " << k
      << " is the null class)";
    throw Failure(s.str());
  }
}

torch::Tensor ClassScoreFn::eval(const torch::Tensor& x, const torch::Tensor& t) const {
  auto labels = torch::full({x.size(0)}, m_label, torch::TensorOptions().dtype(torch::kLong));
  return moduleScore(*m_net, *m_sde, x, t, labels);
}

torch::Tensor ClassScoreFn::operator()(const torch::Tensor& x, const torch::Tensor& t) const {
  torch::NoGradGuard noGrad;
  return eval(x, t);
}

torch::Tensor ClassScoreFn::differentiable(const torch::Tensor& x, const torch::Tensor& t) const {
  torch::AutoGradMode on(true);
  return eval(x, t);
}

std::string ClassScoreFn::name() const {
  if (m_label == m_net->classes()) return "learned (unconditional)";
  return "learned (class " + std::to_string(m_label) + ")";
}

}  // namespace ss::nn

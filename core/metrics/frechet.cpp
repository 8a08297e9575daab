#include "core/metrics/frechet.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/common/assets.h"

namespace ss::metrics {

namespace {

// The symmetric square root of a symmetric positive semi-definite matrix.
torch::Tensor sqrtPsd(const torch::Tensor& m) {
  auto [values, vectors] = torch::linalg::eigh(m, "L");
  return vectors.matmul(torch::diag(values.clamp_min(0).sqrt())).matmul(vectors.t());
}

std::pair<torch::Tensor, torch::Tensor> moments(const torch::Tensor& f, const char* what) {
  if (f.dim() != 2 || f.size(0) < 2)
    throw Failure(std::string("the Fréchet distance needs at least two feature rows in ") + what);
  auto x = f.to(torch::kCPU, torch::kFloat64);
  auto mu = x.mean(0);
  auto c = x - mu;
  return {mu, c.t().matmul(c) / static_cast<double>(x.size(0) - 1)};
}

}  // namespace

double frechetDistance(const torch::Tensor& fa, const torch::Tensor& fb) {
  torch::NoGradGuard noGrad;
  auto [ma, ca] = moments(fa, "the first set");
  auto [mb, cb] = moments(fb, "the second set");
  if (ma.size(0) != mb.size(0)) throw Failure("the feature sets have different dimensions");
  const auto ra = sqrtPsd(ca);
  const auto inner = ra.matmul(cb).matmul(ra);
  const auto cross = torch::linalg::eigvalsh(0.5 * (inner + inner.t()), "L").clamp_min(0).sqrt();
  const double d = (ma - mb).pow(2).sum().item<double>() + ca.trace().item<double>() +
                   cb.trace().item<double>() - 2.0 * cross.sum().item<double>();
  return std::max(d, 0.0);  // rounding can take a zero distance slightly below
}

Expected<std::shared_ptr<FeatureNet>> FeatureNet::open(const std::string& path) {
  auto net = std::make_shared<FeatureNet>();
  torch::jit::ExtraFilesMap extra{{"scorescope.json", ""}};
  try {
    net->m_module = torch::jit::load(path, torch::kCPU, extra);
    net->m_module.eval();
  } catch (const std::exception& e) {
    return Error{path + ": not a TorchScript feature network (" +
                 std::string(e.what()).substr(0, 160) + ")"};
  }
  try {
    const auto j = nlohmann::json::parse(extra["scorescope.json"]);
    if (j.at("format") != "scorescope-features")
      return Error{path + ": its scorescope.json is not a feature network's"};
    net->m_data = j.at("data").get<std::string>();
    net->m_shape = j.at("shape").get<std::vector<int64_t>>();
    net->m_accuracy = j.at("test_accuracy").get<double>();
  } catch (const std::exception& e) {
    return Error{path + ": its scorescope.json is missing or malformed (" + e.what() + ")"};
  }
  if (!net->m_module.find_method("features"))
    return Error{path + ": the network has no features(x) method"};
  return net;
}

torch::Tensor FeatureNet::features(const torch::Tensor& images) {
  return batched("features", images).to(torch::kFloat64);
}

torch::Tensor FeatureNet::classify(const torch::Tensor& images) {
  return batched("forward", images).argmax(1);
}

torch::Tensor FeatureNet::batched(const std::string& name, const torch::Tensor& images) {
  torch::NoGradGuard noGrad;
  if (images.dim() != 4 || images.size(1) != m_shape.at(0) || images.size(2) != m_shape.at(1) ||
      images.size(3) != m_shape.at(2))
    throw Failure("the feature network takes images of " + std::to_string(m_shape.at(0)) + "×" +
                  std::to_string(m_shape.at(1)) + "×" + std::to_string(m_shape.at(2)));
  constexpr int64_t kBatch = 500;
  auto method = m_module.get_method(name);
  std::vector<torch::Tensor> parts;
  const auto x = images.to(torch::kCPU, torch::kFloat32).contiguous();
  for (int64_t i = 0; i < x.size(0); i += kBatch)
    parts.push_back(method({x.narrow(0, i, std::min(kBatch, x.size(0) - i))}).toTensor());
  return torch::cat(parts);
}

std::string bundledFeatureNet(const std::string& data) {
  const auto dir = assetsDir();
  if (dir.empty()) return "";
  const auto path = dir + "/models/" + data + "-features.pt";
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec) ? path : "";
}

}  // namespace ss::metrics

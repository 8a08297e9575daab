#include "core/score/gemm_empirical.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <vector>

#include "core/common/error.h"

namespace ss::score {

GemmEmpirical::GemmEmpirical(const torch::Tensor& points, int64_t chunkBytes)
    : m_chunkBytes(chunkBytes) {
  auto y = points.detach().to(torch::kCPU, torch::kFloat64).reshape({points.size(0), -1});
  m_mean = y.mean(0);
  auto c = y - m_mean;
  m_norm2 = c.pow(2).sum(1).unsqueeze(0);
  m_centered32 = c.to(torch::kFloat32).contiguous();
}

bool GemmEmpirical::accepts(const torch::Tensor& points, const torch::Tensor& x) {
  return points.device().is_cpu() && x.device().is_cpu() && points.dim() >= 2 &&
         points[0].numel() > 4 && !(torch::GradMode::is_enabled() && x.requires_grad());
}

void GemmEmpirical::eval(const torch::Tensor& x, const torch::Tensor& a, const torch::Tensor& sigma,
                         torch::Tensor* score, torch::Tensor* logp) const {
  if (logp) throw Failure("the sgemm path gives the score only: log p takes the float64 path");
  torch::NoGradGuard noGrad;
  const int64_t b = x.size(0), m = m_centered32.size(0), d = m_centered32.size(1);
  auto X = x.detach().reshape({b, -1}).to(torch::kFloat64);
  if (X.size(1) != d) {
    std::ostringstream s;
    s << "the points are " << d << "-D but x is " << X.size(1) << "-D";
    throw Failure(s.str());
  }
  auto A = perQuery(a.detach(), b, torch::kCPU, "a(t)");
  auto S = perQuery(sigma.detach(), b, torch::kCPU, "sigma(t)");
  // Per query row: the float32 product, the float64 logits, weights and the float32 buffer.
  const int64_t rows = std::clamp<int64_t>(m_chunkBytes / (m * 4 * 5), 1, std::max<int64_t>(b, 1));
  std::vector<torch::Tensor> scores;
  for (int64_t i = 0; i < b; i += rows) {
    const int64_t n = std::min(rows, b - i);
    auto ac = A.narrow(0, i, n).unsqueeze(1), s2 = S.narrow(0, i, n).pow(2).unsqueeze(1);
    auto xc = X.narrow(0, i, n) - ac * m_mean.unsqueeze(0);  // x − a·mean, float64
    auto g = torch::mm(xc.to(torch::kFloat32), m_centered32.t()).to(torch::kFloat64);
    auto L = (2.0 * ac) * g - (ac * ac) * m_norm2 - xc.pow(2).sum(1, true);  // −‖x − a y‖²
    L.clamp_max_(0.0).div_(2.0 * s2);
    auto mx = std::get<0>(L.max(1, true));
    L.sub_(mx).exp_();
    auto z = L.sum(1, true);
    auto yhat = torch::mm((L / z).to(torch::kFloat32), m_centered32).to(torch::kFloat64);
    scores.push_back((ac * yhat - xc) / s2);  // (a ŷ − x)/σ², both centred
  }
  if (score) *score = torch::cat(scores);
}

}  // namespace ss::score

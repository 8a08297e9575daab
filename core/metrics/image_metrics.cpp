#include "core/metrics/image_metrics.h"

#include "core/common/error.h"

namespace ss::metrics {

torch::Tensor totalVariation(const torch::Tensor& images) {
  if (images.dim() != 4) throw Failure("total variation takes images [N, C, H, W]");
  const auto x = images.to(torch::kFloat64);
  auto tv = torch::zeros({x.size(0)}, x.options());
  if (x.size(3) > 1)
    tv += (x.narrow(3, 1, x.size(3) - 1) - x.narrow(3, 0, x.size(3) - 1)).abs().mean({1, 2, 3});
  if (x.size(2) > 1)
    tv += (x.narrow(2, 1, x.size(2) - 1) - x.narrow(2, 0, x.size(2) - 1)).abs().mean({1, 2, 3});
  return tv;
}

TvSummary summarizeTv(const torch::Tensor& tv) {
  TvSummary s;
  if (tv.numel() == 0) return s;
  // The mean of the two middle values for an even count (torch's median takes the lower).
  const auto sorted = std::get<0>(tv.to(torch::kFloat64).flatten().sort());
  const int64_t n = sorted.numel();
  s.median = 0.5 * (sorted[(n - 1) / 2].item<double>() + sorted[n / 2].item<double>());
  s.speckle = (tv > kSpeckleTv).sum().item<int64_t>();
  return s;
}

}  // namespace ss::metrics

#include "core/sample/conditional.h"

#include <cmath>

#include "core/common/error.h"

namespace ss::sample {

torch::Tensor colorBasis() {
  const float a = 1.f / std::sqrt(3.f), b = 1.f / std::sqrt(6.f), c = 1.f / std::sqrt(2.f);
  return torch::tensor({a, a, a, -2 * b, b, b, 0.f, c, -c}, torch::kFloat32).reshape({3, 3});
}

torch::Tensor toGrey(const torch::Tensor& rgb) {
  if (rgb.dim() < 3) throw Failure("a colour image needs [C, H, W]");
  return rgb.mean(-3, /*keepdim=*/true);
}

Conditioning inpainting(torch::Tensor y, torch::Tensor mask) {
  Conditioning c;
  c.observation = std::move(y);
  c.mask = std::move(mask);
  return c;
}

torch::Tensor maskTensor(const std::vector<float>& mask, int h, int w) {
  if (h < 1 || w < 1 || mask.size() != static_cast<size_t>(h) * static_cast<size_t>(w))
    throw Failure("the mask buffer does not hold h×w values");
  return torch::tensor(mask, torch::kFloat32).reshape({h, w});
}

Conditioning colorization(const torch::Tensor& grey) {
  if (grey.dim() < 3 || (grey.size(-3) != 1 && grey.size(-3) != 3))
    throw Failure("colorization needs a grey image [1, H, W] or [3, H, W]");
  auto g = grey.size(-3) == 3 ? toGrey(grey) : grey;
  std::vector<int64_t> rep(static_cast<size_t>(g.dim()), 1);
  rep[rep.size() - 3] = 3;
  Conditioning c;
  c.observation = g.to(torch::kFloat32).repeat(rep);  // r = g = b = grey
  c.mask = torch::tensor({1.f, 0.f, 0.f}).reshape({3, 1, 1});
  c.basis = colorBasis();
  return c;
}

}  // namespace ss::sample

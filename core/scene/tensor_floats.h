// A tensor as the plain float32 buffer (row-major, on the CPU) the views take. Internal to
// core/scene (LibTorch). Any thread.
#pragma once

#include <torch/torch.h>

#include <vector>

namespace ss::scene {

inline std::vector<float> toFloats(const torch::Tensor& t) {
  auto c = t.to(torch::kCPU, torch::kFloat32).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

}  // namespace ss::scene

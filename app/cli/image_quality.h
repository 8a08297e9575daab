// sample --metrics on images (image_quality.cpp). Uses LibTorch.
#pragma once

#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <string>

#include "core/common/error.h"

namespace ss::app {

// On samples [N, C, H, W]: the median total variation per pixel, the real images' (the
// held-out split of `data` where there is one, else `data`) and the speckle tiles; an error
// when the real images do not load.
Expected<nlohmann::json> imageQuality(const torch::Tensor& samples, const std::string& data);
void printImageQuality(const nlohmann::json& quality, int64_t n);

}  // namespace ss::app

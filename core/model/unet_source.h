// Our U-Net's forward written out as TorchScript source over its parameters, flattened
// ("down.0.norm1.weight" → self.down_0_norm1_weight), for model_export. The same blocks in
// the same order as nn::UNet::forward; nearest ×2 upsampling as repeat_interleave cropped to
// the skip's size (what nearest interpolation to that size picks). Any thread. LibTorch.
#pragma once

#include <functional>
#include <string>

#include "core/nn/net_config.h"

namespace ss::model {

// The flattened attribute name of a parameter or buffer.
std::string flatName(const std::string& dotted);

// `hasSkip(i)`: whether block i of path `path` ("down", "mid", "up") has a 1×1 skip conv.
// forward returns ε = −σ·s; a preconditioned network (config.sigmaData > 0) needs
// `marginal`: TorchScript lines that set `a` and `sig`, float32 [B], from t (the SDE's a(t)
// and σ(t)); its raw network becomes the method `raw`.
std::string unetSource(const nn::UNetConfig& config,
                       const std::function<bool(const std::string& block)>& hasSkip,
                       const std::string& marginal = "");

}  // namespace ss::model

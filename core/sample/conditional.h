// Building the Conditioning that SamplerRun projects onto (MATH.md §6): inpainting with a
// mask, colorization in the decoupled grey/colour basis. Any thread. LibTorch: not for ui/.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "core/sample/sampler.h"

namespace ss::sample {

// The orthogonal colour basis B, rows (1,1,1)/√3 (the grey level), (−2,1,1)/√6, (0,1,−1)/√2:
// the reference's decoupling matrix (its columns are these rows). float32 [3, 3].
torch::Tensor colorBasis();

// The grey level that colorization keeps: the channel mean (r + g + b)/3, [.., 1, H, W].
torch::Tensor toGrey(const torch::Tensor& rgb);

// y: [C, H, W] (or [B, C, H, W], or [d] / [B, d] for 2D points); mask: [H, W] (from
// makeMask), [C, H, W] or like y, 1 = known.
Conditioning inpainting(torch::Tensor y, torch::Tensor mask);
// A row-major h×w mask buffer as a float [h, w] tensor.
torch::Tensor maskTensor(const std::vector<float>& mask, int h, int w);

// grey: [1, H, W] or [3, H, W] (its channel mean is used), optionally batched. Samples RGB
// images whose grey level (r + g + b)/3 equals the input's.
Conditioning colorization(const torch::Tensor& grey);

}  // namespace ss::sample

// Score-network architecture settings: plain data with validation and a JSON round trip
// (checkpoints, scenes). Torch-free: ui/ may include it. Any thread.
#pragma once

#include <string>
#include <vector>

#include "core/common/error.h"

namespace ss::nn {

enum class NetKind { Mlp, UNet };
std::string toString(NetKind kind);  // "mlp", "unet"
Expected<NetKind> parseNetKind(const std::string& name);

// The 2D (or any flat-vector) score network: random Fourier features of t (and optionally
// of x) → `depth` hidden layers of `width` with SiLU → dim outputs (MATH.md §3).
struct MlpConfig {
  int dim = 2;            // data dimension
  int width = 128;        // hidden units per layer
  int depth = 3;          // hidden layers
  int timeFeatures = 32;  // sin/cos pairs × 2 of 2π W t, W ~ N(0, timeScale²), fixed
  double timeScale = 16.0;
  int xFeatures = 0;  // 0 = feed x directly; else sin/cos Fourier features of x too
  double xScale = 1.0;
  // Class-conditional (classifier-free guidance, MATH.md §6): 0 = unconditional; else the
  // network also takes a one-hot label over classes + 1 entries, the last the null class
  // ("no label": the unconditional score). Missing in older checkpoints: 0.
  int classes = 0;
};

// The image score network: a small time-conditioned U-Net (residual blocks, GroupNorm,
// Fourier time embedding added in every block).
struct UNetConfig {
  int channels = 1;  // 1 (grey) or 3 (RGB)
  int size = 28;     // 28 or 32 (height = width)
  int baseChannels = 32;
  std::vector<int> multipliers = {1, 2, 2};  // channel multiplier per resolution
  int groups = 8;                            // GroupNorm groups
  int timeFeatures = 64;
  double timeScale = 16.0;
  // > 0: EDM's preconditioning (Karras et al. 2022) in the SDE's coordinates with this data
  // scale σ_d: the score is the exact one of N(0, σ_d² I) data, −x/q with q = σ² + a²σ_d²,
  // plus the network's correction a·σ_d/(σ√q)·net(x/√q, t) (docs/IMAGE_QUALITY.md). 0 (older
  // checkpoints): score = net(x, t)/σ, whose error at large t reaches x̂0 amplified by σ/a.
  double sigmaData = 0.0;
};

// σ_d of the preconditioned U-Net presets: images in [0, 1] (Fashion-MNIST's pixels have an
// RMS of 0.45), as EDM's 0.5 for images in [−1, 1].
constexpr double kImageSigmaData = 0.5;

// U-Net presets for a dataset of `channels`×size×size images: "small" (trains on a 2-core
// CPU in minutes: 16 base channels, two resolutions) and "large" (for a GPU: 64 base
// channels, three resolutions), both preconditioned (sigmaData = kImageSigmaData). Error for
// other names.
Expected<UNetConfig> unetPreset(const std::string& name, int channels, int size);

struct NetConfig {
  NetKind kind = NetKind::Mlp;
  MlpConfig mlp;
  UNetConfig unet;

  Status validate() const;  // Ok, or an error naming the field and its value
  std::string toJson() const;
  static Expected<NetConfig> fromJson(const std::string& json);
  bool operator==(const NetConfig& o) const { return toJson() == o.toJson(); }
};

}  // namespace ss::nn

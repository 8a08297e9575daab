// Score networks (MATH.md §3) as LibTorch modules. A ScoreNet returns the raw network
// output shaped like x; the score is net(x, t) / σ(t) (scoreOf), so the network predicts
// noise and its output stays of order one at every t. Owned by one thread at a time: the
// trainer owns the training copy, and snapshots hold deep copies (cloneNet), never shared
// holders. Uses LibTorch: not for ui/.
#pragma once

#include <torch/torch.h>

#include <memory>

#include "core/nn/net_config.h"
#include "core/score/score_fn.h"
#include "core/sde/sde.h"

namespace ss::nn {

class ScoreNet : public torch::nn::Module {
 public:
  // x: [B, dim] (MLP) or [B, C, H, W] (U-Net); t: [B]. Returns [shape of x].
  virtual torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t) = 0;
};

// A freshly initialized network, the same for the same (config, seed). Throws ss::Failure
// on an invalid config.
std::shared_ptr<ScoreNet> makeNet(const NetConfig& config, uint64_t seed);

// A deep copy (own parameters and buffers) on the same device.
std::shared_ptr<ScoreNet> cloneNet(const ScoreNet& source, const NetConfig& config);

// Copies every parameter and buffer of `source` into `target` (same architecture).
void copyWeights(const ScoreNet& source, ScoreNet& target);

int64_t parameterCount(const torch::nn::Module& net);

// s(x, t) = net(x, t) / σ(t), σ broadcast over x's trailing dimensions.
torch::Tensor scoreOf(ScoreNet& net, const sde::Sde& sde, const torch::Tensor& x,
                      const torch::Tensor& t);

// A trained (or snapshot) network as a ScoreFn: evaluates without autograd. The network
// must not be trained while this is used; one thread evaluates at a time.
class NetScoreFn final : public score::ScoreFn {
 public:
  NetScoreFn(std::shared_ptr<ScoreNet> net, std::shared_ptr<const sde::Sde> sde);
  torch::Tensor operator()(const torch::Tensor& x, const torch::Tensor& t) const override;
  std::string name() const override { return "learned"; }

 private:
  std::shared_ptr<ScoreNet> m_net;
  std::shared_ptr<const sde::Sde> m_sde;
};

}  // namespace ss::nn

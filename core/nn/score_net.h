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
  // A class-conditional network (classes() > 0): the output given labels [B] (or one label
  // for the batch) in [0, classes()], classes() being the null class; forward(x, t) is the
  // null class's. Others throw ss::Failure when given labels.
  virtual torch::Tensor forwardClass(const torch::Tensor& x, const torch::Tensor& t,
                                     const torch::Tensor& labels);
  virtual int64_t classes() const { return 0; }
  // EDM preconditioning's data scale σ_d (UNetConfig::sigmaData); 0: none.
  virtual double sigmaData() const { return 0.0; }
};

// A freshly initialized network, the same for the same (config, seed). Throws ss::Failure
// on an invalid config.
std::shared_ptr<ScoreNet> makeNet(const NetConfig& config, uint64_t seed);

// A deep copy (own parameters and buffers) on the same device.
std::shared_ptr<ScoreNet> cloneNet(const ScoreNet& source, const NetConfig& config);

// Copies every parameter and buffer of `source` into `target` (same architecture).
void copyWeights(const ScoreNet& source, ScoreNet& target);

int64_t parameterCount(const torch::nn::Module& net);

// s(x, t) = net(x, t) / σ(t), σ broadcast over x's trailing dimensions; for a network with
// σ_d = sigmaData() > 0, −x/q + a·σ_d/(σ√q)·net(x/√q, t) with q = σ² + a²σ_d² (the exact
// score of N(0, σ_d² I) data plus the network's correction: EDM's preconditioning).
torch::Tensor scoreOf(ScoreNet& net, const sde::Sde& sde, const torch::Tensor& x,
                      const torch::Tensor& t);
// The same given class labels (forwardClass); undefined labels: scoreOf above.
torch::Tensor scoreOf(ScoreNet& net, const sde::Sde& sde, const torch::Tensor& x,
                      const torch::Tensor& t, const torch::Tensor& labels);

namespace detail {
class FastMlpScore;
}

// A trained (or snapshot) network as a ScoreFn: evaluates without autograd. The network
// must not be trained while this is used. The MLP (without x features) on the CPU in float32
// takes a hand-written inference path (fast_mlp.h: chunked, no autograd, per-thread buffers)
// that gives scoreOf's result up to float rounding; everything else (CUDA, other dtypes, the
// U-Net) runs the module's forward. `fastPath = false` forces the module's forward
// (comparisons, benchmarks). Callable from any thread on the fast path; the module's forward
// is LibTorch's (one thread at a time per module, as before).
class NetScoreFn final : public score::ScoreFn {
 public:
  NetScoreFn(std::shared_ptr<ScoreNet> net, std::shared_ptr<const sde::Sde> sde,
             bool fastPath = true);
  ~NetScoreFn() override;
  torch::Tensor operator()(const torch::Tensor& x, const torch::Tensor& t) const override;
  // The module's forward with autograd on (the likelihood's divergence): never the fast path.
  torch::Tensor differentiable(const torch::Tensor& x, const torch::Tensor& t) const override;
  std::string name() const override { return "learned"; }
  // Whether a call with these arguments takes the hand-written path.
  bool usesFastPath(const torch::Tensor& x, const torch::Tensor& t) const;

 private:
  std::shared_ptr<ScoreNet> m_net;
  std::shared_ptr<const sde::Sde> m_sde;
  std::unique_ptr<detail::FastMlpScore> m_fast;  // null: always the module's forward
};

// A class-conditional network's score for one class `label` in [0, classes()] (classes()
// = the null class: the unconditional score), always through the module's forward (the
// hand-written path takes unconditional MLPs only). Throws ss::Failure on an unconditional
// network or a label out of range.
class ClassScoreFn final : public score::ScoreFn {
 public:
  ClassScoreFn(std::shared_ptr<ScoreNet> net, std::shared_ptr<const sde::Sde> sde, int64_t label);
  torch::Tensor operator()(const torch::Tensor& x, const torch::Tensor& t) const override;
  torch::Tensor differentiable(const torch::Tensor& x, const torch::Tensor& t) const override;
  std::string name() const override;

 private:
  torch::Tensor eval(const torch::Tensor& x, const torch::Tensor& t) const;
  std::shared_ptr<ScoreNet> m_net;
  std::shared_ptr<const sde::Sde> m_sde;
  int64_t m_label;
};

}  // namespace ss::nn

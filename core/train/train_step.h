// TrainStep: one training problem's model, EMA, optimizer and RNG, advanced one optimizer
// step at a time (the hot loop of the trainer thread, the CLI and the benchmarks). Owned by
// exactly one thread. Uses LibTorch: not for ui/.
#pragma once

#include <torch/torch.h>

#include <memory>

#include "core/nn/score_net.h"
#include "core/sde/sde.h"
#include "core/train/losses.h"
#include "core/train/train_config.h"

namespace ss::train {

// Classifier-free guidance's label dropout: each label replaced by `nullClass` with
// probability p (drawn from `gen`), the others kept.
torch::Tensor dropLabels(const torch::Tensor& labels, int64_t nullClass, double p,
                         at::Generator& gen);

class TrainStep {
 public:
  struct Fast;  // the fast MLP path's state (train_step_fast.h), opaque here
  struct Setup {
    nn::NetConfig net;
    std::shared_ptr<const sde::Sde> sde;
    torch::Tensor data;  // [M, ...] float32 training set; moved to `device`
    TrainConfig config;
    torch::Device device = torch::kCPU;
    // The hand-written MLP step (flat parameters, manual backward, fused SiLU and Adam + EMA,
    // data parallel over LibTorch's threads) where it applies: an unconditional MLP fed x directly
    // (xFeatures 0), DSM with any weighting, CPU, float32. Other objectives (SSM) run the
    // generic autograd step; false forces it always. See bench/README.md.
    bool fastPath = true;
    // A class-conditional MLP (net.mlp.classes > 0): the label of every training example,
    // [M] int64 in [0, classes); each drawn label becomes the null class with probability
    // config.cfgDropout (classifier-free guidance). Such a network always takes the generic
    // step. Unused (may be undefined) for unconditional networks.
    torch::Tensor labels = {};
  };
  // Builds the network from config.seed, its EMA copy and Adam. Throws ss::Failure on an
  // invalid setup.
  explicit TrainStep(Setup setup);
  ~TrainStep();
  TrainStep(const TrainStep&) = delete;
  TrainStep& operator=(const TrainStep&) = delete;

  struct Result {
    double loss = 0;      // minibatch loss before the update
    double gradNorm = 0;  // global gradient norm before clipping
  };
  // One optimizer step: draw a batch (and its labels, some dropped to the null class, for a
  // class-conditional network), loss, backward, clip, warm-up lr, Adam, EMA update.
  // A non-finite loss skips the update (weights untouched) and is returned as is.
  Result step();

  int64_t steps() const { return m_steps; }
  nn::ScoreNet& net() { return *m_net; }
  nn::ScoreNet& ema() { return *m_ema; }
  const nn::ScoreNet& net() const { return *m_net; }
  const nn::ScoreNet& ema() const { return *m_ema; }
  const Setup& setup() const { return m_setup; }
  const TrainConfig& config() const { return m_setup.config; }
  // Whether step() runs the hand-written MLP step (see Setup::fastPath).
  bool usesFastPath() const { return m_fast != nullptr; }

  // Live knobs (lr, batch, clipping, warm-up, EMA decay, loss weighting) without a restart.
  void setConfig(const TrainConfig& config);

  // Restores weights (and EMA) from another net of the same architecture, resets Adam's
  // moments (divergence rollback).
  void restoreWeights(const nn::ScoreNet& net, const nn::ScoreNet& ema, int64_t steps);

  // Checkpoint support: everything needed to resume bit-identically.
  void save(torch::serialize::OutputArchive& archive) const;
  // Every record is checked against the networks built from the description first; an
  // Error names the record. Throws only for what LibTorch itself refuses.
  Status load(torch::serialize::InputArchive& archive, int64_t steps);

 private:
  double currentLr() const;
  void checkLabels();  // a class-conditional network's labels: present, one per example, in range
  // The batch's labels with cfgDropout of them replaced by the null class; undefined for an
  // unconditional network (which draws nothing here, so its random stream is unchanged).
  torch::Tensor drawLabels(const torch::Tensor& idx);
  Result genericStep();
  Result fastStep();
  double fastUpdate();  // clipping, Adam and the EMA; returns the gradient norm
  // The fast path: flat parameter / EMA / gradient / Adam buffers, the net's and the EMA's
  // parameters made views into them. Rebuilt whenever the parameters are replaced (load).
  void buildFast();
  void exportAdamState() const;  // the flat Adam moments → m_adam's state (for save)
  void importAdamState();        // m_adam's state → the flat moments (after load)

  Setup m_setup;
  std::shared_ptr<nn::ScoreNet> m_net, m_ema;
  std::vector<torch::Tensor> m_params, m_emaParams;
  std::unique_ptr<torch::optim::Adam> m_adam;
  at::Generator m_gen;
  int64_t m_steps = 0;
  std::unique_ptr<Fast> m_fast;
};

}  // namespace ss::train

// Trainer: live training on a worker thread. The thread owns the model, optimizer, EMA and
// RNG (a TrainStep); the UI sends small commands and reads immutable stats and model
// snapshots, never waiting on a step. Paused means blocked on a condition variable.
// Divergence (non-finite loss or weights, or a spike past divergenceFactor × the smoothed
// loss) pauses, rolls back to the last good weights and says so in plain language; any
// exception becomes a Failed status. Torch-free header: every method may be called from
// any thread (the UI thread included); none blocks on training.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/nn/net_config.h"
#include "core/sde/sde_config.h"
#include "core/train/train_config.h"

namespace ss::train {

struct ModelSnapshot;  // core/train/snapshot.h (LibTorch); opaque to ui/

struct TrainProblemSpec {
  std::string data = "8gaussians";
  sde::SdeConfig sde;
  nn::NetConfig net;
  TrainConfig train;
  std::string device = "cpu";  // resolved device string ("cpu", "cuda:0")
  int threads = 1;             // LibTorch intra-op threads for the worker
  // A class-conditional MLP for classifier-free guidance: net.mlp.classes follows the data's
  // class count at every (re)preparation (data without classes fails with the reason).
  bool conditional = false;
};

enum class TrainerStatus { Preparing, Idle, Running, Paused, Diverged, Failed };
std::string toString(TrainerStatus s);

struct TrainerStats {
  TrainerStatus status = TrainerStatus::Preparing;
  std::string message;  // plain-language status or error
  int64_t step = 0;
  bool imported = false;  // the snapshot is an imported model (trained elsewhere, step 0 here)
  double loss = 0, lossSmoothed = 0;
  double stepsPerSecond = 0, samplesPerSecond = 0;
  double gradNorm = 0;
  std::string device;
  int64_t parameters = 0;
  // Loss history (bounded ring, oldest first): step of each entry, raw and smoothed loss.
  std::vector<int64_t> historySteps;
  std::vector<float> historyLoss, historySmoothed;
  sde::SdeConfig sde;  // resolved
  TrainConfig train;   // in force
  int classes = 0;     // a class-conditional model's classes (0: unconditional)
};

class Trainer {
 public:
  explicit Trainer(TrainProblemSpec spec);  // starts the worker; it prepares, then idles
  ~Trainer();                               // stops and joins
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  void start();  // run continuously
  void pause();
  void stepOnce();  // one step, then paused
  void reset();     // re-initialise the model (same spec and seed)
  // Live knobs (lr, batch, weighting, EMA, clipping, warm-up): applied before the next step.
  void setTrainConfig(const TrainConfig& config);
  // New dataset / SDE / architecture: rebuilds everything (the model restarts).
  void setProblem(const TrainProblemSpec& spec);
  // Asynchronous: the result appears in stats().message ("saved …" or the error).
  void saveCheckpoint(const std::string& path);
  // A checkpoint continues training; a TorchScript model (docs/MODEL_FORMAT.md, with
  // `metaFile` when it has no metadata of its own) becomes the snapshot, untrained here.
  void loadCheckpoint(const std::string& path, const std::string& metaFile = "");

  std::shared_ptr<const TrainerStats> stats(uint64_t* version = nullptr) const;
  // The newest EMA model (null before the first publish).
  std::shared_ptr<const ModelSnapshot> snapshot(uint64_t* version = nullptr) const;
  // Test/CLI helper: blocks until `step` steps are done or the trainer stops running.
  bool waitForStep(int64_t step, int timeoutMs) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace ss::train

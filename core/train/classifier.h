// A time-dependent classifier p_t(y | x) for class guidance (MATH.md §6), trained in the
// background with cross-entropy on perturbed data x(t) = a(t) x(0) + σ(t) ε, t ~ U(ε, T),
// the classes being the toy's labels (a mixture's components, or any labelled toy) or an
// image dataset's (Fashion-MNIST's ten, a folder's sub-folders): an MLP on [x, Fourier(t)]
// for 2D data, a small CNN with the time embedding added to its feature maps for images. Its
// snapshots guide reverse runs through score::GuidedScore. Torch-free header: the UI owns
// a ClassifierTrainer and passes snapshots on without touching LibTorch; the trainer never
// blocks its caller (commands go through a mailbox, results through LatestBoxes).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/sde/sde_config.h"

namespace ss::score {
class TimeClassifier;
}

namespace ss::train {

struct ClassifierSpec {
  std::string data = "8gaussians";  // built-in name or file, as DataRequest; or an image dataset
  sde::SdeConfig sde;               // resolved (VE σmax set)
  int width = 128, depth = 2;       // hidden layers of the MLP on [x, Fourier(t)] (2D only)
  int64_t imageLimit = 0;           // images: the first N of the dataset (0 = all)
  int batch = 512;
  double lr = 2e-3;      // Adam
  int64_t steps = 2000;  // training stops here ("done")
  uint64_t seed = 0;
  bool operator==(const ClassifierSpec&) const = default;
};

// An immutable classifier for other threads (an inference copy of the network).
struct ClassifierSnapshot {
  std::shared_ptr<const score::TimeClassifier> classifier;
  ClassifierSpec spec;
  int64_t step = 0;
  int imageChannels = 0, imageSize = 0;  // images: the C and H = W it classifies (0 for points)
};

enum class ClassifierStatus { Idle, Training, Done, Failed };

struct ClassifierStats {
  ClassifierStatus status = ClassifierStatus::Idle;
  std::string message;  // plain language: "training: step 300 of 2000", why it failed
  ClassifierSpec spec;
  int64_t step = 0;
  int classes = 0;
  double loss = 0;  // cross-entropy, smoothed
  // Held-out accuracy at a few times (a fresh seeded draw), and for mixtures the accuracy
  // of the exact posterior on the same points: the best any classifier can do there.
  std::vector<double> times, accuracy, bayesAccuracy;
  std::vector<std::string> classNames;  // images: the dataset's class names (index = class)
  int64_t heldOut = 0;                  // the held-out points (or images) behind `accuracy`
};

// The settings `ClassifierSpec` starts from for an image dataset: a smaller batch and fewer
// steps than for points (a CNN step costs far more than an MLP step).
ClassifierSpec imageClassifierSpec(const std::string& data, const sde::SdeConfig& sde);

// Trains a classifier for `spec` on a ClassifierTrainer and waits for it (command line and
// tests): the finished snapshot and its stats, or the trainer's message; a `guideClass` past
// the data's classes (when ≥ 0) is an error naming the count.
struct TrainedClassifier {
  std::shared_ptr<const ClassifierSnapshot> snapshot;
  std::shared_ptr<const ClassifierStats> stats;
};
Expected<TrainedClassifier> trainClassifierAndWait(const ClassifierSpec& spec,
                                                   int64_t guideClass = -1);

class ClassifierTrainer {
 public:
  ClassifierTrainer();
  ~ClassifierTrainer();  // stops after the current step and joins
  ClassifierTrainer(const ClassifierTrainer&) = delete;
  ClassifierTrainer& operator=(const ClassifierTrainer&) = delete;

  // (Re)starts training a fresh classifier for `spec` (any training in progress is dropped).
  void train(const ClassifierSpec& spec);
  void stop();  // pauses; the last snapshot stays

  std::shared_ptr<const ClassifierStats> stats() const;
  // Null until the first snapshot; published about every 0.2 s while training and at the end.
  std::shared_ptr<const ClassifierSnapshot> snapshot(uint64_t* version = nullptr) const;
  // Blocks until training is done, failed or stopped (command line and tests only).
  bool waitDone(double seconds) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace ss::train

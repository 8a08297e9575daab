// The metadata of an imported score model (docs/MODEL_FORMAT.md, version 1): what the data
// is, which SDE it was trained under, what the network returns and what it is fed as time.
// Read from the `scorescope.json` extra file of a TorchScript archive, or from a JSON file
// given with --model-meta. Torch-free: ui/ may include it (the open dialog shows it). Pure
// functions: any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/sde/sde_config.h"

namespace ss::model {

// What the network's output is, and so how it becomes a score (MATH.md: x = a·x0 + σ·ε):
//   score: s itself;  eps: s = −out/σ;  x0: s = (a·out − x)/σ²;
//   v: v = a·ε − σ·x0 (a² + σ² = 1 on VP), s = −(a·x + σ·v)·… (docs/MODEL_FORMAT.md).
enum class Output { Score, Eps, X0, V };
// What the network is fed as its second argument: t; 999·t (score_sde_pytorch's VP and
// sub-VP label); σ(t) (its VE label); log σ(t).
enum class TimeInput { T, T999, Sigma, LogSigma };

std::string toString(Output o);     // "score", "eps", "x0", "v"
std::string toString(TimeInput t);  // "t", "999t", "sigma", "log_sigma"
Expected<Output> parseOutput(const std::string& s);
Expected<TimeInput> parseTimeInput(const std::string& s);

struct ModelMeta {
  int version = 1;
  bool image = false;
  int dim = 0;                      // points: D
  std::vector<int64_t> shape;       // images: {C, H, W}
  double rangeLo = 0, rangeHi = 1;  // images: the pixel range the model was trained on
  sde::SdeConfig sde;
  Output output = Output::Score;
  TimeInput timeInput = TimeInput::T;
  int classes = 0;  // > 0: forward(x, t, y) with y int64 labels in [0, classes)
  std::vector<std::string> classNames;
  std::string dataset;  // a built-in or file dataset (the exact score and data layer), or ""
  std::string name, notes;

  // The data shape of one sample: {D} or {C, H, W}.
  std::vector<int64_t> sampleShape() const;
};

// Parses and checks the metadata JSON. Errors name the key and what is wrong: an unknown
// format or version, SDE or output; a data shape that is not [D] or [C, H, W]; an SDE whose
// parameters are invalid; VE without sigma_max and without a dataset to derive it from;
// class names that do not match `classes`.
Expected<ModelMeta> parseModelMeta(const std::string& json);

// The metadata as the JSON that parseModelMeta reads (export writes it).
std::string toJson(const ModelMeta& meta);

// One line for status bars: "moons · VP · eps · t-input 999t · 2D".
std::string summary(const ModelMeta& meta);

}  // namespace ss::model

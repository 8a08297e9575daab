// 2D toy distributions (MATH.md §7): the built-in set, Gaussian mixtures from JSON and
// point sets from CSV. Each samples deterministically from a seed; mixtures also know
// their exact perturbed density and score (core/score/exact_score.h). Immutable after
// construction: share freely across threads. Uses LibTorch: not for ui/.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/common/error.h"

namespace ss::data {

// Σ_k w_k N(μ_k, s_k² I) in 2D. Tensors are float64 on the CPU.
struct GaussianMixture {
  torch::Tensor weights;  // [K], normalized to sum 1
  torch::Tensor means;    // [K, 2]
  torch::Tensor stds;     // [K], > 0
  int64_t size() const { return weights.size(0); }
};

// A draw from a toy: positions and what the views colour them by.
struct ToySample {
  torch::Tensor x;       // [n, 2] float32, world units
  torch::Tensor label;   // [n] int64: component / class index in [0, numClasses), or 0
  torch::Tensor colour;  // [n] float32 in [0, 1]: a continuous attribute (arc length, angle…)
};

class ToyDistribution {
 public:
  virtual ~ToyDistribution() = default;
  // "8gaussians", or the file name for loaded data.
  virtual std::string name() const = 0;
  // One line documenting the parameters, shown in --help, the UI and the docs.
  virtual std::string description() const = 0;
  // n points, the same for the same (n, seed) on every run and machine.
  virtual ToySample sample(int64_t n, uint64_t seed) const = 0;
  // Number of discrete classes `label` takes (1 when there is no natural class).
  virtual int numClasses() const = 0;
  // The exact mixture when the distribution is one (8gaussians, 25gaussians, JSON).
  virtual std::optional<GaussianMixture> mixture() const { return std::nullopt; }
  // For finite point sets (CSV): all the points, [M, 2] float32; sample() draws from them.
  virtual std::optional<torch::Tensor> points() const { return std::nullopt; }
  // For finite point sets: their labels, [M] int64 in the order of points() (zeros when the
  // CSV has no label column).
  virtual std::optional<torch::Tensor> pointLabels() const { return std::nullopt; }
};

// Built-in names: 8gaussians, 25gaussians, moons, swissroll, circles, rings,
// checkerboard, pinwheel, spirals.
std::vector<std::string> builtinToyNames();

// `nameOrFile`: a built-in name, a path to a mixture `.json`
// ({"weights":[…],"means":[[x,y],…],"stds":[…]}) or a point `.csv` (x,y rows, or x,y,label
// rows whose labels become the classes; optional header line). Errors name the file and the problem
// ("blobs.json: stds[2] = -0.1 must be positive"); unknown names list the valid ones.
Expected<std::shared_ptr<const ToyDistribution>> makeToy(const std::string& nameOrFile);

Expected<GaussianMixture> loadMixtureJson(const std::string& path);
// Points [M, 2] float32 from x,y rows, or x,y,label rows (label an integer class
// 0..kMaxCsvClasses-1, every row with the same number of columns). `labels`, when given,
// receives [M] int64 (zeros without a label column).
inline constexpr int kMaxCsvClasses = 10;
Expected<torch::Tensor> loadPointsCsv(const std::string& path, torch::Tensor* labels = nullptr);

// Writes points as CSV with a header naming the columns ("x,y" or the given names);
// atomically (temp file + rename). `x` is [M, C] with C == columns.size().
Expected<bool> writePointsCsv(const std::string& path, const torch::Tensor& x,
                              const std::vector<std::string>& columns = {"x", "y"});

// Largest distance between two points of x [M, 2] (exact on up to 4096 points, a seeded
// subsample beyond that). VE's default σmax (MATH.md §1).
double diameter(const torch::Tensor& x);

}  // namespace ss::data

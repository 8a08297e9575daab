// The data a 2D view draws, published by core as plain CPU buffers so ui/ never touches
// LibTorch: a seeded draw from a toy distribution with one fixed noise vector per particle,
// so the forward marginal x(t) = a(t)·x0 + σ(t)·ε scrubs smoothly in t.
// PointCloud is immutable once published; DataWorker's methods may be called from any
// thread (the UI thread only polls, it never waits).
#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/common/error.h"
#include "core/common/latest.h"
#include "core/common/request_worker.h"

namespace ss::scene {

struct DataRequest {
  std::string data = "8gaussians";  // built-in name or a .json / .csv path
  int64_t n = 20000;                // particles
  uint64_t seed = 0;
};

struct PointCloud {
  DataRequest request;
  std::string name;         // distribution name
  std::string description;  // its documented parameters
  int64_t n = 0;
  std::vector<float> x0;       // n×2 floats, world units
  std::vector<float> noise;    // n×2 floats, ε ~ N(0, I), fixed per particle
  std::vector<float> colour;   // n floats in [0, 1]
  std::vector<int32_t> label;  // n ints in [0, numClasses)
  int numClasses = 1;
  double diameter = 0;              // largest pairwise distance (VE's default σmax)
  std::array<float, 4> bounds{};    // xmin, ymin, xmax, ymax of x0
  std::vector<float> mixtureMeans;  // K×2 when the data is a Gaussian mixture
  std::vector<float> mixtureStds;   // K

  // Copies what describes the data set (diameter, bounds, mixture) from `data`: a cloud
  // made of a run's particles (a pause frame, a compare overlay) keeps its data's facts.
  void copyDataFacts(const PointCloud& data) {
    diameter = data.diameter;
    bounds = data.bounds;
    mixtureMeans = data.mixtureMeans;
    mixtureStds = data.mixtureStds;
  }
};

// Builds a PointCloud synchronously (command line, tests). Errors name the file/problem.
Expected<std::shared_ptr<const PointCloud>> buildPointCloud(const DataRequest& request);

// Builds point clouds on a worker thread. request() replaces any pending request; the
// newest successful cloud is in latest(); a failed request leaves it unchanged and sets
// lastError(), so a bad file never loses the current scene.
// request / latest / lastError / busy / waitIdle are RequestWorker's.
class DataWorker : public RequestWorker<DataRequest, PointCloud> {
 public:
  DataWorker();
};

}  // namespace ss::scene

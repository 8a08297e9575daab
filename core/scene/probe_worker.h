// Probes of the 2D explorer's canvas: points the user drops at a time t run the reverse SDE
// (the explorer's PC settings) and the probability-flow ODE (its solver) down to ε, and a
// clicked data point is encoded through the ODE from ε up to T. Every particle's whole path
// is kept. Torch-free header (ui/ includes it); one worker thread computes, any thread
// requests and polls, and the UI never waits.
#pragma once

#include "core/scene/scene_worker.h"

namespace ss::scene {

enum class ProbeKind { Drop, Encode };

struct ProbeRequest {
  ProbeKind kind = ProbeKind::Drop;
  uint64_t id = 0;                                    // the caller's handle, echoed in the result
  std::shared_ptr<const train::ModelSnapshot> model;  // null: the exact score of `data`
  std::string data = "8gaussians";
  sde::SdeConfig sde;             // resolved (VE σmax set)
  sample::SamplerConfig sampler;  // the SDE path's PC settings and the ODE path's solver
  double t = 1.0;                 // Drop: the start time, clamped to [ε, T]
  std::vector<float> points;      // n×2 world units: the dropped points, or the data point
  uint64_t seed = 0;              // the SDE path's noise
};

// One integration's recorded path: positions at every step, [step][n][2], with the times.
struct ProbePath {
  std::vector<float> xy;
  std::vector<double> times;
  int64_t nfe = 0;
  size_t records() const { return times.size(); }
};

struct ProbeResult {
  ProbeKind kind = ProbeKind::Drop;
  uint64_t id = 0;
  double t = 0;   // where the paths start
  int64_t n = 0;  // particles
  ProbePath sde;  // Drop: reverse SDE from t to ε (empty for Encode)
  ProbePath ode;  // Drop: PF-ODE from t to ε; Encode: PF-ODE from ε to T (x(T) last)
  std::string scoreName;
};

// request / latest / lastError / busy / waitIdle are RequestWorker's; its cache is withCache's.
class ProbeWorker : public RequestWorker<ProbeRequest, ProbeResult> {
 public:
  ProbeWorker();
};

}  // namespace ss::scene

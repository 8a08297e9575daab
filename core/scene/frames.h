// The recorded frame nearest a time, for the runs' results (RunResult, ImageRunResult).
// Torch-free. Any thread.
#pragma once

#include <cmath>
#include <memory>
#include <vector>

namespace ss::scene {

// The frame whose t is nearest `t` (null when there is none); ties go to the later one in
// recording order (a run's final, denoised frame over an earlier one at the same t).
template <class Frame>
std::shared_ptr<const Frame> nearestFrame(const std::vector<std::shared_ptr<const Frame>>& frames,
                                          double t) {
  std::shared_ptr<const Frame> best;
  double bestDist = 0;
  for (const auto& f : frames) {
    const double d = std::abs(f->t - t);
    if (!best || d <= bestDist) best = f, bestDist = d;
  }
  return best;
}

}  // namespace ss::scene

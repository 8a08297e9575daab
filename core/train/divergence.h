// Watching a training run's loss for divergence (README "Training"): a non-finite loss, or
// a smoothed loss size (exponential average of |loss|, weight 0.02: sliced score matching's
// loss may be negative) that has grown past `growth` times the lowest smoothed value seen
// since the watch began. An ordinary run's smoothed loss falls or
// wanders within a small factor; one with a far too large learning rate grows by tens of
// orders of magnitude within a few steps. Shared by the CLI, quick training and the GUI
// trainer. Plain C++; one thread at a time.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

namespace ss::train {

class DivergenceWatch {
 public:
  static constexpr double kDefaultGrowth = 1e4;
  explicit DivergenceWatch(double growth = kDefaultGrowth) : m_growth(growth) {}

  // Feeds one step's loss; true when the run has diverged (then reason() says why).
  bool diverged(double loss) {
    if (!std::isfinite(loss)) return fail(loss, "the loss is not finite");
    const double size = std::abs(loss);
    m_smoothed = m_count++ == 0 ? size : 0.98 * m_smoothed + 0.02 * size;
    if (m_smoothed > 0) m_best = std::min(m_best, m_smoothed);
    if (m_smoothed > m_growth * m_best) return fail(loss, "the loss grew by orders of magnitude");
    return false;
  }

  double smoothed() const { return m_smoothed; }
  double best() const { return m_best; }
  const std::string& reason() const { return m_reason; }
  void reset() { *this = DivergenceWatch(m_growth); }

 private:
  bool fail(double loss, const char* what) {
    char buf[200];
    std::snprintf(buf, sizeof buf, "%s (loss %.4g, smoothed %.4g, lowest smoothed %.4g)", what,
                  loss, m_smoothed, m_best);
    m_reason = buf;
    return true;
  }

  double m_growth;
  double m_smoothed = 0;
  double m_best = std::numeric_limits<double>::infinity();
  long long m_count = 0;
  std::string m_reason;
};

}  // namespace ss::train

// The training loss over steps: raw losses faint, the smoothed loss bright, on a log scale
// (linear when a loss is ≤ 0, as sliced score matching's can be). UI thread.
#pragma once

#include <cstdint>
#include <vector>

namespace ss::ui {

void lossPlot(const std::vector<int64_t>& steps, const std::vector<float>& raw,
              const std::vector<float>& smoothed, float height);

}  // namespace ss::ui

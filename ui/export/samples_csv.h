// The shown samples as CSV ("x,y" header, one row per particle), written atomically.
// Any thread.
#pragma once

#include <string>
#include <vector>

#include "core/common/error.h"

namespace ss::ui {

// `xy`: n×2 floats, world units.
Expected<bool> writeSamplesCsv(const std::string& path, const std::vector<float>& xy);

}  // namespace ss::ui

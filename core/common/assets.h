// Where the app finds its bundled files (assets/: scenes, models): $SCORESCOPE_ASSETS, else
// assets/ beside the executable's install prefix (../share/scorescope/assets), else the
// source tree it was built from. Torch-free: ui/ may include it. Any thread.
#pragma once

#include <string>
#include <vector>

namespace ss {

// The assets directory (no trailing slash); empty when none of the candidates exists.
std::string assetsDir();

// The built-in scene files (assets/scenes/*.json), sorted by name.
std::vector<std::string> builtinScenes();

}  // namespace ss

// Inpainting mask presets (MATH.md §6) as plain H×W buffers, 1 = known, 0 = to generate.
// Torch-free: the mask painter in ui/ starts from these, the CLI and samplers use them too.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/common/error.h"

namespace ss::sample {

enum class MaskPreset {
  LeftHalf,
  RightHalf,
  TopHalf,
  BottomHalf,
  CentreBox,
  Random50,
  EveryOtherRow
};

std::string toString(MaskPreset p);  // "left-half", "centre-box", "random-50", "every-other-row", …
// An error names the text and lists the presets.
Expected<MaskPreset> parseMaskPreset(const std::string& s);

// Row-major h×w, 1 = known. CentreBox hides the middle half in each direction; Random50 keeps
// each pixel with probability ½ from `seed`; EveryOtherRow keeps the even rows.
std::vector<float> makeMask(MaskPreset p, int h, int w, uint64_t seed = 0);

}  // namespace ss::sample

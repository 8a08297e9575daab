#include "core/sample/masks.h"

#include <random>

#include "core/common/enum_names.h"

namespace ss::sample {

namespace {
constexpr EnumName<MaskPreset> kNames[] = {{MaskPreset::LeftHalf, "left-half"},
                                           {MaskPreset::RightHalf, "right-half"},
                                           {MaskPreset::TopHalf, "top-half"},
                                           {MaskPreset::BottomHalf, "bottom-half"},
                                           {MaskPreset::CentreBox, "centre-box"},
                                           {MaskPreset::Random50, "random-50"},
                                           {MaskPreset::EveryOtherRow, "every-other-row"}};
}  // namespace

std::string toString(MaskPreset p) { return nameOf(kNames, p); }

Expected<MaskPreset> parseMaskPreset(const std::string& s) {
  return parseName(kNames, s, "mask preset");
}

namespace {

// Pixel (x, y) of an h×w mask of a preset other than Random50: known or to generate.
bool isKnown(MaskPreset p, int x, int y, int h, int w) {
  const bool left = 2 * x < w, top = 2 * y < h;
  const bool centre = 4 * x >= w && 4 * x < 3 * w && 4 * y >= h && 4 * y < 3 * h;
  switch (p) {
    case MaskPreset::LeftHalf:
      return left;
    case MaskPreset::RightHalf:
      return !left;
    case MaskPreset::TopHalf:
      return top;
    case MaskPreset::BottomHalf:
      return !top;
    case MaskPreset::CentreBox:
      return !centre;
    case MaskPreset::EveryOtherRow:
      return y % 2 == 0;
    case MaskPreset::Random50:
      break;
  }
  return false;
}

}  // namespace

std::vector<float> makeMask(MaskPreset p, int h, int w, uint64_t seed) {
  std::vector<float> m(static_cast<size_t>(h > 0 && w > 0 ? h * w : 0), 0.f);
  std::mt19937_64 rng(seed);
  std::bernoulli_distribution coin(0.5);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const bool known = p == MaskPreset::Random50 ? coin(rng) : isKnown(p, x, y, h, w);
      m[static_cast<size_t>(y * w + x)] = known ? 1.f : 0.f;
    }
  return m;
}

}  // namespace ss::sample

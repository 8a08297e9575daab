#include "core/sample/masks.h"

#include <random>

namespace ss::sample {

namespace {
struct Named {
  MaskPreset p;
  const char* name;
};
constexpr Named kNames[] = {
    {MaskPreset::LeftHalf, "left-half"},
    {MaskPreset::RightHalf, "right-half"},
    {MaskPreset::TopHalf, "top-half"},
    {MaskPreset::BottomHalf, "bottom-half"},
    {MaskPreset::CentreBox, "centre-box"},
    {MaskPreset::Random50, "random-50"},
    {MaskPreset::EveryOtherRow, "every-other-row"},
};
}  // namespace

std::string toString(MaskPreset p) {
  for (const auto& n : kNames)
    if (n.p == p) return n.name;
  return "?";
}

bool parseMaskPreset(const std::string& s, MaskPreset* out) {
  for (const auto& n : kNames)
    if (s == n.name) {
      *out = n.p;
      return true;
    }
  return false;
}

std::string maskPresetNames() {
  std::string s;
  for (const auto& n : kNames) s += (s.empty() ? "" : ", ") + std::string(n.name);
  return s;
}

std::vector<float> makeMask(MaskPreset p, int h, int w, uint64_t seed) {
  std::vector<float> m(static_cast<size_t>(h > 0 && w > 0 ? h * w : 0), 0.f);
  std::mt19937_64 rng(seed);
  std::bernoulli_distribution coin(0.5);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      bool known = false;
      switch (p) {
        case MaskPreset::LeftHalf:
          known = 2 * x < w;
          break;
        case MaskPreset::RightHalf:
          known = 2 * x >= w;
          break;
        case MaskPreset::TopHalf:
          known = 2 * y < h;
          break;
        case MaskPreset::BottomHalf:
          known = 2 * y >= h;
          break;
        case MaskPreset::CentreBox:
          known = !(4 * x >= w && 4 * x < 3 * w && 4 * y >= h && 4 * y < 3 * h);
          break;
        case MaskPreset::Random50:
          known = coin(rng);
          break;
        case MaskPreset::EveryOtherRow:
          known = y % 2 == 0;
          break;
      }
      m[static_cast<size_t>(y * w + x)] = known ? 1.f : 0.f;
    }
  return m;
}

}  // namespace ss::sample

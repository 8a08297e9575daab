// expf as Cephes computes it (range reduction + degree-6 polynomial, ~1 ulp), the scalar
// reference the hand-written SiLU kernels of the training step and the inference path share
// (their AVX2 versions do the same arithmetic). Internal to core. Any thread.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace ss {

#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")  // the same bits wherever it is inlined

inline float cephesExp(float x) {
  x = std::min(std::max(x, -87.0f), 88.0f);
  const float fx = std::nearbyint(x * 1.44269504088896341f);
  float r = x - fx * 0.693359375f;
  r = r - fx * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float y = p * (r * r) + r + 1.0f;
  const int32_t bits = (static_cast<int32_t>(fx) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return y * scale;
}

#pragma GCC pop_options

}  // namespace ss

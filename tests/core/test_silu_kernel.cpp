// The one SiLU kernel (core/kernels/silu.h) that the training step's forward pass and the
// inference path (FastMlp, its AVX-512 tiles included) share: every ISA gives the same bits,
// also where the register forms are inlined into an FMA-capable caller, as inference's
// fused tiles do; and it is SiLU to within a few ulp of std::exp's.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "core/kernels/cpu_isa.h"
#include "core/kernels/silu.h"
#include "tests/core/isa_testing.h"

using namespace ss;
using ss::testing::IsaScope;
using ss::testing::isasHere;

// GCC 12 warns inside its own avx512fintrin.h (_mm512_undefined_*) where silu16 expands.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace {

std::vector<float> inputs() {
  std::vector<float> a = {0.0f,   -0.0f, 1e-30f, -1e-30f, 1.0f,    -1.0f,   87.0f,
                          -87.0f, 88.5f, -88.5f, 200.0f,  -200.0f, 3.4e38f, -3.4e38f};
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> wide(-100.0f, 100.0f);
  std::normal_distribution<float> unit(0.0f, 3.0f);
  for (int i = 0; i < 20000; ++i) a.push_back(i % 2 ? wide(rng) : unit(rng));
  a.resize(a.size() + 5, 0.5f);  // a tail that no vector width divides
  return a;
}

uint32_t bits(float x) {
  uint32_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

// As FastMlp's AVX-512 tile applies it: silu16 inlined into an AVX-512 (FMA-capable) caller.
__attribute__((target("avx512f"))) void siluInAvx512Caller(const float* a, float* h, size_t n) {
  for (size_t i = 0; i + 16 <= n; i += 16)
    _mm512_storeu_ps(h + i, kernels::silu16(_mm512_loadu_ps(a + i)));
}
__attribute__((target("avx2,fma"))) void siluInAvx2FmaCaller(const float* a, float* h, size_t n) {
  for (size_t i = 0; i + 8 <= n; i += 8)
    _mm256_storeu_ps(h + i, kernels::silu8(_mm256_loadu_ps(a + i)));
}

}  // namespace

TEST(SiluKernel, EveryIsaAndEveryCallerGivesTheSameBits) {
  IsaScope scope;
  const auto a = inputs();
  const size_t n = a.size();
  std::vector<float> h0(n), s0(n);
  kernels::setActiveIsaForTesting(kernels::Isa::Scalar);
  kernels::siluForward(a.data(), h0.data(), s0.data(), static_cast<int64_t>(n));
  for (size_t i = 0; i < n; ++i) ASSERT_EQ(bits(h0[i]), bits(kernels::siluScalar(a[i]))) << a[i];
  for (auto isa : {kernels::Isa::Avx2, kernels::Isa::Avx512}) {
    if (kernels::bestIsa() < isa) continue;
    kernels::setActiveIsaForTesting(isa);
    std::vector<float> h(n), s(n);
    kernels::siluForward(a.data(), h.data(), s.data(), static_cast<int64_t>(n));
    for (size_t i = 0; i < n; ++i) {
      ASSERT_EQ(bits(h[i]), bits(h0[i])) << kernels::toString(isa) << " at a = " << a[i];
      ASSERT_EQ(bits(s[i]), bits(s0[i])) << kernels::toString(isa) << " at a = " << a[i];
    }
    // In place (training keeps σ where a was; inference overwrites a with h).
    std::vector<float> inPlace = a;
    kernels::siluForward(inPlace.data(), inPlace.data(), nullptr, static_cast<int64_t>(n));
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(bits(inPlace[i]), bits(h0[i]));
  }
  std::vector<float> h(n);
  const size_t whole16 = n / 16 * 16;
  if (kernels::bestIsa() >= kernels::Isa::Avx512) {
    siluInAvx512Caller(a.data(), h.data(), whole16);
    for (size_t i = 0; i < whole16; ++i) ASSERT_EQ(bits(h[i]), bits(h0[i])) << a[i];
  }
  if (kernels::bestIsa() >= kernels::Isa::Avx2) {
    siluInAvx2FmaCaller(a.data(), h.data(), whole16);
    for (size_t i = 0; i < whole16; ++i) ASSERT_EQ(bits(h[i]), bits(h0[i])) << a[i];
  }
}

TEST(SiluKernel, IsSiluAndItsBackwardIsItsDerivative) {
  const auto a = inputs();
  const size_t n = a.size();
  std::vector<float> h(n), s(n), d(n, 1.0f);
  kernels::siluForward(a.data(), h.data(), s.data(), static_cast<int64_t>(n));
  kernels::siluBackward(d.data(), s.data(), h.data(), static_cast<int64_t>(n));
  for (size_t i = 0; i < n; ++i) {
    const double x = a[i];
    if (std::abs(x) > 80) continue;  // the clamp's range; checked for finiteness below
    const double sig = 1.0 / (1.0 + std::exp(-x));
    EXPECT_NEAR(h[i], x * sig, 4e-7 * std::abs(x * sig) + 1e-37) << x;
    EXPECT_NEAR(d[i], sig * (1 + x * (1 - sig)), 1e-6) << x;
  }
  for (size_t i = 0; i < n; ++i) ASSERT_TRUE(std::isfinite(h[i]) && std::isfinite(d[i])) << a[i];
}

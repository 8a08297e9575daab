#include "core/kernels/cpu_isa.h"

#include <atomic>
#include <cstdlib>

#include "core/common/enum_names.h"

namespace ss::kernels {

namespace {

Isa detect() {
  if (__builtin_cpu_supports("avx512f")) return Isa::Avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::Avx2;
  return Isa::Scalar;
}

Isa clampToCpu(Isa want) {
  const Isa best = bestIsa();
  return static_cast<int>(want) <= static_cast<int>(best) ? want : best;
}

constexpr EnumName<Isa> kNames[] = {
    {Isa::Scalar, "scalar"}, {Isa::Avx2, "avx2"}, {Isa::Avx512, "avx512"}};

// SCORESCOPE_ISA names one (kept within what the CPU has); unset or unknown: the best.
Isa fromEnvironment() {
  const char* env = std::getenv("SCORESCOPE_ISA");
  auto isa = parseName(kNames, env ? env : "", "ISA");
  return isa ? clampToCpu(isa.value()) : bestIsa();
}

std::atomic<int>& active() {
  static std::atomic<int> isa{static_cast<int>(fromEnvironment())};
  return isa;
}

}  // namespace

Isa bestIsa() {
  static const Isa isa = detect();
  return isa;
}

Isa activeIsa() { return static_cast<Isa>(active().load(std::memory_order_relaxed)); }

void setActiveIsaForTesting(Isa isa) { active().store(static_cast<int>(clampToCpu(isa))); }

std::string toString(Isa isa) { return nameOf(kNames, isa, "scalar"); }

}  // namespace ss::kernels

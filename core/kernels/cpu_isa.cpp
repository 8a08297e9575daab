#include "core/kernels/cpu_isa.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

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

Isa fromEnvironment() {
  const char* env = std::getenv("SCORESCOPE_ISA");
  if (!env) return bestIsa();
  if (!std::strcmp(env, "scalar")) return Isa::Scalar;
  if (!std::strcmp(env, "avx2")) return clampToCpu(Isa::Avx2);
  return bestIsa();
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

std::string toString(Isa isa) {
  switch (isa) {
    case Isa::Avx512:
      return "avx512";
    case Isa::Avx2:
      return "avx2";
    case Isa::Scalar:
      break;
  }
  return "scalar";
}

}  // namespace ss::kernels

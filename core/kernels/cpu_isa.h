// The SIMD instruction set the hand-written kernels run with, chosen once per process from
// what the CPU supports (AVX-512F, else AVX2 + FMA, else scalar). SCORESCOPE_ISA=scalar|avx2|
// avx512 narrows the choice (tests and benchmarks run every path); a wider ISA than the CPU
// has is ignored. Torch-free. Any thread.
#pragma once

#include <string>

namespace ss::kernels {

enum class Isa { Scalar, Avx2, Avx512 };

Isa bestIsa();                         // what the CPU supports
Isa activeIsa();                       // the one the kernels use (read once, then fixed)
void setActiveIsaForTesting(Isa isa);  // clamped to bestIsa(); tests only
std::string toString(Isa isa);         // "scalar", "avx2", "avx512"

}  // namespace ss::kernels

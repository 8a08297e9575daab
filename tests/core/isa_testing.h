// The kernel tests' ISA helpers: every ISA this CPU runs (the scalar path always), and a scope
// that restores the ISA the process chose when a test leaves.
#pragma once

#include <vector>

#include "core/kernels/cpu_isa.h"

namespace ss::testing {

struct IsaScope {
  kernels::Isa saved = kernels::activeIsa();
  ~IsaScope() { kernels::setActiveIsaForTesting(saved); }
};

inline std::vector<kernels::Isa> isasHere() {
  std::vector<kernels::Isa> r{kernels::Isa::Scalar};
  if (kernels::bestIsa() != kernels::Isa::Scalar) r.push_back(kernels::Isa::Avx2);
  if (kernels::bestIsa() == kernels::Isa::Avx512) r.push_back(kernels::Isa::Avx512);
  return r;
}

}  // namespace ss::testing

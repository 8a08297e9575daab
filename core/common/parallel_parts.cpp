#include "core/common/parallel_parts.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <exception>
#include <latch>
#include <vector>

namespace ss {

void runInParts(int64_t n, int64_t parts,
                const std::function<void(int64_t part, int64_t begin, int64_t end)>& body) {
  parts = std::clamp<int64_t>(parts, 1, std::max<int64_t>(n, 1));
  if (parts == 1) return body(0, 0, n);
  const int64_t share = (n + parts - 1) / parts;
  std::latch done(parts - 1);
  std::vector<std::exception_ptr> errors(static_cast<size_t>(parts));
  auto run = [&](int64_t k) {
    try {
      body(k, k * share, std::min(n, (k + 1) * share));
    } catch (...) {
      errors[static_cast<size_t>(k)] = std::current_exception();
    }
  };
  for (int64_t k = 1; k < parts; ++k)
    at::launch([&, k] {
      run(k);
      done.count_down();
    });
  run(0);
  done.wait();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace ss

#include "core/common/parallel_parts.h"

#include "core/common/runtime.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
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
  const bool worker = currentThreadIsWorker();
  for (int64_t k = 1; k < parts; ++k)
    at::launch([&, k] {
      if (worker && !currentThreadIsWorker()) lowerCurrentThreadPriority();
      run(k);
      done.count_down();
    });
  run(0);
  done.wait();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
}

void runInChunks(int64_t n, int64_t chunk, int threads,
                 const std::function<void(int64_t begin, int64_t end)>& body) {
  chunk = std::max<int64_t>(chunk, 1);
  const int64_t chunks = (n + chunk - 1) / chunk;
  std::atomic<int64_t> next{0};
  runInParts(chunks, std::min<int64_t>(threads, chunks), [&](int64_t, int64_t, int64_t) {
    for (int64_t c; (c = next.fetch_add(1, std::memory_order_relaxed)) < chunks;)
      body(c * chunk, std::min(n, (c + 1) * chunk));
  });
}

}  // namespace ss

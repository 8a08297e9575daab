// Splitting rows across LibTorch's threads by hand, for the data-parallel kernels (the
// training step, the fast MLP path, the empirical score): share 0 runs on the calling
// thread, the others on LibTorch's inter-op pool (at::launch), and the call returns when all
// are done, rethrowing the first exception any share threw. (at::parallel_for's OpenMP team
// did not scale these loops here: two threads took as long as one.) Uses ATen: core only.
#pragma once

#include <cstdint>
#include <functional>

namespace ss {

// body(part, begin, end) for `parts` contiguous shares of [0, n) (parts ≤ 1: one call).
// Called from a background worker (runtime.h), the pool threads running its shares take the
// worker's priority: the window's threads still come first.
void runInParts(int64_t n, int64_t parts,
                const std::function<void(int64_t part, int64_t begin, int64_t end)>& body);

// body(begin, end) over [0, n) in chunks of at most `chunk`, taken in turn by `threads`
// threads (the caller and runInParts' pool) until none is left: a thread the window
// preempts delays only the chunk it holds, where a fixed half would stall the call. For
// bodies that need no per-share state.
void runInChunks(int64_t n, int64_t chunk, int threads,
                 const std::function<void(int64_t begin, int64_t end)>& body);

}  // namespace ss

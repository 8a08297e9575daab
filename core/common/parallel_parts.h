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
void runInParts(int64_t n, int64_t parts,
                const std::function<void(int64_t part, int64_t begin, int64_t end)>& body);

}  // namespace ss

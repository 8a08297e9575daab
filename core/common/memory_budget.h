// The machine's memory as a budget for a request: what a command is about to allocate
// (particles, a batch, a grid, recorded frames) is estimated and checked against it before
// any allocation, so a request that cannot fit is refused with the bytes it would need
// instead of swapping or being killed. Torch-free; any thread.
#pragma once

#include <cstdint>
#include <string>

#include "core/common/error.h"

namespace ss {

// Bytes this machine can give a request now: MemAvailable of /proc/meminfo, else the
// physical memory (sysconf); SCORESCOPE_MEMORY_BYTES overrides both (tests).
uint64_t availableMemoryBytes();

// "100 GB", "512 MB", "3 KB" (decimal units, two significant digits at most).
std::string formatBytes(double bytes);

// Ok when `bytes` fit in the available memory; else "WHAT needs about 100 GB; this machine has
// 24 GB available". `what` is in the user's words ("--n 100000000").
Status checkMemory(double bytes, const std::string& what);

}  // namespace ss

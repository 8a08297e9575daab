#include "core/common/memory_budget.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace ss {

uint64_t availableMemoryBytes() {
  if (const char* forced = std::getenv("SCORESCOPE_MEMORY_BYTES"))
    if (const double v = std::strtod(forced, nullptr); v > 0) return static_cast<uint64_t>(v);
  std::ifstream in("/proc/meminfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream s(line);
    std::string key;
    uint64_t kb = 0;
    if (s >> key >> kb && key == "MemAvailable:") return kb * 1024;
  }
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page)
                               : UINT64_MAX;
}

std::string formatBytes(double bytes) {
  const char* units[] = {"bytes", "KB", "MB", "GB", "TB", "PB", "EB"};
  int u = 0;
  while (bytes >= 1000 && u < 6) bytes /= 1000, ++u;
  char buf[48];
  std::snprintf(buf, sizeof buf, bytes < 10 && u > 0 ? "%.1f %s" : "%.0f %s", bytes, units[u]);
  return buf;
}

Status checkMemory(double bytes, const std::string& what) {
  const double have = static_cast<double>(availableMemoryBytes());
  if (std::isfinite(bytes) && bytes <= have) return Ok{};
  return Error{what + " needs about " + formatBytes(bytes) + "; this machine has " +
               formatBytes(have) + " available"};
}

}  // namespace ss

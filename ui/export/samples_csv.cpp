#include "ui/export/samples_csv.h"

#include "core/common/atomic_file.h"

#include <cstdio>

namespace ss::ui {

Expected<bool> writeSamplesCsv(const std::string& path, const std::vector<float>& xy) {
  return writeFileAtomic(path, [&](const std::string& tmp) {
    std::FILE* f = std::fopen(tmp.c_str(), "w");
    if (!f) return false;
    bool ok = std::fprintf(f, "x,y\n") > 0;
    for (size_t i = 0; ok && i + 1 < xy.size(); i += 2)
      ok = std::fprintf(f, "%.9g,%.9g\n", xy[i], xy[i + 1]) > 0;
    return std::fclose(f) == 0 && ok;
  });
}

}  // namespace ss::ui

#include "ui/export/samples_csv.h"

#include <cstdio>
#include <filesystem>

namespace ss::ui {

Expected<bool> writeSamplesCsv(const std::string& path, const std::vector<float>& xy) {
  namespace fs = std::filesystem;
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (!f) return Error{path + ": cannot write (is the folder there and writable?)"};
  bool ok = std::fprintf(f, "x,y\n") > 0;
  for (size_t i = 0; ok && i + 1 < xy.size(); i += 2) ok = std::fprintf(f, "%.9g,%.9g\n", xy[i], xy[i + 1]) > 0;
  ok = std::fclose(f) == 0 && ok;
  std::error_code ec;
  if (ok) fs::rename(tmp, path, ec);
  if (!ok || ec) {
    fs::remove(tmp, ec);
    return Error{path + ": writing failed" + (ok ? ": " + ec.message() : std::string(" (disk full?)"))};
  }
  return true;
}

}  // namespace ss::ui

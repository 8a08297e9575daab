#include "core/common/assets.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace ss {

namespace fs = std::filesystem;

namespace {

std::string executableDir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : exe.parent_path().string();
}

}  // namespace

std::string assetsDir() {
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("SCORESCOPE_ASSETS"); env && *env) candidates.emplace_back(env);
  if (const std::string dir = executableDir(); !dir.empty())
    candidates.push_back(fs::path(dir) / ".." / "share" / "scorescope" / "assets");
#ifdef SCORESCOPE_SOURCE_ASSETS
  candidates.emplace_back(SCORESCOPE_SOURCE_ASSETS);
#endif
  for (const auto& c : candidates) {
    std::error_code ec;
    if (fs::is_directory(c, ec)) return fs::weakly_canonical(c, ec).string();
  }
  return {};
}

std::vector<std::string> builtinScenes() {
  std::vector<std::string> out;
  const std::string root = assetsDir();
  if (root.empty()) return out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(root) / "scenes", ec))
    if (e.path().extension() == ".json") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace ss

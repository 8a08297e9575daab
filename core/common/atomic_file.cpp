#include "core/common/atomic_file.h"

#include <filesystem>
#include <fstream>

namespace ss {

namespace fs = std::filesystem;

Expected<bool> writeFileAtomic(const std::string& path,
                               const std::function<bool(const std::string&)>& write) {
  const fs::path out(path);
  std::error_code ec;
  if (out.has_parent_path() && !fs::is_directory(out.parent_path(), ec))
    return Error{path + ": folder " + out.parent_path().string() + " does not exist"};
  const std::string tmp = atomicTempPath(path);
  if (!write(tmp)) {
    fs::remove(tmp, ec);
    return Error{path + ": cannot write (is the folder writable, the disk full?)"};
  }
  fs::rename(tmp, out, ec);
  if (ec) {
    const std::string why = ec.message();
    fs::remove(tmp, ec);
    return Error{path + ": cannot replace the file: " + why};
  }
  return true;
}

std::string atomicTempPath(const std::string& path) { return path + ".tmp"; }

namespace {
// A PNG sequence's frame temporary, "frame_0012.png.tmp" (ui/export/animation_writer): only
// ours are removed from a folder the user names.
bool isFrameTemp(const std::string& name) {
  return name.starts_with("frame_") && name.ends_with(".png.tmp");
}
}  // namespace

int removeStaleTemporaries(const std::string& path) {
  if (path.empty()) return 0;
  std::error_code ec;
  int removed = 0;
  const fs::path tmp(atomicTempPath(path));
  if (fs::is_regular_file(tmp, ec) && fs::remove(tmp, ec)) ++removed;
  const bool folder = path.back() == '/' || fs::is_directory(path, ec);
  if (folder && fs::is_directory(path, ec))
    for (const auto& e : fs::directory_iterator(path, ec))
      if (isFrameTemp(e.path().filename().string()) && e.is_regular_file(ec) &&
          fs::remove(e.path(), ec))
        ++removed;
  return removed;
}

Expected<bool> writeFileAtomic(const std::string& path, const std::string& content) {
  return writeFileAtomic(path, [&](const std::string& tmp) {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << content;
    f.flush();
    return static_cast<bool>(f);
  });
}

}  // namespace ss

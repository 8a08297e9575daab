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
  const std::string tmp = path + ".tmp";
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

Expected<bool> writeFileAtomic(const std::string& path, const std::string& content) {
  return writeFileAtomic(path, [&](const std::string& tmp) {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << content;
    f.flush();
    return static_cast<bool>(f);
  });
}

}  // namespace ss

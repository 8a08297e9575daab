#include "ui/session/export_paths.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace ss::ui {

namespace fs = std::filesystem;

namespace {

struct XdgName {
  const char* key;       // XDG_PICTURES_DIR
  const char* fallback;  // Pictures (under $HOME)
};

XdgName xdgName(ExportKind kind) {
  switch (kind) {
    case ExportKind::Picture:
      return {"XDG_PICTURES_DIR", "Pictures"};
    case ExportKind::Samples:
      return {"XDG_DOCUMENTS_DIR", "Documents"};
    case ExportKind::Video:
      break;
  }
  return {"XDG_VIDEOS_DIR", "Videos"};
}

bool isFolder(const std::string& path) {
  std::error_code ec;
  return !path.empty() && fs::is_directory(path, ec);
}

// `key`'s value in user-dirs.dirs (lines KEY="$HOME/Pictures"), "$HOME" expanded; "" if absent.
std::string fromUserDirs(const char* key, const std::string& home, const EnvLookup& env) {
  const std::string config = env("XDG_CONFIG_HOME");
  const fs::path file =
      (config.empty() ? fs::path(home) / ".config" : fs::path(config)) / "user-dirs.dirs";
  std::ifstream in(file);
  const std::string prefix = std::string(key) + "=\"";
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) != 0 || line.size() < prefix.size() + 1 || line.back() != '"')
      continue;
    std::string value = line.substr(prefix.size(), line.size() - prefix.size() - 1);
    if (value.rfind("$HOME", 0) == 0) value = home + value.substr(5);
    return value;
  }
  return "";
}

}  // namespace

EnvLookup processEnv() {
  return [](const char* name) {
    const char* v = std::getenv(name);
    return std::string(v ? v : "");
  };
}

std::string xdgFolder(ExportKind kind, const EnvLookup& env) {
  const XdgName name = xdgName(kind);
  const std::string home = env("HOME");
  std::string folder = env(name.key);
  if (folder.empty() && !home.empty()) folder = fromUserDirs(name.key, home, env);
  if (folder.empty() && !home.empty()) folder = (fs::path(home) / name.fallback).string();
  return isFolder(folder) ? folder : "";
}

std::string defaultExportFolder(ExportKind kind, const std::string& scenePath,
                                const EnvLookup& env) {
  if (std::string xdg = xdgFolder(kind, env); !xdg.empty()) return xdg;
  const std::string sceneFolder = fs::path(scenePath).parent_path().string();
  if (!scenePath.empty() && isFolder(sceneFolder)) return sceneFolder;
  return ".";
}

std::string defaultExportPath(ExportKind kind, const std::string& scenePath,
                              const std::string& fileName, const EnvLookup& env) {
  const std::string folder = defaultExportFolder(kind, scenePath, env);
  return folder == "." ? fileName : (fs::path(folder) / fileName).string();
}

}  // namespace ss::ui

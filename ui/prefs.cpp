#include "ui/prefs.h"

#include "core/common/atomic_file.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace ss::ui {

namespace fs = std::filesystem;

void Prefs::addRecent(const std::string& path) {
  std::error_code ec;
  const std::string abs = fs::absolute(path, ec).lexically_normal().string();
  const std::string p = ec ? path : abs;
  recentScenes.erase(std::remove(recentScenes.begin(), recentScenes.end(), p), recentScenes.end());
  recentScenes.insert(recentScenes.begin(), p);
  if (recentScenes.size() > kMaxRecent) recentScenes.resize(kMaxRecent);
}

std::string configDir() {
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x == '/')
    return (fs::path(x) / "scorescope").string();
  if (const char* h = std::getenv("HOME"); h && *h)
    return (fs::path(h) / ".config" / "scorescope").string();
  return {};
}

Prefs loadPrefs(const std::string& path, std::string* warning) {
  Prefs p;
  std::ifstream f(path);
  if (!f) return p;
  std::stringstream ss;
  ss << f.rdbuf();
  try {
    const auto j = nlohmann::json::parse(ss.str());
    if (auto it = j.find("recent_scenes"); it != j.end() && it->is_array())
      for (const auto& r : *it)
        if (r.is_string() && p.recentScenes.size() < Prefs::kMaxRecent)
          p.recentScenes.push_back(r.get<std::string>());
    p.exportWidth = std::clamp(j.value("export_width", p.exportWidth), 16, 16384);
    p.exportHeight = std::clamp(j.value("export_height", p.exportHeight), 16, 16384);
    p.animationFrames = std::clamp(j.value("animation_frames", p.animationFrames), 2, 10000);
    p.animationFps = std::clamp(j.value("animation_fps", p.animationFps), 1.0, 120.0);
    p.animationFormat = j.value("animation_format", p.animationFormat);
    if (p.animationFormat != "gif" && p.animationFormat != "mp4" && p.animationFormat != "png")
      p.animationFormat = "gif";
    p.presentationScale =
        std::clamp(j.value("presentation_scale", p.presentationScale), 1.0f, 4.0f);
    p.transparentPng = j.value("transparent_png", p.transparentPng);
    p.workersYield = j.value("workers_yield", p.workersYield);
  } catch (const std::exception& e) {
    if (warning) *warning = path + ": unreadable preferences, defaults used (" + e.what() + ")";
    return Prefs{};
  }
  return p;
}

Expected<bool> savePrefs(const std::string& path, const Prefs& p) {
  const nlohmann::json j = {{"recent_scenes", p.recentScenes},
                            {"export_width", p.exportWidth},
                            {"export_height", p.exportHeight},
                            {"animation_frames", p.animationFrames},
                            {"animation_fps", p.animationFps},
                            {"animation_format", p.animationFormat},
                            {"presentation_scale", p.presentationScale},
                            {"transparent_png", p.transparentPng},
                            {"workers_yield", p.workersYield}};
  std::error_code ec;
  const fs::path out(path);
  if (out.has_parent_path()) fs::create_directories(out.parent_path(), ec);
  return writeFileAtomic(path, j.dump(2) + "\n");
}

}  // namespace ss::ui

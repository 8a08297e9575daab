#include "ui/prefs.h"

#include "core/common/atomic_file.h"
#include "core/common/field_list.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace ss::ui {

namespace fs = std::filesystem;

namespace {

// The JSON keys of the settings besides the recent scenes, each with its field: one list that
// loading and saving share. P: (const) Prefs.
template <class P, class F>
void forEachSetting(P& p, F&& f) {
  // clang-format off
  eachField(f, "export_width", p.exportWidth, "export_height", p.exportHeight,
            "animation_frames", p.animationFrames, "animation_fps", p.animationFps,
            "animation_format", p.animationFormat, "presentation_scale", p.presentationScale,
            "transparent_png", p.transparentPng, "workers_yield", p.workersYield);
  // clang-format on
}

// Values out of range come back to the nearest allowed one (an unknown format to gif).
void clampSettings(Prefs& p) {
  p.exportWidth = std::clamp(p.exportWidth, 16, 16384);
  p.exportHeight = std::clamp(p.exportHeight, 16, 16384);
  p.animationFrames = std::clamp(p.animationFrames, 2, 10000);
  p.animationFps = std::clamp(p.animationFps, 1.0, 120.0);
  if (p.animationFormat != "gif" && p.animationFormat != "mp4" && p.animationFormat != "png")
    p.animationFormat = "gif";
  p.presentationScale = std::clamp(p.presentationScale, 1.0f, 4.0f);
}

}  // namespace

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
  removeStaleTemporaries(path);  // a save killed midway (the window's start reads them first)
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
    forEachSetting(p, [&](const char* key, auto& field) { field = j.value(key, field); });
    clampSettings(p);
  } catch (const std::exception& e) {
    if (warning) *warning = path + ": unreadable preferences, defaults used (" + e.what() + ")";
    return Prefs{};
  }
  return p;
}

Expected<bool> savePrefs(const std::string& path, const Prefs& p) {
  nlohmann::json j = {{"recent_scenes", p.recentScenes}};
  forEachSetting(p, [&](const char* key, const auto& field) { j[key] = field; });
  std::error_code ec;
  const fs::path out(path);
  if (out.has_parent_path()) fs::create_directories(out.parent_path(), ec);
  return writeFileAtomic(path, j.dump(2) + "\n");
}

}  // namespace ss::ui

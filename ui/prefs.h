// Preferences that outlive a session (recent scenes, export settings, presentation scale),
// as a small JSON file in $XDG_CONFIG_HOME/scorescope (else ~/.config/scorescope), written
// atomically; ImGui's own layout file sits beside it. UI thread.
#pragma once

#include <string>
#include <vector>

#include "core/common/error.h"

namespace ss::ui {

struct Prefs {
  std::vector<std::string> recentScenes;  // newest first, at most kMaxRecent
  int exportWidth = 1920, exportHeight = 1080;
  int animationFrames = 120;
  double animationFps = 30;
  std::string animationFormat = "gif";  // gif | mp4 | png
  float presentationScale = 1.75f;      // type scale in presentation mode
  bool transparentPng = false;          // Export PNG: no background
  // Background work yields to the display (core's WorkerPriority::Yield; View menu, --workers).
  bool workersYield = true;
  static constexpr size_t kMaxRecent = 8;

  void addRecent(const std::string& path);  // moves it to the front (absolute path)
  bool operator==(const Prefs&) const = default;
};

// The directory holding prefs.json and imgui.ini (created on save); empty when neither
// $XDG_CONFIG_HOME nor $HOME is set.
std::string configDir();

// A missing file gives the defaults; a corrupt one gives the defaults and an error message
// in *warning (the file is left as it is until the next save).
Prefs loadPrefs(const std::string& path, std::string* warning = nullptr);
Expected<bool> savePrefs(const std::string& path, const Prefs& prefs);

}  // namespace ss::ui

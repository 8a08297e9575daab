// Default export folders (ui/session/export_paths.h): the XDG folder of each kind from the
// environment, from user-dirs.dirs or by its usual name, else the scene's folder, else ".".
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "ui/session/export_paths.h"

namespace fs = std::filesystem;
using ss::ui::ExportKind;

namespace {

struct FakeHome {
  fs::path root = fs::temp_directory_path() / ("scorescope_export_" + std::to_string(::getpid()));
  std::map<std::string, std::string> vars;
  FakeHome() {
    fs::remove_all(root);
    fs::create_directories(root);
    vars["HOME"] = root.string();
  }
  ~FakeHome() { fs::remove_all(root); }
  ss::ui::EnvLookup env() const {
    return [this](const char* name) {
      auto it = vars.find(name);
      return it == vars.end() ? std::string() : it->second;
    };
  }
  std::string mkdir(const std::string& rel) const {
    fs::create_directories(root / rel);
    return (root / rel).string();
  }
};

}  // namespace

TEST(ExportPaths, TheXdgVariableWinsWhenItsFolderExists) {
  FakeHome h;
  const std::string shots = h.mkdir("shots");
  h.mkdir("Pictures");
  h.vars["XDG_PICTURES_DIR"] = shots;
  EXPECT_EQ(ss::ui::xdgFolder(ExportKind::Picture, h.env()), shots);
  EXPECT_EQ(ss::ui::defaultExportPath(ExportKind::Picture, "", "scorescope.png", h.env()),
            (fs::path(shots) / "scorescope.png").string());
  h.vars["XDG_PICTURES_DIR"] = (h.root / "gone").string();  // set but missing: not used
  EXPECT_EQ(ss::ui::xdgFolder(ExportKind::Picture, h.env()), "");
}

TEST(ExportPaths, UserDirsFileThenTheUsualNames) {
  FakeHome h;
  const std::string vids = h.mkdir("Filme");
  h.mkdir(".config");
  std::ofstream(h.root / ".config" / "user-dirs.dirs")
      << "# written by xdg-user-dirs-update\nXDG_VIDEOS_DIR=\"$HOME/Filme\"\n";
  EXPECT_EQ(ss::ui::xdgFolder(ExportKind::Video, h.env()), vids);
  const std::string docs = h.mkdir("Documents");
  EXPECT_EQ(ss::ui::xdgFolder(ExportKind::Samples, h.env()), docs);
  EXPECT_EQ(ss::ui::xdgFolder(ExportKind::Picture, h.env()), "");  // no ~/Pictures here
}

TEST(ExportPaths, WithoutXdgFoldersTheScenesFolderThenTheWorkingDirectory) {
  FakeHome h;
  const std::string scenes = h.mkdir("lecture");
  const std::string scene = (fs::path(scenes) / "moons.json").string();
  EXPECT_EQ(ss::ui::defaultExportFolder(ExportKind::Video, scene, h.env()), scenes);
  EXPECT_EQ(ss::ui::defaultExportPath(ExportKind::Video, scene, "moons-frames/", h.env()),
            (fs::path(scenes) / "moons-frames/").string());
  EXPECT_EQ(ss::ui::defaultExportFolder(ExportKind::Video, "", h.env()), ".");
  EXPECT_EQ(ss::ui::defaultExportPath(ExportKind::Picture, "", "a.png", h.env()), "a.png");
}

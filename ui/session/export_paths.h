// Where the window's exports go by default, so that a PNG, a CSV or a recording never lands
// in whatever folder the app was started from: the user's XDG folder for the kind (pictures
// for PNGs, documents for sample CSVs, videos for recordings), else the open scene's folder,
// else the working directory. GL-free; any thread.
#pragma once

#include <functional>
#include <string>

namespace ss::ui {

enum class ExportKind { Picture, Samples, Video };

// Reads an environment variable ("" when unset); tests pass their own.
using EnvLookup = std::function<std::string(const char*)>;
EnvLookup processEnv();

// The XDG user folder of `kind`: $XDG_PICTURES_DIR / $XDG_DOCUMENTS_DIR / $XDG_VIDEOS_DIR,
// else its line in $XDG_CONFIG_HOME/user-dirs.dirs (~/.config/…; "$HOME/…" expanded), else
// ~/Pictures, ~/Documents or ~/Videos. "" when that folder does not exist.
std::string xdgFolder(ExportKind kind, const EnvLookup& env);

// The folder an export of `kind` defaults to (see the header comment); `scenePath` is the
// open scene file, "" when none. Never empty ("." at worst).
std::string defaultExportFolder(ExportKind kind, const std::string& scenePath,
                                const EnvLookup& env);

// defaultExportFolder joined with `fileName` ("scorescope.png", "demo-frames/").
std::string defaultExportPath(ExportKind kind, const std::string& scenePath,
                              const std::string& fileName, const EnvLookup& env);

}  // namespace ss::ui

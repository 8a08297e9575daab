// Atomic file output: the content goes to a temp file beside the target, which is renamed
// over it only when everything was written, so a reader never sees half a file and a failed
// write leaves the old file as it was. Torch-free: ui/ may include it. Any thread.
#pragma once

#include <functional>
#include <string>

#include "core/common/error.h"

namespace ss {

// `write(tmpPath)` writes the whole content to tmpPath and returns false on failure. Errors
// name `path` (a missing folder, a failed write, a failed rename); the temp file is removed.
Expected<bool> writeFileAtomic(const std::string& path,
                               const std::function<bool(const std::string&)>& write);

// The same for content already in memory.
Expected<bool> writeFileAtomic(const std::string& path, const std::string& content);

// The temporary an atomic write of `path` goes through: "PATH.tmp" (checkpoints, exports,
// PNGs, GIFs and MP4s alike; each frame of a PNG sequence "folder/frame_00001.png.tmp").
std::string atomicTempPath(const std::string& path);

// Removes what an interrupted (kill -9) write of `path` left behind: PATH.tmp, and for a
// folder target (a PNG sequence, "out/") the frame_*.png.tmp files in it. Commands call it at start
// for their outputs, so a stale temporary outlives neither the next run nor a failed one.
// Returns how many files it removed; errors are ignored (a file that cannot go stays).
int removeStaleTemporaries(const std::string& path);

}  // namespace ss

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

}  // namespace ss

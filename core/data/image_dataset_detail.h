// What the image dataset loaders share (image_dataset.cpp, twemoji_dataset.cpp): errors that
// name the file, options' checks, sorted folder listings, and decoding a list of image files
// with progress. Internal to core/data. Any thread.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/data/image_dataset.h"

namespace ss::data::detail {

namespace fs = std::filesystem;

Error fail(const std::string& where, const std::string& what);  // "where: what"
std::string env(const char* name);                              // "" when unset
std::string homeDir();
Status validate(const ImageLoadOptions& opt);  // Ok, or what is wrong

// The entries of dir (not hidden), sorted; folders or image files.
std::vector<fs::path> listDir(const fs::path& dir, bool folders);

struct Item {
  std::string path;
  int64_t label = -1;  // -1: unlabelled
};

// Decodes items in order until opt.limit images loaded; fills ds.images/labels/skipped.
// The first decoded image fixes the channels (unless opt.channels) and size (unless opt.size).
Expected<bool> decodeItems(const std::string& where, const std::vector<Item>& items,
                           const ImageLoadOptions& opt, bool labelled, ImageDataset& ds);

// Runs a loader, turning an unexpected exception (a failed allocation, a torch error) into an
// Error: loading never throws.
template <class F>
Expected<ImageDataset> guarded(const std::string& where, F&& load) {
  try {
    return load();
  } catch (const std::exception& e) {
    return fail(where, e.what());
  }
}

}  // namespace ss::data::detail

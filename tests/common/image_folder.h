// Test fixtures: small folders of generated grey PNG images for the image datasets, workers
// and views (the folder loader reads them in sorted order, so img<i>.png is image i).
#pragma once

#include <gtest/gtest.h>
#include <stb/stb_image_write.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

namespace ss::test {

// Writes each image (size×size grey values in [0, 1], row-major) as `dir`/img<i>.png, `dir`
// being a per-process folder named after `stem` in the temporary directory. Returns `dir`.
inline std::string writeGreyFolder(const std::string& stem,
                                   const std::vector<std::vector<float>>& images, int size) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / (stem + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (size_t i = 0; i < images.size(); ++i) {
    std::vector<unsigned char> px(images[i].size());
    for (size_t k = 0; k < px.size(); ++k)
      px[k] = static_cast<unsigned char>(std::lround(255 * images[i][k]));
    const std::string path = (dir / ("img" + std::to_string(i) + ".png")).string();
    EXPECT_TRUE(stbi_write_png(path.c_str(), size, size, 1, px.data(), size)) << path;
  }
  return dir.string();
}

// Four 8×8 images: a white 4×4 square in each corner on black (top-left, top-right,
// bottom-left, bottom-right).
inline std::vector<std::vector<float>> cornerSquares() {
  std::vector<std::vector<float>> images(4, std::vector<float>(64, 0.f));
  for (int i = 0; i < 4; ++i)
    for (int y = 0; y < 4; ++y)
      for (int x = 0; x < 4; ++x) images[i][(y + 4 * (i / 2)) * 8 + x + 4 * (i % 2)] = 1.f;
  return images;
}

}  // namespace ss::test

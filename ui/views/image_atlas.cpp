#include "ui/views/image_atlas.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace ss::ui {

void ImageAtlas::upload(const std::vector<float>& images, int64_t n, int channels, int tileSize,
                        int tileCols) {
  const int sz = tileSize;
  const int c = std::max(1, tileCols);
  const int r = static_cast<int>(std::max<int64_t>(1, (n + c - 1) / c));
  const int w = c * sz, h = r * sz;
  std::vector<unsigned char> rgba(static_cast<size_t>(w) * h * 4, 0);
  const size_t plane = static_cast<size_t>(sz) * sz;
  const int64_t have = static_cast<int64_t>(images.size() / std::max<size_t>(1, channels * plane));
  for (int64_t i = 0; i < std::min(n, have); ++i) {
    const float* img = images.data() + static_cast<size_t>(i) * channels * plane;
    const int ox = static_cast<int>(i % c) * sz, oy = static_cast<int>(i / c) * sz;
    for (int y = 0; y < sz; ++y)
      for (int x = 0; x < sz; ++x) {
        unsigned char* px = &rgba[(static_cast<size_t>(oy + y) * w + ox + x) * 4];
        for (int k = 0; k < 3; ++k) {
          const float v = img[std::min(k, channels - 1) * plane + static_cast<size_t>(y) * sz + x];
          px[k] = static_cast<unsigned char>(std::lround(255.0f * std::clamp(v, 0.0f, 1.0f)));
        }
        px[3] = 255;
      }
  }
  gl::uploadRgba(texture, w, h, rgba.data(), /*nearest=*/true);
  cols = c;
  rows = r;
  size = sz;
}

ImTextureID ImageAtlas::id() const {
  return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(texture.id()));
}

void ImageAtlas::tileUv(int i, ImVec2* uv0, ImVec2* uv1) const {
  const float u = 1.0f / std::max(1, cols), v = 1.0f / std::max(1, rows);
  *uv0 = ImVec2(static_cast<float>(i % std::max(1, cols)) * u,
                static_cast<float>(i / std::max(1, cols)) * v);
  *uv1 = ImVec2(uv0->x + u, uv0->y + v);
}

}  // namespace ss::ui

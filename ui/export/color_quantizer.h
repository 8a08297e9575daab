// Reduces an RGB image to at most 256 colours for a GIF frame. Exact when the image has that
// few colours (flat plots); otherwise a variance-minimising median cut over a 6-bit-per-channel
// histogram, box colours the true means, refined by one k-means step. No dithering: dither
// noise flickers from frame to frame and inflates GIFs. One thread per object (buffers reused).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ss::ui {

struct RgbColor {
  unsigned char r = 0, g = 0, b = 0;
};

struct IndexedImage {
  std::vector<RgbColor> palette;       // 1..maxColors entries
  std::vector<unsigned char> indices;  // one per pixel, into palette
};

class ColorQuantizer {
 public:
  // rgb: n pixels × 3 bytes. maxColors in 2..256.
  IndexedImage quantize(const unsigned char* rgb, size_t n, int maxColors = 256);

 private:
  bool exact(const unsigned char* rgb, size_t n, int maxColors, IndexedImage& out) const;
  void medianCut(const unsigned char* rgb, size_t n, int maxColors, IndexedImage& out);

  // Histogram over 2^18 bins, reset after each frame through m_touched.
  std::vector<uint32_t> m_count;
  std::vector<uint64_t> m_sum;  // 3 per bin
  std::vector<uint32_t> m_touched;
  std::vector<unsigned char> m_binIndex;  // bin → palette index
};

}  // namespace ss::ui

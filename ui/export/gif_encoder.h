// Writes an animated GIF frame by frame with giflib: a local palette per frame
// (ColorQuantizer), only the rectangle that changed since the previous frame, and delays in
// 1/100 s accumulated from the frame rate (30 fps → 3, 3, 4, 3, 3, 4 … cs: no drift).
// One thread at a time (the AnimationWriter's worker).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "ui/export/color_quantizer.h"

struct GifFileType;

namespace ss::ui {

class GifEncoder {
 public:
  // Creates (truncates) path. fps in [100/65535, 50]; loop adds the NETSCAPE2.0 extension.
  static Expected<std::unique_ptr<GifEncoder>> open(const std::string& path, int width, int height,
                                                    double fps, bool loop);
  ~GifEncoder();  // closes a file left open (then incomplete: the caller removes it)
  GifEncoder(const GifEncoder&) = delete;
  GifEncoder& operator=(const GifEncoder&) = delete;

  // rgb: width×height×3 bytes, top row first, opaque.
  Expected<bool> addFrame(const unsigned char* rgb);
  // Writes the trailer and closes the file.
  Expected<bool> close();

  // The delay of frame k in 1/100 s at this frame rate.
  static int delayCentiseconds(int64_t k, double fps);

 private:
  GifEncoder(GifFileType* gif, std::string path, int width, int height, double fps);
  Expected<bool> fail(const std::string& what, int code);
  Expected<bool> putFrame(int x0, int y0, int w, int h, const IndexedImage& image, int transparent);

  GifFileType* m_gif;
  std::string m_path;
  int m_width, m_height;
  double m_fps;
  int64_t m_frames = 0;
  std::vector<unsigned char> m_previous;  // the last frame's rgb
  std::vector<unsigned char> m_rect;      // scratch: the changed rectangle's rgb
  ColorQuantizer m_quantizer;
};

}  // namespace ss::ui

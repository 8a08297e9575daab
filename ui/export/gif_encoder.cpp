#include "ui/export/gif_encoder.h"

#include <gif_lib.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

namespace ss::ui {

namespace {

std::string gifError(int code) {
  const char* s = GifErrorString(code);
  return s ? s : "giflib error " + std::to_string(code);
}

// The smallest rectangle holding every pixel that differs; w = 0 when none does.
struct Rect {
  int x = 0, y = 0, w = 0, h = 0;
};

Rect changed(const unsigned char* a, const unsigned char* b, int width, int height) {
  const size_t row = size_t(width) * 3;
  int y0 = 0, y1 = height;
  while (y0 < height && std::memcmp(a + y0 * row, b + y0 * row, row) == 0) ++y0;
  if (y0 == height) return {};
  while (std::memcmp(a + (y1 - 1) * row, b + (y1 - 1) * row, row) == 0) --y1;
  int x0 = width, x1 = 0;
  for (int y = y0; y < y1; ++y) {
    const unsigned char* pa = a + y * row;
    const unsigned char* pb = b + y * row;
    int l = 0, r = width;
    while (l < x0 && std::memcmp(pa + 3 * l, pb + 3 * l, 3) == 0) ++l;
    while (r > x1 && std::memcmp(pa + 3 * (r - 1), pb + 3 * (r - 1), 3) == 0) --r;
    x0 = std::min(x0, l);
    x1 = std::max(x1, r);
  }
  return {x0, y0, x1 - x0, y1 - y0};
}

}  // namespace

int GifEncoder::delayCentiseconds(int64_t k, double fps) {
  const auto at = [fps](int64_t i) { return std::llround(100.0 * double(i) / fps); };
  return static_cast<int>(std::clamp<long long>(at(k + 1) - at(k), 1, 65535));
}

Expected<std::unique_ptr<GifEncoder>> GifEncoder::open(const std::string& path, int width,
                                                       int height, double fps, bool loop) {
  int err = 0;
  // Opened here rather than by EGifOpenFileName, which creates files 0600: the GIF should get
  // the usual permissions (0666 less the umask) like every other file the app writes.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return Error{path + ": cannot create: " + std::strerror(errno)};
  GifFileType* gif = EGifOpenFileHandle(fd, &err);  // owns fd from here on
  if (!gif) {
    ::close(fd);
    return Error{path + ": cannot create: " + gifError(err)};
  }
  std::unique_ptr<GifEncoder> enc(new GifEncoder(gif, path, width, height, fps));
  EGifSetGifVersion(gif, true);  // GIF89a: delays and the looping extension
  if (EGifPutScreenDesc(gif, width, height, 8, 0, nullptr) == GIF_ERROR)
    return enc->fail("cannot write the header", gif->Error).error();
  if (loop) {
    static const char kApp[] = "NETSCAPE2.0";
    unsigned char forever[3] = {1, 0, 0};  // sub-block 1: loop count 0 (little endian) = forever
    if (EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
        EGifPutExtensionBlock(gif, 11, kApp) == GIF_ERROR ||
        EGifPutExtensionBlock(gif, 3, forever) == GIF_ERROR ||
        EGifPutExtensionTrailer(gif) == GIF_ERROR)
      return enc->fail("cannot write the looping extension", gif->Error).error();
  }
  return enc;
}

GifEncoder::GifEncoder(GifFileType* gif, std::string path, int width, int height, double fps)
    : m_gif(gif), m_path(std::move(path)), m_width(width), m_height(height), m_fps(fps) {}

GifEncoder::~GifEncoder() {
  if (m_gif) EGifCloseFile(m_gif, nullptr);
}

Expected<bool> GifEncoder::fail(const std::string& what, int code) {
  return Error{m_path + ": " + what + ": " + gifError(code)};
}

Expected<bool> GifEncoder::addFrame(const unsigned char* rgb) {
  if (!m_gif) return Error{m_path + ": frame after close"};
  const size_t bytes = size_t(m_width) * m_height * 3;
  Rect r{0, 0, m_width, m_height};
  if (m_frames > 0) r = changed(rgb, m_previous.data(), m_width, m_height);
  Expected<bool> put = true;
  if (r.w == 0) {
    // Nothing changed: one transparent pixel keeps the frame (and its delay) in the count.
    IndexedImage none{{RgbColor{}, RgbColor{}}, {0}};
    put = putFrame(0, 0, 1, 1, none, 0);
  } else {
    m_rect.resize(size_t(r.w) * r.h * 3);
    for (int y = 0; y < r.h; ++y)
      std::memcpy(m_rect.data() + size_t(y) * r.w * 3, rgb + (size_t(r.y + y) * m_width + r.x) * 3,
                  size_t(r.w) * 3);
    put = putFrame(r.x, r.y, r.w, r.h, m_quantizer.quantize(m_rect.data(), size_t(r.w) * r.h),
                   NO_TRANSPARENT_COLOR);
  }
  if (!put) return put;
  m_previous.assign(rgb, rgb + bytes);
  ++m_frames;
  return true;
}

Expected<bool> GifEncoder::putFrame(int x0, int y0, int w, int h, const IndexedImage& image,
                                    int transparent) {
  GraphicsControlBlock gcb{};
  gcb.DisposalMode = DISPOSE_DO_NOT;  // the next frame paints over this one
  gcb.UserInputFlag = false;
  gcb.DelayTime = delayCentiseconds(m_frames, m_fps);
  gcb.TransparentColor = transparent;
  GifByteType ext[4];
  const size_t len = EGifGCBToExtension(&gcb, ext);
  if (EGifPutExtension(m_gif, GRAPHICS_EXT_FUNC_CODE, static_cast<int>(len), ext) == GIF_ERROR)
    return fail("cannot write frame " + std::to_string(m_frames), m_gif->Error);

  // A colour table holds a power of two ≥ 2 entries; the unused ones stay black.
  const int size = 1 << GifBitSize(std::max<int>(2, static_cast<int>(image.palette.size())));
  std::vector<GifColorType> colors(static_cast<size_t>(size), GifColorType{0, 0, 0});
  for (size_t i = 0; i < image.palette.size(); ++i)
    colors[i] = {image.palette[i].r, image.palette[i].g, image.palette[i].b};
  std::unique_ptr<ColorMapObject, void (*)(ColorMapObject*)> map(
      GifMakeMapObject(size, colors.data()), GifFreeMapObject);
  if (!map) return Error{m_path + ": out of memory for a colour table"};
  if (EGifPutImageDesc(m_gif, x0, y0, w, h, false, map.get()) == GIF_ERROR)
    return fail("cannot write frame " + std::to_string(m_frames), m_gif->Error);
  // EGifPutLine masks the codes in place, hence the copy; one call writes the whole rectangle.
  std::vector<GifPixelType> px(image.indices.begin(), image.indices.end());
  if (EGifPutLine(m_gif, px.data(), w * h) == GIF_ERROR)
    return fail("cannot write frame " + std::to_string(m_frames), m_gif->Error);
  return true;
}

Expected<bool> GifEncoder::close() {
  if (!m_gif) return true;
  int err = 0;
  const int rc = EGifCloseFile(m_gif, &err);  // frees m_gif even when it fails
  m_gif = nullptr;
  if (rc == GIF_ERROR) return Error{m_path + ": cannot finish the file: " + gifError(err)};
  return true;
}

}  // namespace ss::ui

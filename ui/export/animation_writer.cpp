// [SECTION] frame sinks: GIF, MP4, PNG sequence   [SECTION] validation   [SECTION] the worker
#include "ui/export/animation_writer.h"

#include <stb/stb_image_write.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "core/common/enum_names.h"
#include "ui/export/ffmpeg_pipe.h"
#include "ui/export/gif_encoder.h"

namespace ss::ui {

namespace fs = std::filesystem;

namespace {

constexpr int kMaxSide = 16384;
constexpr double kMaxFps = 1000;
constexpr double kMaxGifFps = 50;  // 2 cs; players stretch shorter GIF delays to 10 cs
constexpr double kMinGifFps = 100.0 / 65535;

// RGBA (w×h, straight alpha) over bg into RGB of outW×outH ≥ w×h; the margin is bg.
void composite(const unsigned char* rgba, int w, int h, const std::array<unsigned char, 3>& bg,
               int outW, int outH, std::vector<unsigned char>& rgb) {
  rgb.resize(size_t(outW) * outH * 3);
  for (size_t i = 0; i < rgb.size(); i += 3) std::copy(bg.begin(), bg.end(), rgb.begin() + i);
  for (int y = 0; y < h; ++y) {
    const unsigned char* s = rgba + size_t(y) * w * 4;
    unsigned char* d = rgb.data() + size_t(y) * outW * 3;
    for (int x = 0; x < w; ++x, s += 4, d += 3) {
      const unsigned a = s[3];
      if (a == 255) {
        d[0] = s[0], d[1] = s[1], d[2] = s[2];
      } else {
        for (int c = 0; c < 3; ++c)
          d[c] = static_cast<unsigned char>((s[c] * a + bg[c] * (255 - a) + 127) / 255);
      }
    }
  }
}

void removeQuietly(const fs::path& p) {
  std::error_code ec;
  fs::remove(p, ec);
}

Expected<bool> renameInto(const std::string& tmp, const std::string& out) {
  std::error_code ec;
  fs::rename(tmp, out, ec);
  if (!ec) return true;
  removeQuietly(tmp);
  return Error{out + ": cannot move the finished file into place: " + ec.message()};
}

}  // namespace

// [SECTION] frame sinks ------------------------------------------------------------------------

namespace detail {

// write and complete run on the worker; commit and abort on the caller once it is joined;
// interrupt on any thread.
class FrameSink {
 public:
  virtual ~FrameSink() = default;
  virtual Expected<bool> write(const std::vector<unsigned char>& rgba) = 0;
  virtual Expected<bool> complete() = 0;  // the last frame was written
  virtual Expected<bool> commit() = 0;    // give the output its final name
  virtual void abort() = 0;               // remove what was written
  virtual void interrupt() {}             // unblock a write that waits on another process
};

}  // namespace detail

namespace {

// A sink that writes one file under a temporary name and renames it into place on commit;
// each frame is composited over the background into an RGB buffer `outW`×`outH`.
class TempFileSink : public detail::FrameSink {
 public:
  TempFileSink(const AnimationSpec& s, std::string tmp) : m_spec(s), m_tmp(std::move(tmp)) {}
  Expected<bool> commit() override { return renameInto(m_tmp, m_spec.out); }

 protected:
  const std::vector<unsigned char>& rgb(const std::vector<unsigned char>& rgba, int outW,
                                        int outH) {
    composite(rgba.data(), m_spec.width, m_spec.height, m_spec.background, outW, outH, m_rgb);
    return m_rgb;
  }
  void removeTemp() { removeQuietly(m_tmp); }
  const AnimationSpec& m_spec;

 private:
  std::string m_tmp;
  std::vector<unsigned char> m_rgb;
};

class GifSink final : public TempFileSink {
 public:
  GifSink(const AnimationSpec& s, std::unique_ptr<GifEncoder> enc, std::string tmp)
      : TempFileSink(s, std::move(tmp)), m_enc(std::move(enc)) {}
  Expected<bool> write(const std::vector<unsigned char>& rgba) override {
    return m_enc->addFrame(rgb(rgba, m_spec.width, m_spec.height).data());
  }
  Expected<bool> complete() override { return m_enc->close(); }
  void abort() override {
    m_enc.reset();
    removeTemp();
  }

 private:
  std::unique_ptr<GifEncoder> m_enc;
};

// yuv420p needs even sides: odd ones get a one-pixel margin of the background colour.
class Mp4Sink final : public TempFileSink {
 public:
  Mp4Sink(const AnimationSpec& s, std::unique_ptr<FfmpegPipe> pipe, std::string tmp)
      : TempFileSink(s, std::move(tmp)), m_pipe(std::move(pipe)) {}
  static int even(int n) { return n + (n & 1); }
  Expected<bool> write(const std::vector<unsigned char>& rgba) override {
    const auto& frame = rgb(rgba, even(m_spec.width), even(m_spec.height));
    return m_pipe->write(frame.data(), frame.size());
  }
  Expected<bool> complete() override { return m_pipe->close(); }
  void abort() override {
    m_pipe->kill();
    (void)m_pipe->close();
    removeTemp();
  }
  void interrupt() override { m_pipe->kill(); }

 private:
  std::unique_ptr<FfmpegPipe> m_pipe;
};

// Each frame lands atomically (temp + rename) as dir/frame_0000.png, … RGBA kept as is.
class PngSink final : public detail::FrameSink {
 public:
  PngSink(const AnimationSpec& s, bool createdDir) : m_spec(s), m_createdDir(createdDir) {}
  fs::path frame(int k) const {
    char name[32];
    std::snprintf(name, sizeof name, "frame_%04d.png", k);
    return fs::path(m_spec.out) / name;
  }
  Expected<bool> write(const std::vector<unsigned char>& rgba) override {
    const fs::path path = frame(m_count);
    const std::string tmp = path.string() + ".tmp";
    if (!stbi_write_png(tmp.c_str(), m_spec.width, m_spec.height, 4, rgba.data(),
                        m_spec.width * 4)) {
      removeQuietly(tmp);
      return Error{path.string() + ": cannot write '" + tmp + "'"};
    }
    auto moved = renameInto(tmp, path.string());
    if (moved) ++m_count;
    return moved;
  }
  Expected<bool> complete() override { return true; }
  // Frames past the end from an earlier, longer export would play on: they go.
  Expected<bool> commit() override {
    std::error_code ec;
    for (int k = m_count; fs::exists(frame(k), ec); ++k) fs::remove(frame(k), ec);
    return true;
  }
  void abort() override {
    for (int k = 0; k < m_count; ++k) removeQuietly(frame(k));
    removeQuietly(frame(m_count).string() + ".tmp");
    std::error_code ec;
    if (m_createdDir && fs::is_empty(m_spec.out, ec)) fs::remove(m_spec.out, ec);
  }

 private:
  const AnimationSpec& m_spec;
  bool m_createdDir;
  int m_count = 0;
};

}  // namespace

// [SECTION] validation -------------------------------------------------------------------------

Expected<AnimationFormat> animationFormatFor(const std::string& out) {
  if (out.empty()) return Error{"no output path for the animation"};
  std::error_code ec;
  if (out.back() == '/' || fs::is_directory(out, ec)) return AnimationFormat::PngSequence;
  std::string ext = fs::path(out).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".gif") return AnimationFormat::Gif;
  if (ext == ".mp4") return AnimationFormat::Mp4;
  return Error{out + ": unknown animation format '" + ext +
               "': use .gif, .mp4, or a folder ending in '/' for a PNG sequence"};
}

const char* animationFormatName(AnimationFormat format) {
  static constexpr EnumName<AnimationFormat> kNames[] = {
      {AnimationFormat::Gif, "GIF"},
      {AnimationFormat::Mp4, "MP4"},
      {AnimationFormat::PngSequence, "PNG sequence"}};
  return nameOf(kNames, format);
}

bool ffmpegAvailable(const std::string& program) { return !findProgram(program).empty(); }

namespace {

Expected<bool> checkSpec(const AnimationSpec& s, AnimationFormat f) {
  if (s.width < 1 || s.height < 1 || s.width > kMaxSide || s.height > kMaxSide)
    return Error{s.out + ": frame size " + std::to_string(s.width) + "×" +
                 std::to_string(s.height) + " is outside 1.." + std::to_string(kMaxSide)};
  if (!std::isfinite(s.fps) || s.fps <= 0 || s.fps > kMaxFps)
    return Error{s.out + ": frame rate " + std::to_string(s.fps) + " is outside (0, 1000]"};
  if (f == AnimationFormat::Gif && (s.fps > kMaxGifFps || s.fps < kMinGifFps))
    return Error{s.out +
                 ": a GIF plays at most 50 frames per second (delays are in 1/100 s), "
                 "got " +
                 std::to_string(s.fps) + ": lower the rate or export MP4"};
  if (f == AnimationFormat::PngSequence) return true;
  fs::path dir = fs::path(s.out).parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return Error{s.out + ": the folder '" + dir.string() + "' does not exist"};
  if (::access(dir.c_str(), W_OK) != 0)
    return Error{s.out + ": cannot write in the folder '" + dir.string() + "'"};
  return true;
}

}  // namespace

Expected<std::unique_ptr<AnimationWriter>> AnimationWriter::open(const AnimationSpec& spec) {
  auto format = animationFormatFor(spec.out);
  if (!format) return format.error();
  if (auto ok = checkSpec(spec, format.value()); !ok) return ok.error();
  // The sink refers to the writer's copy of the spec.
  std::unique_ptr<AnimationWriter> w(new AnimationWriter(spec, format.value(), nullptr));
  const AnimationSpec& s = w->m_spec;
  const std::string tmp = s.out + ".tmp";
  switch (format.value()) {
    case AnimationFormat::Gif: {
      auto enc = GifEncoder::open(tmp, s.width, s.height, s.fps, s.loop);
      if (!enc) {
        removeQuietly(tmp);
        return enc.error();
      }
      w->m_sink = std::make_unique<GifSink>(s, std::move(enc.value()), tmp);
      break;
    }
    case AnimationFormat::Mp4: {
      auto pipe =
          FfmpegPipe::start(s.ffmpeg, tmp, Mp4Sink::even(s.width), Mp4Sink::even(s.height), s.fps);
      if (!pipe) return pipe.error();
      w->m_sink = std::make_unique<Mp4Sink>(s, std::move(pipe.value()), tmp);
      break;
    }
    case AnimationFormat::PngSequence: {
      std::error_code ec;
      const bool created = fs::create_directories(s.out, ec);
      if (ec || !fs::is_directory(s.out))
        return Error{s.out + ": cannot create the folder" + (ec ? ": " + ec.message() : "")};
      if (::access(s.out.c_str(), W_OK) != 0) return Error{s.out + ": cannot write in the folder"};
      w->m_sink = std::make_unique<PngSink>(s, created);
      break;
    }
  }
  w->m_worker = std::thread([raw = w.get()] { raw->run(); });
  return w;
}

// [SECTION] the worker -------------------------------------------------------------------------

AnimationWriter::AnimationWriter(AnimationSpec spec, AnimationFormat format,
                                 std::unique_ptr<detail::FrameSink> sink)
    : m_spec(std::move(spec)), m_format(format), m_sink(std::move(sink)) {}

AnimationWriter::~AnimationWriter() {
  if (!m_finished) cancel();
}

std::string AnimationWriter::error() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_error;
}

void AnimationWriter::fail(const std::string& message) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_error.empty()) m_error = message;
    m_failed = true;
    m_queue.clear();
  }
  m_work.notify_all();
  m_room.notify_all();
}

bool AnimationWriter::accept(std::vector<unsigned char>& rgba, bool wait) {
  const size_t want = size_t(m_spec.width) * m_spec.height * 4;
  if (rgba.size() != want) {
    fail(m_spec.out + ": frame " + std::to_string(m_pushed.load()) + " has " +
         std::to_string(rgba.size()) + " bytes, expected " + std::to_string(m_spec.width) + "×" +
         std::to_string(m_spec.height) + "×4 = " + std::to_string(want));
    return false;
  }
  const size_t cap = static_cast<size_t>(std::clamp(m_spec.queueFrames, 1, 64));
  std::unique_lock<std::mutex> lock(m_mutex);
  const auto stopped = [this] { return m_failed.load() || m_cancelled || m_closed; };
  if (wait) m_room.wait(lock, [&] { return stopped() || m_queue.size() < cap; });
  if (stopped() || m_queue.size() >= cap) return false;
  m_queue.push_back(std::move(rgba));
  ++m_pushed;
  lock.unlock();
  m_work.notify_one();
  return true;
}

bool AnimationWriter::push(std::vector<unsigned char>&& rgba) { return accept(rgba, false); }
bool AnimationWriter::pushWait(std::vector<unsigned char>&& rgba) { return accept(rgba, true); }

void AnimationWriter::close() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_closed = true;
  }
  m_work.notify_all();
  m_room.notify_all();
}

// Nothing leaves this thread but the error message.
void AnimationWriter::run() {
  try {
    for (;;) {
      std::vector<unsigned char> frame;
      {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_work.wait(lock, [this] {
          return m_cancelled || m_failed.load() || m_closed || !m_queue.empty();
        });
        if (m_cancelled || m_failed.load() || m_queue.empty()) break;
        frame = std::move(m_queue.front());
        m_queue.pop_front();
      }
      m_room.notify_all();
      auto wrote = m_sink->write(frame);
      if (!wrote) {
        fail(wrote.error().message);
        break;
      }
      ++m_written;
    }
    bool finishing;
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      finishing = !m_cancelled && !m_failed.load();
    }
    if (finishing)
      if (auto ok = m_sink->complete(); !ok) fail(ok.error().message);
  } catch (const std::exception& e) {
    fail(m_spec.out + ": " + e.what());
  } catch (...) {
    fail(m_spec.out + ": unknown error while encoding");
  }
  m_done = true;
  m_room.notify_all();
}

void AnimationWriter::join() {
  if (m_joined) return;
  if (m_worker.joinable()) m_worker.join();
  m_joined = true;
}

Expected<bool> AnimationWriter::finish() {
  if (m_finished) return true;
  close();
  join();
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_cancelled) return Error{m_spec.out + ": the export was cancelled"};
  }
  if (!m_failed.load()) {
    if (auto ok = m_sink->commit(); !ok) fail(ok.error().message);
  }
  if (m_failed.load()) {
    m_sink->abort();
    return Error{error()};
  }
  m_finished = true;
  return true;
}

void AnimationWriter::cancel() {
  if (m_finished) return;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_cancelled) return;
    m_cancelled = true;
    m_queue.clear();
  }
  m_work.notify_all();
  m_room.notify_all();
  if (!m_joined && m_sink) m_sink->interrupt();
  join();
  if (m_sink) m_sink->abort();
}

}  // namespace ss::ui

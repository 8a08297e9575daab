// Records an animation (the timeline, a training run) frame by frame to an animated GIF, to
// MP4 through ffmpeg, or to a numbered PNG sequence, encoding on a worker thread it owns.
// Any one thread (the UI thread, or the headless CLI) calls push/finish/cancel; the progress
// getters may be called from any thread. Output is atomic: a temp file renamed on finish.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/common/error.h"

namespace ss::ui {

enum class AnimationFormat { Gif, Mp4, PngSequence };

// ".gif" → Gif, ".mp4" → Mp4 (any case); a path ending in '/' or an existing directory →
// PngSequence (frame_0000.png, frame_0001.png … in it); anything else is an error.
Expected<AnimationFormat> animationFormatFor(const std::string& out);
const char* animationFormatName(AnimationFormat format);

// Whether MP4 export can run: `program` is found (on PATH unless it holds a '/').
bool ffmpegAvailable(const std::string& program = "ffmpeg");

struct AnimationSpec {
  std::string out;  // file (.gif, .mp4) or directory (PNG sequence)
  int width = 0;    // pixels, 1..16384
  int height = 0;
  double fps = 30;   // GIF: at most 50 (delays are in 1/100 s; 2 is the least players honour)
  bool loop = true;  // GIF: repeat forever (NETSCAPE2.0 extension); once otherwise
  std::array<unsigned char, 3> background{255, 255, 255};  // GIF, MP4: alpha composited onto it
  std::string ffmpeg = "ffmpeg";                           // the program MP4 export runs
  int queueFrames = 4;  // frames push() may hold before it refuses one
};

namespace detail {
class FrameSink;
}

class AnimationWriter {
 public:
  // Validates the spec (size, fps, format, ffmpeg present for MP4, output directory) and
  // creates the temp output (or starts ffmpeg), so most failures show here, before any frame.
  static Expected<std::unique_ptr<AnimationWriter>> open(const AnimationSpec& spec);
  ~AnimationWriter();  // cancel() unless finished
  AnimationWriter(const AnimationWriter&) = delete;
  AnimationWriter& operator=(const AnimationWriter&) = delete;

  // Hands one frame (width×height×4 bytes RGBA, straight alpha, top row first) to the worker.
  // Never blocks for long: false when the queue is full (try again next UI frame) and when the
  // writer failed, was cancelled or closed (see failed()). rgba is moved from only when taken.
  // A frame of the wrong size fails the writer.
  bool push(std::vector<unsigned char>&& rgba);
  // Waits for room instead; false only when the writer failed, was cancelled or closed.
  bool pushWait(std::vector<unsigned char>&& rgba);

  // No more frames: the worker encodes what is queued, then finishes the file. Returns at once.
  void close();
  // Whether the worker is through (after close(), cancel() or a failure): finish() won't block.
  bool done() const { return m_done.load(); }
  // close(), waits for the worker, and gives the output its final name (nothing appears there
  // before). The first error, if any; then no output is left behind.
  Expected<bool> finish();
  // Stops the worker (killing ffmpeg), removes the temp file, or for a PNG sequence the frames
  // written so far. A file already at a GIF's or MP4's final path is left as it was.
  void cancel();

  int framesPushed() const { return m_pushed.load(); }
  int framesWritten() const { return m_written.load(); }  // encoded, for a progress bar
  bool failed() const { return m_failed.load(); }
  std::string error() const;
  AnimationFormat format() const { return m_format; }
  const AnimationSpec& spec() const { return m_spec; }

 private:
  AnimationWriter(AnimationSpec spec, AnimationFormat format,
                  std::unique_ptr<detail::FrameSink> sink);
  bool accept(std::vector<unsigned char>& rgba, bool wait);
  void run();
  void join();
  void fail(const std::string& message);

  const AnimationSpec m_spec;
  const AnimationFormat m_format;
  std::unique_ptr<detail::FrameSink> m_sink;  // used by the worker only, until it is joined

  mutable std::mutex m_mutex;  // guards the queue, the flags below and m_error
  std::condition_variable m_work, m_room;
  std::deque<std::vector<unsigned char>> m_queue;
  bool m_closed = false, m_cancelled = false;
  std::string m_error;
  std::atomic<bool> m_failed{false}, m_done{false};
  std::atomic<int> m_pushed{0}, m_written{0};
  bool m_joined = false;    // caller thread only
  bool m_finished = false;  // committed to the final path
  std::thread m_worker;     // last: starts after the members above exist
};

}  // namespace ss::ui

// Encodes MP4 (H.264, yuv420p) by piping raw RGB frames into an ffmpeg child process; its
// messages go to a log file whose tail becomes the error. start/write/close from one thread
// (write blocks SIGPIPE around itself, so a dead ffmpeg is an error, not a dead app);
// kill() from any thread, to unblock a write when the export is cancelled.
#pragma once

#include <sys/types.h>

#include <memory>
#include <mutex>
#include <string>

#include "core/common/error.h"

namespace ss::ui {

// The executable `program` names: itself when it holds a '/', else the first match on PATH;
// empty when there is none.
std::string findProgram(const std::string& program);

class FfmpegPipe {
 public:
  // width and height must be even (yuv420p); out is written as MP4 whatever its extension.
  static Expected<std::unique_ptr<FfmpegPipe>> start(const std::string& program,
                                                     const std::string& out, int width, int height,
                                                     double fps);
  ~FfmpegPipe();  // kills a process still running and waits for it
  FfmpegPipe(const FfmpegPipe&) = delete;
  FfmpegPipe& operator=(const FfmpegPipe&) = delete;

  Expected<bool> write(const unsigned char* data, size_t bytes);
  // Ends the input and waits for ffmpeg to finish the file.
  Expected<bool> close();
  void kill();

 private:
  FfmpegPipe(pid_t pid, int fd, std::string log);
  Error failure(const std::string& what) const;
  Expected<bool> finish();
  int wait();

  std::mutex m_pidMutex;  // kill() never signals a pid wait() has reaped
  pid_t m_pid;
  int m_fd;
  std::string m_log;
};

}  // namespace ss::ui

#include "ui/export/ffmpeg_pipe.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

extern char** environ;

namespace ss::ui {

namespace {

bool executable(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::string fpsText(double fps) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", fps);
  return buf;
}

// The last few lines of ffmpeg's log, for an error message.
std::string tail(const std::string& path) {
  std::ifstream in(path);
  std::string line, text;
  std::vector<std::string> lines;
  while (std::getline(in, line))
    if (!line.empty()) lines.push_back(line);
  const size_t from = lines.size() > 4 ? lines.size() - 4 : 0;
  for (size_t i = from; i < lines.size(); ++i) text += (text.empty() ? "" : " | ") + lines[i];
  return text;
}

// Blocks SIGPIPE in this thread while writing to the pipe; a SIGPIPE raised meanwhile is
// consumed before the old mask comes back, so it is never delivered.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigemptyset(&m_pipe);
    sigaddset(&m_pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &m_pipe, &m_old);
  }
  ~SigpipeBlock() { pthread_sigmask(SIG_SETMASK, &m_old, nullptr); }
  void consume() {
    const timespec zero{0, 0};
    ::sigtimedwait(&m_pipe, nullptr, &zero);
  }

 private:
  sigset_t m_pipe, m_old;
};

}  // namespace

std::string findProgram(const std::string& program) {
  if (program.empty()) return {};
  if (program.find('/') != std::string::npos) return executable(program) ? program : "";
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    if (executable(candidate)) return candidate;
  }
  return {};
}

Expected<std::unique_ptr<FfmpegPipe>> FfmpegPipe::start(const std::string& program,
                                                        const std::string& out, int width,
                                                        int height, double fps) {
  const std::string exe = findProgram(program);
  if (exe.empty())
    return Error{"MP4 export needs '" + program +
                 "', which is not installed (not on PATH): export a GIF or a PNG sequence"};
  const std::string size = std::to_string(width) + "x" + std::to_string(height);
  const std::string rate = fpsText(fps);
  std::vector<std::string> args = {
      exe,         "-hide_banner", "-loglevel", "error",      "-y",   "-f", "rawvideo", "-pix_fmt",
      "rgb24",     "-s",           size,        "-framerate", rate,   "-i", "-",        "-an",
      "-c:v",      "libx264",      "-preset",   "medium",     "-crf", "18", "-pix_fmt", "yuv420p",
      "-movflags", "+faststart",   "-f",        "mp4",        out};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    return Error{std::string("cannot create a pipe: ") + std::strerror(errno)};
  const std::string log = out + ".log";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[0], 0);  // dup2 clears close-on-exec
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  // The child starts with no blocked signals and SIGPIPE at its default, whatever the caller had.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, pipe;
  sigemptyset(&none);
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &pipe);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, exe.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(fds[0]);
  if (rc != 0) {
    ::close(fds[1]);
    ::unlink(log.c_str());
    return Error{"cannot start " + exe + ": " + std::strerror(rc)};
  }
  return std::unique_ptr<FfmpegPipe>(new FfmpegPipe(pid, fds[1], log));
}

FfmpegPipe::FfmpegPipe(pid_t pid, int fd, std::string log)
    : m_pid(pid), m_fd(fd), m_log(std::move(log)) {}

FfmpegPipe::~FfmpegPipe() {
  kill();
  if (m_fd >= 0) ::close(m_fd);
  wait();
  ::unlink(m_log.c_str());
}

void FfmpegPipe::kill() {
  std::lock_guard<std::mutex> lock(m_pidMutex);
  if (m_pid > 0) ::kill(m_pid, SIGKILL);
}

int FfmpegPipe::wait() {
  pid_t pid = 0;
  {
    std::lock_guard<std::mutex> lock(m_pidMutex);
    std::swap(pid, m_pid);
  }
  if (pid <= 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return status;
}

Error FfmpegPipe::failure(const std::string& what) const {
  const std::string log = tail(m_log);
  return Error{"ffmpeg " + what + (log.empty() ? "" : ": " + log)};
}

Expected<bool> FfmpegPipe::close() {
  auto result = finish();
  ::unlink(m_log.c_str());  // read by then, into the error if there is one
  return result;
}

Expected<bool> FfmpegPipe::write(const unsigned char* data, size_t bytes) {
  if (m_fd < 0) return Error{"ffmpeg: write after the end"};
  SigpipeBlock block;
  while (bytes > 0) {
    const ssize_t n = ::write(m_fd, data, bytes);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int e = errno;
      if (e == EPIPE) {
        block.consume();
        ::close(m_fd);
        m_fd = -1;
        const int status = wait();
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) return Error{"ffmpeg was stopped"};
        return failure("quit while reading frames (exit status " +
                       std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
      }
      return Error{std::string("cannot write to ffmpeg: ") + std::strerror(e)};
    }
    data += n;
    bytes -= static_cast<size_t>(n);
  }
  return true;
}

Expected<bool> FfmpegPipe::finish() {
  if (m_fd >= 0) ::close(m_fd);
  m_fd = -1;
  const int status = wait();
  if (status == -1) return Error{"ffmpeg: lost the process"};
  if (WIFSIGNALED(status))
    return failure("was stopped by signal " + std::to_string(WTERMSIG(status)));
  if (WEXITSTATUS(status) != 0)
    return failure("failed (exit status " + std::to_string(WEXITSTATUS(status)) + ")");
  return true;
}

}  // namespace ss::ui

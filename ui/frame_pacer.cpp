#include "ui/frame_pacer.h"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <atomic>

#include "core/common/latest.h"

namespace ss::ui {

namespace {

constexpr double kBackgroundFps = 10;  // redraws driven only by workers publishing, at most
// ... and such redraws take at most this share of the time (a frame drawn in software can
// take tens of milliseconds, all of it CPU the workers would have had).
constexpr double kBackgroundDuty = 0.08;
// Playback's frames while the user's work computes take at most this share of the time.
constexpr double kWorkingAnimationDuty = 1.0 / 3.0;
constexpr double kIdleSeconds = 2.0;  // the longest a still window sleeps
constexpr int kSettleFrames = 3;      // full-rate frames after input (hover, popups, drags)

// Set by a publish, cleared when a frame begins: one empty event pending at a time.
std::atomic<bool> g_published{false};

void wakeOnPublish() {
  if (!g_published.exchange(true)) glfwPostEmptyEvent();
}

}  // namespace

FramePacer::FramePacer(double maxFps, bool software, bool immediate)
    : m_maxFps(maxFps > 0 ? maxFps
               : software ? 30.0
                          : 60.0),
      m_immediate(immediate) {
  setPublishListener(&wakeOnPublish);
}

FramePacer::~FramePacer() { setPublishListener(nullptr); }

void FramePacer::waitForFrame(bool animating, bool interacting, bool working) {
  ++m_frames;
  if (m_last > 0) m_lastFrameSeconds = glfwGetTime() - m_last;  // the frame just drawn
  if (m_immediate) {
    glfwPollEvents();
    m_last = glfwGetTime();
    return;
  }
  const bool fast = animating || interacting || m_settle > 0;
  if (m_settle > 0) --m_settle;
  for (;;) {
    const double now = glfwGetTime();
    if (fast || g_published.load()) {
      // Due at the cap's pace; input during the wait is handled in that frame. Input keeps
      // the full rate: only playback yields to the work.
      const bool yieldToWork = working && !interacting && m_settle == 0;
      const double due =
          m_last + (fast ? std::max(1.0 / m_maxFps,
                                    yieldToWork ? m_lastFrameSeconds / kWorkingAnimationDuty : 0.0)
                         : std::max(1.0 / kBackgroundFps, m_lastFrameSeconds / kBackgroundDuty));
      if (now >= due) break;
      glfwWaitEventsTimeout(due - now);
      continue;
    }
    glfwWaitEventsTimeout(kIdleSeconds);
    const bool woken = glfwGetTime() - now < 0.95 * kIdleSeconds;
    if (!woken) break;                 // the once-a-second frame
    if (g_published.load()) continue;  // a worker: at the background pace
    m_settle = kSettleFrames;          // input: draw now, and a few frames after
    break;
  }
  g_published.store(false);
  glfwPollEvents();
  m_last = glfwGetTime();
}

}  // namespace ss::ui

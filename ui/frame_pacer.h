// When the GUI draws: on demand. A still window sleeps in glfwWaitEventsTimeout until input
// arrives or a worker publishes something new (every LatestBox publish posts an empty GLFW
// event, at most one pending at a time), so background work gets the CPU. Frames come:
//   - at up to `maxFps` while something animates (playback, a recording) or the user is
//     interacting (a widget held, text input), and for a few frames after any input; while
//     the user's work runs (training, a reverse run) playback's frames take at most a third
//     of the time, so a software-drawn animation does not starve the work it shows;
//   - at up to 10 a second when only workers wake it (a run's progress, a training curve),
//     and no more often than keeps those frames under 15 % of the time;
//   - every 2 seconds otherwise (nothing changes).
// Smoke tests and the frame-time benchmark draw every frame without waiting. UI thread.
#pragma once

namespace ss::ui {

class FramePacer {
 public:
  // `maxFps` ≤ 0: 60, or 30 on a software OpenGL renderer (`software`).
  FramePacer(double maxFps, bool software, bool immediate);
  ~FramePacer();
  FramePacer(const FramePacer&) = delete;
  FramePacer& operator=(const FramePacer&) = delete;

  // Waits until the next frame is due, then polls events. `animating`: the view changes by
  // itself; `interacting`: the user holds a widget or types; `working`: training or a run
  // the user started is computing.
  void waitForFrame(bool animating, bool interacting, bool working = false);

  double maxFps() const { return m_maxFps; }
  int framesDrawn() const { return m_frames; }

 private:
  double m_maxFps;
  bool m_immediate;
  double m_last = 0;              // when the last frame began (glfwGetTime)
  double m_lastFrameSeconds = 0;  // how long the last frame took to draw
  int m_settle = 0;               // frames still to draw at full rate after input
  int m_frames = 0;
};

}  // namespace ss::ui

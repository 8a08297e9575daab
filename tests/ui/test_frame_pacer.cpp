// Tier 3: the GUI draws on demand (ui/frame_pacer.h). A still window sleeps; a worker's
// publish wakes it; animation comes at its capped rate; smoke tests never wait. The bounds
// are loose on purpose (a loaded machine only makes a wait longer): each asserts which way
// the pacer went, not its timing.
#include <gtest/gtest.h>

#include "tests/ui/offscreen_test.h"

#include <GLFW/glfw3.h>

#include <chrono>
#include <memory>
#include <thread>

#include "core/common/latest.h"
#include "ui/frame_pacer.h"

using namespace ss;
using Clock = std::chrono::steady_clock;

namespace {

class FramePacing : public ss::test::OffscreenTest {
 protected:
  static double secondsOf(const std::function<void()>& f) {
    const auto start = Clock::now();
    f();
    return std::chrono::duration<double>(Clock::now() - start).count();
  }
};

TEST_F(FramePacing, AStillWindowSleepsUntilAWorkerPublishes) {
  ui::FramePacer pacer(60, false, false);
  // The first frames (and any window-system events the hidden window still gets).
  for (int i = 0; i < 5; ++i) pacer.waitForFrame(false, false);
  // Nothing changes: the next frame waits for the idle timeout (2 s).
  EXPECT_GT(secondsOf([&] { pacer.waitForFrame(false, false); }), 0.5);
  // A publish from a worker thread wakes it at the background pace (10 frames a second).
  LatestBox<int> box;
  std::thread worker([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    box.publish(std::make_shared<const int>(1));
  });
  const double woken = secondsOf([&] { pacer.waitForFrame(false, false); });
  worker.join();
  EXPECT_LT(woken, 0.9) << "a publish must wake the window before its idle timeout";
}

TEST_F(FramePacing, AnimationRunsAtTheCapAndSmokeTestsNeverWait) {
  ui::FramePacer pacer(20, false, false);  // 20 frames a second: 50 ms apart
  pacer.waitForFrame(true, false);
  const double frames = secondsOf([&] {
    for (int i = 0; i < 5; ++i) pacer.waitForFrame(true, false);
  });
  EXPECT_GT(frames, 0.2) << "five animated frames at 20 fps take about 250 ms";
  EXPECT_LT(frames, 0.9) << "animation must not wait for the idle timeout";
  ui::FramePacer immediate(20, false, true);
  EXPECT_LT(secondsOf([&] {
              for (int i = 0; i < 5; ++i) immediate.waitForFrame(false, false);
            }),
            0.5);
}

TEST(FramePacerRate, SoftwareOpenGlCapsAt30AndAnExplicitRateWins) {
  EXPECT_EQ(ui::FramePacer(0, true, true).maxFps(), 30);
  EXPECT_EQ(ui::FramePacer(0, false, true).maxFps(), 60);
  EXPECT_EQ(ui::FramePacer(45, true, true).maxFps(), 45);
}

}  // namespace

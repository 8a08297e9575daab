// Worker threads and the CPU: a thread marked with lowerCurrentThreadPriority takes the current
// WorkerPriority (Share: nice +10; Yield: SCHED_IDLE) and follows later changes while it runs;
// threads started later take the new one. Linux only (elsewhere the calls are no-ops).
#include <gtest/gtest.h>

#ifdef __linux__
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/common/runtime.h"

namespace {

struct Seen {
  int policy = -1;
  int nice = 0;
};

// Runs `f` on a new worker thread that reports its scheduling policy and nice value after
// each `check` request (the main thread changes the priority between checks).
class Probe {
 public:
  Probe() {
    m_thread = std::thread([this] {
      ss::lowerCurrentThreadPriority();
      m_tid = static_cast<pid_t>(syscall(SYS_gettid));
      m_ready = true;
      while (!m_stop) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    });
    while (!m_ready) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Probe() {
    m_stop = true;
    m_thread.join();
  }
  Seen seen() const {  // read from outside: the kernel answers for any thread id
    errno = 0;
    return {sched_getscheduler(m_tid), getpriority(PRIO_PROCESS, static_cast<id_t>(m_tid))};
  }

 private:
  std::atomic<bool> m_ready{false}, m_stop{false};
  std::atomic<pid_t> m_tid{0};
  std::thread m_thread;
};

}  // namespace

TEST(WorkerPriority, WorkersFollowShareAndYieldLive) {
  ASSERT_EQ(ss::workerPriority(), ss::WorkerPriority::Share);  // the CLI's default
  Probe first;
  EXPECT_EQ(first.seen().policy, SCHED_OTHER);
  EXPECT_EQ(first.seen().nice, 10);
  ss::setWorkerPriority(ss::WorkerPriority::Yield);
  EXPECT_EQ(ss::workerPriority(), ss::WorkerPriority::Yield);
  EXPECT_EQ(first.seen().policy, SCHED_IDLE) << "a running worker follows the change";
  {
    Probe later;
    EXPECT_EQ(later.seen().policy, SCHED_IDLE) << "a worker started later takes it";
    EXPECT_EQ(later.seen().nice, 10) << "at nice +10, so RLIMIT_NICE >= 10 lets it back";
  }  // ended: the registry lets go of its id
  Probe startedYielding;
  const int refused = ss::setWorkerPriority(ss::WorkerPriority::Share);
  // Leaving SCHED_IDLE at nice 10 needs CAP_SYS_NICE or RLIMIT_NICE ≥ 10 (Linux's
  // can_nice); without them the running worker stays idle-class (new ones share).
  rlimit lim{};
  getrlimit(RLIMIT_NICE, &lim);
  if (geteuid() == 0 || lim.rlim_cur >= 10) {
    EXPECT_EQ(refused, 0);
    for (const Probe* p : {&first, &startedYielding}) {
      EXPECT_EQ(p->seen().policy, SCHED_OTHER);
      EXPECT_EQ(p->seen().nice, 10);
    }
  } else {
    EXPECT_EQ(refused, 2) << "both running workers stay idle-class, and it says so";
  }
  {
    Probe later;
    EXPECT_EQ(later.seen().policy, SCHED_OTHER);
    EXPECT_EQ(later.seen().nice, 10);
  }
  // The calling (non-worker) thread is never touched.
  EXPECT_EQ(sched_getscheduler(0), SCHED_OTHER);
}
#endif

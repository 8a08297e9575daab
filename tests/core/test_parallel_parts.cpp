// The hand-made parallel splits (core/common/parallel_parts.h): runInChunks hands every index
// of [0, n) to exactly one chunk, whatever the threads; shares started by a background
// worker run at the worker's priority, so a GUI run's second core never outranks the window.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "core/common/parallel_parts.h"
#include "core/common/runtime.h"

TEST(ParallelParts, ChunksCoverEveryIndexOnce) {
  for (int64_t n : {0, 1, 63, 64, 1000, 20001})
    for (int64_t chunk : {1, 64, 700})
      for (int threads : {1, 2, 4}) {
        std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
        std::atomic<int64_t> calls{0};
        ss::runInChunks(n, chunk, threads, [&](int64_t begin, int64_t end) {
          EXPECT_LT(begin, end);
          EXPECT_LE(end - begin, chunk);
          for (int64_t i = begin; i < end; ++i) hits[static_cast<size_t>(i)]++;
          calls++;
        });
        for (int64_t i = 0; i < n; ++i)
          ASSERT_EQ(hits[static_cast<size_t>(i)].load(), 1) << "n " << n << " index " << i;
        EXPECT_EQ(calls.load(), (n + chunk - 1) / chunk);
      }
}

TEST(ParallelParts, ExceptionsReachTheCaller) {
  EXPECT_THROW(ss::runInChunks(1000, 10, 2,
                               [](int64_t begin, int64_t) {
                                 if (begin == 500) throw std::runtime_error("chunk 50");
                               }),
               std::runtime_error);
}

#ifdef __linux__
TEST(ParallelParts, SharesStartedByAWorkerTakeItsPriority) {
  ASSERT_EQ(ss::workerPriority(), ss::WorkerPriority::Share);  // nice +10
  std::mutex mutex;
  std::set<pid_t> others;  // threads other than the worker that ran a share
  bool allLowered = true;
  std::thread worker([&] {
    ss::lowerCurrentThreadPriority();
    const auto self = static_cast<pid_t>(syscall(SYS_gettid));
    ss::runInParts(4, 4, [&](int64_t, int64_t, int64_t) {
      const auto tid = static_cast<pid_t>(syscall(SYS_gettid));
      std::lock_guard lock(mutex);
      if (tid == self) return;
      others.insert(tid);
      allLowered &= ss::currentThreadIsWorker() && getpriority(PRIO_PROCESS, 0) == 10;
    });
  });
  worker.join();
  ASSERT_FALSE(others.empty()) << "shares 1..3 run on LibTorch's pool";
  EXPECT_TRUE(allLowered) << "a pool thread ran a worker's share at the window's priority";
  EXPECT_FALSE(ss::currentThreadIsWorker()) << "the test's own thread is not a worker";
}
#endif

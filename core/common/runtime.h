// Device choice and runtime facts (LibTorch version, CUDA availability, thread count)
// behind a torch-free header, so the app and ui can report them without LibTorch.
// Any thread.
#pragma once

#include <cstdint>
#include <string>

#include "core/common/error.h"
#include "core/common/non_copyable.h"

namespace ss {

enum class DeviceChoice { Auto, Cpu, Cuda };

// "auto" | "cpu" | "cuda"; anything else is an error naming the valid choices.
Expected<DeviceChoice> parseDeviceChoice(const std::string& text);

// The device a choice resolves to on this build and machine ("cpu", "cuda:0"):
// Auto = CUDA when the linked LibTorch has it and a GPU is visible, else CPU; Cuda without
// CUDA is an error that says which LibTorch is linked.
Expected<std::string> resolveDevice(DeviceChoice choice);

// The environment variable `name` when it holds a positive integer, else `fallback`: the
// developer knobs (SCORESCOPE_SCORE_CHUNK, SCORESCOPE_TRAIN_CHUNK) read once by their users.
int64_t envPositiveInt(const char* name, int64_t fallback);

std::string torchVersion();  // e.g. "1.13.0"
bool torchHasCuda();         // CUDA compiled in and a device visible
std::string appVersion();    // ScoreScope's version

// LibTorch intra-op threads; 0 leaves LibTorch's default. On a 2-core machine the
// default (1 when ≤ 2 cores) leaves the UI a core.
void setComputeThreads(int threads);
int defaultComputeThreads();

// Threads the project's own kernels split one call across (the exact empirical score,
// parallel_parts.h's runInChunks): every core by default, since their shares take work in
// chunks (a share the window preempts holds nobody up) and, started by a worker, run at the
// worker's priority. An explicit --threads sets it too; n ≤ 0 restores the default.
void setKernelThreads(int threads);
int kernelThreads();

// Sets OpenBLAS (when it is the BLAS) to one thread for the guard's life, if it had more:
// the hand-written data-parallel paths (training step, inference) split rows across
// LibTorch's pool themselves, and OpenBLAS's own pool would fight them.
class OpenBlasSingleThreaded : NonCopyable {
 public:
  OpenBlasSingleThreaded();
  ~OpenBlasSingleThreaded();

 private:
  void (*m_set)(int) = nullptr;
  int m_prev = 1;
};

// How background workers (training, sampling, fields) share the CPU with the UI thread and
// the OpenGL driver's threads. Share: nice +10, a smaller but steady share. Yield: Linux's
// SCHED_IDLE, they run only on CPU time nothing else wants; with software OpenGL on few
// cores the display keeps its frame rate while the workers slow down (bench/README.md, UI
// frame times), with a GPU drawing the frames they lose next to nothing. The CLI's workers
// default to Share, the GUI to Yield (View menu, --workers).
enum class WorkerPriority { Share, Yield };
// Applies to every worker thread running now and to those started later. Thread-safe.
// Returns how many running workers could not be changed: Linux lets a thread leave
// SCHED_IDLE (back to Share at nice +10) only with CAP_SYS_NICE or RLIMIT_NICE ≥ 10, so
// without them those stay idle-class until they end. Threads a worker starts itself
// (LibTorch's intra-op pool) take its class when created and do not follow later changes.
int setWorkerPriority(WorkerPriority p);
WorkerPriority workerPriority();

// Marks the calling thread as a background worker for the rest of its life: it takes the
// current WorkerPriority (and follows later changes). A no-op where unsupported.
void lowerCurrentThreadPriority();
bool currentThreadIsWorker();  // lowerCurrentThreadPriority ran on this thread

// Test hook for "the UI never waits on a worker": with a delay set, every background worker
// (the trainer before each training step; the data, field, run, probe and image workers
// before each request) sleeps that long, as on a very slow machine. Set by
// setWorkerDelayMs or, read once, the environment variable SCORESCOPE_WORKER_DELAY_MS;
// 0 (the default) costs one relaxed atomic load per call.
void setWorkerDelayMs(int ms);
void workerDelayPoint();  // worker threads: sleeps the set delay (if any)

}  // namespace ss

#include "core/common/runtime.h"

#include <torch/torch.h>
#include <torch/version.h>

#include <dlfcn.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace ss {

Expected<DeviceChoice> parseDeviceChoice(const std::string& text) {
  if (text == "auto") return DeviceChoice::Auto;
  if (text == "cpu") return DeviceChoice::Cpu;
  if (text == "cuda") return DeviceChoice::Cuda;
  return Error{"unknown device '" + text + "': choose auto, cpu or cuda"};
}

bool torchHasCuda() { return torch::cuda::is_available(); }

Expected<std::string> resolveDevice(DeviceChoice choice) {
  switch (choice) {
    case DeviceChoice::Cpu:
      return std::string("cpu");
    case DeviceChoice::Auto:
      return std::string(torchHasCuda() ? "cuda:0" : "cpu");
    case DeviceChoice::Cuda:
      if (torchHasCuda()) return std::string("cuda:0");
      return Error{"--device cuda: the linked LibTorch " + torchVersion() +
                   " has no usable CUDA device (see README, 'Using a CUDA LibTorch')"};
  }
  return Error{"unknown device choice"};
}

std::string torchVersion() { return TORCH_VERSION; }

std::string appVersion() { return SCORESCOPE_VERSION; }

int defaultComputeThreads() {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return cores <= 2 ? 1 : static_cast<int>(cores - 1);
}

namespace {
std::atomic<int> g_kernelThreads{0};  // 0: every core
}  // namespace

void setKernelThreads(int threads) {
  g_kernelThreads.store(std::max(threads, 0), std::memory_order_relaxed);
}

int kernelThreads() {
  const int n = g_kernelThreads.load(std::memory_order_relaxed);
  return n > 0 ? n : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

void setComputeThreads(int threads) {
  if (threads <= 0) return;
  torch::set_num_threads(threads);
  // LibTorch's matrix products go through the system BLAS. OpenBLAS keeps a thread pool of
  // its own that fights LibTorch's (and the UI) for the cores; size it the same. Looked up
  // at run time so any BLAS (or none) links.
  using SetThreads = void (*)(int);
  if (auto f = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
    f(threads);
}

OpenBlasSingleThreaded::OpenBlasSingleThreaded() {
  using Get = int (*)();
  using Set = void (*)(int);
  static const auto get = reinterpret_cast<Get>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  static const auto set = reinterpret_cast<Set>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  if (get && set && (m_prev = get()) > 1) {
    m_set = set;
    m_set(1);
  }
}

OpenBlasSingleThreaded::~OpenBlasSingleThreaded() {
  if (m_set) m_set(m_prev);
}

namespace {

// Never destroyed: a worker thread may end after static destruction began.
struct WorkerRegistry {
  std::mutex mutex;
  std::vector<pid_t> threads;  // live worker threads
  WorkerPriority priority = WorkerPriority::Share;
};
WorkerRegistry& registry() {
  static auto* r = new WorkerRegistry;
  return *r;
}

// Best effort: false when the thread could not be given `p` (not permitted, or gone). Nice
// +10 comes first in both: a Yield worker at nice 10 may go back to Share with RLIMIT_NICE ≥ 10.
bool applyPriority([[maybe_unused]] pid_t tid, [[maybe_unused]] WorkerPriority p) {
#ifdef __linux__
  sched_param none{};
  const bool niced = setpriority(PRIO_PROCESS, static_cast<id_t>(tid), 10) == 0;
  if (p == WorkerPriority::Yield) return sched_setscheduler(tid, SCHED_IDLE, &none) == 0;
  return sched_setscheduler(tid, SCHED_OTHER, &none) == 0 && niced;
#else
  return true;
#endif
}

// Removes the thread from the registry when it ends (its id may be reused by another thread).
struct WorkerRegistration {
  pid_t tid = 0;
  ~WorkerRegistration() {
    if (tid == 0) return;
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    std::erase(r.threads, tid);
  }
};

}  // namespace

int setWorkerPriority(WorkerPriority p) {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  if (p == r.priority) return 0;
  r.priority = p;
  int refused = 0;
  for (pid_t tid : r.threads) refused += applyPriority(tid, p) ? 0 : 1;
  return refused;
}

WorkerPriority workerPriority() {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  return r.priority;
}

namespace {
thread_local bool t_isWorker = false;
}  // namespace

bool currentThreadIsWorker() { return t_isWorker; }

void lowerCurrentThreadPriority() {
  t_isWorker = true;
#ifdef __linux__
  thread_local WorkerRegistration registration;
  const auto tid = static_cast<pid_t>(syscall(SYS_gettid));
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  if (registration.tid == 0) {
    registration.tid = tid;
    r.threads.push_back(tid);
  }
  (void)applyPriority(tid, r.priority);
#endif
}

namespace {
std::atomic<int> g_workerDelayMs{-1};  // -1: not read from the environment yet
}  // namespace

int64_t envPositiveInt(const char* name, int64_t fallback) {
  if (const char* env = std::getenv(name)) {
    const long long v = std::strtoll(env, nullptr, 10);
    if (v > 0) return static_cast<int64_t>(v);
  }
  return fallback;
}

void setWorkerDelayMs(int ms) { g_workerDelayMs.store(std::max(ms, 0), std::memory_order_relaxed); }

void workerDelayPoint() {
  int ms = g_workerDelayMs.load(std::memory_order_relaxed);
  if (ms < 0) {
    const char* env = std::getenv("SCORESCOPE_WORKER_DELAY_MS");
    ms = env ? std::max(std::atoi(env), 0) : 0;
    int expected = -1;
    if (!g_workerDelayMs.compare_exchange_strong(expected, ms, std::memory_order_relaxed))
      ms = expected;
  }
  if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

}  // namespace ss

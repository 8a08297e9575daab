// RequestWorker<Request, Result>: one worker thread that computes the newest request and
// publishes results through a LatestBox. request() replaces any pending request (the
// newest wins); the running computation may publish intermediate results and stop early
// when superseded(); an exception from it becomes lastError() and leaves the last
// published result in place, so bad input never loses the current scene. The data, field
// and run workers of core/scene are built on it. Torch-free. request/latest/lastError/busy
// from any thread without waiting on the computation; waitIdle blocks (command line, tests).
#pragma once

#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <utility>

#include "core/common/latest.h"
#include "core/common/runtime.h"

namespace ss {

template <class Request, class Result>
class RequestWorker {
 public:
  // Runs on the worker thread for each request taken; publishes with publish().
  using Compute = std::function<void(Request&, RequestWorker&)>;

  explicit RequestWorker(Compute compute)
      : m_compute(std::move(compute)), m_thread([this](std::stop_token st) { loop(st); }) {}
  ~RequestWorker() {
    m_thread.request_stop();
    m_cv.notify_all();
  }
  RequestWorker(const RequestWorker&) = delete;
  RequestWorker& operator=(const RequestWorker&) = delete;

  void request(Request r) {
    {
      std::lock_guard lock(m_mutex);
      m_pending = std::move(r);
    }
    m_cv.notify_all();
  }
  std::shared_ptr<const Result> latest(uint64_t* version = nullptr) const {
    return m_box.latest(version);
  }
  std::string lastError() const {
    std::lock_guard lock(m_mutex);
    return m_lastError;
  }
  bool busy() const {
    std::lock_guard lock(m_mutex);
    return m_running || m_pending.has_value();
  }
  bool waitIdle(std::chrono::milliseconds timeout) const {
    std::unique_lock lock(m_mutex);
    return m_cv.wait_for(lock, timeout, [&] { return !m_running && !m_pending; });
  }

  // For the computation (worker thread): publish a result; has a newer request (or the
  // destructor) made this one moot?
  void publish(std::shared_ptr<const Result> result) { m_box.publish(std::move(result)); }
  bool superseded() const {
    if (m_stop.stop_requested()) return true;
    std::lock_guard lock(m_mutex);
    return m_pending.has_value();
  }

 private:
  void loop(std::stop_token stop) {
    m_stop = stop;
    lowerCurrentThreadPriority();  // the UI thread comes first
    for (;;) {
      Request req;
      {
        std::unique_lock lock(m_mutex);
        if (!m_cv.wait(lock, stop, [&] { return m_pending.has_value(); })) return;
        req = std::move(*m_pending);
        m_pending.reset();
        m_running = true;
        m_lastError.clear();
      }
      std::string error;
      try {
        workerDelayPoint();  // a test hook (a very slow worker); no-op by default
        m_compute(req, *this);
      } catch (const std::exception& e) {
        error = e.what();
        if (error.empty()) error = "unknown error";
      } catch (...) {
        error = "unknown error";
      }
      {
        std::lock_guard lock(m_mutex);
        m_running = false;
        m_lastError = std::move(error);
      }
      m_cv.notify_all();
    }
  }

  Compute m_compute;
  LatestBox<Result> m_box;
  mutable std::mutex m_mutex;
  mutable std::condition_variable_any m_cv;
  std::optional<Request> m_pending;
  bool m_running = false;
  std::string m_lastError;
  std::stop_token m_stop;  // the worker thread's; read by superseded() on that thread
  std::jthread m_thread;   // last: starts once everything above exists
};

// A worker's computation with a cache of its own: `Cache` is made once here and handed to
// `compute` with every request, so it lives exactly as long as the worker whose thread uses
// it. A worker's constructor is then `Worker() : RequestWorker(withCache(computeWorker)) {}`.
template <class Request, class Result, class Cache>
typename RequestWorker<Request, Result>::Compute withCache(
    void (*compute)(Request&, RequestWorker<Request, Result>&, Cache&)) {
  return [compute, cache = std::make_shared<Cache>()](
             Request& req, RequestWorker<Request, Result>& w) { compute(req, w, *cache); };
}

}  // namespace ss

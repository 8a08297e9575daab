// LatestBox<T>: a "latest value" mailbox between one producer thread and any number of
// readers. The producer publishes immutable values; readers take the newest one and a
// version counter, never waiting longer than a shared_ptr swap. Torch-free. Any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>

namespace ss {

// Called after every publish of every LatestBox, on the publishing thread: the GUI sets it
// to wake its frame loop (a still window sleeps until input arrives or a worker has
// something new). Null (the default): nothing. The listener must be thread-safe and cheap.
using PublishListener = void (*)();
void setPublishListener(PublishListener listener);
void notifyPublished();

template <class T>
class LatestBox {
 public:
  void publish(std::shared_ptr<const T> value) {
    {
      std::lock_guard lock(m_mutex);
      m_value = std::move(value);
      ++m_version;
    }
    notifyPublished();
  }
  // The newest value (may be null before the first publish); *version receives its
  // version, which grows by one per publish.
  std::shared_ptr<const T> latest(std::uint64_t* version = nullptr) const {
    std::lock_guard lock(m_mutex);
    if (version) *version = m_version;
    return m_value;
  }
  std::uint64_t version() const {
    std::lock_guard lock(m_mutex);
    return m_version;
  }

 private:
  mutable std::mutex m_mutex;
  std::shared_ptr<const T> m_value;
  std::uint64_t m_version = 0;
};

}  // namespace ss

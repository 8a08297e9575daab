#include "core/common/latest.h"

#include <atomic>

namespace ss {

namespace {
std::atomic<PublishListener> g_listener{nullptr};
}  // namespace

void setPublishListener(PublishListener listener) { g_listener.store(listener); }

void notifyPublished() {
  if (auto f = g_listener.load(std::memory_order_relaxed)) f();
}

}  // namespace ss

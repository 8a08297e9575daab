// A base that makes a class neither copyable nor movable: guards (RAII state savers,
// thread-count guards) and owners whose address others keep. Torch-free. Any thread.
#pragma once

namespace ss {

class NonCopyable {
 protected:
  NonCopyable() = default;
  ~NonCopyable() = default;

 public:
  NonCopyable(const NonCopyable&) = delete;
  NonCopyable& operator=(const NonCopyable&) = delete;
};

}  // namespace ss

// Errors as values. Expected failures (files, configs, bad settings) travel as
// ss::Error with a message a person can act on; Expected<T> holds a value or one.
// Torch-free: ui/ may include this. Any thread.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace ss {

struct Error {
  std::string message;
};

// Thrown inside core where unwinding is simpler than threading a value through;
// caught at thread and command-line boundaries and turned into an Error.
class Failure : public std::runtime_error {
 public:
  explicit Failure(const std::string& message) : std::runtime_error(message) {}
};

template <class T>
class Expected {
 public:
  Expected(T value) : m_v(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Expected(Error error) : m_v(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return m_v.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(m_v); }
  const T& value() const { return std::get<0>(m_v); }
  const Error& error() const { return std::get<1>(m_v); }
  // The value, or throws Failure with the error's message.
  T take() {
    if (!ok()) throw Failure(error().message);
    return std::move(value());
  }

 private:
  std::variant<T, Error> m_v;
};

// What a check returns: Ok or the Error saying what is wrong. `return Ok{};` is success.
struct Ok {};
using Status = Expected<Ok>;

// The error's message, or "" when `e` holds a value (a status line that is empty when fine).
template <class T>
std::string messageOf(const Expected<T>& e) {
  return e.ok() ? std::string() : e.error().message;
}

// "field (value) rule", e.g. "sigma_min (-1) must be a positive number": how a check names
// the offending setting and its value.
template <class V>
Error invalid(const std::string& field, const V& value, const std::string& rule) {
  std::ostringstream s;
  s << field << " (" << value << ") " << rule;
  return Error{s.str()};
}

}  // namespace ss

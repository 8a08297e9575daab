// The scene file's lenient JSON reading: Section reads one object, a missing key or a value
// of the wrong type keeps the default and adds a warning, and keys nobody asked for are
// reported when it finishes. Internal to ui/session. Any thread.
#pragma once

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace ss::ui {

using nlohmann::json;

// Reads one JSON object leniently: a missing key or a value of the wrong type keeps the
// default and adds a warning; keys nobody asked for are reported by finish().
class Section {
 public:
  Section(const json& parent, const std::string& key, std::string path,
          std::vector<std::string>& warnings)
      : m_path(std::move(path)), m_warnings(warnings) {
    auto it = parent.find(key);
    if (it == parent.end()) {
      m_warnings.push_back(m_path + ": missing, defaults used");
    } else if (!it->is_object()) {
      m_warnings.push_back(m_path + ": not an object, defaults used");
    } else {
      m_obj = &*it;
    }
  }
  Section(const json& obj, std::string path, std::vector<std::string>& warnings)
      : m_obj(&obj), m_path(std::move(path)), m_warnings(warnings) {}
  ~Section() { finish(); }

  bool present() const { return m_obj != nullptr; }

  template <class T>
  void get(const char* key, T& out) {
    m_seen.insert(key);
    if (!m_obj) return;
    auto it = m_obj->find(key);
    if (it == m_obj->end()) {
      m_missing.push_back(key);
      return;
    }
    try {
      if constexpr (std::is_same_v<T, bool>) {
        if (!it->is_boolean()) throw std::runtime_error("");
      } else if constexpr (std::is_arithmetic_v<T>) {
        if (!it->is_number()) throw std::runtime_error("");
        if (!fits<T>(*it)) {  // the user's value, never a wrapped or overflowed one
          m_warnings.push_back(m_path + "." + key + ": " + it->dump() + " is out of range (" +
                               rangeText<T>() + "), default kept");
          return;
        }
      } else if constexpr (std::is_same_v<T, std::string>) {
        if (!it->is_string()) throw std::runtime_error("");
      }
      out = it->get<T>();
    } catch (const std::exception&) {
      m_warnings.push_back(m_path + "." + key + ": " + it->dump() +
                           " has the wrong type, default kept");
    }
  }
  // A name that `parse` (an enum's parser, returning Expected) reads into `out`; an unknown
  // name warns with the parser's message and keeps `out`, whose name is `current`.
  template <class E, class Parse>
  void getName(const char* key, E& out, Parse parse, const std::string& current) {
    std::string name = current;
    get(key, name);
    if (auto v = parse(name))
      out = v.value();
    else
      warn(std::string(key) + ": " + v.error().message + "; " + current + " used");
  }
  // A value that may be absent without a warning.
  const json* optional(const char* key) {
    m_seen.insert(key);
    if (!m_obj) return nullptr;
    auto it = m_obj->find(key);
    return it == m_obj->end() || it->is_null() ? nullptr : &*it;
  }
  void warn(const std::string& message) { m_warnings.push_back(m_path + ": " + message); }
  const std::string& path() const { return m_path; }

  // Marks keys that other Sections read, so they are not reported as unknown.
  void known(std::initializer_list<const char*> keys) {
    for (const char* k : keys) m_seen.insert(k);
  }
  void finish() {
    if (!m_obj) return;
    if (!m_missing.empty()) {
      std::string list;
      for (const auto& k : m_missing) list += (list.empty() ? "" : ", ") + k;
      m_warnings.push_back(m_path + ": missing " + list + ", defaults used");
    }
    for (auto it = m_obj->begin(); it != m_obj->end(); ++it)
      if (!m_seen.count(it.key()))
        m_warnings.push_back(m_path + "." + it.key() + ": unknown field, ignored");
    m_obj = nullptr;
  }

 private:
  // Whether the number `v` converts to T exactly enough: an integer within T's range for an
  // integral T, a finite value within T's range for a floating-point T.
  template <class T>
  static bool fits(const json& v) {
    using L = std::numeric_limits<T>;
    if constexpr (std::is_integral_v<T>) {
      if (v.is_number_unsigned()) return v.get<uint64_t>() <= static_cast<uint64_t>(L::max());
      if (v.is_number_integer()) {
        const int64_t x = v.get<int64_t>();
        return x < 0 ? L::is_signed && x >= static_cast<int64_t>(L::min())
                     : static_cast<uint64_t>(x) <= static_cast<uint64_t>(L::max());
      }
      const double d = v.get<double>();
      return std::isfinite(d) && std::floor(d) == d && d >= static_cast<double>(L::min()) &&
             d <= static_cast<double>(L::max());
    } else {
      const double d = v.get<double>();
      return std::isfinite(d) && std::abs(d) <= static_cast<double>(L::max());
    }
  }
  template <class T>
  static std::string rangeText() {
    using L = std::numeric_limits<T>;
    if constexpr (std::is_integral_v<T>)
      return "an integer in [" + std::to_string(L::min()) + ", " + std::to_string(L::max()) + "]";
    else
      return "a finite number";
  }

  const json* m_obj = nullptr;
  std::string m_path;
  std::vector<std::string>& m_warnings;
  std::vector<std::string> m_missing;
  std::set<std::string> m_seen;
};

// Relative file paths in a scene are the scene file's; built-in names and specs stay.
std::string resolvePath(const std::string& p, const std::string& baseDir);

}  // namespace ss::ui

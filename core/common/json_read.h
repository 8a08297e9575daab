// Typed reads of optional JSON keys with errors that name the key: what the config readers
// (training, network) share. Internal to core (nlohmann/json is linked privately). Any thread.
//
//   if (auto s = jsonread::readKey(j, "width", "mlp.", c.width); !s) return s;
//   // missing: c.width kept; "wide": "mlp.width must be an integer, got \"wide\""
// readFields and writeFields walk a struct's list of keys (core/common/field_list.h).
#pragma once

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "core/common/error.h"

namespace ss::jsonread {

using Json = nlohmann::json;

// "<field> must be <want>, got <the JSON>".
inline Error typeError(const std::string& field, const char* want, const Json& v) {
  return Error{field + " must be " + want + ", got " + v.dump()};
}

// `v` into `out`, or an error naming `field` (`out` is left alone): any number for a double;
// an integral number in int's range (128.0 passes) for an int; a non-negative integer for a
// uint64_t; true or false for a bool.
inline Status read(const Json& v, const std::string& field, double& out) {
  if (!v.is_number()) return typeError(field, "a number", v);
  out = v.get<double>();
  return Ok{};
}

inline Status read(const Json& v, const std::string& field, int& out) {
  const bool integral =
      v.is_number_integer() || (v.is_number_float() && std::isfinite(v.get<double>()) &&
                                std::floor(v.get<double>()) == v.get<double>());
  if (!integral) return typeError(field, "an integer", v);
  const double d = v.is_number_unsigned()  ? static_cast<double>(v.get<uint64_t>())
                   : v.is_number_integer() ? static_cast<double>(v.get<int64_t>())
                                           : v.get<double>();
  if (d < std::numeric_limits<int>::min() || d > std::numeric_limits<int>::max())
    return Error{field + " = " + v.dump() + " is out of range"};
  out = static_cast<int>(d);
  return Ok{};
}

inline Status read(const Json& v, const std::string& field, uint64_t& out) {
  if (!v.is_number_unsigned()) return typeError(field, "a non-negative integer", v);
  out = v.get<uint64_t>();
  return Ok{};
}

inline Status read(const Json& v, const std::string& field, bool& out) {
  if (!v.is_boolean()) return typeError(field, "true or false", v);
  out = v.get<bool>();
  return Ok{};
}

// An array of integers; an element's error names it as "<field>[i]".
inline Status read(const Json& v, const std::string& field, std::vector<int>& out) {
  if (!v.is_array()) return typeError(field, "an array of integers", v);
  std::vector<int> values(v.size());
  for (size_t i = 0; i < v.size(); ++i)
    if (auto s = read(v[i], field + "[" + std::to_string(i) + "]", values[i]); !s) return s;
  out = std::move(values);
  return Ok{};
}

// A name parsed by `parse` (an enum's parser): "<field>: unknown ... (expected ...)".
template <class E>
Status read(const Json& v, const std::string& field, Expected<E> (*parse)(const std::string&),
            E& out) {
  if (!v.is_string()) return typeError(field, "a string", v);
  auto e = parse(v.get<std::string>());
  if (!e) return Error{field + ": " + e.error().message};
  out = e.value();
  return Ok{};
}

// obj[key] into `out` when the key is there (else `out` keeps its value); errors name
// prefix + key ("loss." + "weighting").
template <class T>
Status readKey(const Json& obj, const char* key, const std::string& prefix, T& out) {
  auto it = obj.find(key);
  if (it == obj.end()) return Ok{};
  return read(*it, prefix + key, out);
}

template <class E>
Status readKey(const Json& obj, const char* key, const std::string& prefix,
               Expected<E> (*parse)(const std::string&), E& out) {
  auto it = obj.find(key);
  if (it == obj.end()) return Ok{};
  return read(*it, prefix + key, parse, out);
}

// Every field that `fields` lists (fields(c, f) calls f(key, field) per key: see
// core/common/field_list.h) read from `obj` with readKey; the first error stops.
template <class C, class Fields>
Status readFields(const Json& obj, const std::string& prefix, C& c, Fields fields) {
  Status s = Ok{};
  fields(c, [&](const char* key, auto& field) {
    if (s) s = readKey(obj, key, prefix, field);
  });
  return s;
}

// The fields that `fields` lists as a JSON object.
template <class C, class Fields>
Json writeFields(const C& c, Fields fields) {
  Json j = Json::object();
  fields(c, [&](const char* key, const auto& field) { j[key] = field; });
  return j;
}

}  // namespace ss::jsonread

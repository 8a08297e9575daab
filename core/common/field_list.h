// A struct's keyed fields as one list that its reader and its writer both walk:
//
//   template <class C, class F> void forEachNumber(C& c, F&& f) {
//     eachField(f, "beta_min", c.betaMin, "beta_max", c.betaMax, "N", c.N);
//   }
//   forEachNumber(config, [&](const char* key, const auto& v) { json[key] = v; });  // write
//   forEachNumber(config, [&](const char* key, auto& v) { section.get(key, v); });  // read
//
// C is the struct or const struct, so one list serves both. Torch-free. Any thread.
#pragma once

#include <utility>

namespace ss {

// f(key, field) for each (key, field) pair, in order.
template <class F>
void eachField(F&) {}

template <class F, class T, class... Rest>
void eachField(F& f, const char* key, T& field, Rest&&... rest) {
  f(key, field);
  eachField(f, std::forward<Rest>(rest)...);
}

}  // namespace ss

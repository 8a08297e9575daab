// An enum's names written once: a table of {value, name} that printing and parsing share.
// The first name of a value is the one printed; later rows with the same value are aliases
// that parse too. Torch-free: ui/ may include it. Pure functions: any thread.
//
//   constexpr EnumName<SdeKind> kSdeKinds[] = {
//       {SdeKind::VE, "ve"}, {SdeKind::VP, "vp"}, {SdeKind::SubVP, "subvp"},
//       {SdeKind::SubVP, "sub-vp"}};  // alias
//   nameOf(kSdeKinds, SdeKind::VP) == "vp"
//   parseName(kSdeKinds, "vpsde", "SDE kind") → "unknown SDE kind 'vpsde' (expected ve, vp, subvp)"
#pragma once

#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/common/error.h"

namespace ss {

template <class E>
struct EnumName {
  E value;
  const char* name;
};

// How parseName compares the text with the names: exactly, or loosely (any case, '_' and ' '
// read as '-': "Euler_Maruyama" parses as "euler-maruyama"; the table's names are lower case).
enum class NameMatch { Exact, Loose };

inline std::string looseName(std::string_view text) {
  std::string r;
  for (char c : text) {
    if (c == '_' || c == ' ') c = '-';
    r += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return r;
}

// The printed name of `value`; `unknown` for a value the table lacks.
template <class E, std::size_t N>
constexpr const char* nameOf(const EnumName<E> (&table)[N], E value, const char* unknown = "?") {
  for (const auto& row : table)
    if (row.value == value) return row.name;
  return unknown;
}

// Every value's printed name, in table order, without the aliases: "ve, vp, subvp".
template <class E, std::size_t N>
std::string namesOf(const EnumName<E> (&table)[N], const char* separator = ", ") {
  std::string s;
  for (std::size_t i = 0; i < N; ++i) {
    if (nameOf(table, table[i].value) != table[i].name) continue;  // an alias
    if (!s.empty()) s += separator;
    s += table[i].name;
  }
  return s;
}

// The value named `text`, or "unknown <what> '<text>' (expected <names>)".
template <class E, std::size_t N>
Expected<E> parseName(const EnumName<E> (&table)[N], std::string_view text, const char* what,
                      NameMatch match = NameMatch::Exact) {
  const std::string key = match == NameMatch::Loose ? looseName(text) : std::string(text);
  for (const auto& row : table)
    if (key == row.name) return row.value;
  return Error{"unknown " + std::string(what) + " '" + std::string(text) + "' (expected " +
               namesOf(table) + ")"};
}

}  // namespace ss

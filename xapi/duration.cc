#include "xapi/duration.h"

#include <cstdlib>
#include <string>

namespace lrs::xapi {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads "digits[(.|,)digits]" then a designator at `*pos`. Sets `*designator`
// and `*has_fraction`; false when no well-formed component starts there.
bool ReadComponent(std::string_view s, size_t* pos, char* designator, bool* has_fraction) {
  size_t i = *pos;
  const size_t start = i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  if (i == start) return false;
  *has_fraction = false;
  if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
    const size_t fraction_start = ++i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i == fraction_start) return false;
    *has_fraction = true;
  }
  if (i == s.size()) return false;
  *designator = s[i];
  *pos = i + 1;
  return true;
}

// Reads components whose designators appear in `order` (in that order, each
// at most once) until the end of `s` or a "T". Returns the count, or -1 on
// any malformed or out-of-order component. `*fraction_seen` tells whether
// the last component read carried a fraction.
int ReadComponents(std::string_view s, size_t* pos, std::string_view order, bool* fraction_seen) {
  int count = 0;
  size_t next_allowed = 0;  // Index into `order` of the earliest designator still allowed.
  while (*pos < s.size() && s[*pos] != 'T') {
    // A fraction is only allowed on the smallest unit given (ISO 8601 4.4.3.2).
    if (*fraction_seen) return -1;
    char designator;
    if (!ReadComponent(s, pos, &designator, fraction_seen)) return -1;
    const size_t index = order.find(designator, next_allowed);
    if (index == std::string_view::npos) return -1;
    next_allowed = index + 1;
    ++count;
  }
  return count;
}

}  // namespace

bool IsValidDuration(std::string_view s) {
  if (s.size() < 3 || s[0] != 'P') return false;
  size_t pos = 1;
  bool fraction_seen = false;

  // "PnW" stands alone.
  if (s.back() == 'W') {
    char designator;
    return ReadComponent(s, &pos, &designator, &fraction_seen) && designator == 'W' &&
           pos == s.size();
  }

  const int date_components = ReadComponents(s, &pos, "YMD", &fraction_seen);
  if (date_components < 0) return false;
  if (pos == s.size()) return date_components > 0;

  ++pos;  // The "T".
  if (fraction_seen) return false;
  const int time_components = ReadComponents(s, &pos, "HMS", &fraction_seen);
  return time_components > 0 && pos == s.size();
}

std::optional<double> DurationSeconds(std::string_view s) {
  if (!IsValidDuration(s)) return std::nullopt;
  constexpr double kDay = 86400;
  double total = 0;
  bool in_time = false;
  size_t i = 1;  // after the "P"
  while (i < s.size()) {
    if (s[i] == 'T') {
      in_time = true;
      ++i;
      continue;
    }
    // Validated: digits, an optional fraction, then a designator.
    size_t end = i;
    while (end < s.size() && (IsDigit(s[end]) || s[end] == '.' || s[end] == ',')) ++end;
    std::string number(s.substr(i, end - i));
    for (char& c : number) {
      if (c == ',') c = '.';
    }
    const double amount = std::strtod(number.c_str(), nullptr);
    double unit = 0;
    switch (s[end]) {
      case 'Y': unit = 365 * kDay; break;
      case 'M': unit = in_time ? 60 : 30 * kDay; break;
      case 'W': unit = 7 * kDay; break;
      case 'D': unit = kDay; break;
      case 'H': unit = 3600; break;
      case 'S': unit = 1; break;
    }
    total += amount * unit;
    i = end + 1;
  }
  return total;
}

}  // namespace lrs::xapi

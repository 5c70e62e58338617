#include "xapi/duration.h"

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

}  // namespace lrs::xapi

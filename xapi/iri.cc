#include "xapi/iri.h"

#include <array>

namespace lrs::xapi {
namespace {

bool IsAlpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool IsHex(unsigned char c) { return IsDigit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }

// ASCII characters allowed outside percent-encodings: RFC 3986 unreserved
// and reserved sets (RFC 3987 adds only non-ASCII characters to them).
constexpr std::array<bool, 128> MakeIriAsciiTable() {
  std::array<bool, 128> table{};
  for (int c = 'a'; c <= 'z'; ++c) table[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = true;
  for (int c = '0'; c <= '9'; ++c) table[c] = true;
  for (char c : std::string_view("-._~:/?#[]@!$&'()*+,;="))
    table[static_cast<unsigned char>(c)] = true;
  return table;
}
constexpr std::array<bool, 128> kIriAscii = MakeIriAsciiTable();

// Length of the scheme (RFC 3986 3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )),
// or 0 when `s` does not start with a scheme followed by ":".
size_t SchemeLength(std::string_view s) {
  if (s.empty() || !IsAlpha(s[0])) return 0;
  for (size_t i = 1; i < s.size(); ++i) {
    unsigned char c = s[i];
    if (c == ':') return i;
    if (!IsAlpha(c) && !IsDigit(c) && c != '+' && c != '-' && c != '.') return 0;
  }
  return 0;
}

}  // namespace

bool IsValidIri(std::string_view s) {
  size_t scheme = SchemeLength(s);
  if (scheme == 0 || scheme + 1 >= s.size()) return false;
  bool seen_fragment = false;
  for (size_t i = scheme + 1; i < s.size(); ++i) {
    unsigned char c = s[i];
    // Non-ASCII bytes: the JSON parser has already validated UTF-8; RFC
    // 3987's ucschar ranges are not checked (best effort, Data 2.2).
    if (c >= 0x80) continue;
    if (c == '%') {
      if (i + 2 >= s.size() || !IsHex(s[i + 1]) || !IsHex(s[i + 2])) return false;
      i += 2;
      continue;
    }
    if (!kIriAscii[c]) return false;
    if (c == '#') {
      if (seen_fragment) return false;
      seen_fragment = true;
    }
  }
  return true;
}

bool IsValidMailtoIri(std::string_view s) {
  constexpr std::string_view kPrefix = "mailto:";
  if (s.substr(0, kPrefix.size()) != kPrefix || !IsValidIri(s)) return false;
  std::string_view address = s.substr(kPrefix.size());
  // Header fields (RFC 6068 "?subject=...") are not part of the address.
  address = address.substr(0, address.find('?'));
  size_t at = address.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < address.size() &&
         address.find('@', at + 1) == std::string_view::npos;
}

}  // namespace lrs::xapi

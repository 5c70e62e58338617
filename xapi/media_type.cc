#include "xapi/media_type.h"

#include <cstring>

namespace lrs::xapi {
namespace {

// RFC 9110 5.6.2 tchar.
bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// Visible ASCII (VCHAR).
bool IsVisible(char c) { return c > 0x20 && c < 0x7f; }

// Reads one token from `s` at `i`; false when there is none.
bool Token(std::string_view s, size_t& i) {
  const size_t start = i;
  while (i < s.size() && IsTokenChar(s[i])) ++i;
  return i > start;
}

// Reads a quoted-string at `i` (RFC 9110 5.6.4), without obs-text.
bool QuotedString(std::string_view s, size_t& i) {
  if (i >= s.size() || s[i] != '"') return false;
  for (++i; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '"') {
      ++i;
      return true;
    }
    if (c == '\\') {
      if (++i >= s.size() || !(IsVisible(s[i]) || IsSpace(s[i]))) return false;
    } else if (!(IsVisible(c) || IsSpace(c))) {
      return false;
    }
  }
  return false;  // no closing quote
}

void SkipSpace(std::string_view s, size_t& i) {
  while (i < s.size() && IsSpace(s[i])) ++i;
}

}  // namespace

bool IsValidMediaType(std::string_view s) {
  size_t i = 0;
  if (!Token(s, i) || i >= s.size() || s[i] != '/') return false;
  ++i;
  if (!Token(s, i)) return false;
  for (;;) {
    const size_t before_space = i;
    SkipSpace(s, i);
    if (i == s.size()) return i == before_space;  // no trailing space
    if (s[i] != ';') return false;
    ++i;
    SkipSpace(s, i);
    // RFC 9110 allows an empty parameter ("text/plain;").
    if (i == s.size() || s[i] == ';') continue;
    if (!Token(s, i) || i >= s.size() || s[i] != '=') return false;
    ++i;
    if (!(i < s.size() && s[i] == '"' ? QuotedString(s, i) : Token(s, i))) return false;
  }
}

bool IsValidFieldValue(std::string_view value) {
  for (char c : value) {
    if (!(IsVisible(c) || IsSpace(c))) return false;
  }
  return true;
}

}  // namespace lrs::xapi

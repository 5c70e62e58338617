#include "xapi/language_map.h"

#include <array>

namespace lrs::xapi {
namespace {

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsAlpha(c) || IsDigit(c); }
char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool AllAlpha(std::string_view s) {
  for (char c : s) {
    if (!IsAlpha(c)) return false;
  }
  return true;
}
bool AllDigit(std::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

// RFC 5646 2.1 "irregular" grandfathered tags, which the langtag production
// does not cover. The "regular" ones (art-lojban, zh-min-nan, ...) already
// match langtag.
constexpr std::array<std::string_view, 17> kIrregular = {
    "en-GB-oed", "i-ami", "i-bnn",     "i-default", "i-enochian", "i-hak",
    "i-klingon", "i-lux", "i-mingo",   "i-navajo",  "i-pwn",      "i-tao",
    "i-tay",     "i-tsu", "sgn-BE-FR", "sgn-BE-NL", "sgn-CH-DE"};

// Splits a tag into subtags of 1..8 alphanumerics; false when any subtag is
// empty, too long or holds another character.
constexpr size_t kMaxSubtags = 64;  // RFC 5646 4.4.1 bounds real tags far below this.
bool Split(std::string_view tag, std::array<std::string_view, kMaxSubtags>* out, size_t* count) {
  *count = 0;
  size_t start = 0;
  while (true) {
    size_t end = tag.find('-', start);
    std::string_view subtag =
        tag.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (subtag.empty() || subtag.size() > 8 || *count == kMaxSubtags) return false;
    for (char c : subtag) {
      if (!IsAlnum(c)) return false;
    }
    (*out)[(*count)++] = subtag;
    if (end == std::string_view::npos) return true;
    start = end + 1;
  }
}

// privateuse = "x" 1*("-" (1*8alphanum)), starting at subtag `i` == "x":
// at least one subtag must follow (Split already checked their form).
bool IsPrivateUseTail(size_t i, size_t count) { return i + 1 < count; }

bool IsWellFormedLangtag(const std::array<std::string_view, kMaxSubtags>& s, size_t count) {
  size_t i = 0;
  // language = 2*3ALPHA ["-" extlang] / 4ALPHA / 5*8ALPHA
  if (!AllAlpha(s[0]) || s[0].size() < 2) return false;
  const bool short_language = s[0].size() <= 3;
  ++i;
  // extlang = 3ALPHA *2("-" 3ALPHA), only after a 2-3 letter language.
  if (short_language) {
    for (int n = 0; n < 3 && i < count && s[i].size() == 3 && AllAlpha(s[i]); ++n) ++i;
  }
  // script = 4ALPHA
  if (i < count && s[i].size() == 4 && AllAlpha(s[i])) ++i;
  // region = 2ALPHA / 3DIGIT
  if (i < count && ((s[i].size() == 2 && AllAlpha(s[i])) || (s[i].size() == 3 && AllDigit(s[i])))) {
    ++i;
  }
  // variant = 5*8alphanum / (DIGIT 3alphanum); each at most once (2.2.5).
  const size_t first_variant = i;
  while (i < count && (s[i].size() >= 5 || (s[i].size() == 4 && IsDigit(s[i][0])))) {
    for (size_t j = first_variant; j < i; ++j) {
      if (EqualsIgnoreCase(s[j], s[i])) return false;
    }
    ++i;
  }
  // extension = singleton 1*("-" (2*8alphanum)); each singleton at most once (2.2.6).
  bool seen_singleton[36] = {};
  while (i < count && s[i].size() == 1 && Lower(s[i][0]) != 'x') {
    const char c = Lower(s[i][0]);
    const int slot = IsDigit(c) ? c - '0' : 10 + (c - 'a');
    if (seen_singleton[slot]) return false;
    seen_singleton[slot] = true;
    ++i;
    const size_t first = i;
    while (i < count && s[i].size() >= 2) ++i;
    if (i == first) return false;
  }
  // privateuse = "x" 1*("-" (1*8alphanum))
  if (i < count && EqualsIgnoreCase(s[i], "x")) return IsPrivateUseTail(i, count);
  return i == count;
}

}  // namespace

bool IsValidLanguageTag(std::string_view tag) {
  for (std::string_view irregular : kIrregular) {
    if (EqualsIgnoreCase(tag, irregular)) return true;
  }
  std::array<std::string_view, kMaxSubtags> subtags;
  size_t count;
  if (!Split(tag, &subtags, &count)) return false;
  if (EqualsIgnoreCase(subtags[0], "x")) return IsPrivateUseTail(0, count);
  return IsWellFormedLangtag(subtags, count);
}

LanguageMapDefect FindLanguageMapDefect(const JsonValue& map) {
  if (!map.IsObject()) return LanguageMapDefect::kNotAnObject;
  for (const auto& member : map.GetObject()) {
    if (!IsValidLanguageTag(
            std::string_view(member.name.GetString(), member.name.GetStringLength()))) {
      return LanguageMapDefect::kInvalidTag;
    }
    if (!member.value.IsString()) return LanguageMapDefect::kValueNotAString;
  }
  return LanguageMapDefect::kNone;
}

const char* DescribeLanguageMapDefect(LanguageMapDefect defect) {
  switch (defect) {
    case LanguageMapDefect::kNone:
      return "valid language map";
    case LanguageMapDefect::kNotAnObject:
      return "a language map must be a JSON object";
    case LanguageMapDefect::kInvalidTag:
      return "a language map key is not a well-formed RFC 5646 language tag";
    case LanguageMapDefect::kValueNotAString:
      return "a language map value must be a string";
  }
  return "invalid language map";
}

MaybeError ValidateLanguageMap(const JsonValue& map, const std::string& path) {
  const LanguageMapDefect defect = FindLanguageMapDefect(map);
  if (defect == LanguageMapDefect::kNone) return std::nullopt;
  const char* rule = defect == LanguageMapDefect::kInvalidTag
                         ? "xAPI Data 4.2: language map keys are RFC 5646 language tags (Data 2.2)"
                         : "xAPI Data 4.2: a language map is an object of language tag to string";
  return MakeError(400, rule, path, DescribeLanguageMapDefect(defect));
}

}  // namespace lrs::xapi

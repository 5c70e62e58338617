#pragma once
// Language tags (RFC 5646) and language maps (xAPI Data 4.2).
//
// Data 2.2: "The LRS MUST at least validate that the sequence of token
// lengths for language map keys matches the RFC 5646 standard." The check is
// RFC 5646's full well-formedness grammar (2.1) plus its two "MUST NOT
// repeat" rules (a variant, 2.2.5; an extension singleton, 2.2.6); subtags
// are not looked up in the IANA registry (validity, 2.2.9, is not required).
//
// Pure functions, thread-safe.

#include <string>
#include <string_view>

#include "xapi/json.h"
#include "xapi/result.h"

namespace lrs::xapi {

// True for a well-formed RFC 5646 tag (case-insensitive): langtag,
// private use ("x-..."), or one of the grandfathered tags.
bool IsValidLanguageTag(std::string_view tag);

// Why a value is not a language map, without building an Error (the
// statement validator renders its path only when it fails).
enum class LanguageMapDefect {
  kNone,
  kNotAnObject,
  kInvalidTag,       // A key is not a well-formed language tag.
  kValueNotAString,  // A value is not a string (null included).
};
LanguageMapDefect FindLanguageMapDefect(const JsonValue& map);

// A human-readable explanation of a defect; never quotes the map's content.
const char* DescribeLanguageMapDefect(LanguageMapDefect defect);

// Validates a language map: an object whose keys are language tags and whose
// values are strings. An empty map is accepted (Data 2.2 only says SHOULD
// NOT for empty objects). Errors: 400, rule "xAPI Data 4.2 ...", `path` as
// given (the offending key is not named: keys come from the client).
MaybeError ValidateLanguageMap(const JsonValue& map, const std::string& path);

}  // namespace lrs::xapi

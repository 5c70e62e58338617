#pragma once
// JSON text in and out, with the limits the door enforces (DESIGN.md, step 2).
//
// ParseJson validates UTF-8 (RapidJSON kParseValidateEncodingFlag for the
// bytes, then every decoded string, which \u escapes can make ill-formed), rejects
// nesting deeper than `max_depth` before building any DOM (so a hostile
// document cannot exhaust the stack), and rejects trailing garbage.

#include <memory>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "xapi/result.h"

namespace lrs::xapi {

struct JsonLimits {
  int max_depth = 32;  // Deepest legal statement nests far less than this.
};

using JsonDocument = rapidjson::Document;
using JsonValue = rapidjson::Value;
using JsonAllocator = rapidjson::Document::AllocatorType;

// Errors: 400 "malformed JSON" with the byte offset, "invalid UTF-8" (raw
// bytes, or a \u escape of a lone UTF-16 surrogate), or "nesting too deep".
Result<std::shared_ptr<JsonDocument>> ParseJson(std::string_view text,
                                                const JsonLimits& limits = JsonLimits{});

// Compact serialization of any value.
std::string ToJson(const JsonValue& value);

// Deterministic serialization: object members sorted by name, recursively.
// Used to compare statements and to derive content hashes.
std::string ToCanonicalJson(const JsonValue& value);

// Whether `text` is well-formed UTF-8 (RFC 3629 4): no overlong forms, no
// surrogates, nothing above U+10FFFF. Every JSON text is (RFC 8259 8.1), so
// text from outside JSON (query parameters, paths) is checked with this
// before it can reach a JSON answer.
bool IsValidUtf8(std::string_view text);

// `text` with every byte that does not begin a well-formed sequence replaced
// by U+FFFD, so the result is always well-formed.
std::string ToValidUtf8(std::string_view text);

// Convenience accessors that tolerate absence and wrong types.
const JsonValue* Member(const JsonValue& object, const char* name);
std::string_view StringMember(const JsonValue& object, const char* name);

}  // namespace lrs::xapi

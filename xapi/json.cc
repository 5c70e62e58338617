#include "xapi/json.h"

#include <algorithm>
#include <vector>

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace lrs::xapi {
namespace {

// Depth of the deepest [ or { outside strings. A linear scan that runs before
// RapidJSON's recursive DOM builder, which has no depth limit of its own.
int MaxNestingDepth(std::string_view text) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') deepest = std::max(deepest, ++depth);
    else if (c == ']' || c == '}') --depth;
  }
  return deepest;
}

// Length of the well-formed UTF-8 sequence that starts `text` (not empty),
// or 0 when it does not start with one (RFC 3629 4, the UTF8-octets rule).
size_t Utf8SequenceLength(std::string_view text) {
  const auto byte = [text](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  size_t length;
  unsigned char low = 0x80, high = 0xBF;  // range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (text.size() < length || byte(1) < low || byte(1) > high) return 0;
  for (size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return length;
}

// Whether every string and member name below `value` is well-formed UTF-8.
bool AllStringsValidUtf8(const JsonValue& value) {
  auto view = [](const JsonValue& s) {
    return std::string_view(s.GetString(), s.GetStringLength());
  };
  if (value.IsString()) return IsValidUtf8(view(value));
  if (value.IsArray()) {
    for (const auto& item : value.GetArray()) {
      if (!AllStringsValidUtf8(item)) return false;
    }
  } else if (value.IsObject()) {
    for (const auto& m : value.GetObject()) {
      if (!IsValidUtf8(view(m.name)) || !AllStringsValidUtf8(m.value)) return false;
    }
  }
  return true;
}

void WriteCanonical(const JsonValue& value, rapidjson::Writer<rapidjson::StringBuffer>& writer) {
  if (value.IsObject()) {
    std::vector<const JsonValue::Member*> members;
    for (const auto& m : value.GetObject()) members.push_back(&m);
    std::sort(members.begin(), members.end(), [](const auto* a, const auto* b) {
      return std::string_view(a->name.GetString(), a->name.GetStringLength()) <
             std::string_view(b->name.GetString(), b->name.GetStringLength());
    });
    writer.StartObject();
    for (const auto* m : members) {
      writer.Key(m->name.GetString(), m->name.GetStringLength());
      WriteCanonical(m->value, writer);
    }
    writer.EndObject();
  } else if (value.IsArray()) {
    writer.StartArray();
    for (const auto& item : value.GetArray()) WriteCanonical(item, writer);
    writer.EndArray();
  } else {
    value.Accept(writer);
  }
}

}  // namespace

Result<std::shared_ptr<JsonDocument>> ParseJson(std::string_view text, const JsonLimits& limits) {
  if (MaxNestingDepth(text) > limits.max_depth) {
    return MakeError(400, "JSON nesting limit", "$",
                     "JSON nests deeper than " + std::to_string(limits.max_depth) + " levels");
  }
  auto doc = std::make_shared<JsonDocument>();
  // Without kParseStopWhenDoneFlag RapidJSON rejects data after the value
  // (kParseErrorDocumentRootNotSingular) rather than ignoring it.
  doc->Parse<rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
  if (doc->HasParseError()) {
    if (doc->GetParseError() == rapidjson::kParseErrorStringInvalidEncoding) {
      return MakeError(400, "xAPI Communication 1.4: strings are UTF-8", "$",
                       "invalid UTF-8 at byte " + std::to_string(doc->GetErrorOffset()));
    }
    return MakeError(400, "RFC 8259 JSON", "$",
                     std::string("malformed JSON at byte ") +
                         std::to_string(doc->GetErrorOffset()) + ": " +
                         rapidjson::GetParseError_En(doc->GetParseError()));
  }
  // kParseValidateEncodingFlag checks the bytes read, not the code points of
  // \u escapes: RapidJSON decodes a lone low surrogate ("\udc00") to the
  // ill-formed bytes ED B0 80, which would be stored and later served as
  // invalid JSON.
  if (!AllStringsValidUtf8(*doc)) {
    return MakeError(400, "xAPI Communication 1.4: strings are UTF-8", "$",
                     "a \\u escape encodes a lone UTF-16 surrogate");
  }
  return doc;
}

std::string ToJson(const JsonValue& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string ToCanonicalJson(const JsonValue& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  WriteCanonical(value, writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

bool IsValidUtf8(std::string_view text) {
  while (!text.empty()) {
    const size_t length = Utf8SequenceLength(text);
    if (length == 0) return false;
    text.remove_prefix(length);
  }
  return true;
}

std::string ToValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const size_t length = Utf8SequenceLength(text);
    if (length == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      text.remove_prefix(1);
    } else {
      out.append(text.substr(0, length));
      text.remove_prefix(length);
    }
  }
  return out;
}

const JsonValue* Member(const JsonValue& object, const char* name) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(name);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

std::string_view StringMember(const JsonValue& object, const char* name) {
  const JsonValue* v = Member(object, name);
  if (v == nullptr || !v->IsString()) return {};
  return std::string_view(v->GetString(), v->GetStringLength());
}

}  // namespace lrs::xapi

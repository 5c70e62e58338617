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

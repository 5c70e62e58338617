#include "xapi/statement_comparison.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "xapi/timestamp.h"

namespace lrs::xapi {
namespace {

void RemoveMember(JsonValue& object, const char* name) {
  if (object.IsObject()) object.RemoveMember(name);
}

void StripActivityDefinition(JsonValue& object) {
  if (!object.IsObject()) return;
  auto type = StringMember(object, "objectType");
  if (type.empty() || type == "Activity") RemoveMember(object, "definition");
}

void SortMembers(JsonValue& agent, JsonAllocator& alloc) {
  JsonValue* members = agent.IsObject() && agent.HasMember("member") ? &agent["member"] : nullptr;
  if (members == nullptr || !members->IsArray()) return;
  std::vector<std::string> texts;
  for (auto& m : members->GetArray()) texts.push_back(ToCanonicalJson(m));
  std::sort(texts.begin(), texts.end());
  members->SetArray();
  for (const auto& text : texts) members->PushBack(JsonValue(text.c_str(), alloc), alloc);
}

// Durations compare at 0.01 s precision (2.0 DIFFERENCES item 8; the suite
// signs "...0.12S" and sends "...0.1237S"): the seconds' fraction is cut to
// two digits and trailing zeros dropped, so "PT1.5S", "PT1.50S" and
// "PT1.509S" agree. Other components are kept as written.
std::string ComparableDuration(std::string_view duration) {
  std::string out(duration);
  if (out.empty() || out.back() != 'S') return out;
  size_t dot = out.find_last_of(".,");
  if (dot == std::string::npos) return out;
  for (size_t i = dot + 1; i + 1 < out.size(); ++i) {
    if (out[i] < '0' || out[i] > '9') return out;  // the fraction is not the seconds'
  }
  std::string fraction = out.substr(dot + 1, out.size() - dot - 2).substr(0, 2);
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  return out.substr(0, dot) + (fraction.empty() ? "" : "." + fraction) + "S";
}

void Normalize(JsonValue& statement, JsonAllocator& alloc, Version version) {
  if (!statement.IsObject()) return;
  for (const char* name : {"id", "authority", "stored", "version", "attachments"}) {
    RemoveMember(statement, name);
  }
  if (auto ts = StringMember(statement, "timestamp"); !ts.empty()) {
    if (auto micros = ParseTimestampMicros(ts, version)) {
      statement["timestamp"].SetInt64(*micros);
    }
  }
  if (JsonValue* result = statement.HasMember("result") ? &statement["result"] : nullptr;
      result && result->IsObject()) {
    if (auto duration = StringMember(*result, "duration"); !duration.empty()) {
      std::string comparable = ComparableDuration(duration);
      (*result)["duration"].SetString(comparable.c_str(),
                                      static_cast<rapidjson::SizeType>(comparable.size()), alloc);
    }
  }
  if (statement.HasMember("verb")) RemoveMember(statement["verb"], "display");
  if (statement.HasMember("actor")) SortMembers(statement["actor"], alloc);
  if (statement.HasMember("object")) {
    JsonValue& object = statement["object"];
    StripActivityDefinition(object);
    SortMembers(object, alloc);
    if (StringMember(object, "objectType") == "SubStatement") Normalize(object, alloc, version);
  }
  if (JsonValue* context = statement.HasMember("context") ? &statement["context"] : nullptr;
      context && context->IsObject()) {
    if (context->HasMember("team")) SortMembers((*context)["team"], alloc);
    if (context->HasMember("instructor")) SortMembers((*context)["instructor"], alloc);
    if (context->HasMember("contextActivities") && (*context)["contextActivities"].IsObject()) {
      for (auto& list : (*context)["contextActivities"].GetObject()) {
        if (list.value.IsArray()) {
          for (auto& activity : list.value.GetArray()) StripActivityDefinition(activity);
        } else {
          StripActivityDefinition(list.value);
        }
      }
    }
  }
}

}  // namespace

std::string ComparableForm(const JsonValue& statement, Version version) {
  JsonDocument copy;
  copy.CopyFrom(statement, copy.GetAllocator());
  Normalize(copy, copy.GetAllocator(), version);
  return ToCanonicalJson(copy);
}

}  // namespace lrs::xapi

#include "xapi/statement_format.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <strings.h>

namespace lrs::xapi {
namespace {

constexpr const char* kIfis[] = {"mbox", "mbox_sha1sum", "openid", "account"};

bool IsAgentOrGroup(const JsonValue& v) {
  auto type = StringMember(v, "objectType");
  return type == "Agent" || type == "Group";
}

void ReduceAgent(JsonValue& agent, JsonAllocator& alloc) {
  if (!agent.IsObject()) return;
  bool has_ifi = false;
  for (const char* ifi : kIfis) has_ifi |= agent.HasMember(ifi);
  JsonValue reduced(rapidjson::kObjectType);
  for (auto& m : agent.GetObject()) {
    std::string_view name(m.name.GetString(), m.name.GetStringLength());
    bool keep = name == "objectType" || (!has_ifi && name == "member");
    for (const char* ifi : kIfis) keep |= name == ifi;
    if (keep) reduced.AddMember(m.name, m.value, alloc);
  }
  if (reduced.HasMember("member") && reduced["member"].IsArray()) {
    for (auto& member : reduced["member"].GetArray()) ReduceAgent(member, alloc);
  }
  agent = reduced;
}

void ReduceActivity(JsonValue& activity, JsonAllocator& alloc) {
  if (!activity.IsObject() || !activity.HasMember("id")) return;
  // ADL's suite (XAPI-00171) expects exactly {"id": ...}: objectType
  // "Activity" is the default and identifies nothing.
  JsonValue reduced(rapidjson::kObjectType);
  reduced.AddMember("id", activity["id"], alloc);
  activity = reduced;
}

void ForEachContextActivity(JsonValue& statement, void (*visit)(JsonValue&, JsonAllocator&),
                            JsonAllocator& alloc) {
  if (!statement.HasMember("context") || !statement["context"].IsObject()) return;
  JsonValue& context = statement["context"];
  if (!context.HasMember("contextActivities") || !context["contextActivities"].IsObject()) return;
  for (auto& list : context["contextActivities"].GetObject()) {
    if (list.value.IsArray()) {
      for (auto& a : list.value.GetArray()) visit(a, alloc);
    } else {
      visit(list.value, alloc);
    }
  }
}

void IdsStatement(JsonValue& statement, JsonAllocator& alloc) {
  if (!statement.IsObject()) return;
  if (statement.HasMember("actor")) ReduceAgent(statement["actor"], alloc);
  if (statement.HasMember("authority")) ReduceAgent(statement["authority"], alloc);
  if (statement.HasMember("verb") && statement["verb"].IsObject()) {
    statement["verb"].RemoveMember("display");
  }
  if (statement.HasMember("object")) {
    JsonValue& object = statement["object"];
    auto type = StringMember(object, "objectType");
    if (type == "SubStatement") {
      IdsStatement(object, alloc);
    } else if (IsAgentOrGroup(object)) {
      ReduceAgent(object, alloc);
    } else if (type.empty() || type == "Activity") {
      ReduceActivity(object, alloc);
    }
  }
  if (statement.HasMember("context") && statement["context"].IsObject()) {
    JsonValue& context = statement["context"];
    for (const char* who : {"instructor", "team"}) {
      if (context.HasMember(who)) ReduceAgent(context[who], alloc);
    }
    for (const char* list : {"contextAgents", "contextGroups"}) {
      if (!context.HasMember(list) || !context[list].IsArray()) continue;
      for (auto& entry : context[list].GetArray()) {
        for (const char* inner : {"agent", "group"}) {
          if (entry.IsObject() && entry.HasMember(inner)) ReduceAgent(entry[inner], alloc);
        }
      }
    }
  }
  ForEachContextActivity(statement, ReduceActivity, alloc);
}

// q-value of a range "en-US;q=0.5".
struct Range {
  std::string tag;
  double q;
};

bool TagMatches(std::string_view range, std::string_view tag) {
  if (range == "*") return true;
  if (range.size() > tag.size()) return false;
  if (strncasecmp(range.data(), tag.data(), range.size()) != 0) return false;
  return range.size() == tag.size() || tag[range.size()] == '-';
}

void PickLanguage(JsonValue& map, JsonAllocator& alloc, const std::vector<std::string>& languages) {
  if (!map.IsObject() || map.MemberCount() <= 1) return;
  JsonValue::MemberIterator best = map.MemberBegin();
  bool found = false;
  for (const auto& range : languages) {
    for (auto it = map.MemberBegin(); it != map.MemberEnd() && !found; ++it) {
      if (TagMatches(range, std::string_view(it->name.GetString(), it->name.GetStringLength()))) {
        best = it;
        found = true;
      }
    }
    if (found) break;
  }
  JsonValue chosen(rapidjson::kObjectType);
  chosen.AddMember(best->name, best->value, alloc);
  map = chosen;
}

void CanonicalActivity(JsonValue& activity, JsonAllocator& alloc,
                       const std::vector<std::string>& languages) {
  if (!activity.IsObject() || !activity.HasMember("definition")) return;
  JsonValue& definition = activity["definition"];
  if (!definition.IsObject()) return;
  for (const char* map : {"name", "description"}) {
    if (definition.HasMember(map)) PickLanguage(definition[map], alloc, languages);
  }
  for (const char* list : {"choices", "scale", "source", "target", "steps"}) {
    if (!definition.HasMember(list) || !definition[list].IsArray()) continue;
    for (auto& component : definition[list].GetArray()) {
      if (component.IsObject() && component.HasMember("description")) {
        PickLanguage(component["description"], alloc, languages);
      }
    }
  }
}

void CanonicalStatement(JsonValue& statement, JsonAllocator& alloc,
                        const std::vector<std::string>& languages) {
  if (!statement.IsObject()) return;
  if (statement.HasMember("verb") && statement["verb"].IsObject() &&
      statement["verb"].HasMember("display")) {
    PickLanguage(statement["verb"]["display"], alloc, languages);
  }
  if (statement.HasMember("object")) {
    JsonValue& object = statement["object"];
    auto type = StringMember(object, "objectType");
    if (type == "SubStatement") CanonicalStatement(object, alloc, languages);
    else if (type.empty() || type == "Activity") CanonicalActivity(object, alloc, languages);
  }
  if (statement.HasMember("context") && statement["context"].IsObject() &&
      statement["context"].HasMember("contextActivities") &&
      statement["context"]["contextActivities"].IsObject()) {
    for (auto& list : statement["context"]["contextActivities"].GetObject()) {
      if (list.value.IsArray()) {
        for (auto& a : list.value.GetArray()) CanonicalActivity(a, alloc, languages);
      } else {
        CanonicalActivity(list.value, alloc, languages);
      }
    }
  }
}

}  // namespace

void ApplyIdsFormat(JsonValue& statement, JsonAllocator& alloc) { IdsStatement(statement, alloc); }

std::vector<std::string> ParseAcceptLanguage(std::string_view header) {
  std::vector<Range> ranges;
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    size_t semi = item.find(';');
    std::string tag(item.substr(0, semi));
    tag.erase(std::remove_if(tag.begin(), tag.end(), [](unsigned char c) { return std::isspace(c); }),
              tag.end());
    double q = 1.0;
    if (semi != std::string_view::npos) {
      std::string params(item.substr(semi + 1));
      size_t qpos = params.find("q=");
      if (qpos != std::string::npos) q = std::atof(params.c_str() + qpos + 2);
    }
    if (!tag.empty() && q > 0) ranges.push_back({tag, q});
  }
  std::stable_sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) {
    if (a.tag == "*" || b.tag == "*") return b.tag == "*" && a.tag != "*";
    return a.q > b.q;
  });
  std::vector<std::string> tags;
  for (auto& r : ranges) tags.push_back(std::move(r.tag));
  return tags;
}

void ApplyCanonicalFormat(JsonValue& statement, JsonAllocator& alloc,
                          const std::vector<std::string>& languages) {
  CanonicalStatement(statement, alloc, languages);
}

}  // namespace lrs::xapi

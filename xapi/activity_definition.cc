#include "xapi/activity_definition.h"

#include <strings.h>

#include <algorithm>

namespace lrs::xapi {
namespace {

constexpr const char* kLanguageMaps[] = {"name", "description"};
constexpr const char* kComponentLists[] = {"choices", "scale", "source", "target", "steps"};

bool IsActivity(const JsonValue& object) {
  if (!object.IsObject()) return false;
  auto type = StringMember(object, "objectType");
  return type.empty() || type == "Activity";
}

// Visits every Activity position of a statement (see the header), in
// document order. `Value` is JsonValue or const JsonValue.
template <typename Value, typename Visit>
void ForEachActivity(Value& statement, const Visit& visit) {
  if (!statement.IsObject()) return;
  auto object = statement.FindMember("object");
  const bool has_object = object != statement.MemberEnd();
  if (has_object && IsActivity(object->value)) visit(object->value);
  auto context = statement.FindMember("context");
  if (context != statement.MemberEnd() && context->value.IsObject()) {
    auto lists = context->value.FindMember("contextActivities");
    if (lists != context->value.MemberEnd() && lists->value.IsObject()) {
      for (auto& list : lists->value.GetObject()) {
        if (list.value.IsArray()) {
          for (auto& activity : list.value.GetArray()) {
            if (IsActivity(activity)) visit(activity);
          }
        } else if (IsActivity(list.value)) {
          visit(list.value);
        }
      }
    }
  }
  if (has_object && StringMember(object->value, "objectType") == "SubStatement") {
    ForEachActivity(object->value, visit);
  }
}

bool SameLanguage(const JsonValue& a, const JsonValue& b) {
  return a.GetStringLength() == b.GetStringLength() &&
         strncasecmp(a.GetString(), b.GetString(), a.GetStringLength()) == 0;
}

// Newer entries win (name and value); older languages stay.
void MergeLanguageMap(JsonValue& older, const JsonValue& newer, JsonAllocator& alloc) {
  if (!older.IsObject() || !newer.IsObject()) {
    older.CopyFrom(newer, alloc);
    return;
  }
  for (const auto& entry : newer.GetObject()) {
    auto it = std::find_if(older.MemberBegin(), older.MemberEnd(),
                           [&](const auto& m) { return SameLanguage(m.name, entry.name); });
    if (it != older.MemberEnd()) {
      it->name.CopyFrom(entry.name, alloc);
      it->value.CopyFrom(entry.value, alloc);
    } else {
      older.AddMember(JsonValue(entry.name, alloc), JsonValue(entry.value, alloc), alloc);
    }
  }
}

const JsonValue* FindComponent(const JsonValue& list, std::string_view id) {
  if (!list.IsArray() || id.empty()) return nullptr;
  for (const auto& component : list.GetArray()) {
    if (StringMember(component, "id") == id) return &component;
  }
  return nullptr;
}

// The newer list replaces the older one; each of its components keeps the
// description languages the older component of the same id had.
void MergeComponentList(JsonValue& older, const JsonValue& newer, JsonAllocator& alloc) {
  JsonValue merged(newer, alloc);
  if (merged.IsArray()) {
    for (auto& component : merged.GetArray()) {
      const JsonValue* before = FindComponent(older, StringMember(component, "id"));
      const JsonValue* old_description = before ? Member(*before, "description") : nullptr;
      if (old_description == nullptr || !old_description->IsObject()) continue;
      auto description = component.FindMember("description");
      if (description == component.MemberEnd()) {
        component.AddMember("description", JsonValue(*old_description, alloc), alloc);
      } else {
        JsonValue combined(*old_description, alloc);
        MergeLanguageMap(combined, description->value, alloc);
        description->value = combined;
      }
    }
  }
  older = merged;
}

template <size_t N>
bool OneOf(std::string_view name, const char* const (&names)[N]) {
  return std::any_of(std::begin(names), std::end(names), [&](const char* n) { return name == n; });
}

}  // namespace

void MergeActivityDefinition(JsonValue& older, const JsonValue& newer, JsonAllocator& alloc) {
  if (!older.IsObject() || !newer.IsObject()) {
    older.CopyFrom(newer, alloc);
    return;
  }
  for (const auto& property : newer.GetObject()) {
    std::string_view name(property.name.GetString(), property.name.GetStringLength());
    auto it = older.FindMember(property.name);
    if (it == older.MemberEnd()) {
      older.AddMember(JsonValue(property.name, alloc), JsonValue(property.value, alloc), alloc);
    } else if (OneOf(name, kLanguageMaps)) {
      MergeLanguageMap(it->value, property.value, alloc);
    } else if (OneOf(name, kComponentLists)) {
      MergeComponentList(it->value, property.value, alloc);
    } else {
      it->value.CopyFrom(property.value, alloc);
    }
  }
}

std::string MergeActivityDefinitionJson(std::string_view older, std::string_view newer) {
  JsonDocument next;
  next.Parse(newer.data(), newer.size());
  if (next.HasParseError() || !next.IsObject()) return std::string(older);
  JsonDocument merged;
  merged.Parse(older.data(), older.size());
  if (merged.HasParseError() || !merged.IsObject()) return ToJson(next);
  MergeActivityDefinition(merged, next, merged.GetAllocator());
  return ToJson(merged);
}

std::vector<std::pair<std::string, std::string>> ExtractActivityDefinitions(
    const JsonValue& statement) {
  // A statement names a handful of activities: linear scans beat maps.
  JsonDocument scratch;
  std::vector<std::pair<std::string, JsonValue>> found;
  ForEachActivity(statement, [&](const JsonValue& activity) {
    auto id = StringMember(activity, "id");
    const JsonValue* definition = Member(activity, "definition");
    if (id.empty() || definition == nullptr || !definition->IsObject() ||
        definition->ObjectEmpty()) {
      return;
    }
    auto it = std::find_if(found.begin(), found.end(),
                           [&](const auto& entry) { return entry.first == id; });
    if (it == found.end()) {
      found.emplace_back(std::string(id), JsonValue(*definition, scratch.GetAllocator()));
    } else {
      MergeActivityDefinition(it->second, *definition, scratch.GetAllocator());
    }
  });
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(found.size());
  for (auto& [id, definition] : found) out.emplace_back(std::move(id), ToJson(definition));
  return out;
}

std::string ActivityObjectJson(std::string_view activity_id,
                               const std::optional<std::string>& definition_json) {
  JsonDocument activity(rapidjson::kObjectType);
  JsonAllocator& alloc = activity.GetAllocator();
  activity.AddMember("objectType", "Activity", alloc);
  activity.AddMember(
      "id",
      JsonValue(activity_id.data(), static_cast<rapidjson::SizeType>(activity_id.size()), alloc),
      alloc);
  if (definition_json) {
    JsonDocument definition(&alloc);
    definition.Parse(definition_json->data(), definition_json->size());
    if (!definition.HasParseError() && definition.IsObject()) {
      activity.AddMember("definition", definition.Move(), alloc);
    }
  }
  return ToJson(activity);
}

std::vector<std::string> ActivityIds(const JsonValue& statement) {
  std::vector<std::string> ids;
  ForEachActivity(statement, [&](const JsonValue& activity) {
    auto id = StringMember(activity, "id");
    if (!id.empty() && std::find(ids.begin(), ids.end(), id) == ids.end()) {
      ids.emplace_back(id);
    }
  });
  return ids;
}

void ApplyCanonicalDefinitions(JsonValue& statement, JsonAllocator& alloc,
                               const CanonicalDefinitionLookup& lookup) {
  ForEachActivity(statement, [&](JsonValue& activity) {
    const std::string* canonical = lookup(StringMember(activity, "id"));
    if (canonical == nullptr) return;
    JsonDocument parsed(&alloc);
    parsed.Parse(canonical->data(), canonical->size());
    if (parsed.HasParseError() || !parsed.IsObject()) return;
    auto it = activity.FindMember("definition");
    if (it != activity.MemberEnd()) {
      it->value = parsed.Move();
    } else {
      activity.AddMember("definition", parsed.Move(), alloc);
    }
  });
}

}  // namespace lrs::xapi

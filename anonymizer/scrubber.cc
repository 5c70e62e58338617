#include "anonymizer/scrubber.h"

#include <string_view>

#include "anonymizer/agent_positions.h"

namespace lrs::anonymizer {
namespace {

using xapi::JsonValue;

std::string_view Name(const JsonValue& key) {
  return std::string_view(key.GetString(), key.GetStringLength());
}

// Removes every member of `object` that `keeps(name)` refuses, keeping the
// order of the rest (EraseMember, not RemoveMember, which reorders).
// Returns whether it removed anything.
template <typename Keeps>
bool EraseMembersNotKept(JsonValue& object, Keeps&& keeps) {
  bool erased = false;
  for (auto it = object.MemberBegin(); it != object.MemberEnd();) {
    if (keeps(Name(it->name))) {
      ++it;
    } else {
      it = object.EraseMember(it);
      erased = true;
    }
  }
  return erased;
}

// Removes `parent[name]` when it is an object this scrub emptied.
void EraseIfEmptied(JsonValue& parent, const char* name, bool emptied_here) {
  auto it = parent.FindMember(name);
  if (emptied_here && it != parent.MemberEnd() && it->value.IsObject() && it->value.ObjectEmpty()) {
    parent.EraseMember(it);
  }
}

// Filters `holder.extensions` by `keep`; removes it if that emptied it.
void ScrubExtensions(JsonValue& holder, const ExtensionKeep& keep) {
  if (keep.all) return;
  auto it = holder.FindMember("extensions");
  if (it == holder.MemberEnd() || !it->value.IsObject()) return;
  const bool erased =
      EraseMembersNotKept(it->value, [&](std::string_view iri) { return keep.Keeps(iri); });
  EraseIfEmptied(holder, "extensions", erased);
}

void ScrubResult(JsonValue& statement, const KeepPolicy& keep) {
  auto it = statement.FindMember("result");
  if (it == statement.MemberEnd() || !it->value.IsObject()) return;
  JsonValue& result = it->value;
  const bool had_members = !result.ObjectEmpty();
  EraseMembersNotKept(result, [&](std::string_view p) { return keep.KeepsResult(p); });
  ScrubExtensions(result, keep.result_extensions);
  EraseIfEmptied(statement, "result", had_members);
}

void DropDefinition(JsonValue& activity) {
  if (activity.IsObject()) activity.EraseMember("definition");
}

bool IsActivity(const JsonValue& object) {
  const std::string_view type = xapi::StringMember(object, "objectType");
  return type.empty() || type == "Activity";
}

void DropContextActivityDefinitions(JsonValue& context) {
  auto lists = context.FindMember("contextActivities");
  if (lists == context.MemberEnd() || !lists->value.IsObject()) return;
  for (auto& list : lists->value.GetObject()) {
    if (list.value.IsArray()) {
      for (auto& activity : list.value.GetArray()) DropDefinition(activity);
    } else {
      DropDefinition(list.value);  // a single Activity (0.95 form, Data 2.4.6.2)
    }
  }
}

void ScrubContext(JsonValue& statement, const KeepPolicy& keep) {
  auto it = statement.FindMember("context");
  if (it == statement.MemberEnd() || !it->value.IsObject()) return;
  JsonValue& context = it->value;
  const bool had_members = !context.ObjectEmpty();
  EraseMembersNotKept(context, [&](std::string_view p) { return keep.KeepsContext(p); });
  ScrubExtensions(context, keep.context_extensions);
  if (!keep.activity_definitions) DropContextActivityDefinitions(context);
  EraseIfEmptied(statement, "context", had_members);
}

// What a statement and its SubStatement share (Data 2.4.4.3).
void ScrubBody(JsonValue& statement, const KeepPolicy& keep) {
  ScrubResult(statement, keep);
  ScrubContext(statement, keep);
  if (!keep.attachments) statement.EraseMember("attachments");
  auto object = statement.FindMember("object");
  if (!keep.activity_definitions && object != statement.MemberEnd() && object->value.IsObject() &&
      IsActivity(object->value)) {
    DropDefinition(object->value);
  }
}

void DropName(JsonValue& agent) {
  if (agent.IsObject()) agent.EraseMember("name");
}

}  // namespace

void ScrubStatement(JsonValue& statement, const KeepPolicy& keep) {
  if (keep.KeepsEverything() || !statement.IsObject()) return;
  ScrubBody(statement, keep);
  auto object = statement.FindMember("object");
  if (object != statement.MemberEnd() && object->value.IsObject() &&
      xapi::StringMember(object->value, "objectType") == "SubStatement") {
    ScrubBody(object->value, keep);
  }
  // After the removals, so only positions that are still there are visited.
  if (!keep.display_names) {
    internal::ForEachAgentPosition(statement, [](JsonValue& agent, MentionRole) {
      DropName(agent);
      auto members = agent.FindMember("member");
      if (members == agent.MemberEnd()) return;
      internal::ForEachMember(members->value, [](JsonValue& member) { DropName(member); });
    });
  }
}

}  // namespace lrs::anonymizer

#pragma once
// Where Agents and Groups sit in a statement (private to anonymizer/).
//
// Split, join and ReferencedVariants all walk the statement through this one
// function, so the direction that writes references and the directions that
// read them can never disagree about which nodes are identities. Everything
// else (extensions, results, activity definitions) is client data and is never
// visited, even when it happens to contain "$p" or "$v".
//
// Positions (xAPI Data 2.4; xAPI 2.0 adds contextAgents and contextGroups):
//   actor                          any object (no objectType means Agent)
//   object                         when objectType is "Agent" or "Group";
//                                  a "SubStatement" is walked recursively
//   authority                      top level only: a SubStatement has none
//   context.instructor, .team      any object
//   context.contextAgents[i].agent, context.contextGroups[i].group
// Group members are not positions of their own: the caller handles "member".
//
// Roles: the top-level actor and object are kActorOrObject; every other
// position, and every position inside a SubStatement, is kRelated.

#include <string_view>

#include "anonymizer/identity_split.h"
#include "xapi/json.h"

namespace lrs::anonymizer::internal {

// `Value` is xapi::JsonValue or const xapi::JsonValue; `visit(Value& node,
// MentionRole role)` is called once per position holding an object.
template <typename Value, typename Visit>
void ForEachAgentPosition(Value& statement, Visit&& visit);

// Calls `visit(Value& member)` for each object in a Group's "member" array.
template <typename Value, typename Visit>
void ForEachMember(Value& member_array, Visit&& visit) {
  if (!member_array.IsArray()) return;
  for (auto& member : member_array.GetArray()) {
    if (member.IsObject()) visit(member);
  }
}

namespace detail {

template <typename Value, typename Visit>
void VisitIfObject(Value& parent, const char* name, MentionRole role, Visit& visit) {
  if (!parent.IsObject()) return;
  auto it = parent.FindMember(name);
  if (it != parent.MemberEnd() && it->value.IsObject()) visit(it->value, role);
}

// Each entry of `parent[array_name]` that holds an object under `field`.
template <typename Value, typename Visit>
void VisitEachEntry(Value& parent, const char* array_name, const char* field, Visit& visit) {
  auto it = parent.FindMember(array_name);
  if (it == parent.MemberEnd() || !it->value.IsArray()) return;
  for (auto& entry : it->value.GetArray())
    VisitIfObject(entry, field, MentionRole::kRelated, visit);
}

template <typename Value, typename Visit>
void VisitStatement(Value& statement, bool top_level, Visit& visit) {
  if (!statement.IsObject()) return;
  const MentionRole primary = top_level ? MentionRole::kActorOrObject : MentionRole::kRelated;
  VisitIfObject(statement, "actor", primary, visit);

  auto object = statement.FindMember("object");
  if (object != statement.MemberEnd() && object->value.IsObject()) {
    const std::string_view type = xapi::StringMember(object->value, "objectType");
    if (type == "Agent" || type == "Group") {
      visit(object->value, primary);
    } else if (type == "SubStatement" && top_level) {  // a SubStatement cannot nest another
      VisitStatement(object->value, /*top_level=*/false, visit);
    }
  }

  if (top_level) VisitIfObject(statement, "authority", MentionRole::kRelated, visit);

  auto context = statement.FindMember("context");
  if (context == statement.MemberEnd() || !context->value.IsObject()) return;
  VisitIfObject(context->value, "instructor", MentionRole::kRelated, visit);
  VisitIfObject(context->value, "team", MentionRole::kRelated, visit);
  VisitEachEntry(context->value, "contextAgents", "agent", visit);
  VisitEachEntry(context->value, "contextGroups", "group", visit);
}

}  // namespace detail

template <typename Value, typename Visit>
void ForEachAgentPosition(Value& statement, Visit&& visit) {
  detail::VisitStatement(statement, /*top_level=*/true, visit);
}

}  // namespace lrs::anonymizer::internal

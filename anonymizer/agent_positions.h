#pragma once
// Where Agents and Groups sit in a statement (private to anonymizer/).
//
// Split, join and ReferencedVariants all walk the statement through this one
// function, so the direction that writes references and the directions that
// read them can never disagree about which nodes are identities.
//
// Positions (xAPI Data 2.4; xAPI 2.0 adds contextAgents and contextGroups):
//   actor                          any object (no objectType means Agent)
//   object                         when objectType is "Agent" or "Group";
//                                  a "SubStatement" is walked recursively
//   authority                      top level only: a SubStatement has none
//   context.instructor, .team      any object
//   context.contextAgents[i].agent, context.contextGroups[i].group
//   inside extensions (result, context, and every activity definition's,
//   at any depth): each object that looks like an Agent or Group (an IFI,
//   or a Group's "member" list) or is already a reference ("$p" and "$v").
//   A grader or a peer in an xAPI profile's extension is a person too.
// Group members are not positions of their own: the caller handles "member".
//
// Extension values are client JSON and may hold any member name, "$p"
// included: before the split, EscapeExtensionKeys doubles the "$" of every
// such name, so only the split's own references have "$p" there, and the
// join undoes it (UnescapeExtensionKeys) after restoring identities.
//
// Roles: the top-level actor and object are kActorOrObject; every other
// position, and every position inside a SubStatement, is kRelated.

#include <cctype>
#include <optional>
#include <string>
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

inline bool HasString(const xapi::JsonValue& node, const char* name) {
  auto it = node.FindMember(name);
  return it != node.MemberEnd() && it->value.IsString() && it->value.GetStringLength() > 0;
}

inline bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// An identifier the LRS can key (xAPI Data 2.4.2.3, loosely: nothing else
// validated it): a mailto: IRI with an address, 40 hex digits, an IRI, an
// account with an IRI home page and a name.
inline bool HasKeyableIfi(const xapi::JsonValue& node) {
  const std::string_view mbox = xapi::StringMember(node, "mbox");
  if (mbox.size() > 7 && EqualsIgnoringCase(mbox.substr(0, 7), "mailto:") &&
      mbox.find('@') != std::string_view::npos) {
    return true;
  }
  const std::string_view sha1 = xapi::StringMember(node, "mbox_sha1sum");
  if (sha1.size() == 40 &&
      sha1.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos) {
    return true;
  }
  if (xapi::StringMember(node, "openid").find(':') != std::string_view::npos) return true;
  auto account = node.FindMember("account");
  return account != node.MemberEnd() && account->value.IsObject() &&
         xapi::StringMember(account->value, "homePage").find(':') != std::string_view::npos &&
         !xapi::StringMember(account->value, "name").empty();
}

// An Agent or Group a client put where xAPI does not require one (an
// extension): judged by what identifies it, since nothing validated it.
inline bool LooksLikeAgent(const xapi::JsonValue& node) {
  if (!node.IsObject()) return false;
  if (HasString(node, "$p") && HasString(node, "$v")) return true;  // a stored reference
  const std::string_view type = xapi::StringMember(node, "objectType");
  if (!type.empty() && !EqualsIgnoringCase(type, "Agent") && !EqualsIgnoringCase(type, "Group")) {
    return false;
  }
  if (HasKeyableIfi(node)) return true;
  // A member list makes a Group whether or not it says so.
  auto member = node.FindMember("member");
  return member != node.MemberEnd() && member->value.IsArray() && !member->value.Empty();
}

// An object that means a person but is no Agent or Group LooksLikeAgent
// accepts, e.g. {"objectType": "Agent", "name": "Ada"}, a Group with a name
// and no member, an account with a name but no home page, an mbox that is
// no mailto: IRI. Such objects are refused in extensions: what cannot be
// keyed cannot be sealed, withheld or erased. Ordinary JSON that merely
// uses these names ({"member": true}, {"account": "premium"}) is no person.
inline bool MeansAPerson(const xapi::JsonValue& node) {
  if (!node.IsObject() || LooksLikeAgent(node)) return false;
  const std::string_view type = xapi::StringMember(node, "objectType");
  if (EqualsIgnoringCase(type, "Agent") || EqualsIgnoringCase(type, "Person")) return true;
  if (EqualsIgnoringCase(type, "Group") && node.HasMember("name")) return true;
  for (const char* key : {"mbox", "mbox_sha1sum", "openid"}) {
    auto it = node.FindMember(key);
    if (it != node.MemberEnd() && it->value.IsString()) return true;
  }
  auto account = node.FindMember("account");
  return account != node.MemberEnd() && account->value.IsObject() &&
         (account->value.HasMember("name") || account->value.HasMember("homePage"));
}

template <typename Value, typename Visit>
void VisitExtensionValue(Value& value, Visit& visit) {
  if (value.IsObject()) {
    if (LooksLikeAgent(value)) {
      visit(value, MentionRole::kRelated);
      return;
    }
    for (auto& m : value.GetObject()) VisitExtensionValue(m.value, visit);
  } else if (value.IsArray()) {
    for (auto& element : value.GetArray()) VisitExtensionValue(element, visit);
  }
}

// Calls `on_extensions(Value& extensions_object)` for every "extensions" map
// of a statement or SubStatement body: result, context, the object's and
// every context activity's definition.
template <typename Value, typename OnExtensions>
void ForEachExtensionsMap(Value& body, OnExtensions& on_extensions) {
  if (!body.IsObject()) return;
  auto visit_map = [&](auto& parent) {
    if (!parent.IsObject()) return;
    auto it = parent.FindMember("extensions");
    if (it != parent.MemberEnd() && it->value.IsObject()) on_extensions(it->value);
  };
  auto visit_definition = [&](auto& activity) {
    if (!activity.IsObject()) return;
    auto definition = activity.FindMember("definition");
    if (definition != activity.MemberEnd()) visit_map(definition->value);
  };
  auto result = body.FindMember("result");
  if (result != body.MemberEnd()) visit_map(result->value);
  auto object = body.FindMember("object");
  if (object != body.MemberEnd() && object->value.IsObject()) {
    const std::string_view type = xapi::StringMember(object->value, "objectType");
    if (type.empty() || type == "Activity") visit_definition(object->value);
  }
  auto context = body.FindMember("context");
  if (context == body.MemberEnd() || !context->value.IsObject()) return;
  visit_map(context->value);
  auto lists = context->value.FindMember("contextActivities");
  if (lists == context->value.MemberEnd() || !lists->value.IsObject()) return;
  for (auto& list : lists->value.GetObject()) {
    if (list.value.IsArray()) {
      for (auto& activity : list.value.GetArray()) visit_definition(activity);
    } else {
      visit_definition(list.value);
    }
  }
}

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

  auto on_extensions = [&](auto& extensions) {
    for (auto& m : extensions.GetObject()) VisitExtensionValue(m.value, visit);
  };
  ForEachExtensionsMap(statement, on_extensions);

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

// Calls `on_extensions(Value& map)` for every "extensions" map of the
// statement and of its SubStatement.
template <typename Value, typename OnExtensions>
void ForEachExtensionsMap(Value& statement, OnExtensions&& on_extensions) {
  detail::ForEachExtensionsMap(statement, on_extensions);
  if (!statement.IsObject()) return;
  auto object = statement.FindMember("object");
  if (object != statement.MemberEnd() && object->value.IsObject() &&
      xapi::StringMember(object->value, "objectType") == "SubStatement") {
    detail::ForEachExtensionsMap(object->value, on_extensions);
  }
}

namespace detail {

template <typename Value>
bool HoldsUnkeyablePerson(const Value& value) {
  if (value.IsArray()) {
    for (const auto& element : value.GetArray()) {
      if (HoldsUnkeyablePerson(element)) return true;
    }
    return false;
  }
  if (!value.IsObject()) return false;
  if (MeansAPerson(value)) return true;
  if (!LooksLikeAgent(value)) {
    for (const auto& m : value.GetObject()) {
      if (HoldsUnkeyablePerson(m.value)) return true;
    }
    return false;
  }
  // Every member of a Group must be an Agent the LRS can key, and nothing
  // else an Agent carries may hide another person.
  for (const auto& m : value.GetObject()) {
    if (std::string_view(m.name.GetString(), m.name.GetStringLength()) != "member") {
      if (HoldsUnkeyablePerson(m.value)) return true;
      continue;
    }
    if (!m.value.IsArray()) return true;
    for (const auto& member : m.value.GetArray()) {
      if (!LooksLikeAgent(member) || member.HasMember("member")) return true;
    }
  }
  return false;
}

}  // namespace detail

// The IRI of the first extension (of the statement or its SubStatement)
// whose value holds a person the LRS cannot key (detail::MeansAPerson, or a
// Group member without an identifier); nullopt when there is none. Ingest
// refuses such a statement (400): it could neither seal nor erase them.
inline std::optional<std::string> ExtensionWithUnkeyablePerson(const xapi::JsonValue& statement) {
  std::optional<std::string> found;
  ForEachExtensionsMap(statement, [&](const xapi::JsonValue& extensions) {
    for (const auto& m : extensions.GetObject()) {
      if (!found && detail::HoldsUnkeyablePerson(m.value)) {
        found = std::string(m.name.GetString(), m.name.GetStringLength());
      }
    }
  });
  return found;
}

}  // namespace lrs::anonymizer::internal

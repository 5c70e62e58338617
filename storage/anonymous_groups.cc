#include "storage/anonymous_groups.h"

#include <algorithm>

#include "xapi/json.h"

namespace lrs::storage {
namespace {

using xapi::JsonValue;

void AddIfAnonymous(const JsonValue* node, std::vector<AnonymousGroupRef>& out) {
  if (node == nullptr || !node->IsObject()) return;
  const JsonValue* anon = xapi::Member(*node, "$anon");
  if (anon == nullptr || !anon->IsBool() || !anon->GetBool()) return;
  const std::string pseudonym(xapi::StringMember(*node, "$p"));
  if (pseudonym.empty()) return;
  if (std::any_of(out.begin(), out.end(),
                  [&](const AnonymousGroupRef& g) { return g.pseudonym == pseudonym; })) {
    return;
  }
  AnonymousGroupRef group{pseudonym, {}};
  if (const JsonValue* members = xapi::Member(*node, "member"); members && members->IsArray()) {
    for (const JsonValue& member : members->GetArray()) {
      const std::string_view p = member.IsObject() ? xapi::StringMember(member, "$p") : "";
      if (!p.empty()) group.members.emplace_back(p);
    }
  }
  out.push_back(std::move(group));
}

// The Agent positions of a statement or a SubStatement (Data 2.4.2, 2.4.6,
// 2.4.6.2 contextAgents/contextGroups in 2.0).
void Visit(const JsonValue& statement, std::vector<AnonymousGroupRef>& out, bool top_level) {
  if (!statement.IsObject()) return;
  AddIfAnonymous(xapi::Member(statement, "actor"), out);
  const JsonValue* object = xapi::Member(statement, "object");
  AddIfAnonymous(object, out);
  if (top_level) AddIfAnonymous(xapi::Member(statement, "authority"), out);
  if (const JsonValue* context = xapi::Member(statement, "context");
      context && context->IsObject()) {
    AddIfAnonymous(xapi::Member(*context, "instructor"), out);
    AddIfAnonymous(xapi::Member(*context, "team"), out);
    for (const char* list : {"contextAgents", "contextGroups"}) {
      const JsonValue* entries = xapi::Member(*context, list);
      if (entries == nullptr || !entries->IsArray()) continue;
      for (const JsonValue& entry : entries->GetArray()) {
        if (!entry.IsObject()) continue;
        AddIfAnonymous(xapi::Member(entry, "agent"), out);
        AddIfAnonymous(xapi::Member(entry, "group"), out);
      }
    }
  }
  if (top_level && object != nullptr && object->IsObject() &&
      xapi::StringMember(*object, "objectType") == "SubStatement") {
    Visit(*object, out, false);
  }
}

}  // namespace

std::vector<AnonymousGroupRef> AnonymousGroupsIn(std::string_view statement_json) {
  std::vector<AnonymousGroupRef> out;
  if (statement_json.find("\"$anon\"") == std::string_view::npos) return out;  // the usual case
  auto parsed = xapi::ParseJson(statement_json);
  if (!parsed.ok()) return out;
  Visit(**parsed, out, true);
  return out;
}

}  // namespace lrs::storage

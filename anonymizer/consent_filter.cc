#include "anonymizer/consent_filter.h"

#include <rapidjson/document.h>

#include "anonymizer/agent_positions.h"
#include "anonymizer/reference_keys.h"
#include "xapi/agent_identifier.h"

namespace lrs::anonymizer {
namespace {

using xapi::JsonAllocator;
using xapi::JsonValue;

class Filter {
 public:
  Filter(JsonAllocator& alloc, const ConsentCheck& consents, ConsentFilterResult& out)
      : alloc_(alloc), consents_(consents), out_(out) {}

  // Removes the members of `node` that may not be stored; true when `node`
  // itself may stay.
  bool Keep(JsonValue& node) {
    if (!node.IsObject() || IsWithheldPlaceholder(node)) return true;
    size_t kept_members = 0;
    bool had_members = false;
    auto members = node.FindMember("member");
    if (members != node.MemberEnd() && members->value.IsArray()) {
      had_members = true;
      auto& list = members->value;
      for (auto it = list.Begin(); it != list.End();) {
        if (it->IsObject() && !Keep(*it)) {
          it = list.Erase(it);
          ++out_.withheld;
        } else {
          ++it;
          ++kept_members;
        }
      }
    }
    const std::optional<std::string> ifi = xapi::CanonicalIfi(node);
    if (!ifi) return !had_members || kept_members > 0;  // nobody identified by it
    if (consents_(*ifi)) {
      out_.keeps_learner = true;
      return true;
    }
    return kept_members > 0;
  }

  // Replaces `node` by the placeholder unless it may stay.
  void ReplaceUnlessKept(JsonValue& node) {
    if (Keep(node)) return;
    node = WithheldAgent(alloc_);
    ++out_.withheld;
  }

  void Body(JsonValue& body, bool top_level) {
    auto actor = body.FindMember("actor");
    if (actor != body.MemberEnd() && actor->value.IsObject() && !Keep(actor->value)) {
      actor->value = WithheldAgent(alloc_);
      ++out_.withheld;
      if (top_level) out_.actor_withheld = true;
    }
    auto object = body.FindMember("object");
    if (object != body.MemberEnd() && object->value.IsObject()) {
      const std::string_view type = xapi::StringMember(object->value, "objectType");
      if (type == "Agent" || type == "Group") {
        ReplaceUnlessKept(object->value);
      } else if (type == "SubStatement" && top_level) {
        Body(object->value, /*top_level=*/false);
      }
    }
    internal::detail::ForEachExtensionsMap(body, *this);
    auto context = body.FindMember("context");
    if (context == body.MemberEnd() || !context->value.IsObject()) return;
    JsonValue& c = context->value;
    if (auto it = c.FindMember("instructor"); it != c.MemberEnd() && it->value.IsObject()) {
      ReplaceUnlessKept(it->value);
    }
    if (auto it = c.FindMember("team"); it != c.MemberEnd() && it->value.IsObject()) {
      if (!Keep(it->value)) {
        c.EraseMember(it);
        ++out_.withheld;
      }
    }
    Entries(c, "contextAgents", "agent");
    Entries(c, "contextGroups", "group");
  }

  // For ForEachExtensionsMap: each extension value.
  void operator()(JsonValue& extensions) {
    for (auto& m : extensions.GetObject()) ExtensionValue(m.value);
  }

 private:
  void ExtensionValue(JsonValue& value) {
    if (value.IsObject()) {
      if (internal::detail::LooksLikeAgent(value)) {
        ReplaceUnlessKept(value);
        return;
      }
      for (auto& m : value.GetObject()) ExtensionValue(m.value);
    } else if (value.IsArray()) {
      for (auto& element : value.GetArray()) ExtensionValue(element);
    }
  }

  void Entries(JsonValue& context, const char* list_name, const char* field) {
    auto list = context.FindMember(list_name);
    if (list == context.MemberEnd() || !list->value.IsArray()) return;
    auto& entries = list->value;
    for (auto it = entries.Begin(); it != entries.End();) {
      auto agent = it->IsObject() ? it->FindMember(field) : it->MemberEnd();
      if (it->IsObject() && agent != it->MemberEnd() && agent->value.IsObject() &&
          !Keep(agent->value)) {
        it = entries.Erase(it);
        ++out_.withheld;
      } else {
        ++it;
      }
    }
    if (entries.Empty()) context.EraseMember(list);
  }

  JsonAllocator& alloc_;
  const ConsentCheck& consents_;
  ConsentFilterResult& out_;
};

}  // namespace

JsonValue WithheldAgent(JsonAllocator& alloc) {
  JsonValue agent(rapidjson::kObjectType);
  JsonValue account(rapidjson::kObjectType);
  account.AddMember("homePage", rapidjson::StringRef(kWithheldHomePage), alloc);
  account.AddMember("name", rapidjson::StringRef(kWithheldName), alloc);
  agent.AddMember("objectType", "Agent", alloc);
  agent.AddMember("account", account, alloc);
  return agent;
}

ConsentFilterResult WithholdUnconsented(JsonValue& statement, JsonAllocator& alloc,
                                        const ConsentCheck& consents) {
  ConsentFilterResult out;
  if (!statement.IsObject()) return out;
  Filter filter(alloc, consents, out);
  filter.Body(statement, /*top_level=*/true);
  return out;
}

bool ConsentsToBeNamed(const JsonValue& agent, const ConsentCheck& consents) {
  xapi::JsonDocument scratch;
  JsonValue copy(agent, scratch.GetAllocator());
  const size_t members_before =
      copy.IsObject() && copy.HasMember("member") && copy["member"].IsArray()
          ? copy["member"].Size()
          : 0;
  ConsentFilterResult out;
  Filter filter(scratch.GetAllocator(), consents, out);
  if (!filter.Keep(copy)) return false;
  // A Group that lost a member would be stored without them: not "as named".
  return members_before == 0 || copy["member"].Size() == members_before;
}

std::string DefinitionWithoutReferences(const std::string& definition_json) {
  if (definition_json.find(std::string("\"") + kReferencePseudonym + "\"") == std::string::npos) {
    return definition_json;
  }
  xapi::JsonDocument doc;
  doc.Parse(definition_json.c_str(), definition_json.size());
  if (doc.HasParseError()) return definition_json;
  std::function<void(xapi::JsonValue&)> walk = [&](xapi::JsonValue& v) {
    if (v.IsObject()) {
      if (!ReferencePseudonym(v).empty()) {
        v = WithheldAgent(doc.GetAllocator());
        return;
      }
      for (auto& m : v.GetObject()) walk(m.value);
    } else if (v.IsArray()) {
      for (auto& e : v.GetArray()) walk(e);
    }
  };
  walk(doc);
  return xapi::ToJson(doc);
}

}  // namespace lrs::anonymizer

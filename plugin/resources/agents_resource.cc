#include "plugin/resources/agents_resource.h"

#include "xapi/agent_identifier.h"
#include "xapi/json.h"
#include "xapi/person.h"
#include "xapi/validator.h"

namespace lrs::plugin {
namespace {

constexpr char kRule[] = "xAPI Communication 2.4: GET Agents parameters";

Error ParamError(const std::string& path, const std::string& message) {
  return MakeError(400, kRule, path, message);
}

}  // namespace

AgentsResource::AgentsResource(const anonymizer::Pseudonymizer& pseudonymizer, IdentityVault& vault,
                               storage::StatementReader& reader)
    : pseudonymizer_(pseudonymizer), vault_(vault), reader_(reader) {}

Result<std::string> AgentsResource::Get(const QueryParams& params, xapi::Version version,
                                        bool may_see_identities, std::string* subject) {
  const std::string* text = nullptr;
  for (const auto& [name, value] : params) {
    if (name != "agent") {
      // 2.0 (DIFFERENCES.md item 7): parameters the spec does not define are a 400.
      return ParamError("?" + name, "parameter " + name + " is not a parameter of GET Agents");
    }
    if (text != nullptr) return ParamError("?agent", "agent is given more than once");
    text = &value;
  }
  if (text == nullptr) return ParamError("?agent", "agent is required");
  auto agent = xapi::ParseJson(*text);
  if (!agent.ok() || !(*agent)->IsObject()) {
    return ParamError("?agent", "agent must be an Agent object as JSON");
  }
  if (xapi::StringMember(**agent, "objectType") == "Group") {
    return ParamError("?agent", "agent must be an Agent, not a Group");
  }
  if (auto error = xapi::ValidateAgent(**agent, xapi::ValidationOptions{version})) {
    return ParamError("?agent", "agent is not a valid Agent: " + error->message);
  }
  auto ifi = xapi::CanonicalIfi(**agent);
  if (!ifi) return ParamError("?agent", "agent must have an identifier");

  const std::string pseudonym = pseudonymizer_.Pseudonym(*ifi);
  if (subject != nullptr) *subject = pseudonym;
  xapi::PersonBuilder person;
  person.Add(**agent);
  if (may_see_identities) {
    auto sealed = reader_.FindIdentitiesByPseudonym(pseudonym);
    if (!sealed.ok()) return sealed.error();
    for (const auto& identity : *sealed) {
      auto plaintext = vault_.Open(identity);
      if (!plaintext.ok()) return plaintext.error();
      if (!plaintext->has_value()) continue;  // erased learner: nothing to show
      auto variant = xapi::ParseJson(**plaintext);
      // An identified Group sharing the IFI is not this person's persona.
      if (variant.ok() && xapi::StringMember(**variant, "objectType") != "Group") {
        person.Add(**variant);
      }
    }
  }
  return person.ToJson();
}

}  // namespace lrs::plugin

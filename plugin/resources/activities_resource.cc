#include "plugin/resources/activities_resource.h"

#include <map>
#include <optional>

#include "anonymizer/address_tokens.h"

#include "xapi/activity_definition.h"
#include "xapi/iri.h"

namespace lrs::plugin {
namespace {

constexpr char kRule[] = "xAPI Communication 2.5: GET Activities parameters";

Error ParamError(const std::string& path, const std::string& message) {
  return MakeError(400, kRule, path, message);
}

}  // namespace

ActivitiesResource::ActivitiesResource(storage::StatementReader& reader,
                                       const anonymizer::Pseudonymizer& pseudonymizer,
                                       IdentityVault& vault)
    : reader_(reader), pseudonymizer_(pseudonymizer), vault_(vault) {}

Result<std::string> ActivitiesResource::RestoreAddresses(const std::string& definition_json) {
  const std::vector<std::string> tokens = anonymizer::FindTokens(definition_json);
  if (tokens.empty()) return definition_json;
  auto sealed = reader_.FindIdentities(tokens);
  if (!sealed.ok()) return sealed.error();
  auto opened = vault_.OpenAddresses(*sealed);
  if (!opened.ok()) return opened.error();
  // Addresses hold no character JSON escapes, so the text can be edited as is.
  std::optional<std::string> restored = anonymizer::ReplaceTokens(
      definition_json, [&](std::string_view token) -> std::optional<std::string> {
        auto it = opened->find(std::string(token));
        if (it == opened->end()) return std::nullopt;
        return it->second;
      });
  return restored ? *restored : definition_json;
}

Result<std::string> ActivitiesResource::Get(const QueryParams& params, bool may_see_identities) {
  const std::string* activity_id = nullptr;
  for (const auto& [name, value] : params) {
    if (name != "activityId") {
      // 2.0 (DIFFERENCES.md item 7): parameters the spec does not define are a 400.
      return ParamError("?" + name, "parameter " + name + " is not a parameter of GET Activities");
    }
    if (activity_id != nullptr)
      return ParamError("?activityId", "activityId is given more than once");
    activity_id = &value;
  }
  if (activity_id == nullptr) return ParamError("?activityId", "activityId is required");
  if (!xapi::IsValidIri(*activity_id))
    return ParamError("?activityId", "activityId must be an IRI");

  const std::optional<std::string> tokenized =
      anonymizer::TokenizeAddresses(*activity_id, pseudonymizer_);
  const std::string& stored_id = tokenized ? *tokenized : *activity_id;
  auto definitions = reader_.FindActivityDefinitions({stored_id});
  if (!definitions.ok()) return definitions.error();
  std::optional<std::string> definition;
  if (auto it = definitions->find(stored_id); it != definitions->end()) {
    definition = std::move(it->second);
    if (may_see_identities) {
      Result<std::string> restored = RestoreAddresses(*definition);
      if (!restored.ok()) return restored.error();
      definition = std::move(*restored);
    }
  }
  return xapi::ActivityObjectJson(*activity_id, definition);
}

}  // namespace lrs::plugin

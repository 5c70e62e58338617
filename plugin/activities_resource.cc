#include "plugin/activities_resource.h"

#include <optional>

#include "xapi/activity_definition.h"
#include "xapi/iri.h"

namespace lrs::plugin {
namespace {

constexpr char kRule[] = "xAPI Communication 2.5: GET Activities parameters";

Error ParamError(const std::string& path, const std::string& message) {
  return MakeError(400, kRule, path, message);
}

}  // namespace

ActivitiesResource::ActivitiesResource(storage::StatementReader& reader) : reader_(reader) {}

Result<std::string> ActivitiesResource::Get(const QueryParams& params) {
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

  auto definitions = reader_.FindActivityDefinitions({*activity_id});
  if (!definitions.ok()) return definitions.error();
  std::optional<std::string> definition;
  if (auto it = definitions->find(*activity_id); it != definitions->end()) {
    definition = std::move(it->second);
  }
  return xapi::ActivityObjectJson(*activity_id, definition);
}

}  // namespace lrs::plugin

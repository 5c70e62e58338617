#pragma once
// GET /activities (xAPI Communication 2.5): the Activity object with the
// LRS's canonical definition, merged from every stored statement that
// defined the activity (xapi/activity_definition.h).
//
// Thread safety: Get may be called concurrently.

#include <string>

#include "plugin/http_message.h"
#include "storage/statement_reader.h"
#include "xapi/result.h"

namespace lrs::plugin {

class ActivitiesResource {
 public:
  explicit ActivitiesResource(storage::StatementReader& reader);

  // `params` must be exactly activityId=<IRI>. Returns the Activity object as
  // JSON: {"objectType":"Activity","id":...,"definition":...}, without
  // "definition" when none is stored (1.0.3 SHOULD*, required by 2.0).
  // Errors: 400 for a missing, repeated or invalid activityId or any other
  // parameter; 500.
  Result<std::string> Get(const QueryParams& params);

 private:
  storage::StatementReader& reader_;
};

}  // namespace lrs::plugin

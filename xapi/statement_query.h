#pragma once
// The parameters of GET /statements (xAPI Communication 2.1.3), parsed and
// checked: a StatementQuery exists only when every parameter is valid.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "xapi/json.h"
#include "xapi/result.h"
#include "xapi/version.h"

namespace lrs::xapi {

enum class StatementFormat { kExact, kIds, kCanonical };

struct StatementQuery {
  std::optional<std::string> statement_id;         // normalized lowercase
  std::optional<std::string> voided_statement_id;  // normalized lowercase
  std::shared_ptr<JsonDocument> agent;             // validated Agent or Group, or null
  std::optional<std::string> verb_id;
  std::optional<std::string> activity_id;
  std::optional<std::string> registration;         // normalized lowercase
  bool related_activities = false;
  bool related_agents = false;
  std::optional<int64_t> since_us;
  std::optional<int64_t> until_us;
  int limit = 0;                                   // 0: the server's maximum
  StatementFormat format = StatementFormat::kExact;
  bool attachments = false;
  bool ascending = false;
  std::optional<std::string> more;                 // the LRS's own paging token
};

// Errors: 400 naming the parameter (path "?name") and the rule: an unknown
// parameter, a malformed value, statementId together with voidedStatementId,
// or either of them with anything but attachments and format.
Result<StatementQuery> ParseStatementQuery(const std::vector<std::pair<std::string, std::string>>& params,
                                           Version version);

}  // namespace lrs::xapi

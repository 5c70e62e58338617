#pragma once
// The query string of GET /analytics/tables/{id} (issue 16, the catalogue),
// parsed into an analytics::TableRequest:
//
//   purpose=ID           required: a purpose the manifest declares
//   activity=IRI         one activity (absent: every activity)
//   by=DIM[,DIM]         up to two cohort dimensions of the manifest, each once
//   period=all|day|week|month    default all
//   from=YYYY-MM-DD, to=YYYY-MM-DD   which period rows are returned (inclusive);
//                        they filter rows, never make a new aggregate
//   steps=IRI,IRI,...    funnel: 2 to 10 activities, each once
//   format=json|csv      default json
//
// Valid by construction (STYLE.md rule 3): a TableQuery exists only when every
// parameter is known, given once, not empty and applies to the table (its
// TableInfo::parameters; from and to go with period). Every error is a 400
// whose path names the parameter ("?by") and whose message says what it must
// be; no message quotes a value (an analyst's IRI could name someone).
// Whether an activity or step exists in the epoch is the epoch's to say
// (analytics::Epoch::Query), with the same shape of error.
//
// Pure; thread-safe.

#include <string>
#include <vector>

#include "analytics/epoch.h"
#include "plugin/http/http_message.h"
#include "xapi/result.h"

namespace lrs::plugin {

enum class TableFormat { kJson, kCsv };

struct TableQuery {
  analytics::TableRequest request;
  std::string purpose;
  TableFormat format = TableFormat::kJson;
};

struct TableQueryRules {
  std::vector<std::string> purposes;           // the manifest's purpose ids
  std::vector<std::string> cohort_dimensions;  // the manifest's dimension ids
};

// `table` is the catalogue's entry for the table the path names.
Result<TableQuery> ParseTableQuery(const analytics::TableInfo& table, const QueryParams& query,
                                   const TableQueryRules& rules);

// The purpose of GET /analytics/tables (the catalogue): purpose= is optional
// there (the catalogue holds no learner's number; the contract lists no
// parameter), checked by the same rule when given, "analytics" when not.
// 400 for any other parameter.
Result<std::string> ParseCataloguePurpose(const QueryParams& query, const TableQueryRules& rules);

// "all", "day", "week", "month".
const char* PeriodName(analytics::Period period);

}  // namespace lrs::plugin

#include "plugin/analytics/table_request.h"

#include <algorithm>
#include <set>

#include "analytics/catalogue.h"
#include "plugin/analytics/iso_day.h"
#include "xapi/iri.h"

namespace lrs::plugin {
namespace {

constexpr char kRule[] = "analytics API: GET /analytics/tables";
constexpr char kDefaultPurpose[] = "analytics";
constexpr size_t kMaxBy = 2;
constexpr size_t kMinSteps = 2;
constexpr size_t kMaxSteps = 10;

Error Bad(const std::string& name, const std::string& what) {
  return MakeError(400, kRule, "?" + name, "the " + name + " parameter " + what);
}

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    const size_t comma = text.find(',', start);
    parts.push_back(text.substr(start, comma - start));
    if (comma == std::string::npos) return parts;
    start = comma + 1;
  }
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : ", ") + part;
  return out;
}

// Each parameter once and not empty; names outside `known` refused.
Result<std::vector<std::pair<std::string, std::string>>> Distinct(
    const QueryParams& query, const std::vector<std::string>& known) {
  std::set<std::string> seen;
  for (const auto& [name, value] : query) {
    if (!Contains(known, name)) {
      return MakeError(400, kRule, "", "unknown parameter; this resource takes " + Join(known));
    }
    if (!seen.insert(name).second) return Bad(name, "is given twice");
    if (value.empty()) return Bad(name, "is empty");
  }
  return QueryParams(query);
}

MaybeError CheckPurpose(const std::string& purpose, const TableQueryRules& rules) {
  if (!Contains(rules.purposes, purpose)) {
    return Bad("purpose", "must be the id of a purpose the manifest declares (" +
                              Join(rules.purposes) + ")");
  }
  return std::nullopt;
}

// Whether `table` takes the optional parameter `name`.
bool Takes(const analytics::TableInfo& table, const std::string& name) {
  if (Contains(table.parameters, name)) return true;
  return (name == "from" || name == "to") && Contains(table.parameters, "period");
}

Result<analytics::Period> ParsePeriod(const std::string& text) {
  if (text == "all") return analytics::Period::kAll;
  if (text == "day") return analytics::Period::kDay;
  if (text == "week") return analytics::Period::kWeek;
  if (text == "month") return analytics::Period::kMonth;
  return Bad("period", "must be all, day, week or month");
}

Result<std::vector<std::string>> ParseBy(const std::string& text, const TableQueryRules& rules) {
  std::vector<std::string> by = SplitCommas(text);
  if (by.size() > kMaxBy) return Bad("by", "names at most two cohort dimensions");
  for (size_t i = 0; i < by.size(); ++i) {
    if (!Contains(rules.cohort_dimensions, by[i])) {
      return Bad("by", rules.cohort_dimensions.empty()
                           ? "cannot be used: the manifest declares no cohort dimensions"
                           : "must name cohort dimensions of the manifest (" +
                                 Join(rules.cohort_dimensions) + "), separated by a comma");
    }
    if (i > 0 && by[0] == by[i]) return Bad("by", "names a cohort dimension twice");
  }
  return by;
}

Result<std::vector<std::string>> ParseSteps(const std::string& text) {
  std::vector<std::string> steps = SplitCommas(text);
  if (steps.size() < kMinSteps || steps.size() > kMaxSteps) {
    return Bad("steps", "must list 2 to 10 activity IRIs, separated by commas");
  }
  std::set<std::string> seen;
  for (const auto& step : steps) {
    if (!xapi::IsValidIri(step)) return Bad("steps", "must list absolute activity IRIs");
    if (!seen.insert(step).second) return Bad("steps", "lists an activity twice");
  }
  return steps;
}

}  // namespace

const char* PeriodName(analytics::Period period) {
  switch (period) {
    case analytics::Period::kDay: return "day";
    case analytics::Period::kWeek: return "week";
    case analytics::Period::kMonth: return "month";
    case analytics::Period::kAll: break;
  }
  return "all";
}

Result<TableQuery> ParseTableQuery(const analytics::TableInfo& table, const QueryParams& query,
                                   const TableQueryRules& rules) {
  auto params = Distinct(
      query, {"purpose", "activity", "by", "period", "from", "to", "steps", "format"});
  if (!params.ok()) return params.error();
  TableQuery parsed;
  parsed.request.table = table.id;
  bool has_purpose = false;
  for (const auto& [name, value] : *params) {
    if (name != "purpose" && name != "format" && !Takes(table, name)) {
      return Bad(name, "does not apply to the " + table.id + " table (it takes " +
                           Join(table.parameters) + ")");
    }
    if (name == "purpose") {
      if (MaybeError error = CheckPurpose(value, rules)) return *error;
      parsed.purpose = value;
      has_purpose = true;
    } else if (name == "activity") {
      if (!xapi::IsValidIri(value)) return Bad(name, "must be an absolute activity IRI");
      parsed.request.activity = value;
    } else if (name == "by") {
      auto by = ParseBy(value, rules);
      if (!by.ok()) return by.error();
      parsed.request.by = std::move(*by);
    } else if (name == "period") {
      auto period = ParsePeriod(value);
      if (!period.ok()) return period.error();
      parsed.request.period = *period;
    } else if (name == "from" || name == "to") {
      std::optional<int32_t> day = ParseIsoDay(value);
      if (!day) return Bad(name, "must be a day, YYYY-MM-DD (UTC), from 1970");
      (name == "from" ? parsed.request.from_day : parsed.request.to_day) = day;
    } else if (name == "steps") {
      auto steps = ParseSteps(value);
      if (!steps.ok()) return steps.error();
      parsed.request.steps = std::move(*steps);
    } else if (value == "csv") {
      parsed.format = TableFormat::kCsv;
    } else if (value != "json") {
      return Bad(name, "must be json or csv");
    }
  }
  if (!has_purpose) return Bad("purpose", "is required: the manifest purpose this read serves");
  if (parsed.request.from_day && parsed.request.to_day &&
      *parsed.request.from_day > *parsed.request.to_day) {
    return Bad("to", "must not be before from");
  }
  if (static_cast<int>(parsed.request.by.size()) > analytics::MaxBreakdownDims(parsed.request.period)) {
    return Bad("period", "must be month or all with by (day and week are offered for the whole population only)");
  }
  if (Contains(table.parameters, "steps") && parsed.request.steps.empty()) {
    return Bad("steps", "is required by the " + table.id + " table: 2 to 10 activity IRIs");
  }
  return parsed;
}

Result<std::string> ParseCataloguePurpose(const QueryParams& query, const TableQueryRules& rules) {
  auto params = Distinct(query, {"purpose"});
  if (!params.ok()) return params.error();
  if (params->empty()) return std::string(kDefaultPurpose);
  if (MaybeError error = CheckPurpose(params->front().second, rules)) return *error;
  return params->front().second;
}

}  // namespace lrs::plugin

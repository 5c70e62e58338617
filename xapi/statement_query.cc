#include "xapi/statement_query.h"

#include <charconv>

#include "xapi/iri.h"
#include "xapi/timestamp.h"
#include "xapi/uuid.h"
#include "xapi/validator.h"

namespace lrs::xapi {
namespace {

constexpr char kRule[] = "xAPI Communication 2.1.3: GET Statements parameters";

Error ParamError(const std::string& name, const std::string& what) {
  return MakeError(400, kRule, "?" + name, "parameter " + name + " " + what);
}

Result<bool> ParseBool(const std::string& name, const std::string& value) {
  if (value == "true") return true;
  if (value == "false") return false;
  return ParamError(name, "must be true or false");
}

}  // namespace

Result<StatementQuery> ParseStatementQuery(
    const std::vector<std::pair<std::string, std::string>>& params, Version version) {
  StatementQuery q;
  bool has_filter = false;  // anything besides attachments and format
  std::vector<std::string> seen;
  for (const auto& [name, value] : params) {
    for (const auto& s : seen) {
      if (s == name) return ParamError(name, "is given more than once");
    }
    seen.push_back(name);

    if (name == "statementId" || name == "voidedStatementId") {
      if (!IsValidUuid(value)) return ParamError(name, "must be a UUID");
      (name == "statementId" ? q.statement_id : q.voided_statement_id) = NormalizeUuid(value);
    } else if (name == "agent") {
      auto doc = ParseJson(value);
      if (!doc.ok() || !(*doc)->IsObject()) return ParamError(name, "must be an Agent or Group as JSON");
      if (auto error = ValidateAgent(**doc, ValidationOptions{version})) {
        return ParamError(name, "is not a valid Agent or Group: " + error->message);
      }
      q.agent = *doc;
      has_filter = true;
    } else if (name == "verb" || name == "activity") {
      if (!IsValidIri(value)) return ParamError(name, "must be an IRI");
      (name == "verb" ? q.verb_id : q.activity_id) = value;
      has_filter = true;
    } else if (name == "registration") {
      if (!IsValidUuid(value)) return ParamError(name, "must be a UUID");
      q.registration = NormalizeUuid(value);
      has_filter = true;
    } else if (name == "related_activities" || name == "related_agents" || name == "ascending" ||
               name == "attachments") {
      auto flag = ParseBool(name, value);
      if (!flag.ok()) return flag.error();
      if (name == "related_activities") q.related_activities = *flag;
      if (name == "related_agents") q.related_agents = *flag;
      if (name == "ascending") q.ascending = *flag;
      if (name == "attachments") q.attachments = *flag;
      if (name != "attachments") has_filter = true;
    } else if (name == "since" || name == "until") {
      auto micros = ParseTimestampMicros(value, version);
      if (!micros) return ParamError(name, "must be an ISO 8601 timestamp");
      (name == "since" ? q.since_us : q.until_us) = *micros;
      has_filter = true;
    } else if (name == "limit") {
      int limit = -1;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), limit);
      if (ec != std::errc() || end != value.data() + value.size() || limit < 0) {
        return ParamError(name, "must be a non-negative integer");
      }
      q.limit = limit;
      has_filter = true;
    } else if (name == "format") {
      if (value == "exact") q.format = StatementFormat::kExact;
      else if (value == "ids") q.format = StatementFormat::kIds;
      else if (value == "canonical") q.format = StatementFormat::kCanonical;
      else return ParamError(name, "must be ids, exact or canonical");
    } else if (name == "more") {
      q.more = value;
      has_filter = true;
    } else {
      return ParamError(name, "is not a parameter of GET Statements");
    }
  }
  if (q.statement_id && q.voided_statement_id) {
    return ParamError("voidedStatementId", "cannot be combined with statementId");
  }
  if ((q.statement_id || q.voided_statement_id) && has_filter) {
    return ParamError(q.statement_id ? "statementId" : "voidedStatementId",
                      "may only be combined with attachments and format");
  }
  return q;
}

}  // namespace lrs::xapi

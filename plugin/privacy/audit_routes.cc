#include "plugin/privacy/audit_routes.h"

#include <limits>

#include "plugin/http/error_response.h"
#include "xapi/json.h"
#include "xapi/timestamp.h"

namespace lrs::plugin {
namespace {

constexpr char kRule[] = "privacy API: GET /privacy/audit";
constexpr int64_t kDefaultLimit = 100;
constexpr int64_t kMaxLimit = 1000;

Error BadParameter(const std::string& name, const std::string& what) {
  return MakeError(400, kRule, "?" + name, "the " + name + " parameter must be " + what);
}

// A decimal integer in [min, max]; nullopt otherwise.
std::optional<int64_t> ParseBounded(const std::string& text, int64_t min, int64_t max) {
  if (text.empty() || text.size() > 18 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  const int64_t value = std::stoll(text);
  if (value < min || value > max) return std::nullopt;
  return value;
}

struct Parsed {
  storage::AuditRange range;
  const std::string* since_text = nullptr;
};

Result<Parsed> ParseParams(const QueryParams& query) {
  Parsed parsed;
  parsed.range.limit = kDefaultLimit;
  bool seen_since = false, seen_after = false, seen_limit = false;
  for (const auto& [name, value] : query) {
    bool* seen = name == "since"   ? &seen_since
                 : name == "after" ? &seen_after
                 : name == "limit" ? &seen_limit
                                   : nullptr;
    if (seen == nullptr) {
      return MakeError(400, kRule, "",
                       "unknown parameter; this resource takes since, after, limit");
    }
    if (*seen)
      return MakeError(400, kRule, "?" + name, "the " + name + " parameter is given twice");
    *seen = true;
    if (name == "since") {
      std::optional<int64_t> since = xapi::ParseTimestampMicros(value, xapi::Version::k1_0);
      if (!since) return BadParameter(name, "an ISO 8601 timestamp");
      parsed.range.since_us = since;
      parsed.since_text = &value;
    } else if (name == "after") {
      std::optional<int64_t> after = ParseBounded(value, 0, std::numeric_limits<int64_t>::max());
      if (!after) return BadParameter(name, "a sequence number (0 or more)");
      parsed.range.after_seq = *after;
    } else {
      std::optional<int64_t> limit = ParseBounded(value, 1, kMaxLimit);
      if (!limit) return BadParameter(name, "an integer from 1 to " + std::to_string(kMaxLimit));
      parsed.range.limit = *limit;
    }
  }
  return parsed;
}

}  // namespace

AuditRoutes::AuditRoutes(const Manifest& manifest, AuditTrail& trail)
    : manifest_(manifest), trail_(trail) {}

HttpResponse AuditRoutes::Get(const HttpRequest& request, const Principal& who) {
  if (request.method != "GET") {
    return ErrorResponse(MakeError(405, kRule, "", "the audit trail answers GET"));
  }
  if (!manifest_.RoleMay(who.role, "audit:read")) {
    return ErrorResponse(
        MakeError(403, "role", "", "this credential's role may not read the audit trail"));
  }
  Result<Parsed> parsed = ParseParams(request.query);
  if (!parsed.ok()) return ErrorResponse(parsed.error());

  Result<std::vector<storage::AuditEntry>> entries = trail_.Read(parsed->range);
  if (!entries.ok()) return ErrorResponse(entries.error());
  // Recorded before answering, like every other read (fail closed).
  AuditDetail detail;
  detail.Name("resource", "audit")
      .Names("params", ParameterNames(request.query))
      .Count("entries", static_cast<int64_t>(entries->size()));
  Result<storage::AuditEntry> recorded =
      trail_.Record(who, kActionAuditRead, kPurposeOversight, detail, {});
  if (!recorded.ok()) return ErrorResponse(recorded.error());

  xapi::JsonDocument body(rapidjson::kObjectType);
  xapi::JsonAllocator& alloc = body.GetAllocator();
  xapi::JsonValue list(rapidjson::kArrayType);
  for (const storage::AuditEntry& entry : *entries)
    list.PushBack(AuditEntryJson(entry, alloc), alloc);
  std::string more;
  if (!entries->empty() && static_cast<int64_t>(entries->size()) == parsed->range.limit) {
    more = "/privacy/audit?after=" + std::to_string(entries->back().seq) +
           "&limit=" + std::to_string(parsed->range.limit);
    if (parsed->since_text) more += "&since=" + PercentEncode(*parsed->since_text);
  }
  body.AddMember("entries", list, alloc);
  body.AddMember("more", xapi::JsonValue(more.c_str(), alloc), alloc);
  return HttpResponse::Json(200, xapi::ToJson(body));
}

}  // namespace lrs::plugin

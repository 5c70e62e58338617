#pragma once
// The analytics API (issue 16), outside /xapi:
//
//   GET  /analytics/tables[?purpose=ID]        the catalogue of the current epoch
//   GET  /analytics/tables/{id}?purpose=ID&... one table's rows (plugin/analytics/table_request.h)
//        -> JSON or, with format=csv, text/csv (plugin/analytics/table_render.h)
//   POST /admin/epoch                          starts a new epoch and answers it:
//        -> {"epoch":{"id","as_of"},"utility":{...}}
//
// - Reading needs the manifest permission "analytics:read" (the analyst
//   role); lms, admin and learner tokens get 403, no or a bad credential 401.
//   POST /admin/epoch needs "analytics:epoch" (the admin role) and a JSON
//   Content-Type (plugin/http/json_writes.h), so a cross-site form cannot
//   drive it.
// - Every answer comes from one epoch (plugin/analytics/epoch_service.h):
//   within it a repeated request gets the identical bytes. Before the first
//   epoch is built: 503 with Retry-After.
// - Every read is written to the audit trail before it is answered (fail
//   closed), with its purpose: action "analytics.catalogue.read" or
//   "analytics.table.read", detail the table, the names of the parameters
//   used, the format and the number of rows: never a parameter's value.
//   POST /admin/epoch is recorded as "analytics.epoch" (purpose
//   "administration"). No subjects: no answer is about one learner.
// - Answers say Cache-Control: no-store.
//
// Thread safety: Handle may be called concurrently.

#include <string_view>

#include "plugin/analytics/epoch_service.h"
#include "plugin/analytics/table_request.h"
#include "plugin/app/manifest.h"
#include "plugin/auth/credentials.h"
#include "plugin/auth/learner_token.h"
#include "plugin/auth/token_revocations.h"
#include "plugin/http/http_message.h"
#include "plugin/privacy/audit_trail.h"

namespace lrs::plugin {

inline constexpr char kActionAnalyticsCatalogue[] = "analytics.catalogue.read";
inline constexpr char kActionAnalyticsTable[] = "analytics.table.read";
inline constexpr char kActionAnalyticsEpoch[] = "analytics.epoch";

struct AnalyticsRouteParts {
  const Manifest& manifest;
  Authenticator& authenticator;
  const LearnerTokens& tokens;
  const TokenRevocations* revocations;  // may be null
  AuditTrail& audit;
  EpochService& epochs;
};

class AnalyticsRoutes {
 public:
  explicit AnalyticsRoutes(AnalyticsRouteParts parts);

  static bool Handles(std::string_view path) {
    return path == "/analytics/tables" || path.rfind("/analytics/tables/", 0) == 0 ||
           path == "/admin/epoch";
  }
  HttpResponse Handle(const HttpRequest& request);

 private:
  Result<HttpResponse> Route(const HttpRequest& request, const Principal& who);
  Result<HttpResponse> Catalogue(const HttpRequest& request, const Principal& who);
  Result<HttpResponse> Table(const std::string& id, const HttpRequest& request,
                             const Principal& who);
  Result<HttpResponse> NewEpoch(const HttpRequest& request, const Principal& who);

  AnalyticsRouteParts parts_;
  TableQueryRules rules_;
};

}  // namespace lrs::plugin

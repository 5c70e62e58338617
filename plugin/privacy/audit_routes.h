#pragma once
// GET /privacy/audit (issue 4, Audit): the audit trail for an administrator.
//
//   GET /privacy/audit?since=ISO8601&after=SEQ&limit=N
//   -> 200 {"entries": [{"seq","at","actor","role","action","purpose",
//           "detail":{...},"subjects":n,"prev_hash","hash"}, ...],
//           "more": "/privacy/audit?..." | ""}
//
// - Oldest first. `since`: entries at or after that time (ISO 8601, read as
//   UTC without an offset); `after`: entries after that seq (paging: "more"
//   is the next page when this one is full, else ""); `limit`: 1..1000,
//   default 100.
// - Subjects are shown as a count only: their tags link entries about the same
//   learner to each other, which an overseer does not need.
// - Needs the manifest permission "audit:read" (the admin role); anyone else
//   403. Bad or unknown parameters 400. Reading the trail is itself recorded
//   (action "audit.read", purpose "oversight", no subjects).
//
// The caller (plugin/privacy_routes) has authenticated `who` and answers
// HEAD, CORS and other methods as it does for the other privacy routes.
//
// Thread safety: Get may be called concurrently.

#include "plugin/privacy/audit_trail.h"
#include "plugin/auth/credentials.h"
#include "plugin/http/http_message.h"
#include "plugin/app/manifest.h"

namespace lrs::plugin {

class AuditRoutes {
 public:
  AuditRoutes(const Manifest& manifest, AuditTrail& trail);

  // True for the path this class answers.
  static bool Handles(std::string_view path) { return path == "/privacy/audit"; }

  // Precondition: Handles(request.path). 405 for any method but GET.
  HttpResponse Get(const HttpRequest& request, const Principal& who);

 private:
  const Manifest& manifest_;
  AuditTrail& trail_;
};

}  // namespace lrs::plugin

#pragma once
// The credential administration API (issue 15, finding 12), for a
// credential whose role has the manifest permission "credentials:manage"
// (the admin role) and the scope `all`:
//
//   GET    /admin/credentials
//          -> 200 {"credentials": [{"key","name","role","scopes":[...],"created"}]}
//   POST   /admin/credentials  {"role": "lms", "name": "moodle", "scopes": ["all"]}
//          -> 201 {"key","secret"}   (scopes optional, default ["all"])
//   DELETE /admin/credentials/{key}            -> 204; 404 when unknown
//   POST   /admin/credentials/{key}/rotate     -> 200 {"key","secret"}; 404 when unknown
//
// - A secret is in the answer of its creation or rotation only; never listed.
// - POST takes Content-Type application/json (415 otherwise), so a
//   cross-site form cannot drive it with a browser's remembered credentials.
// - No credential: 401; a role without the permission or a credential
//   without `all`: 403; bad bodies 400, each with a JSON error body.
// - Every call is recorded in the audit trail (purpose "administration"):
//   credentials.list (a count), credentials.create (role, scope count),
//   credentials.revoke and credentials.rotate (the key). Never a secret.
//   An entry that cannot be written fails the call (500), before anything
//   changes for create, revoke and rotate.
// - Answers say Cache-Control: no-store.
//
// Thread safety: Handle may be called concurrently.

#include <string_view>

#include "anonymizer/random_source.h"
#include "plugin/privacy/audit_trail.h"
#include "plugin/auth/credentials.h"
#include "plugin/http/http_message.h"
#include "plugin/app/manifest.h"

namespace lrs::plugin {

class AdminRoutes {
 public:
  AdminRoutes(const Manifest& manifest, Authenticator& authenticator,
              storage::CredentialStore& store, const SecretHasher& hasher, AuditTrail& audit,
              anonymizer::RandomSource& random);

  static bool Handles(std::string_view path) {
    return path == "/admin" || path.rfind("/admin/", 0) == 0;
  }
  HttpResponse Handle(const HttpRequest& request);

 private:
  Result<HttpResponse> Route(const HttpRequest& request, const Principal& who);
  Result<HttpResponse> List(const Principal& who);
  Result<HttpResponse> Create(const HttpRequest& request, const Principal& who);
  Result<HttpResponse> Revoke(const std::string& key, const Principal& who);
  Result<HttpResponse> Rotate(const std::string& key, const Principal& who);
  MaybeError Audit(const Principal& who, const char* action, const AuditDetail& detail);

  const Manifest& manifest_;
  Authenticator& authenticator_;
  storage::CredentialStore& store_;
  const SecretHasher& hasher_;
  AuditTrail& audit_;
  anonymizer::RandomSource& random_;
};

// A credential as listed (no secret, no hash): {"key","name","role",
// "scopes":[...],"created": ISO 8601}.
xapi::JsonValue CredentialJson(const storage::CredentialRecord& record,
                               xapi::JsonAllocator& alloc);

}  // namespace lrs::plugin

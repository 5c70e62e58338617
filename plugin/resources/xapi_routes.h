#pragma once
// The /xapi routes: version negotiation, CORS, authentication, roles and xAPI
// scopes (plugin/auth/scopes.h) in front of the resources (xAPI Communication 1.x
// and 2.x).
//
// Every /xapi route but About requires X-Experience-API-Version and HTTP
// Basic credentials. Roles come from the manifest: "statements:write" and
// "statements:read" for the Statements resource, "identities:read" to get
// sealed identities back instead of pseudonyms.
//
// Audit: every GET of statements and of the Agents resource is recorded in
// the audit trail (plugin/privacy/audit_trail.h) before it is answered, with the
// learners it concerns as subjects; a read whose entry cannot be written is
// answered 500 instead (fail closed).
//
// Thread safety: Handle may be called concurrently.

#include <functional>
#include <string>

#include "plugin/resources/activities_resource.h"
#include "plugin/resources/agents_resource.h"
#include "plugin/privacy/audit_trail.h"
#include "plugin/auth/credentials.h"
#include "plugin/resources/document_routes.h"
#include "plugin/http/http_message.h"
#include "plugin/app/manifest.h"
#include "plugin/auth/scopes.h"
#include "plugin/resources/statement_ingest.h"
#include "plugin/resources/statement_read.h"

namespace lrs::plugin {

class XapiRoutes {
 public:
  XapiRoutes(const Manifest& manifest, Authenticator& authenticator, StatementIngest& ingest,
             StatementRead& read, ActivitiesResource& activities, AgentsResource& agents,
             DocumentRoutes& documents, AuditTrail& audit,
             std::function<int64_t()> consistent_through_us, std::string etag_key);

  HttpResponse Handle(HttpRequest& request);

 private:
  HttpResponse Statements(HttpRequest& request, const Principal& who, xapi::Version version);
  // 403 when the credential's xAPI scopes do not cover the route (after the
  // role, which the resources check themselves).
  MaybeError CheckRoleThenScope(const std::string& resource, const std::string& method,
                                const Principal& who) const;
  HttpResponse About(const HttpRequest& request);
  // GET/HEAD /activities and /agents (Communication 2.5, 2.4).
  HttpResponse ActivitiesOrAgents(const std::string& resource, const HttpRequest& request,
                                  const Principal& who, xapi::Version version);

  const Manifest& manifest_;
  Authenticator& authenticator_;
  StatementIngest& ingest_;
  StatementRead& read_;
  ActivitiesResource& activities_;
  AgentsResource& agents_;
  DocumentRoutes& documents_;  // State, Agent Profile, Activity Profile
  AuditTrail& audit_;
  std::function<int64_t()> consistent_through_us_;
  // Keys the ETags of /activities and /agents as the document store keys
  // documents' (storage/document_store.h, invariant 5): the Person object is
  // learner data, and an ETag seen in a log must confirm no guess of it.
  std::string etag_key_;
};

// CORS headers every response carries, so browser-based xAPI clients work.
void AddCorsHeaders(HttpResponse& response);

// Headers of every answer that may carry stored bytes or learner data (all of
// /xapi but About; issue 15, findings 7 and 9): never cached (no-store), never
// sniffed into another type (nosniff), and never run as a page on the LRS's
// origin, where /me and /privacy/audit live: a document stored as text/html
// opens as a sandboxed, script-less, resource-less page (CSP sandbox).
void AddStoredContentHeaders(HttpResponse& response);

}  // namespace lrs::plugin

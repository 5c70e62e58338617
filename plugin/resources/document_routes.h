#pragma once
// The Document Resources (xAPI Communication 2.2, 2.3, 2.6, 2.7, 3.1):
//   /activities/state     State           activityId, agent, [registration], [stateId]
//   /agents/profile       Agent Profile   agent, [profileId]
//   /activities/profile   Activity Profile activityId, [profileId]
// for GET, HEAD, PUT, POST and DELETE. XapiRoutes has already checked the
// version header and the credentials; this adds the role, the parameters,
// the concurrency rules and the bytes.
//
// Privacy: the `agent` parameter goes through the pseudonymizer and is never
// stored. State and Agent Profile documents belong to a learner: they are
// sealed under that learner's data key (IdentityVault::SealFor), so erasing
// the key shreds them, and their ETag is never stored. Activity
// Profile documents belong to no one and are stored as sent.
//
// Audit: every GET of State or Agent Profile documents (one, or the id list)
// is recorded in the audit trail (plugin/privacy/audit_trail.h), with the agent as
// subject, before it is answered; 500 instead when that fails.
//
// Concurrency (Communication 3.1; shared/xapi-spec/2.0/DIFFERENCES.md item 5),
// as ADL's conformance suite checks it:
//  - GET of one document answers ETag: 40 quoted lowercase hex digits of a keyed hash of
//    the document's place and bytes (storage/document_store.h, invariant 5:
//    never a plain SHA-1 of the bytes, which would confirm a guessed
//    content), and Last-Modified.
//  - If-Match (an ETag list or "*") and If-None-Match ("*" or a list) are
//    honoured on PUT, POST and DELETE of every resource: 412 when they fail.
//  - PUT without either header to an existing document: 409 for the profile
//    resources; for State only under 2.0.0 (1.0.3 Communication 3.1 lets
//    State writes go without concurrency headers; the 2.0 suite runs its 409
//    test on State too).
//  - PUT without either header to a profile document that does not exist:
//    400 under 1.0.x (the 1.0.3 suite's "fails without ETag header"; the spec
//    only obliges the client), stored under 2.0.0 (the 2.0 suite dropped that
//    test and 2.0 asks the LRS for the 409 only).
//
// Thread safety: Handle may be called concurrently.

#include <functional>
#include <string>
#include <string_view>

#include "anonymizer/pseudonymizer.h"
#include "plugin/privacy/audit_trail.h"
#include "plugin/auth/credentials.h"
#include "plugin/http/http_message.h"
#include "plugin/keys/identity_vault.h"
#include "plugin/app/manifest.h"
#include "storage/document_store.h"
#include "storage/statement_reader.h"
#include "xapi/version.h"

namespace lrs::plugin {

// What the document routes need of privacy beyond the vault.
struct DocumentPrivacy {
  // Whether the learner with this pseudonym may be stored (consent); unset:
  // everyone. A State or Agent Profile write for a learner who may not is
  // answered 204 and keeps nothing.
  std::function<bool(const std::string& pseudonym)> may_store;
  // Addresses in document ids are sealed only when identities are
  // (manifest identity "sealed"), and read back by whoever may see them.
  bool seal_identities = true;
  bool may_see_identities = false;                // set per request
  storage::StatementReader* identities = nullptr;  // finds sealed addresses
};

class DocumentRoutes {
 public:
  DocumentRoutes(const Manifest& manifest, const anonymizer::Pseudonymizer& pseudonymizer,
                 IdentityVault& vault, storage::DocumentStore& store, AuditTrail& audit,
                 DocumentPrivacy privacy = {});

  // True for the three resource paths above (relative to /xapi).
  static bool Handles(std::string_view resource);

  // Precondition: Handles(resource). Errors come back as error responses:
  // 400 (parameters, bodies, merge), 403 (role), 404, 405, 409, 412, 500, 503.
  HttpResponse Handle(const HttpRequest& request, std::string_view resource, const Principal& who,
                      xapi::Version version);

 private:
  const Manifest& manifest_;
  const anonymizer::Pseudonymizer& pseudonymizer_;
  IdentityVault& vault_;
  storage::DocumentStore& store_;
  AuditTrail& audit_;
  DocumentPrivacy privacy_;
};

// The associated data a learner-owned document is sealed with: binds the
// sealed bytes to where they are stored (also used by self-access exports).
std::string DocumentSealContext(const storage::DocumentKey& key);

}  // namespace lrs::plugin

#pragma once
// The privacy API outside /xapi (issue 4): consent, learner tokens,
// self-access and erasure.
//
//   PUT    /privacy/consent        consent:manage, or a learner token (own)
//   GET    /privacy/consent?agent= consent:manage, or a learner token (own)
//   POST   /privacy/tokens         tokens:issue
//   GET    /privacy/me[?format=download]   learner token
//   DELETE /privacy/me             learner token
//   DELETE /privacy/learners?agent=        learners:erase
//
// Callers authenticate with HTTP Basic (a credential; permissions from the
// manifest's roles) or `Authorization: Bearer <learner token>`, which reaches
// only that learner's data: a token can never name another learner (403).
// Every privacy action and every read of learner data is audited. Erasure
// (issue 14) kills the learner's tokens at once (plugin/auth/token_revocations.h),
// keeps a withdrawal as a consent tombstone (plugin/privacy/consent_registry.h,
// rule 4) and un-links their audit entries (plugin/privacy/audit_trail.h,
// invariant 4).
//
// Thread safety: Handle may be called concurrently.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "anonymizer/pseudonymizer.h"
#include "anonymizer/random_source.h"
#include "plugin/privacy/consent_registry.h"
#include "plugin/auth/credentials.h"
#include "plugin/http/http_message.h"
#include "plugin/keys/identity_vault.h"
#include "plugin/privacy/learner_export.h"
#include "plugin/auth/learner_token.h"
#include "plugin/app/manifest.h"
#include "plugin/auth/token_revocations.h"
#include "storage/erasure.h"
#include "storage/statement_writer.h"
#include "xapi/json.h"

namespace lrs::plugin {

// What the routes need from the audit trail (plugin/privacy/audit_trail.h).
struct AuditHooks {
  // Appends an entry; `subjects` are the learners it concerns (pseudonyms).
  std::function<MaybeError(const Principal& who, const std::string& action,
                           const std::string& purpose, const std::string& detail_json,
                           const std::vector<std::string>& subjects)>
      record;
  // Writes the entries about one learner into `out` (an array).
  std::function<MaybeError(const std::string& pseudonym, xapi::JsonValue& out,
                           xapi::JsonAllocator& alloc)>
      about;
};

struct PrivacyParts {
  const Manifest& manifest;
  Authenticator& authenticator;
  const LearnerTokens& tokens;
  const anonymizer::Pseudonymizer& pseudonymizer;
  ConsentRegistry& consent;
  LearnerExport& learner_export;
  IdentityVault& vault;
  storage::StatementWriter& writer;
  anonymizer::RandomSource& random;
  AuditHooks audit;
  // Tokens of erased learners (plugin/auth/token_revocations.h); null: none die.
  TokenRevocations* revocations = nullptr;
  // The audit tag of a learner (IdentityVault::SubjectTag), for erasure to
  // un-link their entries; null or nullopt: none.
  std::function<Result<std::optional<std::string>>(const std::string& pseudonym)> audit_tag;
};

// The authenticated caller: a credential, or a learner through a token.
struct Caller {
  Principal principal;                 // role "learner" for a token
  std::optional<std::string> learner;  // the token's pseudonym
  int64_t token_issued_us = 0;         // the token's issue time (unix microseconds)
};

// Authenticates either kind of caller. Errors: 401, also for the token of a
// learner erased after it was issued (`revocations`, when given).
Result<Caller> AuthenticateCaller(const HttpRequest& request, Authenticator& authenticator,
                                  const LearnerTokens& tokens,
                                  const TokenRevocations* revocations = nullptr);

class PrivacyRoutes {
 public:
  explicit PrivacyRoutes(PrivacyParts parts);

  // Any path under /privacy/ but /privacy/audit.
  HttpResponse Handle(const HttpRequest& request);

 private:
  Result<HttpResponse> Route(const HttpRequest& request, const Caller& caller);
  Result<HttpResponse> PutConsent(const HttpRequest& request, const Caller& caller);
  Result<HttpResponse> GetConsent(const HttpRequest& request, const Caller& caller);
  Result<HttpResponse> IssueToken(const HttpRequest& request, const Caller& caller);
  Result<HttpResponse> GetMe(const HttpRequest& request, const Caller& caller);
  Result<HttpResponse> Erase(const std::string& pseudonym, const Caller& caller);
  // Revokes the learner's tokens, then erases what is stored (storage/erasure.h)
  // keeping their withdrawal, un-linking their audit entries, and makes the
  // caches forget them and the anonymous Groups that went with them.
  Result<storage::ErasureCounts> EraseStored(const std::string& pseudonym);

  // The learner a request is about: the token's, or the agent given (in the
  // body or the query, `agent_path` names where for errors) by a credential
  // with `permission`. Errors: 400 bad or missing agent, 403 wrong role or
  // another learner than the token's.
  Result<std::string> LearnerOf(const Caller& caller, const xapi::JsonValue* agent,
                                const std::string& agent_path, const std::string& permission);
  Result<std::string> PseudonymOf(const xapi::JsonValue& agent, const std::string& path) const;

  PrivacyParts parts_;
};

}  // namespace lrs::plugin

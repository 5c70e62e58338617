#pragma once
// The path of a statement through the door (DESIGN.md, "The path of one
// statement", steps 2 to 5): validate, complete what the LRS sets (id,
// authority, version; stored at commit), split identities into pseudonyms and
// sealed variants, and hand the batch to the single writer.
//
// A rejected batch stores nothing: every statement is checked before any is
// written, and the writer stores a batch whole or not at all.
//
// Thread safety: Store may be called concurrently.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "anonymizer/keep_policy.h"
#include "anonymizer/pseudonymizer.h"
#include "anonymizer/random_source.h"
#include "plugin/auth/credentials.h"
#include "plugin/keys/identity_vault.h"
#include "plugin/resources/analytics_facts_ingest.h"
#include "storage/statement_writer.h"
#include "xapi/json.h"
#include "xapi/multipart.h"
#include "xapi/version.h"

namespace lrs::plugin {

struct IngestOptions {
  size_t max_batch = 1000;          // statements per request; more is a 413
  std::string authority_home_page;  // account.homePage of the authority the LRS sets
  // Minimization: what of each statement is stored (the manifest's "keep";
  // anonymizer/scrubber.h). Default: everything.
  anonymizer::KeepPolicy keep;
  // false under "identity": "pseudonymous-only" (DESIGN.md, Identity): no
  // identity is sealed or stored at all, since nobody may read one back.
  bool seal_identities = true;
  // Consent: whether the learner with this pseudonym may be stored
  // (plugin/privacy/consent_registry.h); asked for every learner a statement names
  // (anonymizer/consent_filter.h). Unset stores everything.
  std::function<bool(const std::string& pseudonym)> may_store;
  // Members a Group may have, in any position (manifest limits.group_members);
  // more is a 413.
  size_t max_group_members = 5000;
  // The manifest's cohort dimensions, in its order: each analytics fact
  // carries one value per source (plugin/resources/analytics_facts_ingest.h).
  std::vector<CohortSource> cohort_sources;
  // Whether the learner with this pseudonym may be counted in analytics
  // (their consent to the purpose "analytics"): one may consent to storage
  // for another purpose and withdraw this one. Unset counts everyone stored.
  std::function<bool(const std::string& pseudonym)> may_analyse;
};

// The attachment data a PUT/POST carried (Communication 1.5.2).
struct RequestAttachments {
  bool multipart = false;                   // sent as multipart/mixed (else application/json)
  std::vector<xapi::AttachmentPart> parts;  // the parts after the statements part
};

class StatementIngest {
 public:
  StatementIngest(IngestOptions options, const anonymizer::Pseudonymizer& pseudonymizer,
                  IdentityVault& vault, storage::StatementWriter& writer,
                  std::shared_ptr<anonymizer::RandomSource> random);

  // `body` is one statement or an array of them (POST), or one statement
  // whose id must equal `put_id` (PUT). Returns the ids in order once stored.
  // `attachments` must match the statements' attachment objects
  // (xapi::CheckAttachmentParts) and holds the JWS of each signed statement
  // (xapi::VerifyStatementSignatures); the parts are stored with the batch.
  // Errors: 400 (path "$[i]..." for an array), 409, 413, 500.
  Result<std::vector<std::string>> Store(xapi::JsonDocument& body, const Principal& who,
                                         xapi::Version version,
                                         const std::optional<std::string>& put_id,
                                         RequestAttachments attachments = {});

 private:
  // What consent leaves of one statement (anonymizer/consent_filter.h).
  struct Kept {
    bool store = true;      // someone with consent is named (or it voids)
    bool seal = true;       // its identities are sealed (not: a voiding
                            // statement from a learner without consent)
    bool attachments = true;  // its actor, who owns them, consents
  };

  // Checks and completes one statement and builds its record; the statement
  // is left pseudonymized in place. `path` prefixes error paths.
  Result<storage::StatementRecord> Prepare(xapi::JsonValue& statement, xapi::JsonAllocator& alloc,
                                           const Principal& who, xapi::Version version,
                                           const std::string& path,
                                           std::vector<anonymizer::IdentityVariant>& variants,
                                           Kept& kept);
  // Consent for every learner the statement names; changes it in place.
  Kept ApplyConsent(xapi::JsonValue& statement, xapi::JsonAllocator& alloc, bool is_voiding) const;

  IngestOptions options_;
  const bool scrubs_;  // the manifest drops something: decided once, not per statement
  const anonymizer::Pseudonymizer& pseudonymizer_;
  IdentityVault& vault_;
  storage::StatementWriter& writer_;
  std::shared_ptr<anonymizer::RandomSource> random_;
};

}  // namespace lrs::plugin

#pragma once
// Self-access (GET /privacy/me): everything stored about one learner as one
// JSON document, for the learner (through a learner token) and for data
// portability (?format=download).
//
// What the learner sees: their own identity variants opened; statements that
// mention them in any role (voided ones too, marked), in which only their own
// agent objects are opened and every other person is "another learner", with
// no identifier, not even a pseudonym (plugin/privacy/export_redaction.h); their State
// and Agent Profile documents opened; attachments they own (hash, type, size);
// their learner facts; their consent states and history. Address tokens
// anywhere in it are the learner's own address or "another learner". The
// caller adds the audit entries about them (plugin/privacy/audit_trail.h).
//
// Thread safety: Build may be called concurrently.

#include <string>
#include <utility>
#include <vector>

#include "plugin/privacy/consent_registry.h"
#include "plugin/privacy/export_redaction.h"
#include "plugin/keys/identity_vault.h"
#include "storage/learner_data.h"
#include "storage/statement_reader.h"
#include "xapi/json.h"

namespace lrs::plugin {

class LearnerExport {
 public:
  // `own_addresses`: opens the learner's own address tokens (the hook of
  // plugin/privacy/export_redaction.h); empty: every token shows as "another learner".
  LearnerExport(std::string pseudonym_home_page, IdentityVault& vault,
                storage::StatementReader& reader, storage::LearnerData& data,
                const ConsentRegistry& consent, OwnAddressLookup own_addresses = {});

  // Fills `out` (an object) with the sections above. Errors: 500.
  MaybeError Build(const std::string& pseudonym, xapi::JsonDocument& out);

 private:
  // (variant id, original agent JSON) of every identity variant the learner
  // was met under, opened with their key.
  using OwnIdentities = std::vector<std::pair<std::string, std::string>>;
  Result<OwnIdentities> OpenOwnIdentities(const std::string& pseudonym);
  void AddIdentities(const OwnIdentities& own, xapi::JsonDocument& out);
  MaybeError AddStatements(const std::string& pseudonym, const OwnIdentities& own,
                           xapi::JsonDocument& out);
  MaybeError AddDocuments(const std::string& pseudonym, xapi::JsonDocument& out);
  MaybeError AddAttachmentsAndFacts(const std::string& pseudonym, xapi::JsonDocument& out);

  std::string pseudonym_home_page_;
  IdentityVault& vault_;
  storage::StatementReader& reader_;
  storage::LearnerData& data_;
  const ConsentRegistry& consent_;
  OwnAddressLookup own_addresses_;
};

// The consent view GET /privacy/consent answers and /privacy/me embeds:
// {"mode", "purposes": {id: state}, "storing", "history": [...]}.
MaybeError AddConsentView(const ConsentRegistry& consent, const std::string& pseudonym,
                          xapi::JsonValue& out, xapi::JsonAllocator& alloc);

}  // namespace lrs::plugin

#pragma once
// GET /statements (xAPI Communication 2.1.3): single statements and
// StatementResults, rendered for the credential that asks.
//
// Stored statements hold pseudonym references only. Rendering joins them back:
// a credential allowed to see identities (the LMS, unless the manifest says
// pseudonymous-only) gets the sealed originals, exactly as sent; anyone else
// gets pseudonymous agents. Agent filters go through the same pseudonymizer
// as ingest, so "statements about this learner" needs no stored identity.
//
// Thread safety: all methods may be called concurrently.

#include <string>
#include <vector>

#include "anonymizer/pseudonymizer.h"
#include "plugin/auth/credentials.h"
#include "plugin/keys/identity_vault.h"
#include "storage/statement_reader.h"
#include "xapi/statement_query.h"
#include "xapi/version.h"

namespace lrs::plugin {

struct ReadOptions {
  int max_limit = 500;              // statements per page at most (limit=0 means this)
  std::string pseudonym_home_page;  // account.homePage of pseudonymous agents
  std::string cursor_key;           // seals `more` cursors (plugin/resources/more_cursor.h)
  std::string more_path = "/xapi/statements";
};

struct ReadResult {
  std::string body;                 // JSON: a statement or a StatementResult
  int64_t last_modified_us = 0;     // stored of the statement (single GET), else 0
  // "application/json", or with attachments=true "multipart/mixed; boundary=..."
  // and `body` the JSON part followed by the attachment parts (Communication 2.1.3).
  std::string content_type = "application/json";
  // The learners the returned statements mention (the "$p" of every agent
  // reference but the authority): whom the read concerns, for the audit trail.
  std::vector<std::string> subjects = {};
};

class StatementRead {
 public:
  StatementRead(ReadOptions options, const anonymizer::Pseudonymizer& pseudonymizer,
                IdentityVault& vault, storage::StatementReader& reader);

  // `may_see_identities`: whether sealed identities are opened for this caller.
  // Errors: 400 (bad cursor), 404 (single statement not found or voided per
  // Communication 2.1.4), 500.
  Result<ReadResult> Read(const xapi::StatementQuery& query, const Principal& who,
                          bool may_see_identities, const std::string& accept_language);

 private:
  Result<ReadResult> ReadOne(const xapi::StatementQuery& query, const Principal& who,
                             bool may_see_identities,
                             const std::vector<std::string>& languages);
  Result<ReadResult> ReadPage(const xapi::StatementQuery& query, const Principal& who,
                              bool may_see_identities, const std::vector<std::string>& languages);
  // Turns `result` into the multipart/mixed form (attachments=true): the JSON
  // first, then the stored data of every attachment `statements` (an array)
  // references, each once. Attachment data is learner content (an essay, a
  // certificate, a signature whose JWS payload names the learner in the
  // clear), so only a caller who may see identities gets it; anyone else gets
  // the multipart form with the statements part alone.
  Result<ReadResult> WithAttachments(ReadResult result, const xapi::JsonValue& statements,
                                     bool may_see_identities);
  // Renders statements (as stored) into `out` as a JSON array of statements,
  // and adds to `subjects` the learners they mention (ReadResult::subjects).
  MaybeError Render(const std::vector<storage::StoredStatement>& statements,
                    xapi::StatementFormat format, bool may_see_identities,
                    const std::vector<std::string>& languages, xapi::JsonDocument& out,
                    std::vector<std::string>& subjects);

  ReadOptions options_;
  const anonymizer::Pseudonymizer& pseudonymizer_;
  IdentityVault& vault_;
  storage::StatementReader& reader_;
};

}  // namespace lrs::plugin

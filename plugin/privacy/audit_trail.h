#pragma once
// The audit trail (issue 4, Audit; DESIGN.md: every read of learner-level
// data is written to the audit log): who (credential), role, what, when and
// why, for every read of learner-level data and every privacy action, in a
// hash chain (storage/audit_log.h) that `lrs audit verify` checks.
//
// Privacy invariants:
//  1. No identity and no pseudonym in the clear, in any column. A learner an
//     entry concerns (a subject) is kept as
//       tag    = HMAC-SHA256(their data key, "audit-subject")
//                (IdentityVault::SubjectTag; the same in each entry about them)
//       sealed = their pseudonym sealed under their data key, AEAD associated
//                data "audit-subject\n" + tag.
//     So only someone holding the learner's data key finds their entries.
//  2. `detail` holds names and counts only (AuditDetail): a resource name, the
//     names of the query parameters used, how many statements came back. Never
//     a parameter's value (an agent, an activity id, a registration): values
//     can name or single out a learner.
//  3. A learner token (role "learner") is recorded as actor "learner": the
//     token's subject is the learner, who is a subject of the entry, not an
//     actor in the clear. Any other principal is recorded by credential key.
//  4. After a learner is erased their entries stay in the chain (it still
//     verifies) and link to no one, not even to each other: the erasure
//     replaces the tag of each of their subjects by a random one of its own
//     and drops the sealed reference, in its transaction
//     (storage::UnlinkAuditSubjects; the chain covers a commitment to the
//     subject, which stays: storage/audit_log.h, invariants 1 and 7). Their
//     key is gone too, so the tag could not be computed again anyway.
//     Entries written before schema version 7 (encoding 1) cover the tag
//     itself: they keep it, unreadable but shared among them.
//  5. A learner without a data key (nothing of theirs is stored) is left out
//     of the subjects: there is nothing to link.
//
// Callers that read learner data call Record after the read and before they
// answer, and answer an error when it fails (fail closed: no read without its
// entry). Record returns once the entry is durable; concurrent Records share
// one transaction and one flush (storage::AuditLog, invariant 4).
//
// Thread safety: all methods may be called concurrently.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "plugin/auth/credentials.h"
#include "plugin/http/http_message.h"
#include "plugin/keys/identity_vault.h"
#include "storage/audit_log.h"
#include "xapi/json.h"
#include "xapi/result.h"

namespace lrs::plugin {

// Actions the xAPI read paths and /privacy/audit record. The privacy routes
// name their own (plugin/privacy/privacy_routes.cc).
inline constexpr char kActionStatementsRead[] = "statements.read";
inline constexpr char kActionAgentsRead[] = "agents.read";
inline constexpr char kActionStateRead[] = "state.read";
inline constexpr char kActionAgentProfileRead[] = "agent-profile.read";
inline constexpr char kActionAuditRead[] = "audit.read";

// Purposes: the manifest purpose a read serves ("record-keeping" for the
// LMS's xAPI reads), or the privacy function an action serves ("oversight"
// for reading the trail).
inline constexpr char kPurposeRecordKeeping[] = "record-keeping";
inline constexpr char kPurposeOversight[] = "oversight";

// The detail of an entry: a JSON object of names and counts (invariant 2).
class AuditDetail {
 public:
  AuditDetail& Count(std::string name, int64_t value);
  // `value` names something of the LRS (a resource, a format), never data.
  AuditDetail& Name(std::string name, std::string value);
  // E.g. the names of the query parameters a request used.
  AuditDetail& Names(std::string name, std::vector<std::string> values);
  // Compact JSON, members in the order added.
  std::string ToJson() const;

 private:
  struct Member {
    std::string name;
    enum class Kind { kCount, kName, kNames } kind;
    int64_t count = 0;
    std::vector<std::string> strings;
  };
  std::vector<Member> members_;
};

// The names of a request's query parameters, each once, in arrival order.
std::vector<std::string> ParameterNames(const QueryParams& query);

class AuditTrail {
 public:
  AuditTrail(storage::AuditLog& log, IdentityVault& vault);

  // Appends one entry: `who` did `action` for `purpose`, concerning the
  // learners `subject_pseudonyms` (duplicates and learners without a data key
  // are dropped). Returns the entry as stored, durable. Errors: 500.
  Result<storage::AuditEntry> Record(const Principal& who, std::string_view action,
                                     std::string_view purpose, const AuditDetail& detail,
                                     const std::vector<std::string>& subject_pseudonyms);

  // The same with the detail as JSON text (e.g. "{}"); it must be a JSON
  // object (500 otherwise) and is stored compact. Invariant 2 is the
  // caller's to keep.
  Result<storage::AuditEntry> Record(const Principal& who, std::string_view action,
                                     std::string_view purpose, std::string_view detail_json,
                                     const std::vector<std::string>& subject_pseudonyms);

  // The newest `limit` entries about this learner, oldest first, for
  // /privacy/me ("who read my data"). Each is confirmed by opening its sealed
  // reference with the learner's key. Empty once their key is erased.
  // Errors: 500.
  Result<std::vector<storage::AuditEntry>> About(const std::string& pseudonym,
                                                 int64_t limit = 1000);

  // For GET /privacy/audit (plugin/privacy/audit_routes.h).
  Result<std::vector<storage::AuditEntry>> Read(const storage::AuditRange& range);
  Result<storage::AuditVerification> Verify();

 private:
  Result<storage::AuditEntry> Append(const Principal& who, std::string_view action,
                                     std::string_view purpose, std::string detail_json,
                                     const std::vector<std::string>& subject_pseudonyms);

  storage::AuditLog& log_;
  IdentityVault& vault_;
};

// An entry as the privacy API shows it (to an admin, or to a learner about
// themselves): {"seq","at","actor","role","action","purpose","detail":{...},
// "subjects": n,"prev_hash","hash"}; "at" is an ISO 8601 UTC timestamp.
// Subjects are a count only.
xapi::JsonValue AuditEntryJson(const storage::AuditEntry& entry, xapi::JsonAllocator& alloc);

}  // namespace lrs::plugin

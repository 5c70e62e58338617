#pragma once
// Retention (DESIGN.md, privacy rules: "Retention is enforced by the program,
// not by a promise"): deletes individual-level data past the manifest's
// retention, one bounded batch per call, so that ingest runs between batches.
//
// What a batch deletes, each of the first three kinds at most
// RetentionLimits::rows_per_kind:
//  - statements stored before the statements cutoff, oldest first, with
//    their statement_agents / statement_activities rows (ON DELETE CASCADE;
//    every connection enforces foreign keys, storage/database.cc);
//  - State and Agent Profile documents updated before the statements cutoff,
//    oldest first (Activity Profiles describe an activity, not a learner:
//    they stay);
//  - learner facts whose last_us is before the facts cutoff, among the next
//    RetentionLimits::facts_examined facts of the pass's walk over the
//    table in primary key order (invariant 3);
//  - the attachment data (sha2, owner) those statements carried, once no
//    remaining statement of that owner (as actor or object) names the sha2;
//  - the sealed identities of every pseudonym a deleted statement mentioned
//    or a deleted document belonged to, once no remaining statement mentions
//    it and it owns no remaining document; likewise the sealed identities of
//    every anonymous Group a deleted statement refers to (its name may name
//    its members: "Study group of Lin and Kai"), once no remaining statement
//    refers to it (storage/anonymous_groups.h) and it owns no document;
//  - the canonical Activity definition of every activity a deleted statement
//    named, once no remaining statement names the activity (a definition
//    the remaining statements still name keeps what the deleted ones added:
//    rebuilding it would read all of them in every batch; erasure rebuilds).
// What never goes: learner data keys, anonymous Groups' included (a running
// server may hold them in its cache; erasure, not retention, shreds a key),
// consent events and audit entries (the record of what was allowed and
// done), credentials.
//
// Invariants:
//  1. A batch is one IMMEDIATE transaction: it deletes everything it selected
//     or nothing. Rows not selected are never written (byte-for-byte intact).
//  2. The observer sees exactly the rows the batch deletes, inside the
//     transaction and before any of them goes; an observer error rolls the
//     batch back. This is the seam where analytics rolls expired rows into
//     k-anonymous aggregates before they go (DESIGN.md: "expired
//     individual-level data is deleted after its k-anonymous aggregates are
//     kept"), atomically with the deletion.
//  3. Statements and documents are found through their time indexes
//     (statements_by_stored, documents_by_updated). Facts have none: every
//     ingest would pay for one (schema.cc, version 5). A pass walks
//     learner_facts in primary key order instead, each batch resuming after
//     the last fact the previous batch examined (RetentionCursor) and
//     examining at most RetentionLimits::facts_examined of them, so a pass
//     reads the table once. A fact expired when the pass starts goes unless
//     ingest makes it newer before the walk gets to it; a fact the walk has
//     passed can only become newer (ingest writes last_us = now). A fact
//     re-keyed by key rotation in the middle of a pass may wait for the next.
//     The "still referenced" checks stop at the first remaining reference.
//     So a batch's cost grows with its limits, not with the size of the
//     database.
//  4. Every statement goes by its own stored time. A voiding statement may
//     outlive the statement it voided (that id then reads as unknown, 404) and
//     a voided statement may outlive its voiding statement (it stays voided:
//     `voided` is its own column). Both are individual-level data of their own.
//  5. Facts go whole by their own last_us; retention never rewrites a fact to
//     subtract the statements it deleted (a fact summarizes the learner's
//     activity until last_us, and facts have their own retention).
//  6. Identities are judged per pseudonym: a learner with any remaining
//     statement keeps every sealed variant. Whoever deletes identities must
//     make the in-process identity cache forget (plugin/keys/identity_vault.h,
//     invariant 4); the caller does, since storage knows no cache.
//
// Thread safety: ExpireBatch uses the connection it is given and nothing
// else; run it on the writer thread (StatementWriter::RunExclusive) while a
// server runs, so it never interleaves with a group commit.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "storage/document_store.h"
#include "storage/statement_record.h"
#include "xapi/result.h"

namespace lrs::storage {

class Database;

// Rows stored (statements) or updated (documents) strictly before
// statements_before_us go, and facts whose last_us is strictly before
// facts_before_us. Microseconds since the epoch.
struct RetentionCutoffs {
  int64_t statements_before_us = 0;
  int64_t facts_before_us = 0;
};

// The cutoffs `statement_days` and `fact_days` (whole days of 86,400 s) before
// `now_us`; a span longer than int64 microseconds reach gives the earliest
// time there is (nothing expires). Days must be positive (the manifest
// guarantees it); negative days also give the earliest time, the safe side.
RetentionCutoffs CutoffsAt(int64_t now_us, int statement_days, int fact_days);

struct RetentionLimits {
  // Statements, documents and facts deleted per batch, each. 500 statements
  // with their rows keep one batch to a few milliseconds of the writer thread.
  size_t rows_per_kind = 500;
  // Facts examined per batch, expired or not (invariant 3): about a megabyte
  // of learner_facts, a few milliseconds. A pass over F facts takes at least
  // F / facts_examined batches.
  size_t facts_examined = 5000;
};

// The primary key of a learner fact.
struct FactKey {
  std::string pseudonym;
  std::string activity_id;
  std::string verb_id;
};

// Where a retention pass stands between two of its batches (invariant 3). A
// pass starts from a default-constructed cursor and hands each batch the
// `next` of the batch before it; callers do not look inside. A plain value:
// it may be copied to the thread that runs the batch.
struct RetentionCursor {
  std::optional<FactKey> facts_after;  // the last fact examined; none: start
  bool facts_done = false;             // the walk reached the end of the table
};

// The rows a batch is about to delete, as stored.
struct ExpiringStatement {
  int64_t seq = 0;
  std::string id;
  std::string json;  // pseudonymized, as in StatementRecord::json
  std::string verb_id;
  std::optional<std::string> registration;
  int64_t stored_us = 0;
  std::optional<int64_t> timestamp_us;
  bool voided = false;
  bool is_voiding = false;
  std::vector<AgentRef> agents;
  std::vector<ActivityRef> activities;
};

struct ExpiringDocument {
  DocumentKey key;
  std::string content_type;  // the content itself is sealed: not handed out
  int64_t updated_us = 0;
};

struct ExpiringFact {
  std::string pseudonym;
  std::string activity_id;
  std::string verb_id;
  int64_t first_us = 0;
  int64_t last_us = 0;
  int64_t statements = 0;
  std::optional<bool> completion;
  std::optional<bool> success;
  std::optional<double> score_scaled;
};

struct ExpiringAttachment {
  std::string sha2;
  std::string owner;
};

struct ExpiringIdentity {
  std::string variant_id;
  std::string pseudonym;
};

struct ExpiringRows {
  std::vector<ExpiringStatement> statements;  // oldest first
  std::vector<ExpiringDocument> documents;    // oldest first
  std::vector<ExpiringFact> facts;            // in primary key order
  std::vector<ExpiringAttachment> attachments;
  std::vector<ExpiringIdentity> identities;
  std::vector<std::string> activity_definitions;  // activity ids whose definition goes
  bool empty() const;
};

// Called once per non-empty batch, inside its transaction, before any row
// goes (invariant 2). `db` is the connection running the batch: read through
// it, or write aggregates in the same transaction. Must not commit or roll
// back. An error rolls the whole batch back and is returned by ExpireBatch.
class ExpiryObserver {
 public:
  virtual ~ExpiryObserver() = default;
  virtual MaybeError BeforeExpire(Database& db, const ExpiringRows& rows) = 0;
};

struct ExpiredCounts {
  int64_t statements = 0;
  int64_t documents = 0;
  int64_t facts = 0;
  int64_t attachments = 0;
  int64_t identities = 0;
  int64_t activity_definitions = 0;
  ExpiredCounts& operator+=(const ExpiredCounts& other);
  int64_t Total() const {
    return statements + documents + facts + attachments + identities + activity_definitions;
  }
};

struct RetentionBatchResult {
  ExpiredCounts deleted;
  // There may be more to delete: a kind filled its limit, or the walk over
  // facts has not reached the end of the table. Run the next batch from `next`.
  bool more = false;
  RetentionCursor next;  // where the pass's next batch starts
};

// Deletes one batch of the pass that has got to `from` (see the top of this
// file; a pass starts from RetentionCursor{}). `observer` may be null.
// Errors: 500 (nothing deleted), or the observer's error (nothing deleted);
// either way the pass may go on from `from` again.
Result<RetentionBatchResult> ExpireBatch(Database& db, const RetentionCutoffs& cutoffs,
                                         const RetentionCursor& from,
                                         const RetentionLimits& limits = {},
                                         ExpiryObserver* observer = nullptr);

// Runs one pass: calls `run_batch` with RetentionCursor{}, then with each
// batch's `next`, until a batch reports no more, or `stop_requested` (if
// given) returns true before a batch; sums what they deleted. For callers
// that run each batch elsewhere (the writer thread). Batches already run stay
// committed when a later one fails; the error is returned.
Result<ExpiredCounts> ExpireAll(
    const std::function<Result<RetentionBatchResult>(const RetentionCursor&)>& run_batch,
    const std::function<bool()>& stop_requested = nullptr);

}  // namespace lrs::storage

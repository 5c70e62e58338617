#pragma once
// The audit trail's tables (audit_log, audit_subjects; storage/schema.cc
// migration 5): an append-only chain of entries, each naming who did what to
// which learners' data, when and for which purpose. plugin/privacy/audit_trail.h says
// what goes in an entry; this file only keeps and checks them.
//
// Design note. Invariants:
//  1. The chain: entry n (seq n, starting at 1, no gaps) stores prev_hash =
//     the hash of entry n-1 (64 '0' for entry 1) and hash = SHA-256 over the
//     canonical encoding of (prev_hash, seq, at_us, actor, role, action,
//     purpose, detail, and its subjects) (AuditEntryHash). Encoding 2 (every
//     entry appended since schema version 7) covers each subject's
//     commitment, SHA-256 over (tag, sealed), in commitment order; encoding 1
//     (older entries) covers each subject's tag and sealed bytes in tag
//     order. Changing any field or subject of an entry, removing an entry, or
//     reordering entries breaks the chain at the first entry concerned, and
//     VerifyAuditChain names it.
//  7. Un-linking (erasure; UnlinkAuditSubjects): a subject of encoding 2 may
//     lose its tag (replaced by a random one) and its sealed bytes (emptied)
//     while its commitment stays, so the chain still verifies and the entries
//     of an erased learner link to no one, not even to each other. A subject
//     with sealed bytes must match its commitment; an un-linked one (no
//     sealed bytes) is accepted as it is. So whoever can write the file can
//     hide whom an entry concerned (never the entry, nor how many learners
//     it concerned), which is what erasure itself does. Subjects of encoding
//     1 cannot be un-linked without breaking the chain: they keep their tag.
//  2. A chain alone cannot show that its newest entries were cut off: a
//     shorter chain is still a valid chain. So after every commit the newest
//     (seq, hash) is also written to the key store's `meta` table (another
//     file), and verification checks the chain still reaches it. Only the
//     statement database being rolled back or truncated is detected this way;
//     whoever can rewrite both files and recompute every hash is not (that
//     needs the anchor published outside the machine).
//  3. The anchor is written after the statement database committed, so after
//     a crash it is at most behind the chain (never ahead): no false alarm.
//     It is best effort: a failure to write it is not the entry's failure.
//  4. Appends are serialized (the chain is a sequence) on a connection of
//     their own, and grouped: concurrent Append calls that arrive while one
//     group commits go into the next group, one transaction and one flush
//     (synchronous=FULL) for all of them. Append returns after COMMIT.
//  5. at_us is stamped at append time and never decreases along seq, so a
//     `since` filter and a seq cursor page the same order.
//  6. seq is assigned inside the write transaction from the last stored
//     entry, so another connection appending to the same file (a command run
//     offline) continues the same chain.
//
// Thread safety: all methods may be called concurrently.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "storage/statement_writer.h"  // Clock
#include "xapi/result.h"

namespace lrs::storage {

class Database;

// A learner an entry concerns, as the audit trail keeps them: no identity and
// no pseudonym, only what the learner's data key makes (plugin/privacy/audit_trail.h).
struct AuditSubject {
  std::string tag;     // finds the learner's entries while their key exists
  std::string sealed;  // binary: their reference sealed under their key; empty once un-linked
  std::string commitment;  // lowercase hex (invariant 1); set by Append, empty for encoding 1
};

// The newest canonical encoding of an entry (invariant 1); Append uses it.
inline constexpr int kAuditEncoding = 2;

struct NewAuditEntry {
  std::string actor;                   // credential key, or "learner" for a learner token
  std::string role;                    // "lms" | "analyst" | "admin" | "learner"
  std::string action;                  // e.g. "statements.read"
  std::string purpose;                 // a manifest purpose id, e.g. "record-keeping"
  std::string detail;                  // a JSON object as text; no learner data in it
  std::vector<AuditSubject> subjects;  // duplicates (same tag) are kept once
};

struct AuditEntry {
  int64_t seq = 0;
  int64_t at_us = 0;
  std::string actor;
  std::string role;
  std::string action;
  std::string purpose;
  std::string detail;
  std::string prev_hash;  // lowercase hex
  std::string hash;       // lowercase hex
  int64_t subject_count = 0;
  int encoding = kAuditEncoding;  // invariant 1
};

// An entry found by a subject's tag, with that subject's sealed reference.
struct AuditEntryAbout {
  AuditEntry entry;
  std::string sealed;
};

struct AuditRange {
  std::optional<int64_t> since_us;  // at_us >= since_us
  int64_t after_seq = 0;            // seq > after_seq
  int64_t limit = 100;              // at most this many, oldest first
};

struct AuditVerification {
  int64_t entries = 0;  // entries read
  bool intact = true;
  int64_t broken_seq = 0;  // the first entry that is wrong or missing
  std::string problem;     // what is wrong with it (no entry content)
};

// The prev_hash of entry 1.
inline constexpr char kAuditGenesisHash[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Invariant 1's hash, in the entry's encoding. Subjects in any order (the
// encoding orders them); encoding 2 reads only their commitments.
std::string AuditEntryHash(const AuditEntry& entry, std::vector<AuditSubject> subjects);

// A subject's commitment: SHA-256 over (tag, sealed), lowercase hex.
std::string AuditSubjectCommitment(const std::string& tag, const std::string& sealed);

// Invariant 7, inside the caller's transaction on the statement database:
// every subject of encoding 2 carrying `tag` gets a random tag of its own and
// no sealed bytes. Returns how many were un-linked. Errors: 500.
Result<int64_t> UnlinkAuditSubjects(Database& statements, const std::string& tag);

// The newest entry as last anchored in the key store (invariant 2).
struct AuditAnchor {
  int64_t seq = 0;
  std::string hash;
};
// nullopt when nothing was anchored yet. Errors: 500 on I/O or a malformed value.
Result<std::optional<AuditAnchor>> ReadAuditAnchor(Database& key_store);

// Checks the whole chain, streaming (memory does not grow with it), in one
// read transaction of `statements`, and that it reaches `anchor`. Read the
// anchor first: entries appended meanwhile then only lengthen the chain past
// it. Errors: 500 on I/O.
Result<AuditVerification> VerifyAuditChain(Database& statements,
                                           const std::optional<AuditAnchor>& anchor);

class AuditLog {
 public:
  // Opens its own connections to both files (migrating them if needed).
  static Result<std::unique_ptr<AuditLog>> Open(const std::string& statement_db_path,
                                                const std::string& key_store_path,
                                                Clock clock = SystemClockMicros);
  ~AuditLog();

  // Appends `entry` with its subjects in one transaction; durable on return
  // (invariant 4). Returns the entry as stored. Errors: 500.
  Result<AuditEntry> Append(NewAuditEntry entry);

  // Entries in `range`, oldest first, each with its subject count.
  Result<std::vector<AuditEntry>> Read(const AuditRange& range);
  // The newest `limit` entries whose subjects carry `tag`, oldest first, each
  // with that subject's sealed reference.
  Result<std::vector<AuditEntryAbout>> FindByTag(const std::string& tag, int64_t limit);

  Result<AuditVerification> Verify();

 private:
  struct Pending;
  AuditLog(std::unique_ptr<Database> writer, std::unique_ptr<Database> reader,
           std::unique_ptr<Database> keys, Clock clock);
  // Writes `group` in one transaction and anchors the new head. Leader only.
  void CommitGroup(std::vector<Pending*>& group);

  Clock clock_;
  std::mutex append_mutex_;  // guards queue_ and leader_active_
  std::condition_variable group_done_;
  std::deque<Pending*> queue_;
  bool leader_active_ = false;
  std::unique_ptr<Database> writer_;  // the leader's only
  std::mutex read_mutex_;
  std::unique_ptr<Database> reader_;
  std::mutex keys_mutex_;
  std::unique_ptr<Database> keys_;  // the anchor: written by the leader, read by Verify
};

}  // namespace lrs::storage

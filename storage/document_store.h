#pragma once
// The State, Agent Profile and Activity Profile documents (xAPI Communication
// 2.2, 2.3, 2.6, 2.7) in one table of the statement database.
//
// Storage never judges a request: the caller decides what a write does, from
// the document as it is at that moment (see Update), so that precondition
// checks (If-Match, If-None-Match) and merges are atomic with the write. The
// store only keeps bytes: for learner-owned kinds `content` is already sealed
// by the caller, and no raw agent ever reaches it (agents are pseudonyms).
//
// Invariants:
//  1. Writes are serialized (one connection under a mutex, BEGIN IMMEDIATE),
//     and the decision callback runs inside the write transaction, so nothing
//     changes a document between the callback's look and the write.
//  2. Data keys a write carries are committed to the key store (its own file)
//     before the document that is sealed under them, as StatementWriter does:
//     a crash leaves at worst an unused key, never a sealed document without
//     its key. When a carried key conflicts with a different stored key for
//     the same pseudonym, the write fails with 503 and stores nothing.
//  3. updated_us of a document never decreases, even if the clock steps back.
//  4. A 204 means durable: every commit runs with synchronous=FULL.
//  5. ETags (Etag) are keyed: HMAC-SHA256 under the store's ETag key of the
//     document's place (kind, activity, agent pseudonym, registration, id)
//     and its bytes. A plain hash of the bytes would let anyone who sees an
//     ETag (a log, a proxy, a HEAD answer) confirm a guess of the content; a
//     keyed one says nothing without the key, and differs between two
//     documents with the same bytes. Stable for the same place and bytes
//     under the same key (plugin/keys/key_file.h derives it from the digest key,
//     which rotation keeps); it changes when a rotation renames the agent.
//     Activity Profiles follow the same rule: one rule, though they belong to
//     no learner.
//
// Thread safety: all methods may be called concurrently; reads use a pool of
// read connections and run beside writes (WAL).

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/statement_record.h"
#include "storage/statement_writer.h"  // Clock, SystemClockMicros
#include "xapi/result.h"

namespace lrs::storage {

class Database;
class ReadPool;

// Stored as an integer: never renumber.
enum class DocumentKind { kState = 1, kAgentProfile = 2, kActivityProfile = 3 };

// Where a document lives. Fields a kind does not use are "" (Agent Profile:
// no activity_id or registration; Activity Profile: no agent or registration;
// State without a registration: registration "").
struct DocumentKey {
  DocumentKind kind = DocumentKind::kState;
  std::string activity_id;
  std::string agent_pseudonym;
  std::string registration;  // lowercase UUID or ""
  std::string document_id;   // stateId or profileId
};

struct StoredDocument {
  std::string content_type;
  std::string content;              // as stored (sealed for learner-owned kinds)
  std::optional<std::string> etag;  // as given by the writer; nullopt if none was stored
  int64_t updated_us = 0;
};

// What a write does, decided from the current document.
struct DocumentChange {
  enum class Action { kKeep, kPut, kDelete };
  Action action = Action::kKeep;
  // kPut only:
  std::string content_type;
  std::string content;
  std::optional<std::string> etag;
  std::vector<WrappedDataKey> data_keys;  // keys `content` is sealed under, not yet durable
  // Sealed forms of the addresses in the document's ids (anonymizer/
  // address_tokens.h), stored beside the statements' identities.
  std::vector<SealedIdentity> identities;
};

// Called once, inside the write transaction, with the document as stored
// (nullopt when there is none). An error aborts the write and is returned
// as is (e.g. 412, 409, 400).
using DocumentDecision =
    std::function<Result<DocumentChange>(const std::optional<StoredDocument>& current)>;

struct DocumentListEntry {
  std::string document_id;
  int64_t updated_us = 0;
};

// A context for listing or deleting several documents: a kind and the key
// fields that scope it. `registration` nullopt = any registration.
struct DocumentScope {
  DocumentKind kind = DocumentKind::kState;
  std::string activity_id;
  std::string agent_pseudonym;
  std::optional<std::string> registration;
};

class DocumentStore {
 public:
  // Opens its own write connections to both files and a read pool on the
  // statement database, migrating both if needed. `etag_key`: secret bytes
  // (invariant 5), not empty. Errors: 500.
  static Result<std::unique_ptr<DocumentStore>> Open(const std::string& statement_db_path,
                                                     const std::string& key_store_path,
                                                     std::string etag_key,
                                                     Clock clock = SystemClockMicros);
  ~DocumentStore();

  // The quoted lowercase hex ETag (40 digits) of `content` stored at `key`
  // (invariant 5).
  // For a list of ids, `key` with document_id "" names the list.
  std::string Etag(const DocumentKey& key, std::string_view content) const;

  // The document, or nullopt. Errors: 500.
  Result<std::optional<StoredDocument>> Find(const DocumentKey& key);

  // Reads the document, asks `decide`, and applies its change in one
  // transaction. Returns the document's updated_us after the write (its old
  // one for kKeep, 0 when there was none or it was deleted).
  // Errors: those of `decide`; 503 on a data key conflict (invariant 2);
  // 500 on I/O failure.
  Result<int64_t> Update(const DocumentKey& key, const DocumentDecision& decide);

  // The ids of the documents in `scope` updated after `since_us` (exclusive),
  // each once (the newest updated_us when an id appears under several
  // registrations), ordered by id. Errors: 500.
  Result<std::vector<DocumentListEntry>> List(const DocumentScope& scope,
                                              std::optional<int64_t> since_us);

  // Deletes every document in `scope`; returns how many. Errors: 500.
  Result<int64_t> DeleteAll(const DocumentScope& scope);

  // Deletes every document keyed by this agent pseudonym, of every kind
  // (erasure). Returns how many. Errors: 500.
  Result<int64_t> DeleteAllForAgent(const std::string& agent_pseudonym);

 private:
  struct Prepared;
  DocumentStore() = default;
  MaybeError StoreDataKeys(const std::vector<WrappedDataKey>& keys);

  std::unique_ptr<Database> db_;
  std::unique_ptr<Database> keys_;
  std::unique_ptr<Prepared> prepared_;  // after the databases: finalized before they close
  std::unique_ptr<ReadPool> pool_;
  Clock clock_;
  std::string etag_key_;
  std::mutex mutex_;  // guards db_, keys_ and prepared_
};

}  // namespace lrs::storage

#pragma once
// The single writer (DESIGN.md, Scale): one thread owns the write connections
// and groups concurrent requests into one transaction (group commit), so full
// durability (synchronous=FULL) does not cost one disk flush per request.
//
// Invariants:
//  1. A batch (one request) is stored whole or not at all: each batch runs
//     under its own SAVEPOINT inside the group transaction; a failing batch
//     is rolled back to its savepoint and the others commit.
//  2. A future resolves only after COMMIT returned: a 200 means durable.
//  3. Data keys a batch needs are committed to the key store (its own file)
//     before the statements that are sealed under them, so no committed
//     identity is ever without its key (an orphan key after a crash is harmless).
//  4. `stored` is assigned at commit time, per group, never decreasing, so
//     insertion sequence order and `stored` order agree (the `more` cursor and
//     since/until rest on it).
//  5. Re-submitting a statement whose id is stored with the same content_hash
//     is a no-op reported as kAlreadyStored; with a different hash the whole
//     batch fails with 409.
//  6. A learner has one data key: when a batch brings a key for a pseudonym
//     that already has a different one (two requests sealed a new learner at
//     once), the batch fails with 503 and stores nothing, so that no identity
//     is ever sealed under a key that was not kept. Only two processes
//     sharing a data directory can get here; the plugin drops its cached key
//     and the client's retry finds the stored one.
//  7. A statement's Activity definitions are merged into the canonical ones
//     (table activities) in the same savepoint as the statement, and only
//     when the statement is inserted: an already-stored duplicate or a
//     rolled-back batch changes no definition.
//  8. Likewise a statement's learner fact (StatementRecord::fact) and its
//     analytics facts (StatementRecord::analytics, each by the rule of its
//     kind) are upserted in its savepoint only when the statement is
//     inserted: a duplicate never counts twice. Voiding and retention never
//     rewrite facts' counts.
//
// Thread safety: Submit may be called from any thread.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "storage/statement_record.h"
#include "xapi/result.h"

namespace lrs::storage {

class Database;

struct WriteBatch {
  std::vector<StatementRecord> statements;
  std::vector<WrappedDataKey> data_keys;  // keys the batch's identities are sealed under
  // Attachment data the batch's statements reference, written (INSERT OR
  // IGNORE: one row per content) in the batch's savepoint, and only when a
  // statement inserted by this batch names it in attachment_sha2s: a
  // statement found already stored (attachments are outside the comparison)
  // brings no data that no stored statement references.
  std::vector<AttachmentPayload> attachments;
};

enum class WriteOutcome { kStored, kAlreadyStored };

struct WriteReceipt {
  std::vector<WriteOutcome> outcomes;  // one per statement, in order
  int64_t stored_us = 0;
};

// The clock the writer stamps `stored` with; microseconds since the epoch.
using Clock = std::function<int64_t()>;
int64_t SystemClockMicros();

class StatementWriter {
 public:
  // Opens its own connections to both files. Errors: 500.
  static Result<std::unique_ptr<StatementWriter>> Open(const std::string& statement_db_path,
                                                       const std::string& key_store_path,
                                                       Clock clock = SystemClockMicros);
  ~StatementWriter();  // drains the queue, then stops the thread

  // Errors (the whole batch is rolled back): 409 when an id is stored with a
  // different content; 400 when a voiding statement targets a voiding
  // statement (Data 2.3.2); 503 when a data key conflicts (invariant 6);
  // 500 on I/O failure. An empty batch succeeds with no outcomes.
  std::future<Result<WriteReceipt>> Submit(WriteBatch batch);

  // Newest `stored` below which every statement is committed and visible
  // (X-Experience-API-Consistent-Through): every statement with stored <= the
  // value is committed, and every later one will get a larger stored. When
  // idle that is just below now (truncated to the millisecond); while a group
  // is in flight, just below the last committed stored (the group may share
  // its millisecond).
  int64_t ConsistentThroughMicros() const;

  // Runs `task` on the writer thread, between groups, with the writer's own
  // connections (statement database, key store), and resolves to its result.
  // For whatever must not interleave with ingest: erasure, retention batches
  // (keep each short: ingest waits while it runs), key rotation. The task owns
  // its transactions. The cache of absorbed Activity definitions is dropped
  // after every task, which may have rewritten the activities table.
  // Errors: 500 when the writer is shutting down.
  template <typename T>
  std::future<Result<T>> RunExclusive(std::function<Result<T>(Database& db, Database& keys)> task);

  // Writer thread only: forget cached Activity definitions (after something
  // deleted or rewrote the activities table outside a batch).
  void ForgetAbsorbedDefinitions() { absorbed_definitions_.clear(); }

 private:
  void EnqueueTask(std::function<void(Database&, Database&)> task,
                   std::function<void()> on_shutdown);
  struct Job;
  struct Prepared;
  StatementWriter() = default;
  void Run();
  void CommitGroup(std::vector<Job>& group);
  Result<std::vector<MaybeError>> StoreDataKeys(const std::vector<Job>& group);
  Result<std::vector<WriteOutcome>> StoreBatch(const WriteBatch& batch, int64_t stored_us);
  Result<std::vector<WriteOutcome>> StoreInSavepoint(const WriteBatch& batch, int64_t stored_us);
  MaybeError MergeActivityDefinitions(const StatementRecord& record, int64_t stored_us);

  std::unique_ptr<Database> db_;
  std::unique_ptr<Database> keys_;
  std::unique_ptr<Prepared> prepared_;  // after the databases: finalized before they close
  Clock clock_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::atomic<bool> busy_{false};
  std::atomic<int64_t> last_stored_us_{0};
  // Activity definitions already merged into the committed canonical ones
  // (id -> the definition text as received). Merging the same definition
  // again changes nothing, and most statements repeat one, so they skip the
  // read-merge-compare. Entries are added only after COMMIT (pending_* hold
  // them until then) so a rolled-back batch never hides a definition.
  // Writer thread only.
  std::unordered_map<std::string, std::string> absorbed_definitions_;
  std::vector<std::pair<std::string, std::string>> pending_batch_definitions_;
  std::vector<std::pair<std::string, std::string>> pending_group_definitions_;
  std::thread thread_;
};

template <typename T>
std::future<Result<T>> StatementWriter::RunExclusive(
    std::function<Result<T>(Database& db, Database& keys)> task) {
  auto promise = std::make_shared<std::promise<Result<T>>>();
  std::future<Result<T>> future = promise->get_future();
  EnqueueTask(
      [promise, task = std::move(task)](Database& db, Database& keys) {
        promise->set_value(task(db, keys));
      },
      [promise] {
        promise->set_value(
            MakeError(500, "storage", "", "the statement writer is shutting down"));
      });
  return future;
}

}  // namespace lrs::storage

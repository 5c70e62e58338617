#pragma once
// The retention timer inside `lrs serve` (storage/retention.h): a retention
// pass when the server starts, then one every period (a day), each running
// batch after batch until nothing expired is left. `lrs purge` is the same
// pass for a stopped server (plugin/cli/purge_command.cc).
//
// Invariants:
//  1. Every batch runs on the writer thread (StatementWriter::RunExclusive),
//     between group commits, never beside one: ingest waits at most one
//     bounded batch, and interleaves between batches.
//  2. After a batch that deleted identities, still on the writer thread and
//     before its next job, the vault forgets the variants it remembered as
//     stored (IdentityVault invariant 4), so a later statement of that
//     learner seals its identity again instead of pointing at a deleted one.
//  3. A pass reads the clock once: its cutoffs do not move while it runs.
//  4. Analytics facts past the facts cutoff are folded into inner-cell counts
//     and deleted (AnalyticsStore::ExpireFacts with `roll_up`; its batches
//     run on the writer thread through the store's WriteRunner) before the
//     rest of the pass, so tables for old periods keep their numbers once the
//     individual rows are gone. If that fails the pass stops there and
//     deletes nothing else.
//  5. The destructor returns promptly: it wakes the thread, which stops before
//     its next batch, so at most the batch in flight is waited for.
//
// Deleted rows are zeroed in the database file (secure_delete); the log
// frames that inserted them are overwritten as SQLite's own checkpoints
// recycle the write-ahead log. The timer does not force a TRUNCATE
// checkpoint as erasure does: on the writer thread it would stall ingest
// while readers finish. `lrs purge`, offline, does force one.
//
// Thread safety: the timer's own thread does all the work. Destroy it before
// the writer, the vault and the observer it was given.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "plugin/privacy/audit_trail.h"
#include "storage/analytics_store.h"
#include "storage/retention.h"
#include "storage/statement_writer.h"
#include "xapi/result.h"

namespace lrs::plugin {

class IdentityVault;

class RetentionTimer {
 public:
  struct Options {
    int statement_retention_days = 0;  // Manifest::statement_retention_days
    int fact_retention_days = 0;       // Manifest::fact_retention_days
    std::chrono::milliseconds period = std::chrono::hours(24);
    storage::RetentionLimits limits;
    storage::Clock clock = storage::SystemClockMicros;
    // Sees each batch's rows before they go (the seam for k-anonymous
    // rollups); not owned; null: none.
    storage::ExpiryObserver* observer = nullptr;
    // Analytics facts and their roll-up (invariant 4); not owned; null: none.
    storage::AnalyticsStore* analytics = nullptr;
    storage::AnalyticsRollUp roll_up;
    // Called on the timer's thread after each pass with what it deleted or
    // why it stopped. Default: one line on stdout when something was deleted
    // (counts only), one on stderr on failure.
    std::function<void(const Result<storage::ExpiredCounts>&)> on_pass;
  };

  // Starts the thread; the first pass begins at once.
  RetentionTimer(Options options, storage::StatementWriter& writer, IdentityVault& vault);
  ~RetentionTimer();

  RetentionTimer(const RetentionTimer&) = delete;
  RetentionTimer& operator=(const RetentionTimer&) = delete;

 private:
  void Run();
  Result<storage::ExpiredCounts> Pass();

  Options options_;
  storage::StatementWriter& writer_;
  IdentityVault& vault_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;  // last: starts after everything it uses exists
};

// Invariant 4, for the timer and `lrs purge` alike: folds and deletes the
// analytics facts last updated before `facts_before_us` (nothing when
// `analytics` is null). Returns the (learner, activity) pairs folded.
Result<int64_t> RollUpExpiredFacts(storage::AnalyticsStore* analytics, int64_t facts_before_us,
                                   const storage::AnalyticsRollUp& roll_up);

// The default on_pass: one line on stdout when something was deleted, one on
// stderr on failure.
void PrintRetentionPass(const Result<storage::ExpiredCounts>& pass);

// "deleted 3 statements, 0 documents, 1 facts, 0 attachments, 2 identities".
std::string DescribeExpired(const storage::ExpiredCounts& counts);

// The audit detail of a retention pass that deleted something ("retention.purge",
// by the server's daily pass and by `lrs purge` alike): the counts, nothing else.
AuditDetail RetentionAuditDetail(const storage::ExpiredCounts& counts);

}  // namespace lrs::plugin

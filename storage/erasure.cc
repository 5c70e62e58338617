#include "storage/erasure.h"

#include <chrono>
#include <thread>

#include "storage/database.h"
#include "storage/storage_error.h"
#include "storage/transaction.h"

namespace lrs::storage {
namespace {

// Runs a DELETE bound to the pseudonym and returns how many rows went.
Result<int64_t> DeleteWhere(Database& db, const char* sql, const std::string& pseudonym) {
  auto statement = db.Prepare(sql);
  if (!statement.ok()) return statement.error();
  statement->Bind(1, pseudonym);
  if (auto error = statement->Run()) return *error;
  return static_cast<int64_t>(db.Changes());
}

}  // namespace

Result<ErasureCounts> EraseLearner(Database& db, Database& keys, const std::string& pseudonym) {
  // '' is the agent of every Activity Profile: erasing by it would delete them all.
  if (pseudonym.empty()) return StorageError("erasure: no pseudonym given");
  ErasureCounts counts;
  {
    auto tx = Transaction::Begin(db, Transaction::Mode::kImmediate);
    if (!tx.ok()) return tx.error();
    struct Step {
      const char* sql;
      int64_t* count;
    };
    const Step steps[] = {
        {"DELETE FROM statements WHERE seq IN "
         "(SELECT seq FROM statement_agents WHERE pseudonym = ?1)",
         &counts.statements},
        {"DELETE FROM identities WHERE pseudonym = ?1", &counts.identities},
        {"DELETE FROM documents WHERE agent_pseudonym = ?1", &counts.documents},
        {"DELETE FROM attachments WHERE owner = ?1", &counts.attachments},
        {"DELETE FROM learner_facts WHERE pseudonym = ?1", &counts.facts},
        {"DELETE FROM consent_events WHERE pseudonym = ?1", &counts.consent_events},
    };
    for (const Step& step : steps) {
      auto deleted = DeleteWhere(db, step.sql, pseudonym);
      if (!deleted.ok()) return deleted.error();
      *step.count = *deleted;
    }
    if (auto error = tx->Commit()) return *error;
  }
  {
    auto tx = Transaction::Begin(keys, Transaction::Mode::kImmediate);
    if (!tx.ok()) return tx.error();
    auto deleted = DeleteWhere(keys, "DELETE FROM data_keys WHERE pseudonym = ?1", pseudonym);
    if (!deleted.ok()) return deleted.error();
    counts.data_key = *deleted > 0;
    if (auto error = tx->Commit()) return *error;
  }
  if (auto error = CheckpointAndTruncate(db)) return *error;
  if (auto error = CheckpointAndTruncate(keys)) return *error;
  return counts;
}

MaybeError CheckpointAndTruncate(Database& db) {
  // A reader that is mid-query pins the WAL; the busy timeout waits for it,
  // and a few retries cover a steady stream of short reads.
  for (int attempt = 0; attempt < 50; ++attempt) {
    auto checkpoint = db.Prepare("PRAGMA wal_checkpoint(TRUNCATE)");
    if (!checkpoint.ok()) return checkpoint.error();
    auto row = checkpoint->Step();
    if (!row.ok()) return row.error();
    if (*row && checkpoint->ColumnInt(0) == 0) return std::nullopt;  // not busy: done
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return StorageError("checkpoint: readers kept the write-ahead log busy");
}

}  // namespace lrs::storage

#include "storage/erasure.h"

#include <chrono>
#include <set>
#include <thread>
#include <utility>

#include "storage/database.h"
#include "storage/statement_record.h"
#include "storage/storage_error.h"
#include "storage/transaction.h"
#include "xapi/attachments.h"

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

using AttachmentKey = std::pair<std::string, std::string>;  // (sha2, owner)

// The attachment data that the learner's statements name and that other
// learners own (the actor of a statement owns its attachments): once those
// statements are gone, such data may be named by nothing.
Result<std::set<AttachmentKey>> OthersAttachmentsNamed(Database& db, const std::string& pseudonym) {
  auto statements = db.Prepare(
      "SELECT s.seq, s.json FROM statements s WHERE s.seq IN "
      "(SELECT seq FROM statement_agents WHERE pseudonym = ?1) "
      "AND instr(s.json, '\"attachments\"') > 0");
  auto owners = db.Prepare(
      "SELECT pseudonym FROM statement_agents WHERE seq = ?1 AND role = ?2 AND pseudonym <> ?3");
  if (!statements.ok()) return statements.error();
  if (!owners.ok()) return owners.error();
  statements->Bind(1, pseudonym);
  std::set<AttachmentKey> named;
  MaybeError owner_error;
  auto add = [&](const Statement& row) {
    const std::vector<std::string> declared = xapi::DeclaredAttachmentHashes(row.ColumnText(1));
    if (declared.empty() || owner_error) return;
    owners->Reset();
    owners->Bind(1, row.ColumnInt(0))
        .Bind(2, static_cast<int64_t>(AgentRole::kActorOrObject))
        .Bind(3, pseudonym);
    owner_error = owners->ForEachRow([&](const Statement& owner) {
      for (const std::string& sha2 : declared) named.emplace(sha2, owner.ColumnText(0));
    });
  };
  if (auto error = statements->ForEachRow(add)) return *error;
  if (owner_error) return *owner_error;
  return named;
}

// Deletes each (sha2, owner) that no remaining statement of its owner names.
Result<int64_t> DeleteUnnamedAttachments(Database& db, const std::set<AttachmentKey>& candidates) {
  auto still_named = db.Prepare(
      "SELECT 1 FROM statement_agents a JOIN statements s ON s.seq = a.seq "
      "WHERE a.pseudonym = ?1 AND a.role = ?3 AND instr(s.json, ?2) > 0 LIMIT 1");
  auto remove = db.Prepare("DELETE FROM attachments WHERE sha2 = ?1 AND owner = ?2");
  if (!still_named.ok()) return still_named.error();
  if (!remove.ok()) return remove.error();
  int64_t deleted = 0;
  for (const auto& [sha2, owner] : candidates) {
    still_named->Reset();
    still_named->Bind(1, owner).Bind(2, sha2).Bind(3,
                                                   static_cast<int64_t>(AgentRole::kActorOrObject));
    auto row = still_named->Step();
    if (!row.ok()) return row.error();
    if (*row) continue;
    remove->Bind(1, sha2).Bind(2, owner);
    if (auto error = remove->Run()) return *error;
    deleted += db.Changes();
  }
  return deleted;
}

}  // namespace

Result<ErasureCounts> EraseLearner(Database& db, Database& keys, const std::string& pseudonym) {
  // '' is the agent of every Activity Profile: erasing by it would delete them all.
  if (pseudonym.empty()) return StorageError("erasure: no pseudonym given");
  ErasureCounts counts;
  {
    auto tx = Transaction::Begin(db, Transaction::Mode::kImmediate);
    if (!tx.ok()) return tx.error();
    auto others_attachments = OthersAttachmentsNamed(db, pseudonym);
    if (!others_attachments.ok()) return others_attachments.error();
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
    auto orphaned = DeleteUnnamedAttachments(db, *others_attachments);
    if (!orphaned.ok()) return orphaned.error();
    counts.attachments += *orphaned;
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

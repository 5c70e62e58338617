#include "storage/token_revocations.h"

#include "storage/database.h"
#include "storage/schema.h"
#include "storage/transaction.h"

namespace lrs::storage {

Result<std::unique_ptr<TokenRevocationStore>> TokenRevocationStore::Open(
    const std::string& statement_db_path) {
  auto db = OpenStatementDatabase(statement_db_path);
  if (!db.ok()) return db.error();
  return std::unique_ptr<TokenRevocationStore>(new TokenRevocationStore(std::move(*db)));
}

TokenRevocationStore::TokenRevocationStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}
TokenRevocationStore::~TokenRevocationStore() = default;

MaybeError TokenRevocationStore::Put(const TokenRevocation& revocation) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto insert = db_->Prepare(
      "INSERT INTO token_revocations (learner, revoked_us) VALUES (?1, ?2) "
      "ON CONFLICT (learner) DO UPDATE SET revoked_us = max(revoked_us, excluded.revoked_us)");
  if (!insert.ok()) return insert.error();
  return insert->Bind(1, revocation.learner).Bind(2, revocation.revoked_us).Run();
}

Result<std::vector<TokenRevocation>> TokenRevocationStore::PruneAndList(int64_t before_us) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto tx = Transaction::Begin(*db_, Transaction::Mode::kImmediate);
  if (!tx.ok()) return tx.error();
  auto prune = db_->Prepare("DELETE FROM token_revocations WHERE revoked_us < ?1");
  if (!prune.ok()) return prune.error();
  if (auto error = prune->Bind(1, before_us).Run()) return *error;
  auto select = db_->Prepare("SELECT learner, revoked_us FROM token_revocations");
  if (!select.ok()) return select.error();
  auto rows = CollectRows<TokenRevocation>(*select, [](const Statement& row) {
    return TokenRevocation{row.ColumnText(0), row.ColumnInt(1)};
  });
  if (!rows.ok()) return rows.error();
  if (auto error = tx->Commit()) return *error;
  return rows;
}

}  // namespace lrs::storage

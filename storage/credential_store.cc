#include "storage/credential_store.h"

#include <utility>

#include "storage/database.h"
#include "storage/schema.h"

namespace lrs::storage {

CredentialStore::CredentialStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}

CredentialStore::~CredentialStore() = default;

Result<std::unique_ptr<CredentialStore>> CredentialStore::Open(
    const std::string& statement_db_path) {
  Result<std::unique_ptr<Database>> db = OpenStatementDatabase(statement_db_path);
  if (!db.ok()) return db.error();
  return std::unique_ptr<CredentialStore>(new CredentialStore(std::move(*db)));
}

MaybeError CredentialStore::Add(const CredentialRecord& credential) {
  std::lock_guard<std::mutex> lock(mutex_);
  // DO NOTHING rather than a constraint error: a duplicate is an answer (409),
  // not a failure, and is told apart without parsing SQLite's message.
  Result<Statement> stmt = db_->Prepare(
      "INSERT INTO credentials (key, name, role, salt, secret_hash, iterations, created_us) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (key) DO NOTHING");
  if (!stmt.ok()) return stmt.error();
  stmt->Bind(1, credential.key)
      .Bind(2, credential.name)
      .Bind(3, credential.role)
      .BindBlob(4, credential.salt)
      .BindBlob(5, credential.secret_hash)
      .Bind(6, credential.iterations)
      .Bind(7, credential.created_us);
  if (MaybeError error = stmt->Run()) return error;
  if (db_->Changes() == 0) {
    return MakeError(409, "LRS credentials", "", "a credential with this key already exists");
  }
  return std::nullopt;
}

Result<std::optional<CredentialRecord>> CredentialStore::FindByKey(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<Statement> stmt = db_->Prepare(
      "SELECT name, role, salt, secret_hash, iterations, created_us FROM credentials "
      "WHERE key = ?1");
  if (!stmt.ok()) return stmt.error();
  stmt->Bind(1, key);
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<CredentialRecord>();
  CredentialRecord record;
  record.key = key;
  record.name = stmt->ColumnText(0);
  record.role = stmt->ColumnText(1);
  record.salt = stmt->ColumnBlob(2);
  record.secret_hash = stmt->ColumnBlob(3);
  record.iterations = stmt->ColumnInt(4);
  record.created_us = stmt->ColumnInt(5);
  return std::optional<CredentialRecord>(std::move(record));
}

Result<int64_t> CredentialStore::Count() {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<Statement> stmt = db_->Prepare("SELECT count(*) FROM credentials");
  if (!stmt.ok()) return stmt.error();
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.error();
  return *row ? stmt->ColumnInt(0) : 0;
}

}  // namespace lrs::storage

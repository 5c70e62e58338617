#include "storage/credential_store.h"

#include <utility>

#include "storage/database.h"
#include "storage/schema.h"

namespace lrs::storage {
namespace {

constexpr char kColumns[] = "key, name, role, scopes, salt, secret_hash, iterations, created_us";

CredentialRecord ReadRecord(const Statement& row) {
  CredentialRecord record;
  record.key = row.ColumnText(0);
  record.name = row.ColumnText(1);
  record.role = row.ColumnText(2);
  record.scopes = row.ColumnText(3);
  record.salt = row.ColumnBlob(4);
  record.secret_hash = row.ColumnBlob(5);
  record.iterations = row.ColumnInt(6);
  record.created_us = row.ColumnInt(7);
  return record;
}

}  // namespace

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
      "INSERT INTO credentials (key, name, role, scopes, salt, secret_hash, iterations, "
      "created_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (key) DO NOTHING");
  if (!stmt.ok()) return stmt.error();
  stmt->Bind(1, credential.key)
      .Bind(2, credential.name)
      .Bind(3, credential.role)
      .Bind(4, credential.scopes)
      .BindBlob(5, credential.salt)
      .BindBlob(6, credential.secret_hash)
      .Bind(7, credential.iterations)
      .Bind(8, credential.created_us);
  if (MaybeError error = stmt->Run()) return error;
  if (db_->Changes() == 0) {
    return MakeError(409, "LRS credentials", "", "a credential with this key already exists");
  }
  return std::nullopt;
}

Result<std::optional<CredentialRecord>> CredentialStore::FindByKey(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!find_) {
    Result<Statement> stmt = db_->Prepare(std::string("SELECT ") + kColumns +
                                          " FROM credentials WHERE key = ?1");
    if (!stmt.ok()) return stmt.error();
    find_ = std::make_unique<Statement>(std::move(*stmt));
  }
  find_->Bind(1, key);
  Result<bool> row = find_->Step();
  std::optional<CredentialRecord> found;
  if (row.ok() && *row) found = ReadRecord(*find_);
  find_->Reset();  // ends the read transaction: the next lookup sees new commits
  if (!row.ok()) return row.error();
  return found;
}

Result<std::vector<CredentialRecord>> CredentialStore::List() {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<Statement> stmt = db_->Prepare(std::string("SELECT ") + kColumns +
                                        " FROM credentials ORDER BY created_us, key");
  if (!stmt.ok()) return stmt.error();
  return CollectRows<CredentialRecord>(*stmt, ReadRecord);
}

Result<bool> CredentialStore::Remove(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<Statement> stmt = db_->Prepare("DELETE FROM credentials WHERE key = ?1");
  if (!stmt.ok()) return stmt.error();
  stmt->Bind(1, key);
  if (MaybeError error = stmt->Run()) return *error;
  return db_->Changes() > 0;
}

Result<bool> CredentialStore::ReplaceSecret(const std::string& key, const std::string& salt,
                                            const std::string& secret_hash, int64_t iterations,
                                            const std::optional<std::string>& expected_hash) {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<Statement> stmt = db_->Prepare(
      "UPDATE credentials SET salt = ?2, secret_hash = ?3, iterations = ?4 "
      "WHERE key = ?1 AND (?5 IS NULL OR secret_hash = ?5)");
  if (!stmt.ok()) return stmt.error();
  stmt->Bind(1, key).BindBlob(2, salt).BindBlob(3, secret_hash).Bind(4, iterations);
  if (expected_hash) {
    stmt->BindBlob(5, *expected_hash);
  } else {
    stmt->BindNull(5);
  }
  if (MaybeError error = stmt->Run()) return *error;
  return db_->Changes() > 0;
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

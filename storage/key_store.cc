#include "storage/key_store.h"

#include <utility>

#include "storage/database.h"
#include "storage/schema.h"

namespace lrs::storage {

Result<std::optional<std::string>> ReadStoreId(Database& key_store) {
  Result<Statement> read = key_store.Prepare("SELECT value FROM meta WHERE name = ?1");
  if (!read.ok()) return read.error();
  read->Bind(1, kStoreIdMeta);
  Result<bool> row = read->Step();
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(read->ColumnText(0));
}

MaybeError WriteStoreId(Database& key_store, const std::string& store_id) {
  Result<Statement> write = key_store.Prepare(
      "INSERT INTO meta (name, value) VALUES (?1, ?2) "
      "ON CONFLICT (name) DO UPDATE SET value = excluded.value");
  if (!write.ok()) return write.error();
  return write->Bind(1, kStoreIdMeta).Bind(2, store_id).Run();
}

KeyStore::KeyStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}

KeyStore::~KeyStore() = default;

Result<std::unique_ptr<KeyStore>> KeyStore::Open(const std::string& path) {
  Result<std::unique_ptr<Database>> db = OpenKeyStore(path);
  if (!db.ok()) return db.error();
  return std::unique_ptr<KeyStore>(new KeyStore(std::move(*db)));
}

Result<std::optional<WrappedDataKey>> KeyStore::Find(const std::string& pseudonym) {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<Statement> stmt =
      db_->Prepare("SELECT master_key_id, wrapped FROM data_keys WHERE pseudonym = ?1");
  if (!stmt.ok()) return stmt.error();
  stmt->Bind(1, pseudonym);
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<WrappedDataKey>();
  return std::optional<WrappedDataKey>(
      WrappedDataKey{pseudonym, stmt->ColumnText(0), stmt->ColumnBlob(1)});
}

}  // namespace lrs::storage

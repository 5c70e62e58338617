#pragma once
// Reads learner data keys from the key store, a SQLite file of its own beside
// the statement database (DESIGN.md: never in the statement database). Keys
// are stored wrapped by the master key; StatementWriter writes them.
//
// Thread safety: all methods may be called concurrently.

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "storage/statement_record.h"
#include "xapi/result.h"

namespace lrs::storage {

class Database;

// meta.name of the key store's row naming the store (plugin/app/store_binding.h):
// a random id that its key file holds too.
inline constexpr char kStoreIdMeta[] = "store_id";

// The store id in a key store's meta, or nullopt when it has none yet (a
// fresh file, or one from before the binding). Errors: 500.
Result<std::optional<std::string>> ReadStoreId(Database& key_store);

// Sets the store id (replacing any). Errors: 500.
MaybeError WriteStoreId(Database& key_store, const std::string& store_id);

class KeyStore {
 public:
  // Opens (creating and migrating if needed) the key store file.
  static Result<std::unique_ptr<KeyStore>> Open(const std::string& path);
  ~KeyStore();

  Result<std::optional<WrappedDataKey>> Find(const std::string& pseudonym);

 private:
  explicit KeyStore(std::unique_ptr<Database> db);
  std::mutex mutex_;
  std::unique_ptr<Database> db_;
};

}  // namespace lrs::storage

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

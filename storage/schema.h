#pragma once
// Versioned schema migrations for the statement database and the key store.
//
// Invariants: migrations are append-only (never edit a shipped one); each runs
// in its own transaction together with the bump of PRAGMA user_version, so a
// crash leaves the schema at a version that exists.

#include <memory>
#include <string>

#include "storage/database.h"

namespace lrs::storage {

MaybeError MigrateStatementDatabase(Database& db);
MaybeError MigrateKeyStore(Database& db);

// Database::Open followed by the matching migration: how every store opens
// its own connection to either file.
Result<std::unique_ptr<Database>> OpenStatementDatabase(const std::string& path);
Result<std::unique_ptr<Database>> OpenKeyStore(const std::string& path);

// One connection to each file, for whatever writes both (the statement
// writer, the document store, key rotation).
struct DataFiles {
  std::unique_ptr<Database> statements;
  std::unique_ptr<Database> keys;
};
Result<DataFiles> OpenDataFiles(const std::string& statement_db_path,
                                const std::string& key_store_path);

}  // namespace lrs::storage

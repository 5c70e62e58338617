#pragma once
// Versioned schema migrations for the statement database and the key store.
//
// Invariants: migrations are append-only (never edit a shipped one); each runs
// in its own transaction together with the bump of PRAGMA user_version, so a
// crash leaves the schema at a version that exists.

#include "storage/database.h"

namespace lrs::storage {

MaybeError MigrateStatementDatabase(Database& db);
MaybeError MigrateKeyStore(Database& db);

}  // namespace lrs::storage

#pragma once
// Errors raised by storage/. All are 500s: storage never judges a request,
// it only fails to keep it. Messages name the operation and SQLite's reason,
// never a value (values are always bound, so SQLite never sees them as SQL).

#include <string>
#include <string_view>

#include "xapi/result.h"

struct sqlite3;

namespace lrs::storage {

inline constexpr char kStorageRule[] = "LRS storage";

inline Error StorageError(std::string message) {
  return MakeError(500, kStorageRule, "", std::move(message));
}

// "<what>: <SQLite's message for the connection's last error>".
Error SqliteError(sqlite3* db, std::string_view what);

}  // namespace lrs::storage

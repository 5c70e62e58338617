#include "storage/transaction.h"

#include <sqlite3.h>

#include <utility>

namespace lrs::storage {

Result<Transaction> Transaction::Begin(Database& db, Mode mode) {
  if (MaybeError error = db.Exec(mode == Mode::kImmediate ? "BEGIN IMMEDIATE" : "BEGIN")) {
    return *error;
  }
  return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Transaction::~Transaction() { Rollback(); }

MaybeError Transaction::Commit() {
  if (db_ == nullptr) return std::nullopt;
  MaybeError error = db_->Exec("COMMIT");
  if (error) {
    Rollback();
  } else {
    db_ = nullptr;
  }
  return error;
}

void Transaction::Rollback() {
  if (db_ == nullptr) return;
  // After some errors (I/O, full disk) SQLite has already rolled back; a
  // second ROLLBACK would only fail.
  if (!sqlite3_get_autocommit(db_->handle())) db_->Exec("ROLLBACK");
  db_ = nullptr;
}

}  // namespace lrs::storage

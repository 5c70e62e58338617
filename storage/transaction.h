#pragma once
// A scoped SQLite transaction: rolled back when it goes out of scope
// uncommitted, so every early `return error;` leaves the database unchanged.

#include "storage/database.h"

namespace lrs::storage {

class Transaction {
 public:
  // kImmediate takes the write lock at BEGIN, so a writer waits (busy
  // timeout) up front instead of failing half-way with SQLITE_BUSY.
  enum class Mode { kDeferred, kImmediate };

  static Result<Transaction> Begin(Database& db, Mode mode);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  // On failure the transaction is rolled back.
  MaybeError Commit();
  void Rollback();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;  // null once committed or rolled back
};

}  // namespace lrs::storage

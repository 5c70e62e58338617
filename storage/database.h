#pragma once
// One SQLite connection with the project's settings, plus RAII prepared
// statements. The only place (with its siblings in storage/) where SQL lives.
//
// Settings: WAL journal, synchronous=FULL (a commit survives power loss),
// foreign keys on, secure_delete on (erased bytes are zeroed, not left in free
// pages), busy timeout so readers and the single writer never fail on a lock.
//
// Thread safety: a Database is used by one thread at a time. Readers open
// their own connections; see StatementReader.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xapi/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace lrs::storage {

class Statement;

class Database {
 public:
  // Opens (creating if needed) the file and applies the settings. Errors: 500.
  static Result<std::unique_ptr<Database>> Open(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more SQL statements without parameters (schema, PRAGMA,
  // BEGIN/COMMIT). Never pass values here: bind them through Prepare.
  MaybeError Exec(std::string_view sql);
  Result<Statement> Prepare(std::string_view sql);
  int64_t LastInsertRowId() const;
  int Changes() const;
  sqlite3* handle() { return db_; }

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

// A prepared statement. Bind indexes start at 1, column indexes at 0.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  ~Statement();

  Statement& Bind(int index, int64_t value);
  Statement& BindDouble(int index, double value);
  Statement& Bind(int index, std::string_view text);
  // Exact overloads: without them a std::string or a literal would convert
  // equally well to string_view and to optional<string> (ambiguous call).
  Statement& Bind(int index, const std::string& text);
  template <size_t N>
  Statement& Bind(int index, const char (&text)[N]) {
    return Bind(index, std::string_view(text));
  }
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindNull(int index);
  Statement& Bind(int index, const std::optional<std::string>& text);

  // Text and blobs are copied when bound, so arguments may be temporaries.
  // A failed bind (e.g. a value over SQLite's length limit) is reported by the
  // next Step or Run.

  // Steps once. Returns true while a row is available, false when done.
  Result<bool> Step();
  // Steps to the end, calling `visit` for each row; the first failed step is
  // returned and ends the walk. Does not reset: callers that reuse the
  // statement call Reset.
  MaybeError ForEachRow(const std::function<void(const Statement& row)>& visit);
  // Steps to completion, for statements without results. Resets afterwards.
  MaybeError Run();
  void Reset();  // resets and clears bindings for reuse

  int64_t ColumnInt(int column) const;
  std::string ColumnText(int column) const;
  std::string ColumnBlob(int column) const;
  double ColumnDouble(int column) const;
  bool ColumnIsNull(int column) const;
  std::optional<int64_t> ColumnOptionalInt(int column) const;  // nullopt for NULL

 private:
  friend class Database;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement& Check(int rc);
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  int bind_error_ = 0;  // first failed bind since the last Reset (SQLITE_OK = 0)
};

// Steps `query` to the end (ForEachRow), collecting `read(row)` for each row;
// the first failed step is returned instead.
template <typename T, typename Read>
Result<std::vector<T>> CollectRows(Statement& query, Read read) {
  std::vector<T> rows;
  if (MaybeError error =
          query.ForEachRow([&](const Statement& row) { rows.push_back(read(row)); })) {
    return *error;
  }
  return rows;
}

}  // namespace lrs::storage

#include "storage/database.h"

#include <sqlite3.h>

#include <utility>

#include "storage/private_files.h"
#include "storage/storage_error.h"

namespace lrs::storage {
namespace {

// Long enough that a reader or the writer waits out a checkpoint or another
// process's transaction instead of failing a request with SQLITE_BUSY.
constexpr int kBusyTimeoutMs = 10000;

// Applied to every connection. journal_mode is checked separately: it is the
// one setting SQLite may silently refuse.
constexpr char kSettings[] =
    "PRAGMA synchronous = FULL;"
    "PRAGMA foreign_keys = ON;"
    "PRAGMA secure_delete = ON;"
    "PRAGMA temp_store = MEMORY;"
    // Measured with bench/ingest (see bench/results): with SQLite's 2 MB
    // default cache and read() I/O, most ingest time went to the kernel
    // copying pages. A larger cache and memory-mapped reads keep index pages
    // at hand; checkpointing every 16 MB of WAL instead of 4 MB copies each
    // hot index page to the database file less often.
    "PRAGMA cache_size = -65536;"
    "PRAGMA mmap_size = 268435456;"
    "PRAGMA wal_autocheckpoint = 4000;";

bool IsInMemory(const std::string& path) {
  return path.empty() || path == ":memory:" || path.rfind("file::memory:", 0) == 0;
}

}  // namespace

Error SqliteError(sqlite3* db, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : "out of memory";
  return StorageError(std::move(message));
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path) {
  // Mode 0600 for the file and its -wal/-shm/-journal (storage/private_files.h).
  if (!IsInMemory(path)) {
    if (MaybeError error = MakeDatabaseFilesPrivate(path)) return *error;
  }
  sqlite3* handle = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &handle, flags, nullptr) != SQLITE_OK) {
    Error error = SqliteError(handle, "open database");
    sqlite3_close_v2(handle);
    return error;
  }
  std::unique_ptr<Database> db(new Database(handle));
  sqlite3_extended_result_codes(handle, 1);
  sqlite3_busy_timeout(handle, kBusyTimeoutMs);

  Result<Statement> mode = db->Prepare("PRAGMA journal_mode = WAL");
  if (!mode.ok()) return mode.error();
  Result<bool> row = mode->Step();
  if (!row.ok()) return row.error();
  // Durability and readers beside the writer both rest on WAL.
  if (!*row || (mode->ColumnText(0) != "wal" && !IsInMemory(path))) {
    return StorageError("open database: the file cannot use write-ahead logging");
  }
  if (MaybeError error = db->Exec(kSettings)) return *error;
  return db;
}

Database::~Database() { sqlite3_close_v2(db_); }

MaybeError Database::Exec(std::string_view sql) {
  const std::string text(sql);  // sqlite3_exec needs a terminated string
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return SqliteError(db_, "execute");
  }
  return std::nullopt;
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK) {
    return SqliteError(db_, "prepare");
  }
  if (stmt == nullptr) return StorageError("prepare: empty SQL");
  return Statement(db_, stmt);
}

int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

int Database::Changes() const { return sqlite3_changes(db_); }

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      stmt_(std::exchange(other.stmt_, nullptr)),
      bind_error_(std::exchange(other.bind_error_, SQLITE_OK)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
    bind_error_ = std::exchange(other.bind_error_, SQLITE_OK);
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Check(int rc) {
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Statement& Statement::Bind(int index, int64_t value) {
  return Check(sqlite3_bind_int64(stmt_, index, value));
}

Statement& Statement::Bind(int index, std::string_view text) {
  // sqlite3_bind_text64 reports SQLITE_TOOBIG instead of overflowing an int.
  return Check(
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

Statement& Statement::Bind(int index, const std::string& text) {
  return Bind(index, std::string_view(text));
}

Statement& Statement::BindBlob(int index, std::string_view bytes) {
  // A zero-length blob, not NULL: the columns that hold blobs are NOT NULL.
  return Check(sqlite3_bind_blob64(stmt_, index, bytes.empty() ? "" : bytes.data(), bytes.size(),
                                   SQLITE_TRANSIENT));
}

Statement& Statement::BindNull(int index) { return Check(sqlite3_bind_null(stmt_, index)); }

Statement& Statement::Bind(int index, const std::optional<std::string>& text) {
  return text ? Bind(index, std::string_view(*text)) : BindNull(index);
}

Result<bool> Statement::Step() {
  if (bind_error_ != SQLITE_OK) {
    std::string message = "bind: ";
    message += sqlite3_errstr(bind_error_);
    return StorageError(std::move(message));
  }
  switch (sqlite3_step(stmt_)) {
    case SQLITE_ROW:
      return true;
    case SQLITE_DONE:
      return false;
    default:
      return SqliteError(db_, "step");
  }
}

MaybeError Statement::ForEachRow(const std::function<void(const Statement& row)>& visit) {
  for (;;) {
    Result<bool> row = Step();
    if (!row.ok()) return row.error();
    if (!*row) return std::nullopt;
    visit(*this);
  }
}

MaybeError Statement::Run() {
  MaybeError error = ForEachRow([](const Statement&) {});
  Reset();
  return error;
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = SQLITE_OK;
}

int64_t Statement::ColumnInt(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::ColumnText(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt_, column));
}

std::string Statement::ColumnBlob(int column) const {
  const void* blob = sqlite3_column_blob(stmt_, column);
  if (blob == nullptr) return {};
  return std::string(static_cast<const char*>(blob), sqlite3_column_bytes(stmt_, column));
}

Statement& Statement::BindDouble(int index, double value) {
  return Check(sqlite3_bind_double(stmt_, index, value));
}

double Statement::ColumnDouble(int column) const { return sqlite3_column_double(stmt_, column); }

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::optional<int64_t> Statement::ColumnOptionalInt(int column) const {
  if (ColumnIsNull(column)) return std::nullopt;
  return ColumnInt(column);
}

}  // namespace lrs::storage

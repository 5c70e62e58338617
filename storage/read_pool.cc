#include "storage/read_pool.h"

#include <sqlite3.h>

#include <algorithm>
#include <utility>

namespace lrs::storage {

struct ReadPool::Connection {
  std::unique_ptr<Database> db;
  // Declared after db so statements are finalized before the connection closes.
  std::map<std::string, Statement, std::less<>> statements;
};

Result<std::unique_ptr<ReadPool>> ReadPool::Open(std::string path, Migrate migrate) {
  std::unique_ptr<ReadPool> pool(new ReadPool(std::move(path)));
  Result<std::unique_ptr<Database>> db = Database::Open(pool->path_);
  if (!db.ok()) return db.error();
  if (MaybeError error = migrate(**db)) return *error;
  if (MaybeError error = (*db)->Exec("PRAGMA query_only = ON")) return *error;
  auto connection = std::make_unique<Connection>();
  connection->db = std::move(*db);
  pool->Release(std::move(connection));
  return pool;
}

ReadPool::ReadPool(std::string path) : path_(std::move(path)) {}

ReadPool::~ReadPool() = default;

Result<std::unique_ptr<ReadPool::Connection>> ReadPool::Connect() {
  Result<std::unique_ptr<Database>> db = Database::Open(path_);
  if (!db.ok()) return db.error();
  // Readers must never write, whatever a future query says.
  if (MaybeError error = (*db)->Exec("PRAGMA query_only = ON")) return *error;
  auto connection = std::make_unique<Connection>();
  connection->db = std::move(*db);
  return connection;
}

Result<ReadPool::Lease> ReadPool::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(connection));
    }
  }
  Result<std::unique_ptr<Connection>> connection = Connect();  // outside the lock: slow
  if (!connection.ok()) return connection.error();
  return Lease(this, std::move(*connection));
}

void ReadPool::Release(std::unique_ptr<Connection> connection) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (idle_.size() < kMaxIdle) idle_.push_back(std::move(connection));
}

ReadPool::Lease::Lease(ReadPool* pool, std::unique_ptr<Connection> connection)
    : pool_(pool), connection_(std::move(connection)) {}

ReadPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_),
      connection_(std::move(other.connection_)),
      used_(std::move(other.used_)) {}

ReadPool::Lease::~Lease() {
  if (connection_ == nullptr) return;
  for (Statement* statement : used_) statement->Reset();
  // A caller that returned early may have left its transaction open.
  if (!sqlite3_get_autocommit(connection_->db->handle())) connection_->db->Exec("ROLLBACK");
  pool_->Release(std::move(connection_));
}

Database& ReadPool::Lease::db() { return *connection_->db; }

Result<Statement*> ReadPool::Lease::Prepare(const std::string& sql) {
  auto it = connection_->statements.find(sql);
  if (it == connection_->statements.end()) {
    Result<Statement> prepared = connection_->db->Prepare(sql);
    if (!prepared.ok()) return prepared.error();
    it = connection_->statements.emplace(sql, std::move(*prepared)).first;
  }
  Statement* statement = &it->second;
  statement->Reset();
  if (std::find(used_.begin(), used_.end(), statement) == used_.end()) used_.push_back(statement);
  return statement;
}

}  // namespace lrs::storage

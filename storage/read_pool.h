#pragma once
// A pool of read connections to one database file, each with a cache of
// prepared statements.
//
// Why: opening a connection and preparing a query cost far more than running
// an indexed lookup, and WAL lets any number of readers run beside the
// writer. Connections are opened on demand and kept (up to kMaxIdle) for reuse.
//
// Invariant: a connection goes back to the pool with every statement reset
// and no transaction open, so an idle connection never pins an old WAL
// snapshot (which would stop checkpoints and grow the WAL without bound).
//
// Thread safety: Acquire may be called from any thread; a Lease belongs to
// the thread that holds it.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.h"

namespace lrs::storage {

class ReadPool {
 public:
  using Migrate = MaybeError (*)(Database&);

  // Opens a first connection and brings the schema up to date with
  // `migrate`, so a missing or foreign file fails here rather than later.
  static Result<std::unique_ptr<ReadPool>> Open(std::string path, Migrate migrate);
  ~ReadPool();

  struct Connection;

  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();

    Database& db();
    // A cached prepared statement, reset when the lease ends.
    Result<Statement*> Prepare(const std::string& sql);

   private:
    friend class ReadPool;
    Lease(ReadPool* pool, std::unique_ptr<Connection> connection);
    ReadPool* pool_;
    std::unique_ptr<Connection> connection_;
    std::vector<Statement*> used_;
  };

  Result<Lease> Acquire();

 private:
  static constexpr size_t kMaxIdle = 8;
  explicit ReadPool(std::string path);
  Result<std::unique_ptr<Connection>> Connect();
  void Release(std::unique_ptr<Connection> connection);

  const std::string path_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace lrs::storage

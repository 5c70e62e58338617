#pragma once
// One process at a time owns a data directory (DESIGN.md, Scale: one lrs
// process per SQLite data directory). `lrs serve` holds the lock while it
// runs; commands that rewrite the data (keys rotate, purge) take it too, so
// they never run beside a server whose caches they would invalidate.
//
// An advisory flock(2) on <data>/lrs.lock: released by the kernel when the
// process exits, even after kill -9, so a crash never leaves it stuck.

#include <memory>
#include <string>

#include "xapi/result.h"

namespace lrs::plugin {

class DataDirLock {
 public:
  // Errors: 409 when another process holds it (the message says so and names
  // the lock file, so callers report it as it is), 500 on I/O.
  static Result<std::unique_ptr<DataDirLock>> Acquire(const std::string& data_dir);
  ~DataDirLock();

  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace lrs::plugin

#pragma once
// Helpers shared by the storage tests: a temporary directory, statement
// records, and clocks the tests control (STYLE.md: no real clock in tests
// that depend on time).

#include <stdlib.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "storage/statement_record.h"
#include "storage/statement_writer.h"

namespace lrs::storage::testing {

// A fresh directory under /tmp, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/lrs-storage-test-XXXXXX";
    const char* made = mkdtemp(pattern);
    path_ = made != nullptr ? made : "";
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string File(const std::string& name) const { return path_ + "/" + name; }
  std::string StatementDb() const { return File("statements.db"); }
  std::string KeyStore() const { return File("keys.db"); }

 private:
  std::string path_;
};

// A lowercase UUID made from a number, so tests can name statements 1, 2, 3.
inline std::string Uuid(int n) {
  char text[40];
  std::snprintf(text, sizeof(text), "00000000-0000-4000-8000-%012d", n);
  return text;
}

inline constexpr char kVerb[] = "http://adlnet.gov/expapi/verbs/experienced";
inline constexpr char kVoided[] = "http://adlnet.gov/expapi/verbs/voided";

// A plain statement: actor `actor`, object activity `activity`.
inline StatementRecord Record(int n, const std::string& actor = "actor-pseudonym",
                              const std::string& verb = kVerb,
                              const std::string& activity = "http://example.com/activity") {
  StatementRecord record;
  record.id = Uuid(n);
  record.json = "{\"id\":\"" + record.id + "\"}";
  record.content_hash = "hash-" + record.id;
  record.verb_id = verb;
  record.agents = {{actor, AgentRole::kActorOrObject}};
  record.activities = {{activity, ActivityRole::kObject}};
  return record;
}

// A statement whose object is a StatementRef to statement `target`.
inline StatementRecord RefRecord(int n, int target, const std::string& actor,
                                 const std::string& verb) {
  StatementRecord record = Record(n, actor, verb);
  record.activities.clear();
  record.statement_ref = Uuid(target);
  record.is_voiding = verb == kVoided;
  return record;
}

inline StatementRecord VoidingRecord(int n, int target) {
  return RefRecord(n, target, "admin-pseudonym", kVoided);
}

inline WriteBatch Batch(std::vector<StatementRecord> statements,
                        std::vector<WrappedDataKey> keys = {}) {
  WriteBatch batch;
  batch.statements = std::move(statements);
  batch.data_keys = std::move(keys);
  return batch;
}

inline Result<WriteReceipt> Write(StatementWriter& writer, std::vector<StatementRecord> statements,
                                  std::vector<WrappedDataKey> keys = {}) {
  return writer.Submit(Batch(std::move(statements), std::move(keys))).get();
}

// A clock the test sets. Thread-safe.
class FakeClock {
 public:
  explicit FakeClock(int64_t now_us) : now_(now_us) {}
  void Set(int64_t now_us) { now_ = now_us; }
  Clock AsClock() {
    return [this] { return now_.load(); };
  }

 private:
  std::atomic<int64_t> now_;
};

// A clock that holds the writer inside its first group until Open() is
// called, so that everything submitted meanwhile queues up; each call returns
// a later millisecond, so each group's `stored` tells the groups apart.
class GateClock {
 public:
  explicit GateClock(int64_t start_us) : next_(start_us) {}
  void Open() {
    std::lock_guard<std::mutex> lock(mutex_);
    open_ = true;
    opened_.notify_all();
  }
  // True once the writer is held at the gate (it has taken its first group).
  bool WriterWaiting() {
    std::lock_guard<std::mutex> lock(mutex_);
    return waiting_;
  }
  Clock AsClock() {
    return [this] {
      std::unique_lock<std::mutex> lock(mutex_);
      waiting_ = true;
      opened_.wait(lock, [this] { return open_; });
      next_ += 1000;
      return next_;
    };
  }

 private:
  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
  bool waiting_ = false;
  int64_t next_;
};

}  // namespace lrs::storage::testing

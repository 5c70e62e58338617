#pragma once
// Consent changes (table consent_events, storage/schema.cc version 5): an
// append-only history per learner, keyed by pseudonym. The current state of a
// purpose is its newest event; plugin/privacy/consent_registry.h keeps that in memory.
//
// Thread safety: all methods may be called concurrently (one connection
// behind a mutex: consent changes are rare and small).

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "xapi/result.h"

namespace lrs::storage {

class Database;

struct ConsentEvent {
  int64_t seq = 0;  // assigned by Append
  std::string pseudonym;
  std::string state;          // "granted" | "withdrawn"
  std::string purposes_json;  // JSON array of manifest purpose ids
  std::string actor;          // credential key, or "learner"
  int64_t at_us = 0;
};

class ConsentStore {
 public:
  static Result<std::unique_ptr<ConsentStore>> Open(const std::string& statement_db_path);
  ~ConsentStore();

  // Durable before it returns; sets event.seq.
  MaybeError Append(ConsentEvent& event);
  // One learner's events, oldest first.
  Result<std::vector<ConsentEvent>> History(const std::string& pseudonym);
  // Every event, oldest first, one at a time (start-up builds the registry).
  MaybeError ForEach(const std::function<void(const ConsentEvent&)>& visit);

 private:
  explicit ConsentStore(std::unique_ptr<Database> db);
  std::mutex mutex_;
  std::unique_ptr<Database> db_;
};

}  // namespace lrs::storage

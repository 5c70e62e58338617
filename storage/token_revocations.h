#pragma once
// Token revocations (table token_revocations, storage/schema.cc version 7):
// one row per learner erased within the last token lifetime, so that their
// learner tokens die at erasure and stay dead across restarts
// (plugin/auth/token_revocations.h says the rule). A row names the learner by a
// keyed digest of the pseudonym, never the pseudonym itself, and is deleted
// once every token issued before it has expired.
//
// Thread safety: all methods may be called concurrently (one connection
// behind a mutex: revocations are rare and small).

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "xapi/result.h"

namespace lrs::storage {

class Database;

struct TokenRevocation {
  std::string learner;  // keyed digest of the pseudonym
  int64_t revoked_us = 0;
};

class TokenRevocationStore {
 public:
  static Result<std::unique_ptr<TokenRevocationStore>> Open(const std::string& statement_db_path);
  ~TokenRevocationStore();

  // Durable before it returns; a newer revocation of the same learner
  // replaces the older. Errors: 500.
  MaybeError Put(const TokenRevocation& revocation);
  // Deletes the rows revoked before `before_us`, then returns the others.
  // Errors: 500.
  Result<std::vector<TokenRevocation>> PruneAndList(int64_t before_us);

 private:
  explicit TokenRevocationStore(std::unique_ptr<Database> db);
  std::mutex mutex_;
  std::unique_ptr<Database> db_;
};

}  // namespace lrs::storage

#pragma once
// Learner tokens die with their learner's erasure (issue 14): a token
// issued before a learner was erased answers 401 on every
// route, at once and across restarts. A token the LMS issues later is a new
// start. The check sits in the authentication of the privacy routes
// (AuthenticateCaller), beside the token format, not in it.
//
// Rules:
//  1. Revoke runs before the erasure: memory first (dead at once in this
//     process), then the durable row (storage/token_revocations.h). If the
//     erasure then fails, the tokens stay dead: fail closed.
//  2. A revocation names the learner by a keyed digest of the pseudonym, and
//     lives only as long as a token can (kMaxTokenTtlSeconds): then every
//     token it could stop has expired, and the row is deleted (at start-up,
//     at each revocation, and by Prune, which the server calls after each
//     daily retention pass).
//  3. Microseconds: a token carries its issue time to the microsecond
//     (plugin/auth/learner_token.h), so one issued right after an erasure, in
//     the same second, is a new start; one issued in the same microsecond
//     counts as before it.
//
// Thread safety: all methods may be called concurrently.

#include <cstdint>
#include <functional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "storage/statement_writer.h"  // Clock
#include "storage/token_revocations.h"
#include "xapi/result.h"

namespace lrs::plugin {

class TokenRevocations {
 public:
  // `digest` maps a pseudonym to the value stored for it (rule 2).
  using Digest = std::function<std::string(const std::string& pseudonym)>;
  TokenRevocations(storage::TokenRevocationStore& store, Digest digest,
                   storage::Clock clock = storage::SystemClockMicros);

  // Prunes expired revocations and reads the rest. Errors: 500.
  MaybeError Load();
  // Rule 1. Errors: 500 (the tokens are dead in this process all the same).
  MaybeError Revoke(const std::string& pseudonym);
  // Rule 2: forgets, here and on disk, revocations older than a token lives.
  // Errors: 500.
  MaybeError Prune();
  // Whether a token for `pseudonym` issued at `issued_us` (unix
  // microseconds) may still be used.
  bool Alive(const std::string& pseudonym, int64_t issued_us) const;

 private:
  int64_t PruneBeforeUs() const;

  storage::TokenRevocationStore& store_;
  Digest digest_;
  storage::Clock clock_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, int64_t> revoked_us_;  // digest -> when
};

}  // namespace lrs::plugin

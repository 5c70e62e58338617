#pragma once
// Learner tokens: short-lived bearer tokens an LMS obtains for one learner
// (POST /privacy/tokens) and hands to that learner's browser, which may then
// reach only that learner's data under /privacy (self-access, consent,
// erasure).
//
//   lt1.<base64url payload>.<base64url HMAC-SHA256(token key, "lt1." + payload)>
//   payload: {"sub": "<pseudonym>", "iat": <unix s>, "exp": <unix s>, "kid": "<token key id>"}
//
// Why not a JWT library: one algorithm, one issuer and one audience; the format
// is fixed here so no "alg" header can be swapped. The token key is its own
// key in the key file (not the pseudonym or master key), so tokens can be
// invalidated by replacing it without touching stored data. The payload holds
// the pseudonym, never an identity; the learner's own browser is its audience.

#include <cstdint>
#include <string>

#include "xapi/result.h"

namespace lrs::plugin {

constexpr int64_t kMaxTokenTtlSeconds = 24 * 3600;

struct LearnerClaims {
  std::string pseudonym;
  int64_t expires_s = 0;  // unix seconds
  int64_t issued_s = 0;   // unix seconds (plugin/token_revocations.h)
};

class LearnerTokens {
 public:
  LearnerTokens(std::string key_id, std::string key)
      : key_id_(std::move(key_id)), key_(std::move(key)) {}

  // Precondition: 0 < ttl_seconds <= kMaxTokenTtlSeconds.
  std::string Issue(const std::string& pseudonym, int64_t now_s, int64_t ttl_seconds) const;

  // Errors: 401 when malformed, forged (signature, or another key id) or
  // expired at `now_s`.
  Result<LearnerClaims> Verify(std::string_view token, int64_t now_s) const;

 private:
  std::string Sign(std::string_view signed_part) const;
  std::string key_id_;
  std::string key_;
};

}  // namespace lrs::plugin

#pragma once
// Learner tokens: short-lived bearer tokens an LMS obtains for one learner
// (POST /privacy/tokens) and hands to that learner's browser, which may then
// reach only that learner's data under /privacy (self-access, consent,
// erasure).
//
//   lt2.<base64url(nonce || AES-256-GCM(token key, payload, aad = "lt2.") || tag)>
//   payload: {"sub": "<pseudonym>", "iat_us": <unix µs>, "exp": <unix s>, "kid": "<token key id>"}
//
// Invariants:
//  1. Opaque (plugin/auth/opaque_token.h): the payload is sealed, so a token names
//     no pseudonym to whoever sees it (a browser extension, a log, a
//     screenshot); "lt2." says what it is. Tokens of the earlier signed
//     format ("lt1.", the payload in clear) are refused like any other
//     malformed token.
//  2. One error for every forgery: a changed byte, a truncation, a splice of
//     two tokens, another key or key id fail alike (401); an expired token
//     says so (401).
//  3. The token key is its own key (plugin/keys/key_file.h: derived from the key
//     file's token key, which `lrs keys rotate` renews): a rotation ends
//     every token issued before it, and nothing stored depends on it.
//
// Why not a JWT library: one algorithm, one issuer and one audience; the format
// is fixed here so no "alg" header can be swapped.
//
// Thread safety: Issue and Verify may be called concurrently.

#include <cstdint>
#include <memory>
#include <string>

#include "anonymizer/random_source.h"
#include "xapi/result.h"

namespace lrs::plugin {

constexpr int64_t kMaxTokenTtlSeconds = 24 * 3600;

struct LearnerClaims {
  std::string pseudonym;
  int64_t expires_s = 0;  // unix seconds
  int64_t issued_us = 0;  // unix microseconds (plugin/auth/token_revocations.h)
};

class LearnerTokens {
 public:
  // Precondition: key.size() == anonymizer::kSealKeyBytes. Nonces come from
  // `random`.
  LearnerTokens(std::string key_id, std::string key,
                std::shared_ptr<anonymizer::RandomSource> random = anonymizer::SystemRandom())
      : key_id_(std::move(key_id)), key_(std::move(key)), random_(std::move(random)) {}

  // Precondition: 0 < ttl_seconds <= kMaxTokenTtlSeconds. The issue time is
  // kept to the microsecond, so that an erasure orders before or after it.
  std::string Issue(const std::string& pseudonym, int64_t now_us, int64_t ttl_seconds) const;

  // Errors: 401 when malformed, forged (invariant 2) or expired at `now_s`.
  Result<LearnerClaims> Verify(std::string_view token, int64_t now_s) const;

 private:
  std::string key_id_;
  std::string key_;
  std::shared_ptr<anonymizer::RandomSource> random_;
};

}  // namespace lrs::plugin

#pragma once
// API credentials: creation, rotation and revocation (key and secret shown
// once), and HTTP Basic authentication against the credential store.
//
// Invariants (issue 15, findings 11 and 12):
//  1. Secrets are kept as HMAC-SHA-256 under a key of the store
//     (plugin/auth/secret_hash.h) and compared in constant time.
//  2. Every request reads the credential's row (a prepared primary key
//     lookup, about 10 us; bench/results/credentials-2026-12-07.md): nothing
//     verified is cached, so a credential revoked or rotated by any process
//     sharing lrs.db (the CLI included) fails on the very next request.
//  3. An unknown key takes the same path as a known one with a wrong secret:
//     the same lookup, an HMAC and a constant-time comparison against a
//     stand-in hash, the same 401 and the same count in the rate limiter.
//  4. A row hashed with PBKDF2 before schema version 6 (iterations > 0) still
//     authenticates; on its first success it is re-hashed with the HMAC, so
//     the slow path is paid once per old credential. Failures against such a
//     row are rate limited like any other.
//  5. Failures are limited per (key, client address) and per address
//     (plugin/auth/auth_rate_limiter.h): 429 with Retry-After, checked before the
//     secret, so a right secret from an address that is not failing still
//     works.
//
// Thread safety: Authenticator methods may be called concurrently.

#include <memory>
#include <string>
#include <vector>

#include "anonymizer/random_source.h"
#include "plugin/auth/auth_rate_limiter.h"
#include "plugin/auth/scopes.h"
#include "plugin/auth/secret_hash.h"
#include "storage/credential_store.h"
#include "xapi/result.h"

namespace lrs::plugin {

struct Principal {
  std::string key;   // the credential's public key: who did it, for audit
  std::string name;
  std::string role;  // "lms" | "analyst" | "admin"
  // xAPI scopes (plugin/auth/scopes.h). Principals made in code (the retention
  // timer, a learner token) are not limited by scopes: roles decide for them.
  ScopeSet scopes = ScopeSet::All();
};

struct NewCredential {
  std::string key;
  std::string secret;  // shown once, never stored
};

bool IsKnownRole(const std::string& role);

// Creates and stores a credential. Errors: 400 unknown role, empty name or
// no scope.
Result<NewCredential> CreateCredential(storage::CredentialStore& store, const SecretHasher& hasher,
                                       const std::string& role, const std::string& name,
                                       const ScopeSet& scopes, anonymizer::RandomSource& random);

// A new secret for an existing key; the old one stops working at once.
// Errors: 404 unknown key.
Result<NewCredential> RotateCredential(storage::CredentialStore& store, const SecretHasher& hasher,
                                       const std::string& key, anonymizer::RandomSource& random);

// Deletes the credential. Errors: 404 unknown key.
MaybeError RevokeCredential(storage::CredentialStore& store, const std::string& key);

class Authenticator {
 public:
  Authenticator(storage::CredentialStore& store, SecretHasher hasher,
                RateLimitOptions limits = {});

  // Checks an Authorization header ("Basic base64(key:secret)") from the
  // client at `client_address` ("" when unknown: not rate limited).
  // Errors: 401 when absent, malformed, unknown or wrong; 429 (with
  // Error::retry_after_seconds) while the address is blocked.
  Result<Principal> Authenticate(std::string_view authorization,
                                 std::string_view client_address = "");

  AuthRateLimiter& limiter() { return limiter_; }

 private:
  storage::CredentialStore& store_;
  SecretHasher hasher_;
  AuthRateLimiter limiter_;
  std::string stand_in_hash_;  // what an unknown key is compared with (invariant 3)
};

}  // namespace lrs::plugin

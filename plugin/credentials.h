#pragma once
// API credentials: creation (key and secret shown once) and HTTP Basic
// authentication against the slow-KDF hashes in the credential store.
//
// Secrets are hashed with PBKDF2-HMAC-SHA256 (OpenSSL) at rest and compared
// in constant time. Because the KDF is deliberately slow, a successful check
// is remembered in memory (keyed by a SHA-256 of the Authorization header
// under a per-process random salt) so that steady traffic pays it once.
//
// Thread safety: Authenticator methods may be called concurrently.

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "anonymizer/random_source.h"
#include "storage/credential_store.h"
#include "xapi/result.h"

namespace lrs::plugin {

struct Principal {
  std::string key;   // the credential's public key: who did it, for audit
  std::string name;
  std::string role;  // "lms" | "analyst" | "admin"
};

struct NewCredential {
  std::string key;
  std::string secret;  // shown once, never stored
};

bool IsKnownRole(const std::string& role);

// Creates and stores a credential. Errors: 400 unknown role or empty name.
Result<NewCredential> CreateCredential(storage::CredentialStore& store, const std::string& role,
                                       const std::string& name, anonymizer::RandomSource& random);

class Authenticator {
 public:
  Authenticator(storage::CredentialStore& store, anonymizer::RandomSource& random);

  // Checks an Authorization header ("Basic base64(key:secret)").
  // Errors: 401 when absent, malformed, unknown or wrong.
  Result<Principal> Authenticate(std::string_view authorization);

 private:
  storage::CredentialStore& store_;
  std::string cache_salt_;
  std::mutex mutex_;
  std::unordered_map<std::string, Principal> verified_;  // salted header digest -> principal
};

}  // namespace lrs::plugin

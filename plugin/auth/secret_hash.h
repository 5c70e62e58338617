#pragma once
// How credential secrets are kept (issue 15, finding 11): HMAC-SHA-256 under
// a key of the store, compared in constant time.
//
// Why not a slow KDF: secrets are 192 random bits, so no dictionary helps a
// guesser and a keyed hash is as strong; a slow KDF only let anyone with a
// public credential key spend 28 ms of the server's CPU per wrong secret.
//
// The key: HKDF-SHA-256 from the key file's digest key (info
// "lrs-credential-secrets-v1"). The key file lives outside the data
// directory, so a copy of lrs.db (or of the whole data directory) holds no
// way to check a guessed secret; the digest key survives `lrs keys rotate`
// (plugin/keys/key_file.h, invariant 3), so rotation leaves credentials working.
//
// What is hashed: the credential key, a NUL, then the secret, so a hash
// copied onto another row does not verify there.

#include <string>
#include <string_view>

#include "plugin/keys/key_file.h"

namespace lrs::plugin {

class SecretHasher {
 public:
  static SecretHasher FromKeys(const KeyMaterial& keys);
  explicit SecretHasher(std::string hmac_key) : key_(std::move(hmac_key)) {}
  ~SecretHasher();

  // 32 bytes.
  std::string Hash(std::string_view credential_key, std::string_view secret) const;
  // Constant time in the content of both (CRYPTO_memcmp); false when the
  // sizes differ.
  static bool Same(std::string_view a, std::string_view b);

 private:
  std::string key_;
};

}  // namespace lrs::plugin

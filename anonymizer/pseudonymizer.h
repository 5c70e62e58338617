#pragma once
// Keyed pseudonyms (DESIGN.md, Identity): HMAC-SHA256(pseudonym key,
// canonical IFI). Without the key a pseudonym cannot be linked to a person,
// not even by hashing a guessed e-mail address.
//
// Thread-safe: immutable after construction.

#include <string>
#include <string_view>

namespace lrs::anonymizer {

class Pseudonymizer {
 public:
  // `key` is the raw secret (32 bytes); `key_id` names it so keys can rotate.
  Pseudonymizer(std::string key_id, std::string key);

  const std::string& key_id() const { return key_id_; }

  // Lowercase hex HMAC-SHA256 of a canonical IFI (xapi::CanonicalIfi): 64 chars.
  std::string Pseudonym(std::string_view canonical_ifi) const;

  // Lowercase hex HMAC-SHA256 of `data` under a domain-separated label, for
  // other keyed digests (identity variant ids, statement content hashes) that
  // must not be computable from the data alone.
  std::string KeyedDigest(std::string_view domain, std::string_view data) const;

 private:
  std::string key_id_;
  std::string key_;
};

// Lowercase hex HMAC-SHA256(key, data). Shared by the pseudonymizer, the
// signed `more` cursor and credential checks.
std::string HmacSha256Hex(std::string_view key, std::string_view data);

}  // namespace lrs::anonymizer

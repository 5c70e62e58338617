#pragma once
// Keyed pseudonyms (DESIGN.md, Identity) and the other keyed digests.
//
// - Pseudonym: k · H(canonical IFI) on P-256 (anonymizer/curve_pseudonym.h),
//   66 lowercase hex chars. Without the key a pseudonym cannot be linked to a
//   person, not even by hashing a guessed e-mail address; with the old and
//   the new key, `lrs keys rotate` re-keys stored pseudonyms without the
//   identities they stand for.
// - KeyedDigest (identity variant ids, anonymous-group pseudonyms): HMAC-SHA256
//   under a key derived from the pseudonym key, so it rotates with it. Stored
//   variant ids are opaque row keys and are not rewritten by a rotation;
//   anonymous-group pseudonyms are recomputed from their rotated members.
// - ContentDigest (statement content hashes for conflict checks): HMAC-SHA256
//   under the separate digest key, which a rotation keeps. It digests a whole
//   statement as received, UUID included, not a handle on a learner: keeping
//   its key links nothing new, while re-keying it would need the statement as
//   received (identities and all). And a client re-sending a statement stored
//   before the rotation must still get the no-op xAPI requires (Communication
//   2.1), not a 409. It is keyed at all because the statement holds the raw
//   identity: a plain hash would let anyone holding the file confirm a guess.
//
// A scalar multiplication costs tens of microseconds, so Pseudonym() keeps a
// bounded cache: a repeated learner or the authority of every statement costs
// one HMAC and a hash lookup. The cache is keyed by HMAC(per-process random
// key, IFI), never by the IFI itself, so no raw identifier stays in memory
// beyond the request that brought it.
//
// The keys (and the cache key) are zeroed when the Pseudonymizer goes.
//
// Thread-safe: all methods may be called concurrently (the cache is sharded,
// one mutex per shard).

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lrs::anonymizer {

class Pseudonymizer {
 public:
  // Entries kept per cache generation (two generations: at most twice this).
  static constexpr size_t kDefaultCacheCapacity = 32768;

  // `pseudonym_key` is a P-256 scalar (Precondition: IsValidPseudonymKey, see
  // curve_pseudonym.h; the key file checks it); `key_id` names it so keys can
  // rotate. `digest_key` (32 bytes) keys ContentDigest only.
  // `cache_capacity` 0 turns the cache off.
  Pseudonymizer(std::string key_id, std::string pseudonym_key, std::string digest_key,
                size_t cache_capacity = kDefaultCacheCapacity);
  ~Pseudonymizer();
  Pseudonymizer(const Pseudonymizer&) = delete;
  Pseudonymizer& operator=(const Pseudonymizer&) = delete;

  const std::string& key_id() const { return key_id_; }

  // The pseudonym of a canonical IFI (xapi::CanonicalIfi): 66 lowercase hex chars.
  std::string Pseudonym(std::string_view canonical_ifi) const;

  // Lowercase hex HMAC-SHA256 of `data` under a domain-separated label, keyed
  // by the (rotating) pseudonym key: identity variant ids, anonymous groups.
  std::string KeyedDigest(std::string_view domain, std::string_view data) const;

  // The pseudonym of an anonymous Group (it has no IFI): a keyed digest of
  // its members' pseudonyms, sorted so the order of members does not matter.
  std::string AnonymousGroupPseudonym(std::vector<std::string> member_pseudonyms) const;

  // "a" + the first 32 lowercase hex of HMAC-SHA256 of ("address", address)
  // under the digest key: the token an e-mail address outside Agent fields is
  // stored as (anonymizer/address_tokens.h). Under the digest key, which key
  // rotation keeps, so queries by a tokenized id match before and after.
  std::string AddressToken(std::string_view address) const;

  // Lowercase hex HMAC-SHA256 of ("statement", data) under the digest key:
  // the content hash a re-sent statement is compared by.
  std::string ContentDigest(std::string_view data) const;

 private:
  class Cache;
  std::string key_id_;
  std::string pseudonym_key_;
  std::string keyed_digest_key_;  // derived from pseudonym_key_
  std::string digest_key_;
  std::unique_ptr<Cache> cache_;  // null when turned off
};

// Lowercase hex HMAC-SHA256(key, data). Shared by the pseudonymizer, the
// signed `more` cursor and credential checks.
std::string HmacSha256Hex(std::string_view key, std::string_view data);

}  // namespace lrs::anonymizer

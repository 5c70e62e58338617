// Design note (pseudonym cache).
//   1. A cache entry maps HMAC(cache key, canonical IFI) (32 raw bytes) to the
//      pseudonym. The cache key is drawn from the CSPRNG once per
//      Pseudonymizer and never leaves this process, so the cache holds no IFI
//      and nothing that could be matched against a guessed one.
//   2. Bounded: each shard has two generations. Lookups try the current one,
//      then the previous one (promoting the hit); when the current one is
//      full it becomes the previous one and the old previous one is dropped.
//      Recently used learners survive a turnover, and memory never exceeds
//      two generations.
//   3. A miss computes outside the lock, once: the first thread to miss a
//      key leaves a future in the shard's `pending` map and the others wait
//      on it. Without this, every worker thread that meets a new learner at
//      the same time computes the same scalar multiplication (measured with
//      bench/ingest: a tenth of a short run's CPU went to such duplicates).
#include "anonymizer/pseudonymizer.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

#include "anonymizer/curve_pseudonym.h"
#include "anonymizer/random_source.h"
#include "xapi/hex.h"

namespace lrs::anonymizer {
namespace {

constexpr size_t kSha256Bytes = 32;
constexpr size_t kCacheShards = 16;
constexpr char kKeyedDigestKeyLabel[] = "lrs keyed-digest key v2";
constexpr char kAnonymousGroupDomain[] = "anonymous-group";
constexpr char kStatementDomain[] = "statement";
constexpr char kAddressDomain[] = "address";

[[noreturn]] void DieOnHmacFailure() {
  // Only a broken OpenSSL installation or exhausted memory gets here; an
  // empty or wrong pseudonym would silently merge or split learners.
  std::fputs("lrs: OpenSSL HMAC-SHA256 failed\n", stderr);
  std::abort();
}

// Fetched once: an explicit fetch per call costs a provider lookup under a lock.
// Deliberately never freed; it lives as long as the process.
EVP_MAC* HmacAlgorithm() {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr);
  if (mac == nullptr) DieOnHmacFailure();
  return mac;
}

// Raw HMAC-SHA256 over the concatenation of `parts`, without building the
// concatenation.
std::string HmacSha256OfParts(std::string_view key, std::initializer_list<std::string_view> parts) {
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(HmacAlgorithm());
  if (ctx == nullptr) DieOnHmacFailure();
  char digest_name[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end()};
  unsigned char mac[kSha256Bytes];
  size_t mac_size = 0;
  bool ok = EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                         params) == 1;
  for (std::string_view part : parts) {
    ok = ok &&
         EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(part.data()), part.size()) == 1;
  }
  ok = ok && EVP_MAC_final(ctx, mac, &mac_size, sizeof mac) == 1 && mac_size == kSha256Bytes;
  EVP_MAC_CTX_free(ctx);
  if (!ok) DieOnHmacFailure();
  return std::string(reinterpret_cast<const char*>(mac), kSha256Bytes);
}

std::string HmacSha256HexOfParts(std::string_view key,
                                 std::initializer_list<std::string_view> parts) {
  return xapi::HexEncode(HmacSha256OfParts(key, parts));
}

// Hex HMAC of (domain, NUL, data): the NUL keeps ("ab", "c") apart from ("a", "bc").
std::string DomainHmacHex(std::string_view key, std::string_view domain, std::string_view data) {
  static constexpr char kSeparator = '\0';
  return HmacSha256HexOfParts(key, {domain, std::string_view(&kSeparator, 1), data});
}

// Key material is zeroed before its memory goes back to the allocator.
void Wipe(std::string& secret) { OPENSSL_cleanse(secret.data(), secret.size()); }

}  // namespace

class Pseudonymizer::Cache {
 public:
  explicit Cache(size_t capacity)
      : key_(SystemRandom()->Bytes(kSha256Bytes)),
        shard_capacity_(std::max<size_t>(1, capacity / kCacheShards)) {}
  ~Cache() { Wipe(key_); }

  std::string LookupKey(std::string_view canonical_ifi) const {
    return HmacSha256OfParts(key_, {canonical_ifi});
  }

  // The cached pseudonym for `lookup_key`, else compute() once (invariant 3).
  template <typename Compute>
  std::string GetOrCompute(const std::string& lookup_key, Compute compute) {
    Shard& shard = ShardOf(lookup_key);
    std::shared_future<std::string> computed_elsewhere;
    // Made only on a miss: a promise allocates, and one destroyed unset
    // builds a broken_promise exception, which would cost more than the hit.
    std::optional<std::promise<std::string>> computing;
    {
      std::lock_guard<std::mutex> lock(shard.mutex);
      if (auto it = shard.current.find(lookup_key); it != shard.current.end()) return it->second;
      if (auto it = shard.previous.find(lookup_key); it != shard.previous.end()) {
        std::string pseudonym = it->second;
        InsertLocked(shard, lookup_key, pseudonym);
        return pseudonym;
      }
      if (auto it = shard.pending.find(lookup_key); it != shard.pending.end()) {
        computed_elsewhere = it->second;
      } else {
        computing.emplace();
        shard.pending.emplace(lookup_key, computing->get_future().share());
      }
    }
    if (computed_elsewhere.valid()) return computed_elsewhere.get();
    std::string pseudonym = compute();
    {
      std::lock_guard<std::mutex> lock(shard.mutex);
      InsertLocked(shard, lookup_key, pseudonym);
      shard.pending.erase(lookup_key);
    }
    computing->set_value(pseudonym);
    return pseudonym;
  }

 private:
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, std::string> current;
    std::unordered_map<std::string, std::string> previous;
    std::unordered_map<std::string, std::shared_future<std::string>> pending;
  };

  Shard& ShardOf(const std::string& lookup_key) {
    return shards_[static_cast<unsigned char>(lookup_key[0]) % kCacheShards];
  }

  void InsertLocked(Shard& shard, const std::string& lookup_key, std::string pseudonym) {
    if (shard.current.size() >= shard_capacity_) {
      shard.previous = std::move(shard.current);
      shard.current = {};
    }
    shard.current.emplace(lookup_key, std::move(pseudonym));
  }

  std::string key_;  // wiped by the destructor, else never changed
  const size_t shard_capacity_;
  std::array<Shard, kCacheShards> shards_;
};

Pseudonymizer::Pseudonymizer(std::string key_id, std::string pseudonym_key, std::string digest_key,
                             size_t cache_capacity)
    : key_id_(std::move(key_id)),
      pseudonym_key_(std::move(pseudonym_key)),
      keyed_digest_key_(HmacSha256OfParts(pseudonym_key_, {kKeyedDigestKeyLabel})),
      digest_key_(std::move(digest_key)),
      cache_(cache_capacity > 0 ? std::make_unique<Cache>(cache_capacity) : nullptr) {
  if (!IsValidPseudonymKey(pseudonym_key_)) {
    std::fputs("lrs: Pseudonymizer given an invalid pseudonym key\n", stderr);
    std::abort();
  }
}

Pseudonymizer::~Pseudonymizer() {
  Wipe(pseudonym_key_);
  Wipe(keyed_digest_key_);
  Wipe(digest_key_);
}

std::string Pseudonymizer::Pseudonym(std::string_view canonical_ifi) const {
  if (!cache_) return CurvePseudonym(pseudonym_key_, canonical_ifi);
  return cache_->GetOrCompute(cache_->LookupKey(canonical_ifi),
                              [&] { return CurvePseudonym(pseudonym_key_, canonical_ifi); });
}

std::string Pseudonymizer::KeyedDigest(std::string_view domain, std::string_view data) const {
  return DomainHmacHex(keyed_digest_key_, domain, data);
}

std::string Pseudonymizer::AnonymousGroupPseudonym(
    std::vector<std::string> member_pseudonyms) const {
  // Sorted so that the same members in another order are the same group.
  std::sort(member_pseudonyms.begin(), member_pseudonyms.end());
  std::string joined;
  for (const std::string& p : member_pseudonyms) {
    if (!joined.empty()) joined += ',';
    joined += p;
  }
  return KeyedDigest(kAnonymousGroupDomain, joined);
}

std::string Pseudonymizer::ContentDigest(std::string_view data) const {
  return DomainHmacHex(digest_key_, kStatementDomain, data);
}

std::string Pseudonymizer::AddressToken(std::string_view address) const {
  return "a" + DomainHmacHex(digest_key_, kAddressDomain, address).substr(0, 32);
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  return HmacSha256HexOfParts(key, {data});
}

}  // namespace lrs::anonymizer

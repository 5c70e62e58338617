#include "anonymizer/pseudonymizer.h"

#include "xapi/hex.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <utility>

namespace lrs::anonymizer {
namespace {

constexpr size_t kSha256Bytes = 32;

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

// Lowercase hex HMAC-SHA256 over the concatenation of `parts`, without
// building the concatenation.
std::string HmacSha256HexOfParts(std::string_view key,
                                 std::initializer_list<std::string_view> parts) {
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

  return xapi::HexEncode(std::string_view(reinterpret_cast<const char*>(mac), kSha256Bytes));
}

}  // namespace

Pseudonymizer::Pseudonymizer(std::string key_id, std::string key)
    : key_id_(std::move(key_id)), key_(std::move(key)) {}

std::string Pseudonymizer::Pseudonym(std::string_view canonical_ifi) const {
  return HmacSha256HexOfParts(key_, {canonical_ifi});
}

std::string Pseudonymizer::KeyedDigest(std::string_view domain, std::string_view data) const {
  // The NUL after the label keeps ("ab", "c") apart from ("a", "bc"). Labels
  // are fixed words without ':', so no digest input can equal a canonical IFI
  // ("kind:...") and a keyed digest never collides with a pseudonym.
  static constexpr char kSeparator = '\0';
  return HmacSha256HexOfParts(key_, {domain, std::string_view(&kSeparator, 1), data});
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  return HmacSha256HexOfParts(key, {data});
}

}  // namespace lrs::anonymizer

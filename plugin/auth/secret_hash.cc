#include "plugin/auth/secret_hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>

#include <cstdlib>
#include <memory>

namespace lrs::plugin {
namespace {

constexpr char kInfo[] = "lrs-credential-secrets-v1";
constexpr size_t kKeyBytes = 32;

std::string Hkdf(std::string_view input_key, std::string_view info) {
  std::string out(kKeyBytes, '\0');
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr), &EVP_PKEY_CTX_free);
  size_t length = out.size();
  const bool ok =
      ctx && EVP_PKEY_derive_init(ctx.get()) > 0 &&
      EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()) > 0 &&
      EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), reinterpret_cast<const unsigned char*>(input_key.data()),
                                 static_cast<int>(input_key.size())) > 0 &&
      EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), reinterpret_cast<const unsigned char*>(info.data()),
                                  static_cast<int>(info.size())) > 0 &&
      EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &length) > 0;
  // Without the key nothing can be checked: fail loudly rather than hash
  // under a key anyone could compute.
  if (!ok || length != kKeyBytes) std::abort();
  return out;
}

}  // namespace

SecretHasher SecretHasher::FromKeys(const KeyMaterial& keys) {
  return SecretHasher(Hkdf(keys.digest_key.secret, kInfo));
}

SecretHasher::~SecretHasher() { OPENSSL_cleanse(key_.data(), key_.size()); }

std::string SecretHasher::Hash(std::string_view credential_key, std::string_view secret) const {
  std::string message;
  message.reserve(credential_key.size() + 1 + secret.size());
  message.append(credential_key).push_back('\0');
  message.append(secret);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  OPENSSL_cleanse(message.data(), message.size());
  return std::string(reinterpret_cast<const char*>(digest), length);
}

bool SecretHasher::Same(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace lrs::plugin

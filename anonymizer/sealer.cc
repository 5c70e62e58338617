// Design note (sealing).
//   1. Layout: nonce (12) || ciphertext (same length as plaintext) || tag (16).
//   2. Every Seal draws a fresh random nonce. Under one key, 2^32 seals keep the
//      chance of a repeated 96-bit nonce below 2^-32 (NIST SP 800-38D, 8.3);
//      a learner's data key seals far fewer variants than that.
//   3. Open releases plaintext only after the tag verifies over nonce, AAD and
//      ciphertext; any failure returns the same error, so a caller cannot tell
//      a wrong key from tampering (and neither can an attacker).
#include "anonymizer/sealer.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace lrs::anonymizer {
namespace {

constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

// Fetched once: an implicit fetch on every init costs a provider lookup under
// a lock. Deliberately never freed; it lives as long as the process.
const EVP_CIPHER* Aes256Gcm() {
  static EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  return cipher;
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

[[noreturn]] void Die(const char* why) {
  // Seal has no error channel: a wrong key size is a programmer error and an
  // OpenSSL failure means a broken installation; an empty "sealed" value
  // would lose the identity for good.
  std::fprintf(stderr, "lrs: Seal failed: %s\n", why);
  std::abort();
}

Error OpenFailed() {
  return MakeError(500, "identity sealing (AES-256-GCM)", "",
                   "sealed data could not be opened: wrong key, wrong context or tampered data");
}

bool FitsInt(size_t n) { return n <= static_cast<size_t>(INT_MAX); }

}  // namespace

std::string Seal(std::string_view key, std::string_view plaintext, std::string_view aad,
                 RandomSource& random) {
  if (key.size() != kSealKeyBytes) Die("key is not 32 bytes");
  if (!FitsInt(plaintext.size()) || !FitsInt(aad.size())) Die("input too large");
  if (Aes256Gcm() == nullptr) Die("AES-256-GCM unavailable");

  std::string sealed(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(sealed.data());
  random.Fill(out, kNonceBytes);

  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  // AES-GCM's default IV length is 12 bytes, so no EVP_CTRL_GCM_SET_IVLEN is needed.
  bool ok =
      ctx != nullptr && EVP_EncryptInit_ex(ctx.get(), Aes256Gcm(), nullptr, Bytes(key), out) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), out + kNonceBytes, &len, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx.get(), out + kNonceBytes + len, &len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                          out + kNonceBytes + plaintext.size()) == 1;
  if (!ok) Die("OpenSSL encryption error");
  return sealed;
}

Result<std::string> Open(std::string_view key, std::string_view sealed, std::string_view aad) {
  if (key.size() != kSealKeyBytes || sealed.size() < kNonceBytes + kTagBytes ||
      !FitsInt(sealed.size()) || !FitsInt(aad.size()) || Aes256Gcm() == nullptr) {
    return OpenFailed();
  }
  const std::string_view nonce = sealed.substr(0, kNonceBytes);
  const std::string_view ciphertext =
      sealed.substr(kNonceBytes, sealed.size() - kNonceBytes - kTagBytes);
  // OpenSSL's SET_TAG takes a non-const pointer; give it a copy.
  unsigned char tag[kTagBytes];
  std::copy(sealed.end() - kTagBytes, sealed.end(), tag);

  std::string plaintext(ciphertext.size(), '\0');
  auto* out = reinterpret_cast<unsigned char*>(plaintext.data());
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  bool ok =
      ctx != nullptr &&
      EVP_DecryptInit_ex(ctx.get(), Aes256Gcm(), nullptr, Bytes(key), Bytes(nonce)) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), out, &len, Bytes(ciphertext),
                        static_cast<int>(ciphertext.size())) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes), tag) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), out + len, &len) == 1;
  if (!ok) {
    // Unauthenticated plaintext must not linger in freed memory.
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return OpenFailed();
  }
  return plaintext;
}

}  // namespace lrs::anonymizer

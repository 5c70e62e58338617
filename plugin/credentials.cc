#include "plugin/credentials.h"

#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <chrono>

#include "anonymizer/pseudonymizer.h"
#include "xapi/hex.h"

namespace lrs::plugin {
namespace {

// About 50 ms on one core of this class of machine: slow for a guesser, paid
// once per credential per process thanks to the cache.
constexpr int kIterations = 120000;
constexpr size_t kHashBytes = 32;

std::string DeriveHash(std::string_view secret, std::string_view salt, int iterations) {
  std::string out(kHashBytes, '\0');
  PKCS5_PBKDF2_HMAC(secret.data(), static_cast<int>(secret.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), iterations, EVP_sha256(),
                    static_cast<int>(out.size()), reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

Error Unauthorized(const std::string& message) {
  return MakeError(401, "xAPI Communication 4.0: authentication", "", message);
}

bool Base64Decode(std::string_view in, std::string& out) {
  if (in.empty() || in.size() % 4 != 0) return false;
  out.assign(in.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  if (n < 0) return false;
  size_t padding = (in.back() == '=') + (in.size() > 1 && in[in.size() - 2] == '=');
  out.resize(static_cast<size_t>(n) - padding);
  return true;
}

}  // namespace

bool IsKnownRole(const std::string& role) {
  return role == "lms" || role == "analyst" || role == "admin";
}

Result<NewCredential> CreateCredential(storage::CredentialStore& store, const std::string& role,
                                       const std::string& name, anonymizer::RandomSource& random) {
  if (!IsKnownRole(role)) {
    return MakeError(400, "credentials", "--role", "role must be lms, analyst or admin");
  }
  if (name.empty()) return MakeError(400, "credentials", "--name", "name must not be empty");
  NewCredential created{xapi::HexEncode(random.Bytes(10)), xapi::HexEncode(random.Bytes(24))};
  storage::CredentialRecord record;
  record.key = created.key;
  record.name = name;
  record.role = role;
  record.salt = random.Bytes(16);
  record.iterations = kIterations;
  record.secret_hash = DeriveHash(created.secret, record.salt, kIterations);
  record.created_us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  if (auto error = store.Add(record)) return *error;
  return created;
}

Authenticator::Authenticator(storage::CredentialStore& store, anonymizer::RandomSource& random)
    : store_(store), cache_salt_(random.Bytes(32)) {}

Result<Principal> Authenticator::Authenticate(std::string_view authorization) {
  if (authorization.empty()) return Unauthorized("credentials required (HTTP Basic)");
  std::string cache_key = anonymizer::HmacSha256Hex(cache_salt_, authorization);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = verified_.find(cache_key); it != verified_.end()) return it->second;
  }
  constexpr std::string_view kBasic = "Basic ";
  if (authorization.size() <= kBasic.size() ||
      strncasecmp(authorization.data(), kBasic.data(), kBasic.size()) != 0) {
    return Unauthorized("only HTTP Basic authentication is supported");
  }
  std::string decoded;
  if (!Base64Decode(authorization.substr(kBasic.size()), decoded)) {
    return Unauthorized("malformed Basic credentials");
  }
  size_t colon = decoded.find(':');
  if (colon == std::string::npos) return Unauthorized("malformed Basic credentials");
  std::string key = decoded.substr(0, colon);
  std::string secret = decoded.substr(colon + 1);

  auto found = store_.FindByKey(key);
  if (!found.ok()) return found.error();
  if (!found->has_value()) return Unauthorized("unknown credentials");
  const storage::CredentialRecord& record = **found;
  std::string hash = DeriveHash(secret, record.salt, static_cast<int>(record.iterations));
  if (hash.size() != record.secret_hash.size() ||
      CRYPTO_memcmp(hash.data(), record.secret_hash.data(), hash.size()) != 0) {
    return Unauthorized("unknown credentials");
  }
  Principal principal{record.key, record.name, record.role};
  std::lock_guard<std::mutex> lock(mutex_);
  verified_.emplace(cache_key, principal);
  return principal;
}

}  // namespace lrs::plugin

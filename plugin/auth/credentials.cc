#include "plugin/auth/credentials.h"

#include <strings.h>

#include <openssl/evp.h>

#include <chrono>

#include "xapi/hex.h"

namespace lrs::plugin {
namespace {

constexpr size_t kKeyBytes = 10;     // 80 bits, public
constexpr size_t kSecretBytes = 24;  // 192 bits

// Schema versions before 6 stored PBKDF2 (invariant 4).
std::string LegacyPbkdf2(std::string_view secret, std::string_view salt, int64_t iterations) {
  std::string out(32, '\0');
  PKCS5_PBKDF2_HMAC(secret.data(), static_cast<int>(secret.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), static_cast<int>(iterations), EVP_sha256(),
                    static_cast<int>(out.size()), reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

Error Unauthorized(const std::string& message) {
  return MakeError(401, "xAPI Communication 4.0: authentication", "", message);
}

Error NoSuchCredential() {
  return MakeError(404, "LRS credentials", "", "no credential with this key");
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

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

bool IsKnownRole(const std::string& role) {
  return role == "lms" || role == "analyst" || role == "admin";
}

Result<NewCredential> CreateCredential(storage::CredentialStore& store, const SecretHasher& hasher,
                                       const std::string& role, const std::string& name,
                                       const ScopeSet& scopes, anonymizer::RandomSource& random) {
  if (!IsKnownRole(role)) {
    return MakeError(400, "credentials", "", "role must be lms, analyst or admin");
  }
  if (name.empty()) return MakeError(400, "credentials", "", "name must not be empty");
  if (scopes.empty()) return MakeError(400, "credentials", "", "at least one scope is required");
  NewCredential created{xapi::HexEncode(random.Bytes(kKeyBytes)),
                        xapi::HexEncode(random.Bytes(kSecretBytes))};
  storage::CredentialRecord record;
  record.key = created.key;
  record.name = name;
  record.role = role;
  record.scopes = scopes.ToText();
  record.secret_hash = hasher.Hash(created.key, created.secret);
  record.iterations = 0;
  record.created_us = NowMicros();
  if (auto error = store.Add(record)) return *error;
  return created;
}

Result<NewCredential> RotateCredential(storage::CredentialStore& store, const SecretHasher& hasher,
                                       const std::string& key, anonymizer::RandomSource& random) {
  NewCredential rotated{key, xapi::HexEncode(random.Bytes(kSecretBytes))};
  auto replaced =
      store.ReplaceSecret(key, "", hasher.Hash(key, rotated.secret), 0, std::nullopt);
  if (!replaced.ok()) return replaced.error();
  if (!*replaced) return NoSuchCredential();
  return rotated;
}

MaybeError RevokeCredential(storage::CredentialStore& store, const std::string& key) {
  auto removed = store.Remove(key);
  if (!removed.ok()) return removed.error();
  if (!*removed) return NoSuchCredential();
  return std::nullopt;
}

Authenticator::Authenticator(storage::CredentialStore& store, SecretHasher hasher,
                             RateLimitOptions limits)
    : store_(store),
      hasher_(std::move(hasher)),
      limiter_(std::move(limits)),
      // Any 32 bytes do: the comparison with it is work only, its result is
      // discarded (`&& known` in Authenticate).
      stand_in_hash_(SecretHasher(std::string(32, '\x5c')).Hash("", "no such credential")) {}

Result<Principal> Authenticator::Authenticate(std::string_view authorization,
                                              std::string_view client_address) {
  if (authorization.empty()) return Unauthorized("credentials required (HTTP Basic)");
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
  const std::string key = decoded.substr(0, colon);
  const std::string_view secret = std::string_view(decoded).substr(colon + 1);

  if (std::optional<int64_t> wait = limiter_.RetryAfter(key, client_address)) {
    Error error = MakeError(429, "LRS credentials: failed attempts are limited", "",
                            "too many failed authentication attempts from this address; "
                            "retry after " + std::to_string(*wait) + " s");
    error.retry_after_seconds = *wait;
    return error;
  }

  auto found = store_.FindByKey(key);
  if (!found.ok()) return found.error();
  const std::string presented = hasher_.Hash(key, secret);
  const bool known = found->has_value();
  bool matches = false;
  if (!known || (*found)->iterations == 0) {
    // Invariant 3: an unknown key is compared with the stand-in, which never
    // matches, so both take the same work to the same 401.
    matches = SecretHasher::Same(presented, known ? (*found)->secret_hash : stand_in_hash_) &&
              known;
  } else {
    const storage::CredentialRecord& legacy = **found;
    matches = SecretHasher::Same(LegacyPbkdf2(secret, legacy.salt, legacy.iterations),
                                 legacy.secret_hash);
    if (matches) {  // invariant 4: re-hashed once, unless it changed meanwhile
      auto upgraded = store_.ReplaceSecret(key, "", presented, 0, legacy.secret_hash);
      if (!upgraded.ok()) return upgraded.error();
    }
  }
  if (!matches) {
    limiter_.RecordFailure(key, client_address);
    return Unauthorized("unknown credentials");
  }
  auto scopes = ScopeSet::Parse({(*found)->scopes});
  if (!scopes.ok()) {
    return MakeError(500, "LRS credentials", "", "a stored credential has unknown scopes");
  }
  return Principal{(*found)->key, (*found)->name, (*found)->role, *scopes};
}

}  // namespace lrs::plugin

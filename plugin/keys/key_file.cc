#include "plugin/keys/key_file.h"

#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "anonymizer/curve_pseudonym.h"
#include "anonymizer/sealer.h"
#include "xapi/hex.h"
#include "xapi/json.h"

namespace lrs::plugin {
namespace {

namespace fs = std::filesystem;
using xapi::HexDecode;
using xapi::HexEncode;

constexpr char kFormat[] = "lrs-keys-v2";
constexpr char kOldFormat[] = "lrs-keys-v1";
constexpr size_t kSecretBytes = 32;

Error KeyFileError(const std::string& path, const std::string& what) {
  return MakeError(400, "key file", path, "key file " + path + ": " + what);
}

Error KeyFileIoError(const std::string& path, const std::string& what) {
  return MakeError(500, "key file", path,
                   "key file " + path + ": " + what + ": " + std::strerror(errno));
}

Result<NamedKey> ReadNamedKey(const xapi::JsonValue& root, const char* name,
                              const std::string& path) {
  const xapi::JsonValue* entry = xapi::Member(root, name);
  if (entry == nullptr || !entry->IsObject())
    return KeyFileError(path, std::string("missing ") + name);
  NamedKey key;
  key.id = std::string(xapi::StringMember(*entry, "id"));
  if (key.id.empty()) return KeyFileError(path, std::string(name) + ".id is missing");
  if (!HexDecode(xapi::StringMember(*entry, "secret"), key.secret) ||
      key.secret.size() != kSecretBytes) {
    return KeyFileError(path, std::string(name) + ".secret must be 64 hex digits");
  }
  return key;
}

std::string NewKeyId(const char* prefix, anonymizer::RandomSource& random) {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  return std::string(prefix) + "-" + std::to_string(seconds) + "-" + HexEncode(random.Bytes(4));
}

NamedKey NewSecret(const char* prefix, anonymizer::RandomSource& random) {
  return NamedKey{NewKeyId(prefix, random), random.Bytes(kSecretBytes)};
}

constexpr size_t kStoreIdHexDigits = 32;

bool IsStoreId(std::string_view id) {
  return id.size() == kStoreIdHexDigits &&
         id.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// HKDF-SHA256 (RFC 5869) without salt: the input is a uniformly random key,
// for which the RFC allows it; the label (info) separates the uses.
std::string Hkdf(std::string_view secret, std::string_view label) {
  struct KdfFree {
    void operator()(EVP_KDF* kdf) const { EVP_KDF_free(kdf); }
    void operator()(EVP_KDF_CTX* ctx) const { EVP_KDF_CTX_free(ctx); }
  };
  std::unique_ptr<EVP_KDF, KdfFree> kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
  std::unique_ptr<EVP_KDF_CTX, KdfFree> ctx(kdf ? EVP_KDF_CTX_new(kdf.get()) : nullptr);
  std::string digest = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest.data(), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<char*>(secret.data()),
                                        secret.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<char*>(label.data()),
                                        label.size()),
      OSSL_PARAM_construct_end()};
  std::string out(anonymizer::kSealKeyBytes, '\0');
  if (!ctx || EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), out.size(),
                             params) != 1) {
    // As Seal: a broken OpenSSL installation, not an input error; a zero key
    // would protect nothing.
    std::fprintf(stderr, "lrs: HKDF-SHA256 unavailable in OpenSSL\n");
    std::abort();
  }
  return out;
}

std::string KeyFileText(const KeyMaterial& keys) {
  auto entry = [](const char* name, const NamedKey& key, bool last) {
    return std::string(" \"") + name + "\":{\"id\":\"" + key.id + "\",\"secret\":\"" +
           HexEncode(key.secret) + "\"}" + (last ? "}\n" : ",\n");
  };
  const std::string store =
      keys.store_id.empty() ? "" : " \"store_id\":\"" + keys.store_id + "\",\n";
  return std::string("{\"format\":\"") + kFormat + "\",\n" + store +
         entry("pseudonym_key", keys.pseudonym_key, false) +
         entry("master_key", keys.master_key, false) + entry("digest_key", keys.digest_key, false) +
         entry("token_key", keys.token_key, true);
}

// fsync of the folder holding `path`, so a rename in it is durable.
bool SyncFolderOf(const std::string& path) {
  fs::path parent = fs::path(path).parent_path();
  if (parent.empty()) parent = ".";
  int fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t written = ::write(fd, data, size);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return false;
    data += written;
    size -= static_cast<size_t>(written);
  }
  return true;
}

}  // namespace

Result<KeyMaterial> LoadKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return KeyFileError(path, "cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  auto doc = xapi::ParseJson(text.str());
  if (!doc.ok() || !(*doc)->IsObject()) return KeyFileError(path, "is not a JSON object");
  const std::string_view format = xapi::StringMember(**doc, "format");
  if (format == kOldFormat) {
    return KeyFileError(path, std::string(kOldFormat) +
                                  " (HMAC pseudonyms) cannot be rotated and is no longer read; "
                                  "start a fresh data directory and key file");
  }
  if (format != kFormat) {
    return KeyFileError(path, std::string("format must be \"") + kFormat + "\"");
  }
  KeyMaterial keys;
  if (const xapi::JsonValue* store_id = xapi::Member(**doc, "store_id")) {
    if (!store_id->IsString() || !IsStoreId(store_id->GetString())) {
      return KeyFileError(path, "store_id must be 32 lowercase hex digits");
    }
    keys.store_id = store_id->GetString();
  }
  for (auto [name, key] :
       {std::pair{"pseudonym_key", &keys.pseudonym_key}, std::pair{"master_key", &keys.master_key},
        std::pair{"digest_key", &keys.digest_key}, std::pair{"token_key", &keys.token_key}}) {
    auto read = ReadNamedKey(**doc, name, path);
    if (!read.ok()) return read.error();
    *key = std::move(*read);
  }
  if (!anonymizer::IsValidPseudonymKey(keys.pseudonym_key.secret)) {
    return KeyFileError(path, "pseudonym_key.secret is not a P-256 scalar (1 <= k < n)");
  }
  DeriveKeys(keys);
  return keys;
}

void DeriveKeys(KeyMaterial& keys) {
  keys.cursor_key = Hkdf(keys.master_key.secret, "lrs more-cursor aead v2");
  keys.token_seal_key = Hkdf(keys.token_key.secret, "lrs learner-token aead v2");
  keys.etag_key = Hkdf(keys.digest_key.secret, "lrs document-etag v1");
}

std::string NewStoreId(anonymizer::RandomSource& random) {
  return HexEncode(random.Bytes(kStoreIdHexDigits / 2));
}

Result<KeyMaterial> LoadOrCreateKeyFile(const std::string& path, anonymizer::RandomSource& random) {
  std::error_code ec;
  if (fs::exists(PendingKeyFilePath(path), ec)) {
    return KeyFileError(path, "a key rotation is unfinished (" + PendingKeyFilePath(path) +
                                  " exists); run 'lrs keys rotate' to finish it");
  }
  if (!fs::exists(path, ec)) {
    fs::path parent = fs::path(path).parent_path();
    if (!parent.empty()) {
      fs::create_directories(parent, ec);
      if (ec) return KeyFileError(path, "cannot create its folder: " + ec.message());
      ::chmod(parent.c_str(), 0700);
    }
    if (MaybeError error = WriteKeyFile(path, NewKeyMaterial(random))) return *error;
  }
  return LoadKeyFile(path);
}

std::string PendingKeyFilePath(const std::string& path) { return path + ".next"; }

KeyMaterial NewKeyMaterial(anonymizer::RandomSource& random) {
  KeyMaterial keys;
  keys.store_id = NewStoreId(random);
  keys.pseudonym_key = NamedKey{NewKeyId("pk", random), anonymizer::NewPseudonymKey(random)};
  keys.master_key = NewSecret("mk", random);
  keys.digest_key = NewSecret("dk", random);
  keys.token_key = NewSecret("tk", random);
  DeriveKeys(keys);
  return keys;
}

KeyMaterial RotatedKeyMaterial(const KeyMaterial& current, anonymizer::RandomSource& random) {
  KeyMaterial keys = NewKeyMaterial(random);
  keys.store_id = current.store_id;
  keys.digest_key = current.digest_key;
  DeriveKeys(keys);
  return keys;
}

MaybeError WriteKeyFile(const std::string& path, const KeyMaterial& keys) {
  const std::string text = KeyFileText(keys);
  const std::string temporary = path + ".tmp";
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return KeyFileIoError(path, "cannot be created");
  // An older temporary file may have had looser permissions.
  bool ok = ::fchmod(fd, 0600) == 0 && WriteAll(fd, text.data(), text.size()) && ::fsync(fd) == 0;
  if (::close(fd) != 0) ok = false;
  if (!ok || ::rename(temporary.c_str(), path.c_str()) != 0) {
    // No copy of the keys, whole or partial, is left behind.
    Error error = KeyFileIoError(path, ok ? "cannot be created" : "cannot be written");
    ::unlink(temporary.c_str());
    return error;
  }
  if (!SyncFolderOf(path)) return KeyFileIoError(path, "cannot sync its folder");
  return std::nullopt;
}

MaybeError ReplaceKeyFile(const std::string& path, const std::string& replacement) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd >= 0) {
    struct stat info {};
    bool ok = ::fstat(fd, &info) == 0;
    const std::string zeros(ok ? static_cast<size_t>(info.st_size) : 0, '\0');
    ok = ok && WriteAll(fd, zeros.data(), zeros.size()) && ::fsync(fd) == 0;
    if (::close(fd) != 0) ok = false;
    if (!ok) return KeyFileIoError(path, "cannot be overwritten");
  } else if (errno != ENOENT) {
    return KeyFileIoError(path, "cannot be opened to overwrite it");
  }
  if (::rename(replacement.c_str(), path.c_str()) != 0) {
    return KeyFileIoError(path, "cannot be replaced by " + replacement);
  }
  if (!SyncFolderOf(path)) return KeyFileIoError(path, "cannot sync its folder");
  return std::nullopt;
}

}  // namespace lrs::plugin

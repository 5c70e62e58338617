#include "plugin/key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "anonymizer/curve_pseudonym.h"
#include "anonymizer/pseudonymizer.h"
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

void DeriveCursorKey(KeyMaterial& keys) {
  HexDecode(anonymizer::HmacSha256Hex(keys.master_key.secret, "more-cursor-v1"), keys.cursor_key);
}

std::string KeyFileText(const KeyMaterial& keys) {
  auto entry = [](const char* name, const NamedKey& key, bool last) {
    return std::string(" \"") + name + "\":{\"id\":\"" + key.id + "\",\"secret\":\"" +
           HexEncode(key.secret) + "\"}" + (last ? "}\n" : ",\n");
  };
  return std::string("{\"format\":\"") + kFormat + "\",\n" +
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
  DeriveCursorKey(keys);
  return keys;
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
  keys.pseudonym_key = NamedKey{NewKeyId("pk", random), anonymizer::NewPseudonymKey(random)};
  keys.master_key = NewSecret("mk", random);
  keys.digest_key = NewSecret("dk", random);
  keys.token_key = NewSecret("tk", random);
  DeriveCursorKey(keys);
  return keys;
}

KeyMaterial RotatedKeyMaterial(const KeyMaterial& current, anonymizer::RandomSource& random) {
  KeyMaterial keys = NewKeyMaterial(random);
  keys.digest_key = current.digest_key;
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

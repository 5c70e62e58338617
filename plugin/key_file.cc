#include "plugin/key_file.h"

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "anonymizer/pseudonymizer.h"
#include "anonymizer/sealer.h"
#include "xapi/hex.h"
#include "xapi/json.h"

namespace lrs::plugin {
namespace {

using xapi::HexDecode;
using xapi::HexEncode;

constexpr char kFormat[] = "lrs-keys-v1";

Error KeyFileError(const std::string& path, const std::string& what) {
  return MakeError(400, "key file", path, "key file " + path + ": " + what);
}

Result<NamedKey> ReadNamedKey(const xapi::JsonValue& root, const char* name,
                              const std::string& path) {
  const xapi::JsonValue* entry = xapi::Member(root, name);
  if (entry == nullptr || !entry->IsObject()) return KeyFileError(path, std::string("missing ") + name);
  NamedKey key;
  key.id = std::string(xapi::StringMember(*entry, "id"));
  if (key.id.empty()) return KeyFileError(path, std::string(name) + ".id is missing");
  if (!HexDecode(xapi::StringMember(*entry, "secret"), key.secret) ||
      key.secret.size() != anonymizer::kSealKeyBytes) {
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

}  // namespace

Result<KeyMaterial> LoadKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return KeyFileError(path, "cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  auto doc = xapi::ParseJson(text.str());
  if (!doc.ok() || !(*doc)->IsObject()) return KeyFileError(path, "is not a JSON object");
  if (xapi::StringMember(**doc, "format") != kFormat) {
    return KeyFileError(path, std::string("format must be \"") + kFormat + "\"");
  }
  auto pseudonym = ReadNamedKey(**doc, "pseudonym_key", path);
  if (!pseudonym.ok()) return pseudonym.error();
  auto master = ReadNamedKey(**doc, "master_key", path);
  if (!master.ok()) return master.error();
  KeyMaterial keys{*pseudonym, *master, ""};
  std::string cursor_hex = anonymizer::HmacSha256Hex(keys.master_key.secret, "more-cursor-v1");
  HexDecode(cursor_hex, keys.cursor_key);
  return keys;
}

Result<KeyMaterial> LoadOrCreateKeyFile(const std::string& path, anonymizer::RandomSource& random) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    fs::path parent = fs::path(path).parent_path();
    if (!parent.empty()) {
      fs::create_directories(parent, ec);
      if (ec) return KeyFileError(path, "cannot create its folder: " + ec.message());
      ::chmod(parent.c_str(), 0700);
    }
    std::string text = std::string("{\"format\":\"") + kFormat +
                       "\",\n \"pseudonym_key\":{\"id\":\"" + NewKeyId("pk", random) +
                       "\",\"secret\":\"" + HexEncode(random.Bytes(32)) +
                       "\"},\n \"master_key\":{\"id\":\"" + NewKeyId("mk", random) +
                       "\",\"secret\":\"" + HexEncode(random.Bytes(32)) + "\"}}\n";
    // Write to a private temporary file, then rename: a crash never leaves a
    // half-written key file that would lock everyone out of their data.
    std::string temporary = path + ".tmp";
    {
      std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
      if (!out) return KeyFileError(path, "cannot be created");
      ::chmod(temporary.c_str(), 0600);
      out << text;
      out.flush();
      if (!out) return KeyFileError(path, "cannot be written");
    }
    fs::rename(temporary, path, ec);
    if (ec) return KeyFileError(path, "cannot be created: " + ec.message());
  }
  return LoadKeyFile(path);
}

}  // namespace lrs::plugin

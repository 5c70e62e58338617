#define BOOST_TEST_MODULE plugin_key_file
#include "plugin/keys/key_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "anonymizer/curve_pseudonym.h"
#include "tests/plugin/test_lrs.h"
#include "xapi/hex.h"

using namespace lrs::plugin;
namespace fs = std::filesystem;

namespace {

struct Dir {
  Dir() : path(fs::temp_directory_path() / ("lrs-key-file-test-" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Dir() { fs::remove_all(path); }
  std::string File(const std::string& name) const { return (path / name).string(); }
  fs::path path;
};

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

std::string Entry(const char* name, const std::string& secret_hex, bool last = false) {
  return std::string("\"") + name + "\":{\"id\":\"" + name + "-1\",\"secret\":\"" + secret_hex +
         "\"}" + (last ? "" : ",");
}

std::string V2(const std::string& pseudonym_hex) {
  const std::string other(64, 'a');
  return "{\"format\":\"lrs-keys-v2\"," + Entry("pseudonym_key", pseudonym_hex) +
         Entry("master_key", other) + Entry("digest_key", other) +
         Entry("token_key", other, /*last=*/true) + "}";
}

bool SameKeys(const KeyMaterial& a, const KeyMaterial& b) {
  auto same = [](const NamedKey& x, const NamedKey& y) {
    return x.id == y.id && x.secret == y.secret;
  };
  return same(a.pseudonym_key, b.pseudonym_key) && same(a.master_key, b.master_key) &&
         same(a.digest_key, b.digest_key) && same(a.token_key, b.token_key) &&
         a.store_id == b.store_id && a.cursor_key == b.cursor_key &&
         a.token_seal_key == b.token_seal_key && a.etag_key == b.etag_key;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_new_key_file_round_trips_with_mode_0600) {
  Dir dir;
  const std::string path = dir.File("keys/lrs.key");
  auto created = LoadOrCreateKeyFile(path, *lrs::anonymizer::SystemRandom());
  BOOST_REQUIRE_MESSAGE(created.ok(), (created.ok() ? "" : created.error().message));
  struct stat info {};
  BOOST_REQUIRE(::stat(path.c_str(), &info) == 0);
  BOOST_TEST((info.st_mode & 0777) == 0600u);
  BOOST_TEST(lrs::testing::ReadTextFile(path).find("\"lrs-keys-v2\"") != std::string::npos);

  auto loaded = LoadKeyFile(path);
  BOOST_REQUIRE(loaded.ok());
  BOOST_TEST(SameKeys(*created, *loaded));
  BOOST_TEST(lrs::anonymizer::IsValidPseudonymKey(loaded->pseudonym_key.secret));
  for (const NamedKey* key : {&loaded->master_key, &loaded->digest_key, &loaded->token_key}) {
    BOOST_TEST(key->secret.size() == 32u);
    BOOST_TEST(!key->id.empty());
  }
  BOOST_TEST(loaded->cursor_key.size() == 32u);
  // Loading again does not replace it.
  BOOST_TEST(
      SameKeys(LoadOrCreateKeyFile(path, *lrs::anonymizer::SystemRandom()).value(), *loaded));
}

BOOST_AUTO_TEST_CASE(written_keys_read_back_the_same) {
  Dir dir;
  KeyMaterial keys = NewKeyMaterial(*lrs::anonymizer::SystemRandom());
  BOOST_REQUIRE(!WriteKeyFile(dir.File("lrs.key"), keys));
  BOOST_TEST(SameKeys(LoadKeyFile(dir.File("lrs.key")).value(), keys));
  BOOST_TEST(!fs::exists(dir.File("lrs.key.tmp")));
}

BOOST_AUTO_TEST_CASE(a_version_1_key_file_is_refused_with_one_line_saying_what_to_do) {
  Dir dir;
  WriteText(dir.File("lrs.key"),
            "{\"format\":\"lrs-keys-v1\",\"pseudonym_key\":{\"id\":\"pk\",\"secret\":\"" +
                std::string(64, 'a') + "\"},\"master_key\":{\"id\":\"mk\",\"secret\":\"" +
                std::string(64, 'b') + "\"}}");
  auto loaded = LoadKeyFile(dir.File("lrs.key"));
  BOOST_REQUIRE(!loaded.ok());
  BOOST_TEST(loaded.error().status == 400);
  BOOST_TEST(loaded.error().message.find("fresh data directory") != std::string::npos);
  BOOST_TEST(loaded.error().message.find('\n') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_pseudonym_key_that_is_not_a_valid_scalar_is_refused) {
  Dir dir;
  const struct {
    const char* name;
    std::string hex;
  } cases[] = {
      {"zero", std::string(64, '0')},
      {"the group order n", "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"},
      {"above n", std::string(64, 'f')},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      WriteText(dir.File("lrs.key"), V2(c.hex));
      auto loaded = LoadKeyFile(dir.File("lrs.key"));
      BOOST_REQUIRE(!loaded.ok());
      BOOST_TEST(loaded.error().message.find("P-256") != std::string::npos);
    }
  }
  WriteText(dir.File("lrs.key"),
            V2("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550"));  // n - 1
  BOOST_TEST(LoadKeyFile(dir.File("lrs.key")).ok());
}

BOOST_AUTO_TEST_CASE(every_key_is_required) {
  Dir dir;
  const std::string other(64, 'a');
  WriteText(dir.File("lrs.key"), "{\"format\":\"lrs-keys-v2\"," + Entry("pseudonym_key", other) +
                                     Entry("master_key", other) +
                                     Entry("digest_key", other, /*last=*/true) + "}");
  auto loaded = LoadKeyFile(dir.File("lrs.key"));
  BOOST_REQUIRE(!loaded.ok());
  BOOST_TEST(loaded.error().message.find("token_key") != std::string::npos);
  WriteText(dir.File("lrs.key"), V2(std::string(62, 'a')));
  BOOST_TEST(LoadKeyFile(dir.File("lrs.key")).error().message.find("64 hex") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(rotation_renews_every_key_but_the_digest_key) {
  auto random = lrs::anonymizer::SystemRandom();
  KeyMaterial current = NewKeyMaterial(*random);
  KeyMaterial next = RotatedKeyMaterial(current, *random);
  BOOST_TEST(next.pseudonym_key.id != current.pseudonym_key.id);
  BOOST_TEST(next.pseudonym_key.secret != current.pseudonym_key.secret);
  BOOST_TEST(next.master_key.secret != current.master_key.secret);
  BOOST_TEST(next.token_key.secret != current.token_key.secret);
  BOOST_TEST(next.cursor_key != current.cursor_key);
  BOOST_TEST(next.digest_key.id == current.digest_key.id);
  BOOST_TEST(next.digest_key.secret == current.digest_key.secret);
}

BOOST_AUTO_TEST_CASE(no_key_file_is_made_or_read_while_a_rotation_is_unfinished) {
  Dir dir;
  const std::string path = dir.File("lrs.key");
  WriteText(PendingKeyFilePath(path), "{}");
  auto loaded = LoadOrCreateKeyFile(path, *lrs::anonymizer::SystemRandom());
  BOOST_REQUIRE(!loaded.ok());
  BOOST_TEST(loaded.error().status == 400);
  BOOST_TEST(loaded.error().message.find("lrs keys rotate") != std::string::npos);
  BOOST_TEST(!fs::exists(path));
}

BOOST_AUTO_TEST_CASE(replacing_the_key_file_leaves_only_the_new_keys) {
  Dir dir;
  auto random = lrs::anonymizer::SystemRandom();
  const std::string path = dir.File("lrs.key");
  KeyMaterial old_keys = NewKeyMaterial(*random);
  KeyMaterial new_keys = RotatedKeyMaterial(old_keys, *random);
  BOOST_REQUIRE(!WriteKeyFile(path, old_keys));
  BOOST_REQUIRE(!WriteKeyFile(PendingKeyFilePath(path), new_keys));
  BOOST_REQUIRE(!ReplaceKeyFile(path, PendingKeyFilePath(path)));
  BOOST_TEST(!fs::exists(PendingKeyFilePath(path)));
  BOOST_TEST(SameKeys(LoadKeyFile(path).value(), new_keys));
  const std::string everything = lrs::testing::AllBytesUnder(dir.path);
  for (const std::string& secret :
       {old_keys.pseudonym_key.secret, old_keys.master_key.secret, old_keys.token_key.secret}) {
    BOOST_TEST(everything.find(lrs::xapi::HexEncode(secret)) == std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(a_key_file_that_cannot_be_put_in_place_leaves_no_copy_of_the_keys) {
  // Regression: the private temporary file, keys and all, stayed beside it.
  Dir dir;
  const std::string path = dir.File("lrs.key");
  fs::create_directories(fs::path(path) / "in-the-way");  // rename over a non-empty folder fails
  auto error = WriteKeyFile(path, NewKeyMaterial(*lrs::anonymizer::SystemRandom()));
  BOOST_REQUIRE(error.has_value());
  BOOST_TEST(error->status == 500);
  BOOST_TEST(!fs::exists(path + ".tmp"));
}

BOOST_AUTO_TEST_CASE(a_key_file_names_its_store_and_rotation_keeps_it) {
  Dir dir;
  auto random = lrs::anonymizer::SystemRandom();
  KeyMaterial keys = NewKeyMaterial(*random);
  BOOST_TEST(keys.store_id.size() == 32u);
  BOOST_TEST(keys.store_id.find_first_not_of("0123456789abcdef") == std::string::npos);
  BOOST_TEST(NewKeyMaterial(*random).store_id != keys.store_id);
  BOOST_REQUIRE(!WriteKeyFile(dir.File("lrs.key"), keys));
  BOOST_TEST(LoadKeyFile(dir.File("lrs.key")).value().store_id == keys.store_id);
  BOOST_TEST(RotatedKeyMaterial(keys, *random).store_id == keys.store_id);
}

BOOST_AUTO_TEST_CASE(a_key_file_from_before_the_binding_loads_without_a_store_id) {
  Dir dir;
  WriteText(dir.File("lrs.key"), V2(std::string(63, '0') + "1"));
  BOOST_TEST(LoadKeyFile(dir.File("lrs.key")).value().store_id.empty());
  for (const char* bad : {"\"\"", "\"abc\"", "42", "\"0123456789ABCDEF0123456789abcdef\""}) {
    BOOST_TEST_CONTEXT(bad) {
      WriteText(dir.File("lrs.key"), "{\"format\":\"lrs-keys-v2\",\"store_id\":" + std::string(bad) + "," +
                                         V2(std::string(63, '0') + "1").substr(24));
      auto loaded = LoadKeyFile(dir.File("lrs.key"));
      BOOST_REQUIRE(!loaded.ok());
      BOOST_TEST(loaded.error().message.find("store_id") != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(each_derived_key_is_its_own) {
  // The cursor, token and ETag keys: 32 bytes each, none equal to another or
  // to a stored secret, and the same on every load.
  auto keys = NewKeyMaterial(*lrs::anonymizer::SystemRandom());
  const std::vector<std::string> all = {keys.cursor_key,          keys.token_seal_key,
                                        keys.etag_key,            keys.master_key.secret,
                                        keys.token_key.secret,    keys.digest_key.secret,
                                        keys.pseudonym_key.secret};
  for (size_t i = 0; i < all.size(); ++i) {
    BOOST_TEST(all[i].size() == 32u);
    for (size_t j = i + 1; j < all.size(); ++j) BOOST_TEST(all[i] != all[j], i << " " << j);
  }
  KeyMaterial again = keys;
  DeriveKeys(again);
  BOOST_TEST(SameKeys(again, keys));
}

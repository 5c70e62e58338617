#define BOOST_TEST_MODULE plugin_store_binding
#include "plugin/app/store_binding.h"

#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "plugin/keys/key_file.h"
#include "plugin/app/lrs_app.h"
#include "storage/key_store.h"
#include "storage/schema.h"
#include "tests/plugin/test_lrs.h"
#include "xapi/json.h"

// A key file belongs to one store (issue 14, finding 13): each store its own
// default key file, a store id in both, a foreign key file refused, a store
// from before the binding adopted. tests/e2e/keys.test.js does the same with
// the real binary (and a learner token of one store on the other).

using namespace lrs::plugin;
namespace fs = std::filesystem;

namespace {

struct Stores {
  Stores()
      : root(fs::temp_directory_path() / ("lrs-store-binding-test-" + std::to_string(::getpid()))) {
    fs::remove_all(root);
    fs::create_directories(root);
  }
  ~Stores() { fs::remove_all(root); }

  // A manifest like the default one, with key_file set (or left null).
  std::string Manifest(const std::optional<std::string>& key_file) {
    auto doc = lrs::xapi::ParseJson(lrs::testing::ReadTextFile("manifests/default.json")).value();
    if (key_file) {
      (*doc)["key_file"].SetString(key_file->c_str(), doc->GetAllocator());
    }
    const std::string path = (root / ("manifest-" + std::to_string(++manifests) + ".json")).string();
    std::ofstream(path) << lrs::xapi::ToJson(*doc);
    return path;
  }

  lrs::Result<std::unique_ptr<LrsApp>> Open(const std::string& name,
                                             const std::optional<std::string>& key_file = {}) {
    AppOptions options;
    options.data_dir = (root / name).string();
    options.manifest_path = key_file ? Manifest(key_file) : "manifests/default.json";
    return LrsApp::Open(options);
  }

  // The store id in the directory's keystore.db, "(none)" when it has none.
  std::string StoreIdOf(const std::string& name) {
    auto db = lrs::storage::OpenKeyStore((root / name / "keystore.db").string());
    BOOST_REQUIRE(db.ok());
    return lrs::storage::ReadStoreId(**db).value().value_or("(none)");
  }

  fs::path root;
  int manifests = 0;
};

std::string Message(const lrs::Result<std::unique_ptr<LrsApp>>& opened) {
  return opened.ok() ? std::string("(opened)") : opened.error().message;
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(two_stores_in_sibling_directories_get_their_own_key_files, Stores) {
  // Regression: both took <parent>/keys/lrs.key, so they shared pseudonyms
  // and learner tokens.
  auto a = Open("a");
  auto b = Open("b");
  BOOST_REQUIRE_MESSAGE(a.ok(), Message(a));
  BOOST_REQUIRE_MESSAGE(b.ok(), Message(b));
  const DataPaths pa = ResolveDataPaths((root / "a").string(), std::nullopt);
  const DataPaths pb = ResolveDataPaths((root / "b").string(), std::nullopt);
  BOOST_TEST(pa.key_file == (root / "keys" / "a.key").string());
  BOOST_TEST(pb.key_file == (root / "keys" / "b.key").string());
  const KeyMaterial ka = LoadKeyFile(pa.key_file).value();
  const KeyMaterial kb = LoadKeyFile(pb.key_file).value();
  BOOST_TEST(ka.pseudonym_key.secret != kb.pseudonym_key.secret);
  BOOST_TEST(ka.token_key.secret != kb.token_key.secret);
  // Each key file names its store, and each store the same id.
  BOOST_TEST(ka.store_id.size() == 32u);
  BOOST_TEST(ka.store_id != kb.store_id);
  BOOST_TEST(StoreIdOf("a") == ka.store_id);
  BOOST_TEST(StoreIdOf("b") == kb.store_id);
  BOOST_TEST(!fs::exists(root / "keys" / "lrs.key"));
}

BOOST_FIXTURE_TEST_CASE(a_store_refuses_the_key_file_of_another_store, Stores) {
  BOOST_REQUIRE(Open("a").ok());
  const std::string a_key_file = (root / "keys" / "a.key").string();
  const std::string before = lrs::testing::ReadTextFile(a_key_file);
  // A fresh store pointed at it, and a store that has one of its own.
  for (const char* name : {"fresh", "b"}) {
    if (std::string(name) == "b") BOOST_REQUIRE(Open("b").ok());
    auto refused = Open(name, a_key_file);
    BOOST_TEST_CONTEXT(name) {
      BOOST_REQUIRE(!refused.ok());
      BOOST_TEST(refused.error().status == 400);
      const std::string& message = refused.error().message;
      BOOST_TEST(message.find(a_key_file) != std::string::npos, message);
      BOOST_TEST(message.find('\n') == std::string::npos, message);
      // The fresh one by its store id; b already by its own pseudonym key.
      const char* why = std::string(name) == "b" ? "is keyed with pseudonym key"
                                                 : "belongs to another store";
      BOOST_TEST(message.find(why) != std::string::npos, message);
      BOOST_TEST(message.find("key file") != std::string::npos, message);
    }
  }
  // The key file is untouched, and its own store still opens.
  BOOST_TEST(lrs::testing::ReadTextFile(a_key_file) == before);
  BOOST_TEST(Open("a").ok());
}

BOOST_FIXTURE_TEST_CASE(a_store_and_key_file_from_before_the_binding_adopt_it, Stores) {
  BOOST_REQUIRE(Open("old").ok());
  const DataPaths paths = ResolveDataPaths((root / "old").string(), std::nullopt);
  // As an earlier version left them: keys/lrs.key without a store id, and no
  // store id in keystore.db.
  KeyMaterial legacy = LoadKeyFile(paths.key_file).value();
  legacy.store_id.clear();
  BOOST_REQUIRE(!WriteKeyFile((root / "keys" / "lrs.key").string(), legacy));
  fs::remove(paths.key_file);
  {
    auto db = lrs::storage::OpenKeyStore(paths.key_store);
    BOOST_REQUIRE(db.ok());
    BOOST_REQUIRE(!(*db)->Exec("DELETE FROM meta WHERE name = 'store_id'"));
  }
  const DataPaths found = ResolveDataPaths((root / "old").string(), std::nullopt);
  BOOST_TEST(found.key_file == (root / "keys" / "lrs.key").string());

  auto opened = Open("old");
  BOOST_REQUIRE_MESSAGE(opened.ok(), Message(opened));
  const KeyMaterial adopted = LoadKeyFile(found.key_file).value();
  BOOST_TEST(adopted.store_id.size() == 32u);
  BOOST_TEST(adopted.pseudonym_key.secret == legacy.pseudonym_key.secret);
  BOOST_TEST(StoreIdOf("old") == adopted.store_id);
  opened->reset();
  BOOST_TEST(Open("old").ok());
  // A new sibling does not fall back to it: it gets a key file of its own.
  BOOST_REQUIRE(Open("new").ok());
  BOOST_TEST(fs::exists(root / "keys" / "new.key"));
}

BOOST_FIXTURE_TEST_CASE(a_store_whose_key_file_is_missing_is_refused_and_none_is_made, Stores) {
  // Data is keyed once the server has started.
  BOOST_REQUIRE(Open("a").ok());
  fs::remove(root / "keys" / "a.key");
  auto refused = Open("a");
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST(refused.error().status == 400);
  BOOST_TEST(refused.error().message.find("no key file") != std::string::npos, Message(refused));
  BOOST_TEST(!fs::exists(root / "keys" / "a.key"));
}

BOOST_FIXTURE_TEST_CASE(a_key_file_made_for_a_directory_that_never_served_takes_its_id, Stores) {
  // `lrs credentials add` binds the directory to the default key file; a
  // manifest that names another path then makes a new key file for it.
  const DataPaths paths = ResolveDataPaths((root / "a").string(), std::nullopt);
  auto keys = LoadStoreKeys(paths, *lrs::anonymizer::SystemRandom());
  BOOST_REQUIRE(keys.ok());
  const std::string elsewhere = (root / "elsewhere" / "lrs.key").string();
  auto opened = Open("a", elsewhere);
  BOOST_REQUIRE_MESSAGE(opened.ok(), Message(opened));
  BOOST_TEST(LoadKeyFile(elsewhere).value().store_id == keys->store_id);
}

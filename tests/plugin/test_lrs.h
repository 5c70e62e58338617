#pragma once
// A whole LRS in-process (LrsApp: routes, ingest, storage, read path) on a
// fresh data directory, for the plugin tests. No socket: requests go straight
// to LrsApp::Handle. The end-to-end tests in tests/e2e drive the real binary.

#include <openssl/evp.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "plugin/auth/credentials.h"
#include "plugin/keys/key_file.h"
#include "plugin/app/lrs_app.h"
#include "plugin/app/manifest.h"
#include "plugin/app/store_binding.h"

namespace lrs::testing {

// "Basic base64(user_pass)".
inline std::string BasicAuth(const std::string& user_pass) {
  std::string out(4 * ((user_pass.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(user_pass.data()),
                          static_cast<int>(user_pass.size()));
  out.resize(n);
  return "Basic " + out;
}

inline std::string ReadTextFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every byte of every file below `dir`, concatenated: what a privacy test
// searches for identities that must never reach disk.
inline std::string AllBytesUnder(const std::filesystem::path& dir) {
  std::string all;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) all += ReadTextFile(entry.path());
  }
  return all;
}

class TestLrs {
 public:
  // `name` keeps concurrently running test programs apart.
  explicit TestLrs(const std::string& name,
                   const std::string& manifest = "manifests/default.json",
                   plugin::RateLimitOptions limits = {})
      : auth_limits(std::move(limits)),
        root(std::filesystem::temp_directory_path() /
             ("lrs-" + name + "-test-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(root);
    std::filesystem::create_directories(root / "data");
    // The key file first: credential secrets are hashed under a key derived
    // from it (plugin/auth/secret_hash.h).
    auto loaded = plugin::LoadManifest(manifest);
    BOOST_REQUIRE(loaded.ok());
    const plugin::DataPaths paths = plugin::ResolveDataPaths((root / "data").string(), loaded->key_file);
    key_file = paths.key_file;
    auto random = anonymizer::SystemRandom();
    auto keys = plugin::LoadStoreKeys(paths, *random);  // as `lrs credentials add` does
    BOOST_REQUIRE_MESSAGE(keys.ok(), (keys.ok() ? std::string() : keys.error().message));
    lms = AddCredential("lms", "test-lms");
    analyst = AddCredential("analyst", "test-analyst");
    plugin::AppOptions options;
    options.data_dir = (root / "data").string();
    options.manifest_path = manifest;
    options.auth_limits = auth_limits;
    auto opened = plugin::LrsApp::Open(options);
    BOOST_REQUIRE_MESSAGE(opened.ok(), (opened.ok() ? std::string() : opened.error().message));
    app = std::move(*opened);
  }
  ~TestLrs() {
    app.reset();
    std::filesystem::remove_all(root);
  }
  TestLrs(const TestLrs&) = delete;
  TestLrs& operator=(const TestLrs&) = delete;

  // Stores one more credential with `role` ("lms" | "analyst" | "admin") and
  // `scopes` and returns its Authorization header. The running LRS accepts it
  // at once (it looks credentials up in the store on every request).
  std::string AddCredential(const std::string& role, const std::string& name,
                            const plugin::ScopeSet& scopes = plugin::ScopeSet::All()) {
    return BasicAuth(AddCredentialPair(role, name, scopes));
  }
  // The same, as "key:secret".
  std::string AddCredentialPair(const std::string& role, const std::string& name,
                                const plugin::ScopeSet& scopes = plugin::ScopeSet::All()) {
    auto store = storage::CredentialStore::Open((root / "data" / "lrs.db").string());
    BOOST_REQUIRE(store.ok());
    auto keys = plugin::LoadKeyFile(key_file);
    BOOST_REQUIRE(keys.ok());
    auto random = anonymizer::SystemRandom();
    auto created = plugin::CreateCredential(**store, plugin::SecretHasher::FromKeys(*keys), role,
                                            name, scopes, *random);
    BOOST_REQUIRE(created.ok());
    return created->key + ":" + created->secret;
  }

  // Tests that count failed authentications set limits before constructing
  // (TestLrs(name, manifest, limits)); the default is the product's.
  plugin::RateLimitOptions auth_limits;
  std::filesystem::path root;
  std::string key_file;
  std::unique_ptr<plugin::LrsApp> app;
  std::string lms;      // Authorization header of an lms credential
  std::string analyst;  // Authorization header of an analyst credential
};

}  // namespace lrs::testing

#define BOOST_TEST_MODULE plugin_credentials
#include <boost/test/unit_test.hpp>

#include <openssl/evp.h>

#include <filesystem>

#include "plugin/credentials.h"
#include "tests/plugin/test_lrs.h"

using namespace lrs::plugin;

namespace {

using lrs::testing::BasicAuth;

struct Fixture {
  std::string dir = "/tmp/lrs-credentials-test-" + std::to_string(::getpid());
  std::unique_ptr<lrs::storage::CredentialStore> store;
  std::shared_ptr<lrs::anonymizer::RandomSource> random = lrs::anonymizer::SystemRandom();
  Fixture() {
    std::filesystem::create_directories(dir);
    store = std::move(*lrs::storage::CredentialStore::Open(dir + "/lrs.db"));
  }
  ~Fixture() { std::filesystem::remove_all(dir); }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(authenticates_the_secret_it_issued, Fixture) {
  auto created = CreateCredential(*store, "lms", "moodle", *random);
  BOOST_REQUIRE(created.ok());
  Authenticator auth(*store, *random);
  auto who = auth.Authenticate(BasicAuth(created->key + ":" + created->secret));
  BOOST_REQUIRE(who.ok());
  BOOST_TEST(who->role == "lms");
  BOOST_TEST(who->name == "moodle");
  // The second time is answered from the cache, with the same result.
  BOOST_TEST(auth.Authenticate(BasicAuth(created->key + ":" + created->secret)).ok());
}

BOOST_FIXTURE_TEST_CASE(stores_no_secret_in_the_clear, Fixture) {
  auto created = CreateCredential(*store, "admin", "ops", *random);
  BOOST_REQUIRE(created.ok());
  auto record = store->FindByKey(created->key);
  BOOST_REQUIRE(record.ok() && record->has_value());
  BOOST_TEST((*record)->secret_hash.find(created->secret) == std::string::npos);
  BOOST_TEST((*record)->iterations >= 100000);
}

BOOST_FIXTURE_TEST_CASE(rejects_wrong_unknown_and_malformed_credentials_with_401, Fixture) {
  auto created = CreateCredential(*store, "lms", "moodle", *random);
  BOOST_REQUIRE(created.ok());
  Authenticator auth(*store, *random);
  for (const std::string& header :
       {std::string(""), BasicAuth(created->key + ":wrong"), BasicAuth("nobody:" + created->secret),
        std::string("Basic !!!"), std::string("Bearer abc"), BasicAuth("no-colon")}) {
    BOOST_TEST_CONTEXT(header) {
      auto who = auth.Authenticate(header);
      BOOST_REQUIRE(!who.ok());
      BOOST_TEST(who.error().status == 401);
    }
  }
}

BOOST_FIXTURE_TEST_CASE(rejects_unknown_role, Fixture) {
  auto created = CreateCredential(*store, "root", "x", *random);
  BOOST_REQUIRE(!created.ok());
  BOOST_TEST(created.error().status == 400);
}

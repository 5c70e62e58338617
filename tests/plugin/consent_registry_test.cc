#define BOOST_TEST_MODULE plugin_consent_registry
#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "plugin/consent_registry.h"
#include "storage/consent_store.h"

using lrs::plugin::ConsentPolicy;
using lrs::plugin::ConsentRegistry;
using lrs::storage::ConsentStore;

namespace {

struct Fixture {
  Fixture() {
    char pattern[] = "/tmp/lrs-consent-test-XXXXXX";
    dir = mkdtemp(pattern);
    store = std::move(*ConsentStore::Open(dir + "/lrs.db"));
  }
  ~Fixture() { std::filesystem::remove_all(dir); }
  std::string dir;
  std::unique_ptr<ConsentStore> store;
};

const std::vector<std::string> kPurposes = {"analytics", "recommendations"};

}  // namespace

BOOST_FIXTURE_TEST_CASE(opt_out_stores_until_every_purpose_is_withdrawn, Fixture) {
  ConsentRegistry consent(ConsentPolicy{false, kPurposes}, *store);
  BOOST_REQUIRE(!consent.Load());
  BOOST_TEST(consent.MayStore("p"));
  BOOST_REQUIRE(!consent.Change("p", "withdrawn", {"analytics"}, "lms-key", 1));
  BOOST_TEST(consent.MayStore("p"));
  BOOST_TEST(consent.States("p").at("analytics") == "withdrawn");
  BOOST_TEST(consent.States("p").at("recommendations") == "granted");
  BOOST_REQUIRE(!consent.Change("p", "withdrawn", {}, "learner", 2));
  BOOST_TEST(!consent.MayStore("p"));
  BOOST_TEST(consent.MayStore("someone-else"));
}

BOOST_FIXTURE_TEST_CASE(opt_in_stores_nothing_until_granted, Fixture) {
  ConsentRegistry consent(ConsentPolicy{true, kPurposes}, *store);
  BOOST_REQUIRE(!consent.Load());
  BOOST_TEST(!consent.MayStore("p"));
  BOOST_REQUIRE(!consent.Change("p", "granted", {"recommendations"}, "lms-key", 1));
  BOOST_TEST(consent.MayStore("p"));
  BOOST_TEST(consent.States("p").at("analytics") == "withdrawn");
}

BOOST_FIXTURE_TEST_CASE(state_survives_a_restart_and_history_is_kept, Fixture) {
  {
    ConsentRegistry consent(ConsentPolicy{true, kPurposes}, *store);
    BOOST_REQUIRE(!consent.Load());
    BOOST_REQUIRE(!consent.Change("p", "granted", {}, "lms-key", 10));
    BOOST_REQUIRE(!consent.Change("p", "withdrawn", {"analytics"}, "learner", 20));
  }
  ConsentRegistry reloaded(ConsentPolicy{true, kPurposes}, *store);
  BOOST_REQUIRE(!reloaded.Load());
  BOOST_TEST(reloaded.MayStore("p"));
  BOOST_TEST(reloaded.States("p").at("analytics") == "withdrawn");
  auto history = reloaded.History("p");
  BOOST_REQUIRE(history.ok());
  BOOST_REQUIRE(history->size() == 2u);
  BOOST_TEST((*history)[0].state == "granted");
  BOOST_TEST((*history)[1].actor == "learner");
  BOOST_TEST((*history)[1].at_us == 20);
}

BOOST_FIXTURE_TEST_CASE(unknown_purposes_and_states_are_refused_and_not_recorded, Fixture) {
  ConsentRegistry consent(ConsentPolicy{false, kPurposes}, *store);
  BOOST_REQUIRE(!consent.Load());
  auto bad_purpose = consent.Change("p", "withdrawn", {"analytics", "marketing"}, "k", 1);
  BOOST_REQUIRE(bad_purpose.has_value());
  BOOST_TEST(bad_purpose->status == 400);
  BOOST_TEST(bad_purpose->path == "$.purposes[1]");
  BOOST_TEST(consent.Change("p", "maybe", {}, "k", 1).has_value());
  BOOST_TEST(consent.History("p")->empty());
  BOOST_TEST(consent.MayStore("p"));
}

BOOST_FIXTURE_TEST_CASE(forgetting_returns_a_learner_to_the_default, Fixture) {
  ConsentRegistry consent(ConsentPolicy{false, kPurposes}, *store);
  BOOST_REQUIRE(!consent.Load());
  BOOST_REQUIRE(!consent.Change("p", "withdrawn", {}, "k", 1));
  consent.Forget("p");
  BOOST_TEST(consent.MayStore("p"));
}

#define BOOST_TEST_MODULE plugin_consent_registry
#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "plugin/privacy/consent_registry.h"
#include "storage/consent_store.h"
#include "storage/erasure.h"
#include "storage/schema.h"

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

// Issue 14, finding 4 (rule 4): erasure keeps a withdrawal as a tombstone,
// through a restart; under opt-in there is nothing to keep.
namespace {

// Runs the storage erasure on the fixture's files, as the route does.
lrs::MaybeError EraseStored(const std::string& dir, const std::string& pseudonym,
                            const std::string& tombstone) {
  auto db = lrs::storage::OpenStatementDatabase(dir + "/lrs.db");
  auto keys = lrs::storage::OpenKeyStore(dir + "/keystore.db");
  if (!db.ok()) return db.error();
  if (!keys.ok()) return keys.error();
  lrs::storage::ErasureOptions options;
  options.tombstone_purposes_json = tombstone;
  auto erased = lrs::storage::EraseLearner(**db, **keys, pseudonym, options);
  if (!erased.ok()) return erased.error();
  return std::nullopt;
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(erasure_keeps_a_withdrawal_under_opt_out_across_a_restart, Fixture) {
  ConsentRegistry consent(ConsentPolicy{false, kPurposes}, *store);
  BOOST_REQUIRE(!consent.Load());
  BOOST_REQUIRE(!consent.Change("p", "granted", {}, "k", 1));
  BOOST_REQUIRE(!consent.Change("p", "withdrawn", {"analytics"}, "k", 2));
  BOOST_REQUIRE(!consent.Change("p", "withdrawn", {"recommendations"}, "k", 3));
  std::string kept;
  BOOST_REQUIRE(!consent.Erase("p", [&](const std::string& tombstone) {
    kept = tombstone;
    return EraseStored(dir, "p", tombstone);
  }));
  BOOST_TEST(kept == R"(["analytics","recommendations"])");
  BOOST_TEST(!consent.MayStore("p"));

  ConsentRegistry restarted(ConsentPolicy{false, kPurposes}, *store);
  BOOST_REQUIRE(!restarted.Load());
  BOOST_TEST(!restarted.MayStore("p"));
  auto history = restarted.History("p");
  BOOST_REQUIRE(history.ok());
  BOOST_REQUIRE_EQUAL(history->size(), 1u);  // the tombstone alone: no history, no time
  BOOST_TEST((*history)[0].actor == "erasure");
  BOOST_TEST((*history)[0].at_us == 0);
  // Granting again starts afresh.
  BOOST_REQUIRE(!restarted.Change("p", "granted", {"analytics"}, "learner", 4));
  BOOST_TEST(restarted.MayStore("p"));
  BOOST_TEST(restarted.States("p").at("recommendations") == "withdrawn");
}

BOOST_FIXTURE_TEST_CASE(erasure_keeps_only_withdrawn_purposes_and_nothing_for_a_granted_learner,
                        Fixture) {
  ConsentRegistry consent(ConsentPolicy{false, kPurposes}, *store);
  BOOST_REQUIRE(!consent.Load());
  BOOST_REQUIRE(!consent.Change("partly", "withdrawn", {"analytics"}, "k", 1));
  BOOST_REQUIRE(!consent.Change("granted", "granted", {}, "k", 1));
  for (const auto& [learner, expected] :
       std::vector<std::pair<std::string, std::string>>{{"partly", R"(["analytics"])"},
                                                        {"granted", ""},
                                                        {"never-seen", ""}}) {
    std::string kept = "unset";
    BOOST_REQUIRE(!consent.Erase(learner, [&](const std::string& tombstone) {
      kept = tombstone;
      return EraseStored(dir, learner, tombstone);
    }));
    BOOST_TEST(kept == expected, learner);
    BOOST_TEST(consent.MayStore(learner), learner);  // opt-out: recommendations still granted
  }
  BOOST_TEST(consent.States("partly").at("analytics") == "withdrawn");
  BOOST_TEST(store->History("granted").value().empty());
}

BOOST_FIXTURE_TEST_CASE(under_opt_in_an_erased_learner_has_no_grant_and_no_tombstone, Fixture) {
  ConsentRegistry consent(ConsentPolicy{true, kPurposes}, *store);
  BOOST_REQUIRE(!consent.Load());
  BOOST_REQUIRE(!consent.Change("p", "granted", {}, "k", 1));
  BOOST_REQUIRE(!consent.Change("p", "withdrawn", {"analytics"}, "k", 2));
  std::string kept = "unset";
  BOOST_REQUIRE(!consent.Erase("p", [&](const std::string& tombstone) {
    kept = tombstone;
    return EraseStored(dir, "p", tombstone);
  }));
  BOOST_TEST(kept.empty());
  BOOST_TEST(!consent.MayStore("p"));
  BOOST_TEST(store->History("p").value().empty());
}

BOOST_FIXTURE_TEST_CASE(a_failed_erasure_changes_no_consent, Fixture) {
  ConsentRegistry consent(ConsentPolicy{false, kPurposes}, *store);
  BOOST_REQUIRE(!consent.Load());
  BOOST_REQUIRE(!consent.Change("p", "withdrawn", {}, "k", 1));
  auto failed = consent.Erase("p", [](const std::string&) -> lrs::MaybeError {
    return lrs::MakeError(500, "test", "", "disk full");
  });
  BOOST_TEST(failed.has_value());
  BOOST_TEST(!consent.MayStore("p"));
  BOOST_TEST(store->History("p").value().size() == 1u);
}

// A learner token revoked by an erasure between its check and the change
// writes nothing (the route passes such a precondition).
BOOST_FIXTURE_TEST_CASE(a_change_refused_by_its_precondition_writes_nothing, Fixture) {
  ConsentRegistry consent(ConsentPolicy{false, kPurposes}, *store);
  BOOST_REQUIRE(!consent.Load());
  auto refused = consent.Change("p", "granted", {}, "learner", 1, []() -> lrs::MaybeError {
    return lrs::MakeError(401, "learner token", "Authorization", "revoked");
  });
  BOOST_REQUIRE(refused.has_value());
  BOOST_TEST(refused->status == 401);
  BOOST_TEST(store->History("p").value().empty());
}

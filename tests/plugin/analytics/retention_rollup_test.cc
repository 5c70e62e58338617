#define BOOST_TEST_MODULE plugin_retention_rollup
// Retention's glue to analytics: expired analytics facts are handed to the
// store with the facts cutoff and a roll-up that folds them as the analytics
// library does (plugin/privacy/retention_timer.h, invariant 4).
#include <boost/test/unit_test.hpp>
#include <condition_variable>
#include <mutex>

#include "anonymizer/random_source.h"
#include "plugin/analytics/fact_records.h"
#include "plugin/keys/identity_vault.h"
#include "plugin/privacy/retention_timer.h"
#include "storage/key_store.h"
#include "storage/statement_reader.h"
#include "tests/storage/storage_test_util.h"

namespace {

using lrs::storage::AnalyticsFactRecord;

// Expires every fact it holds through the roll-up, as ExpireFacts would for
// one (learner, activity) pair, and keeps the cells it was given.
class OnePairStore : public lrs::storage::AnalyticsStore {
 public:
  std::optional<lrs::Error> fail;
  std::vector<AnalyticsFactRecord> facts;
  std::vector<lrs::storage::AnalyticsRollupRecord> rolled;
  int64_t cutoff = 0;

  lrs::MaybeError ReadSnapshot(lrs::storage::AnalyticsSnapshotSink&) override { return std::nullopt; }
  lrs::Result<int64_t> ExpireFacts(int64_t before_us,
                                   const lrs::storage::AnalyticsRollUp& roll_up) override {
    cutoff = before_us;
    if (fail) return *fail;
    rolled = roll_up(facts);
    facts.clear();
    return int64_t{1};
  }
};

AnalyticsFactRecord Record(lrs::analytics::FactKind kind, int64_t at_us) {
  AnalyticsFactRecord r;
  r.pseudonym = "p1";
  r.activity_id = "https://e.org/a";
  r.kind = static_cast<int>(kind);
  r.at_us = at_us;
  r.cohort = {"sales"};
  r.updated_us = at_us;
  return r;
}

lrs::analytics::EpochConfig Config() {
  lrs::analytics::EpochConfig config;
  config.k = 5;
  config.cohort_dimensions = {"department"};
  return config;
}

}  // namespace

BOOST_AUTO_TEST_CASE(folds_with_the_facts_cutoff_and_the_library_roll_up) {
  OnePairStore store;
  const int64_t at = 1796428800000000;
  store.facts = {Record(lrs::analytics::FactKind::kActive, at),
                 Record(lrs::analytics::FactKind::kAttempted, at),
                 Record(lrs::analytics::FactKind::kCompleted, at + 60000000)};
  std::vector<lrs::analytics::Fact> facts;
  for (const auto& r : store.facts) facts.push_back(*lrs::plugin::FactFromRecord(r));
  const auto expected = lrs::analytics::RollUp(Config(), facts);
  BOOST_REQUIRE(!expected.empty());

  auto folded = lrs::plugin::RollUpExpiredFacts(&store, 1234, lrs::plugin::MakeRollUp(Config()));
  BOOST_REQUIRE(folded.ok());
  BOOST_TEST(*folded == 1);
  BOOST_TEST(store.cutoff == 1234);
  BOOST_REQUIRE(store.rolled.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    BOOST_TEST(store.rolled[i].activity_id == expected[i].activity);
    BOOST_TEST(store.rolled[i].cell == expected[i].cell);
    BOOST_TEST(store.rolled[i].learners == expected[i].learners);
  }
  // Counts only: no cell key or activity carries the pseudonym.
  for (const auto& cell : store.rolled) BOOST_TEST(cell.cell.find("p1") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(facts_of_unknown_kinds_are_not_folded) {
  AnalyticsFactRecord unknown = Record(lrs::analytics::FactKind::kActive, 1796428800000000);
  unknown.kind = 42;
  BOOST_TEST(lrs::plugin::MakeRollUp(Config())({unknown}).empty());
}

BOOST_AUTO_TEST_CASE(without_an_analytics_store_nothing_is_folded) {
  auto folded = lrs::plugin::RollUpExpiredFacts(nullptr, 1234, lrs::plugin::MakeRollUp(Config()));
  BOOST_REQUIRE(folded.ok());
  BOOST_TEST(*folded == 0);
}

namespace {

// The retention timer over a real writer, with the fake analytics store.
struct TimerFixture {
  lrs::storage::testing::TempDir dir;
  std::unique_ptr<lrs::storage::StatementWriter> writer;
  std::unique_ptr<lrs::storage::KeyStore> key_store;
  std::unique_ptr<lrs::plugin::IdentityVault> vault;
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<lrs::Result<lrs::storage::ExpiredCounts>> passes;

  TimerFixture() {
    // Statements are stored in 2020, long before the passes' clock.
    auto opened = lrs::storage::StatementWriter::Open(dir.StatementDb(), dir.KeyStore(),
                                                      [] { return int64_t{1600000000000000}; });
    BOOST_REQUIRE(opened.ok());
    writer = std::move(*opened);
    auto keys = lrs::storage::KeyStore::Open(dir.KeyStore());
    BOOST_REQUIRE(keys.ok());
    key_store = std::move(*keys);
    vault = std::make_unique<lrs::plugin::IdentityVault>(
        lrs::plugin::NamedKey{"master-1", std::string(32, 'm')}, *key_store,
        lrs::anonymizer::SystemRandom());
  }

  int64_t StoreOldStatement() {
    BOOST_REQUIRE(lrs::storage::testing::Write(*writer, {lrs::storage::testing::Record(1, "ada")}).ok());
    return Statements();
  }
  int64_t Statements() {
    auto reader = lrs::storage::StatementReader::Open(dir.StatementDb());
    BOOST_REQUIRE(reader.ok());
    return (*reader)->CountStatements().value();
  }

  lrs::Result<lrs::storage::ExpiredCounts> FirstPass(OnePairStore& store, int64_t now_us) {
    lrs::plugin::RetentionTimer::Options options;
    options.statement_retention_days = 730;
    options.fact_retention_days = 365;
    options.clock = [now_us] { return now_us; };
    options.analytics = &store;
    options.roll_up = lrs::plugin::MakeRollUp(Config());
    options.on_pass = [this](const lrs::Result<lrs::storage::ExpiredCounts>& pass) {
      std::lock_guard<std::mutex> lock(mutex);
      passes.push_back(pass);
      changed.notify_all();
    };
    lrs::plugin::RetentionTimer timer(std::move(options), *writer, *vault);
    std::unique_lock<std::mutex> lock(mutex);
    BOOST_REQUIRE(changed.wait_for(lock, std::chrono::seconds(20), [&] { return !passes.empty(); }));
    return passes.front();
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(the_daily_pass_folds_analytics_facts_at_the_facts_cutoff) {
  TimerFixture fixture;
  OnePairStore store;
  store.facts = {Record(lrs::analytics::FactKind::kActive, 1600000000000000)};
  BOOST_REQUIRE(fixture.StoreOldStatement() == 1);
  const int64_t now = 1796428800000000;
  auto pass = fixture.FirstPass(store, now);
  BOOST_REQUIRE(pass.ok());
  BOOST_TEST(pass->statements == 1);
  BOOST_TEST(fixture.Statements() == 0);
  BOOST_TEST(store.cutoff == lrs::storage::CutoffsAt(now, 730, 365).facts_before_us);
  BOOST_TEST(!store.rolled.empty());
  BOOST_TEST(store.facts.empty());
}

BOOST_AUTO_TEST_CASE(a_failed_fold_stops_the_pass_before_anything_else_goes) {
  TimerFixture fixture;
  OnePairStore store;
  BOOST_REQUIRE(fixture.StoreOldStatement() == 1);
  store.fail = lrs::MakeError(500, "storage", "", "disk full");
  auto pass = fixture.FirstPass(store, 1796428800000000);
  BOOST_REQUIRE(!pass.ok());
  BOOST_TEST(pass.error().status == 500);
  BOOST_TEST(fixture.Statements() == 1);  // expired, but kept until its facts are folded
}

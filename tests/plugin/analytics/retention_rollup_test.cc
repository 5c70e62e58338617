#define BOOST_TEST_MODULE plugin_retention_rollup
// Retention's glue to analytics: expired analytics facts are handed to the
// store with the facts cutoff and a roll-up that folds them as the analytics
// library does (plugin/privacy/retention_timer.h, invariant 4).
#include <boost/test/unit_test.hpp>

#include "plugin/analytics/fact_records.h"
#include "plugin/privacy/retention_timer.h"

namespace {

using lrs::storage::AnalyticsFactRecord;

// Expires every fact it holds through the roll-up, as ExpireFacts would for
// one (learner, activity) pair, and keeps the cells it was given.
class OnePairStore : public lrs::storage::AnalyticsStore {
 public:
  std::vector<AnalyticsFactRecord> facts;
  std::vector<lrs::storage::AnalyticsRollupRecord> rolled;
  int64_t cutoff = 0;

  lrs::MaybeError ReadSnapshot(lrs::storage::AnalyticsSnapshotSink&) override { return std::nullopt; }
  lrs::Result<int64_t> ExpireFacts(int64_t before_us,
                                   const lrs::storage::AnalyticsRollUp& roll_up) override {
    cutoff = before_us;
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

#define BOOST_TEST_MODULE storage_analytics_facts
// The analytics facts from the writer to the store and back
// (StatementRecord::analytics, storage/analytics_facts.h): the upsert rule of
// each kind whatever the arrival order, duplicates, erasure and key rotation,
// retention's fold into roll-ups, one snapshot, and the migration.
#include "storage/analytics_facts.h"

#include <boost/test/unit_test.hpp>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"
#include "storage/erasure.h"
#include "storage/rekey.h"
#include "storage/schema.h"
#include "storage/statement_writer.h"
#include "tests/storage/storage_test_util.h"

namespace lrs::storage {
namespace {

using testing::FakeClock;
using testing::Record;
using testing::TempDir;
using testing::Write;

constexpr int64_t kStart = 1'700'000'000'000'000;  // a whole millisecond
constexpr int64_t kHour = int64_t{3600} * 1000 * 1000;
constexpr char kQuiz[] = "http://example.com/quiz";
constexpr char kCourse[] = "http://example.com/course";

// FactKind values (analytics/fact.h), spelled here: storage knows no more.
constexpr int kActive = 0;
constexpr int kCompleted = 2;
constexpr int kScore = 5;
constexpr int kTimeSpent = 6;

AnalyticsFactUpdate Update(const std::string& learner, int kind, std::optional<int64_t> at_us,
                           const std::string& department, std::optional<double> value = {},
                           const std::string& activity = kQuiz) {
  AnalyticsFactUpdate update;
  update.pseudonym = learner;
  update.activity_id = activity;
  update.kind = kind;
  update.at_us = at_us;
  update.cohort = {department, "(none)"};
  update.value = value;
  update.detail = department == "sales" ? "a[,]b" : "";
  return update;
}

StatementRecord WithFacts(int n, const std::string& learner,
                          std::vector<AnalyticsFactUpdate> analytics) {
  StatementRecord record = Record(n, learner);
  record.analytics = std::move(analytics);
  return record;
}

// Collects a snapshot.
struct Collected : AnalyticsSnapshotSink {
  std::vector<AnalyticsActivityRecord> activities;
  std::vector<AnalyticsFactRecord> facts;
  std::vector<AnalyticsRollupRecord> rollups;
  std::function<void()> on_first_fact;

  void OnActivity(const AnalyticsActivityRecord& activity) override {
    activities.push_back(activity);
  }
  void OnFact(const AnalyticsFactRecord& fact) override {
    if (facts.empty() && on_first_fact) on_first_fact();
    facts.push_back(fact);
  }
  void OnRollup(const AnalyticsRollupRecord& rollup) override { rollups.push_back(rollup); }
};

struct Fixture {
  TempDir dir;
  FakeClock clock{kStart};
  std::unique_ptr<StatementWriter> writer = OpenWriter();
  std::unique_ptr<AnalyticsStore> store = OpenStore(WritesOnWriterThread(*writer));

  std::unique_ptr<StatementWriter> OpenWriter() {
    auto opened = StatementWriter::Open(dir.StatementDb(), dir.KeyStore(), clock.AsClock());
    BOOST_REQUIRE(opened.ok());
    return std::move(*opened);
  }

  std::unique_ptr<AnalyticsStore> OpenStore(WriteRunner writes, AnalyticsStoreOptions options = {}) {
    auto opened = OpenAnalyticsStore(dir.StatementDb(), std::move(writes), options);
    BOOST_REQUIRE_MESSAGE(opened.ok(), (opened.ok() ? "" : opened.error().message));
    return std::move(*opened);
  }

  void WriteAt(int64_t stored_us, std::vector<StatementRecord> records) {
    clock.Set(stored_us);
    auto receipt = Write(*writer, std::move(records));
    BOOST_REQUIRE_MESSAGE(receipt.ok(), (receipt.ok() ? "" : receipt.error().message));
  }

  Collected Snapshot() {
    Collected collected;
    MaybeError error = store->ReadSnapshot(collected);
    BOOST_REQUIRE_MESSAGE(!error, (error ? error->message : ""));
    return collected;
  }

  std::optional<AnalyticsFactRecord> Find(const std::string& learner, int kind,
                                          const std::string& activity = kQuiz) {
    for (AnalyticsFactRecord& fact : Snapshot().facts) {
      if (fact.pseudonym == learner && fact.kind == kind && fact.activity_id == activity)
        return fact;
    }
    return std::nullopt;
  }

  int64_t Count(const std::string& sql) {
    auto db = Database::Open(dir.StatementDb());
    BOOST_REQUIRE(db.ok());
    auto stmt = (*db)->Prepare(sql);
    BOOST_REQUIRE(stmt.ok());
    BOOST_REQUIRE(stmt->Step().value());
    return stmt->ColumnInt(0);
  }
};

BOOST_FIXTURE_TEST_SUITE(analytics_facts, Fixture)

BOOST_AUTO_TEST_CASE(the_earliest_statement_places_a_fact_whatever_the_arrival_order) {
  // Stored in the order 2, 1, 3 of their timestamps.
  WriteAt(kStart, {WithFacts(1, "ada", {Update("ada", kCompleted, kStart - 2 * kHour, "legal",
                                               120.0)})});
  WriteAt(kStart + 1000, {WithFacts(2, "ada", {Update("ada", kCompleted, kStart - 5 * kHour,
                                                      "sales", 300.0)})});
  WriteAt(kStart + 2000, {WithFacts(3, "ada", {Update("ada", kCompleted, kStart - kHour, "hr",
                                                      60.0)})});
  auto fact = Find("ada", kCompleted);
  BOOST_REQUIRE(fact);
  BOOST_TEST(fact->at_us == kStart - 5 * kHour);
  BOOST_TEST(fact->cohort == (std::vector<std::string>{"sales", "(none)"}));
  BOOST_TEST(fact->value.value() == 300.0);  // the placing statement's duration
  BOOST_TEST(fact->detail == "a[,]b");
  // The newest stored that changed it: the third statement changed nothing.
  BOOST_TEST(fact->updated_us == kStart + 1000);
}

BOOST_AUTO_TEST_CASE(a_statement_that_changes_nothing_moves_updated_us_only_a_day_on) {
  WriteAt(kStart, {WithFacts(1, "ada", {Update("ada", kActive, kStart - kHour, "legal")})});
  WriteAt(kStart + 23 * kHour, {WithFacts(2, "ada", {Update("ada", kActive, kStart, "hr")})});
  BOOST_TEST(Find("ada", kActive)->updated_us == kStart);
  WriteAt(kStart + 25 * kHour, {WithFacts(3, "ada", {Update("ada", kActive, kStart, "hr")})});
  auto fact = Find("ada", kActive);
  BOOST_TEST(fact->updated_us == kStart + 25 * kHour);
  BOOST_TEST(fact->at_us == kStart - kHour);  // still placed by the first
  BOOST_TEST(fact->cohort[0] == "legal");
  // Time spent changes with every duration, so it is always rewritten.
  WriteAt(kStart + 26 * kHour,
          {WithFacts(4, "ada", {Update("ada", kTimeSpent, kStart, "hr", 5)})});
  WriteAt(kStart + 27 * kHour,
          {WithFacts(5, "ada", {Update("ada", kTimeSpent, kStart, "hr", 5)})});
  BOOST_TEST(Find("ada", kTimeSpent)->updated_us == kStart + 27 * kHour);
  BOOST_TEST(Find("ada", kTimeSpent)->value.value() == 10.0);
}

BOOST_AUTO_TEST_CASE(a_tie_in_time_keeps_the_statement_stored_first) {
  WriteAt(kStart, {WithFacts(1, "ada", {Update("ada", kActive, kStart - kHour, "legal")})});
  WriteAt(kStart + 1000, {WithFacts(2, "ada", {Update("ada", kActive, kStart - kHour, "hr")})});
  BOOST_TEST(Find("ada", kActive)->cohort[0] == "legal");
}

BOOST_AUTO_TEST_CASE(the_best_score_wins_and_places_the_fact) {
  WriteAt(kStart, {WithFacts(1, "ada", {Update("ada", kScore, kStart - 3 * kHour, "legal", 0.5)})});
  WriteAt(kStart + 1000,
          {WithFacts(2, "ada", {Update("ada", kScore, kStart - kHour, "sales", 0.9)})});
  WriteAt(kStart + 2000,
          {WithFacts(3, "ada", {Update("ada", kScore, kStart - 2 * kHour, "hr", 0.7)})});
  auto fact = Find("ada", kScore);
  BOOST_REQUIRE(fact);
  BOOST_TEST(fact->value.value() == 0.9);
  BOOST_TEST(fact->at_us == kStart - kHour);
  BOOST_TEST(fact->cohort[0] == "sales");
  BOOST_TEST(fact->updated_us == kStart + 1000);  // the third changed nothing

  // The same best score earlier: the earlier place, so the order of arrival
  // does not decide.
  WriteAt(kStart + 3000,
          {WithFacts(4, "ada", {Update("ada", kScore, kStart - 4 * kHour, "hr", 0.9)})});
  fact = Find("ada", kScore);
  BOOST_TEST(fact->at_us == kStart - 4 * kHour);
  BOOST_TEST(fact->cohort[0] == "hr");
}

BOOST_AUTO_TEST_CASE(time_spent_is_summed_and_placed_at_the_earliest_statement) {
  WriteAt(kStart, {WithFacts(1, "ada", {Update("ada", kTimeSpent, kStart - kHour, "legal", 60)})});
  WriteAt(kStart + 1000,
          {WithFacts(2, "ada", {Update("ada", kTimeSpent, kStart - 2 * kHour, "hr", 30.5)})});
  WriteAt(kStart + 2000,
          {WithFacts(3, "ada", {Update("ada", kTimeSpent, kStart, "sales", 9.5)})});
  auto fact = Find("ada", kTimeSpent);
  BOOST_REQUIRE(fact);
  BOOST_TEST(fact->value.value() == 100.0);
  BOOST_TEST(fact->at_us == kStart - 2 * kHour);
  BOOST_TEST(fact->cohort[0] == "hr");
}

BOOST_AUTO_TEST_CASE(a_duplicate_or_a_rolled_back_batch_never_counts) {
  const StatementRecord first =
      WithFacts(1, "ada", {Update("ada", kTimeSpent, kStart - kHour, "legal", 60)});
  WriteAt(kStart, {first});
  WriteAt(kStart + 1000, {first});  // the client's retry: already stored
  // A batch that fails with 409 (statement 1 under another content) takes
  // statement 2's facts with it.
  StatementRecord conflicting = first;
  conflicting.content_hash = "another";
  clock.Set(kStart + 2000);
  auto failed = Write(*writer, {WithFacts(2, "ada", {Update("ada", kTimeSpent, kStart - 3 * kHour,
                                                             "hr", 1000)}),
                                conflicting});
  BOOST_REQUIRE(!failed.ok());
  BOOST_TEST(failed.error().status == 409);
  auto fact = Find("ada", kTimeSpent);
  BOOST_REQUIRE(fact);
  BOOST_TEST(fact->value.value() == 60.0);
  BOOST_TEST(fact->at_us == kStart - kHour);
  BOOST_TEST(fact->updated_us == kStart);
  BOOST_TEST(Count("SELECT count(*) FROM analytics_facts") == 1);
}

BOOST_AUTO_TEST_CASE(a_statement_without_a_timestamp_is_placed_at_its_stored_time) {
  WriteAt(kStart + 7000, {WithFacts(1, "ada", {Update("ada", kActive, std::nullopt, "legal")})});
  BOOST_TEST(Find("ada", kActive)->at_us == kStart + 7000);
}

BOOST_AUTO_TEST_CASE(erasure_takes_the_learners_facts_and_no_one_elses) {
  WriteAt(kStart, {WithFacts(1, "ada", {Update("ada", kActive, kStart, "legal"),
                                        Update("ada", kScore, kStart, "legal", 0.4)}),
                   WithFacts(2, "bob", {Update("bob", kActive, kStart, "legal")})});
  auto erased = writer
                    ->RunExclusive<ErasureCounts>([](Database& db, Database& keys) {
                      return EraseLearner(db, keys, "ada");
                    })
                    .get();
  BOOST_REQUIRE(erased.ok());
  BOOST_TEST(erased->facts >= 2);
  BOOST_TEST(Count("SELECT count(*) FROM analytics_facts WHERE pseudonym = 'ada'") == 0);
  BOOST_TEST(Count("SELECT count(*) FROM analytics_facts WHERE pseudonym = 'bob'") == 1);
}

BOOST_AUTO_TEST_CASE(key_rotation_re_keys_the_facts) {
  WriteAt(kStart, {WithFacts(1, "ada", {Update("ada", kActive, kStart, "legal")}),
                   WithFacts(2, "bob", {Update("bob", kActive, kStart, "legal")})});
  auto rekeyed =
      writer
          ->RunExclusive<RekeyCounts>([](Database& db, Database&) {
            return RekeyStatementDatabase(
                db, "pk-old", "pk-new",
                [](const std::string& json) -> Result<RekeyedJson> {
                  return RekeyedJson{json, {}, 0};
                },
                [](const std::string& old) -> std::optional<std::string> {
                  return "new-" + old;
                });
          })
          .get();
  BOOST_REQUIRE_MESSAGE(rekeyed.ok(), (rekeyed.ok() ? "" : rekeyed.error().message));
  BOOST_TEST(Count("SELECT count(*) FROM analytics_facts WHERE pseudonym IN ('ada', 'bob')") ==
             0);
  BOOST_TEST(Count("SELECT count(*) FROM analytics_facts WHERE pseudonym = 'new-ada'") == 1);
  BOOST_TEST(Count("SELECT count(*) FROM analytics_facts WHERE pseudonym = 'new-bob'") == 1);
}

// A roll-up that counts each (learner, activity) once per kind, in the cell
// "<kind>/<department>".
std::vector<AnalyticsRollupRecord> CountByKind(const std::vector<AnalyticsFactRecord>& facts) {
  std::vector<AnalyticsRollupRecord> cells;
  for (const AnalyticsFactRecord& fact : facts) {
    cells.push_back({"", std::to_string(fact.kind) + "/" + fact.cohort.at(0), 1});
  }
  return cells;
}

BOOST_AUTO_TEST_CASE(expiry_folds_whole_learner_activities_into_summed_rollups_in_batches) {
  // Five learners on the quiz, stored long ago; carol also on the course,
  // recently; dan's quiz facts were touched recently by one statement.
  std::vector<StatementRecord> old;
  int n = 1;
  for (const char* learner : {"ada", "bob", "carol", "dan", "eve"}) {
    old.push_back(WithFacts(n++, learner,
                            {Update(learner, kActive, kStart, "legal"),
                             Update(learner, kCompleted, kStart, learner[0] == 'e' ? "hr" : "legal",
                                    10)}));
  }
  WriteAt(kStart, old);
  WriteAt(kStart + 48 * kHour,
          {WithFacts(n++, "carol", {Update("carol", kActive, kStart, "legal", {}, kCourse)}),
           WithFacts(n++, "dan", {Update("dan", kScore, kStart, "legal", 0.5)})});

  int batches = 0;
  const WriteRunner writes = WritesOnWriterThread(*writer);
  store = OpenStore(
      [&](const WriteTask& batch) {
        ++batches;
        return writes(batch);
      },
      AnalyticsStoreOptions{2, 5000});
  int calls = 0;
  auto folded = store->ExpireFacts(kStart + 24 * kHour,
                                   [&](const std::vector<AnalyticsFactRecord>& facts) {
                                     ++calls;
                                     // One learner on one activity, all of it.
                                     BOOST_TEST(facts.size() == 2u);
                                     for (const auto& fact : facts) {
                                       BOOST_TEST(fact.pseudonym == facts[0].pseudonym);
                                       BOOST_TEST(fact.activity_id == kQuiz);
                                     }
                                     return CountByKind(facts);
                                   });
  BOOST_REQUIRE(folded.ok());
  BOOST_TEST(*folded == 4);  // ada, bob, carol, eve on the quiz
  BOOST_TEST(calls == 4);
  BOOST_TEST(batches >= 2);  // two pairs per batch

  Collected snapshot = Snapshot();
  std::map<std::string, int64_t> cells;
  for (const auto& rollup : snapshot.rollups) {
    BOOST_TEST(rollup.activity_id == kQuiz);
    cells[rollup.cell] = rollup.learners;
  }
  const std::map<std::string, int64_t> expected = {
      {"0/legal", 4}, {"2/legal", 3}, {"2/hr", 1}};
  BOOST_TEST(cells == expected);
  // What stays: dan's quiz facts (all three, though two are old), carol's course.
  std::multiset<std::string> left;
  for (const auto& fact : snapshot.facts) left.insert(fact.pseudonym + " " + fact.activity_id);
  BOOST_TEST(left == (std::multiset<std::string>{"carol " + std::string(kCourse),
                                                  "dan " + std::string(kQuiz),
                                                  "dan " + std::string(kQuiz),
                                                  "dan " + std::string(kQuiz)}));

  // A second pass folds nothing more, and adds nothing to the roll-ups.
  auto again = store->ExpireFacts(kStart + 24 * kHour, CountByKind);
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(*again == 0);
  BOOST_TEST(Count("SELECT sum(learners) FROM analytics_rollups") == 8);
}

BOOST_AUTO_TEST_CASE(expiry_sums_into_rollups_already_there_and_walks_past_a_page) {
  WriteAt(kStart, {WithFacts(1, "ada", {Update("ada", kActive, kStart, "legal")})});
  auto first = store->ExpireFacts(kStart + 1, CountByKind);
  BOOST_REQUIRE(first.ok());
  BOOST_TEST(*first == 1);
  // Six learners, examined three at a time: the walk goes on past a page
  // with nothing expired in it.
  std::vector<StatementRecord> records;
  const char* learners[] = {"b1", "b2", "b3", "c1", "c2", "c3"};
  for (int i = 0; i < 6; ++i) {
    records.push_back(WithFacts(10 + i, learners[i], {Update(learners[i], kActive, kStart, "legal")}));
  }
  WriteAt(kStart + 1000, records);
  WriteAt(kStart + 9000, {WithFacts(20, "b1", {Update("b1", kScore, kStart, "legal", 1)}),
                          WithFacts(21, "b2", {Update("b2", kScore, kStart, "legal", 1)}),
                          WithFacts(22, "b3", {Update("b3", kScore, kStart, "legal", 1)})});
  store = OpenStore(WritesOnWriterThread(*writer), AnalyticsStoreOptions{500, 3});
  auto second = store->ExpireFacts(kStart + 5000, CountByKind);
  BOOST_REQUIRE(second.ok());
  BOOST_TEST(*second == 3);  // c1, c2, c3
  BOOST_TEST(Count("SELECT learners FROM analytics_rollups WHERE cell = '0/legal'") == 4);
  BOOST_TEST(Count("SELECT count(*) FROM analytics_facts") == 6);  // b1-b3, two each
}

BOOST_AUTO_TEST_CASE(an_expiry_batch_that_fails_keeps_everything_it_selected) {
  WriteAt(kStart, {WithFacts(1, "ada", {Update("ada", kActive, kStart, "legal")}),
                   WithFacts(2, "bob", {Update("bob", kActive, kStart, "poison")}),
                   WithFacts(3, "zed", {Update("zed", kActive, kStart, "legal")})});
  // No server here: batches run on a connection of the test's, where a
  // trigger makes the roll-up of bob's cell fail.
  auto db = OpenStatementDatabase(dir.StatementDb());
  BOOST_REQUIRE(db.ok());
  BOOST_REQUIRE(!(*db)->Exec("CREATE TEMP TRIGGER poison BEFORE INSERT ON analytics_rollups"
                              " WHEN NEW.cell = '0/poison' BEGIN SELECT RAISE(ABORT, 'poison');"
                              " END"));
  store = OpenStore(DirectWrites(**db), AnalyticsStoreOptions{2, 5000});
  auto folded = store->ExpireFacts(kStart + 1, CountByKind);
  BOOST_TEST(!folded.ok());
  // The batch of ada and bob rolled back whole: ada's roll-up too.
  BOOST_TEST(Count("SELECT count(*) FROM analytics_rollups") == 0);
  BOOST_TEST(Count("SELECT count(*) FROM analytics_facts") == 3);
  BOOST_REQUIRE(!(*db)->Exec("DROP TRIGGER temp.poison"));
  auto retried = store->ExpireFacts(kStart + 1, CountByKind);
  BOOST_REQUIRE(retried.ok());
  BOOST_TEST(*retried == 3);
  BOOST_TEST(Count("SELECT count(*) FROM analytics_facts") == 0);
  BOOST_TEST(Count("SELECT sum(learners) FROM analytics_rollups") == 3);
}

BOOST_AUTO_TEST_CASE(a_snapshot_has_the_definitions_and_sees_no_later_write) {
  StatementRecord defined = WithFacts(1, "ada", {Update("ada", kActive, kStart, "legal")});
  defined.activity_definitions = {{kQuiz, R"({"name":{"en":"Quiz"}})"}};
  WriteAt(kStart, {defined, WithFacts(2, "bob", {Update("bob", kActive, kStart, "legal", {},
                                                        kCourse)})});
  BOOST_REQUIRE(store->ExpireFacts(kStart + 1, [](const std::vector<AnalyticsFactRecord>&) {
                  return std::vector<AnalyticsRollupRecord>{{"", "folded-cell", 1}};
                }).ok());
  // bob's course is folded, ada's quiz too; write new facts to read.
  WriteAt(kStart + 1000, {WithFacts(3, "ada", {Update("ada", kActive, kStart, "legal")}),
                          WithFacts(4, "bob", {Update("bob", kActive, kStart, "legal")})});

  Collected collected;
  // A statement committed while the snapshot is being read is not in it.
  collected.on_first_fact = [&] {
    WriteAt(kStart + 2000,
            {WithFacts(5, "carol", {Update("carol", kActive, kStart, "legal", {},
                                           "http://example.com/new")})});
  };
  BOOST_REQUIRE(!store->ReadSnapshot(collected));
  BOOST_TEST(collected.facts.size() == 2u);
  std::map<std::string, std::string> definitions;
  for (const auto& activity : collected.activities) {
    definitions[activity.activity_id] = activity.definition_json;
  }
  const std::map<std::string, std::string> expected = {
      {kCourse, "{}"}, {kQuiz, R"({"name":{"en":"Quiz"}})"}};
  BOOST_TEST(definitions == expected);
  std::map<std::string, int64_t> rollups;
  for (const auto& rollup : collected.rollups) rollups[rollup.activity_id + " " + rollup.cell] = rollup.learners;
  BOOST_TEST(rollups.size() == 2u);
  BOOST_TEST(rollups[std::string(kQuiz) + " folded-cell"] == 1);
  BOOST_TEST(rollups[std::string(kCourse) + " folded-cell"] == 1);
  // The next snapshot sees it.
  BOOST_TEST(Snapshot().facts.size() == 3u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(cohorts_round_trip_through_their_encoding) {
  const std::vector<std::string> values = {"legal", "", "(none)", "\"quoted\"\n", "日本"};
  BOOST_TEST(DecodeCohort(EncodeCohort(values)) == values);
  BOOST_TEST(DecodeCohort(EncodeCohort({})).empty());
  BOOST_TEST(DecodeCohort("not json").empty());
}

BOOST_AUTO_TEST_CASE(an_existing_store_migrates_and_keeps_its_statements) {
  TempDir dir;
  {
    auto writer = StatementWriter::Open(dir.StatementDb(), dir.KeyStore());
    BOOST_REQUIRE(writer.ok());
    BOOST_REQUIRE(Write(**writer, {Record(1, "ada")}).ok());
  }
  {
    // Back to version 7, as a store from before analytics is.
    auto db = Database::Open(dir.StatementDb());
    BOOST_REQUIRE(db.ok());
    BOOST_REQUIRE(!(*db)->Exec("DROP TABLE analytics_facts; DROP TABLE analytics_rollups;"
                               " PRAGMA user_version = 7;"));
  }
  auto db = OpenStatementDatabase(dir.StatementDb());
  BOOST_REQUIRE(db.ok());
  auto version = (*db)->Prepare("PRAGMA user_version");
  BOOST_REQUIRE(version->Step().value());
  BOOST_TEST(version->ColumnInt(0) == 8);
  auto statements = (*db)->Prepare("SELECT count(*) FROM statements");
  BOOST_REQUIRE(statements->Step().value());
  BOOST_TEST(statements->ColumnInt(0) == 1);
  auto store = OpenAnalyticsStore(dir.StatementDb(), DirectWrites(**db));
  BOOST_REQUIRE(store.ok());
  Collected collected;
  BOOST_REQUIRE(!(*store)->ReadSnapshot(collected));
  BOOST_TEST(collected.facts.empty());
  BOOST_TEST(collected.rollups.empty());
}

}  // namespace
}  // namespace lrs::storage

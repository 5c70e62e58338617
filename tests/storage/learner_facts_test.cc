#define BOOST_TEST_MODULE storage_learner_facts
// Learner facts as the writer keeps them (StatementRecord::fact, writer
// invariant 8): one row per (learner, activity, verb), upserted with the
// statements that are actually inserted.
#include <boost/test/unit_test.hpp>
#include <optional>
#include <string>

#include "storage/database.h"
#include "storage/statement_writer.h"
#include "tests/storage/storage_test_util.h"

namespace lrs::storage {
namespace {

using testing::FakeClock;
using testing::Record;
using testing::TempDir;
using testing::Uuid;
using testing::VoidingRecord;
using testing::Write;

constexpr int64_t kStart = 1'700'000'000'000'000;  // a whole millisecond
constexpr char kActivity[] = "http://example.com/activity";
constexpr char kCompleted[] = "http://adlnet.gov/expapi/verbs/completed";

struct Fact {
  int64_t first_us = 0;
  int64_t last_us = 0;
  int64_t statements = 0;
  std::optional<int64_t> completion;
  std::optional<int64_t> success;
  std::optional<double> score_scaled;
};

StatementRecord FactRecord(int n, const std::string& learner, std::optional<bool> completion,
                           std::optional<bool> success, std::optional<double> scaled,
                           const std::string& verb = kCompleted,
                           const std::string& activity = kActivity) {
  StatementRecord record = Record(n, learner, verb, activity);
  record.fact = LearnerFactUpdate{learner, activity, completion, success, scaled};
  return record;
}

struct Fixture {
  TempDir dir;
  FakeClock clock{kStart};
  std::unique_ptr<StatementWriter> writer = Open();

  std::unique_ptr<StatementWriter> Open() {
    auto opened = StatementWriter::Open(dir.StatementDb(), dir.KeyStore(), clock.AsClock());
    BOOST_REQUIRE(opened.ok());
    return std::move(*opened);
  }

  void WriteAt(int64_t stored_us, std::vector<StatementRecord> records) {
    clock.Set(stored_us);
    auto receipt = Write(*writer, std::move(records));
    BOOST_REQUIRE_MESSAGE(receipt.ok(), (receipt.ok() ? "" : receipt.error().message));
  }

  int64_t Rows() {
    auto db = Database::Open(dir.StatementDb());
    BOOST_REQUIRE(db.ok());
    auto stmt = (*db)->Prepare("SELECT count(*) FROM learner_facts");
    BOOST_REQUIRE(stmt.ok());
    BOOST_REQUIRE(stmt->Step().value());
    return stmt->ColumnInt(0);
  }

  std::optional<Fact> Find(const std::string& learner, const std::string& verb = kCompleted,
                           const std::string& activity = kActivity) {
    auto db = Database::Open(dir.StatementDb());
    BOOST_REQUIRE(db.ok());
    auto stmt = (*db)->Prepare(
        "SELECT first_us, last_us, statements, completion, success, score_scaled"
        " FROM learner_facts WHERE pseudonym = ?1 AND activity_id = ?2 AND verb_id = ?3");
    BOOST_REQUIRE(stmt.ok());
    stmt->Bind(1, learner).Bind(2, activity).Bind(3, verb);
    if (!stmt->Step().value()) return std::nullopt;
    Fact fact;
    fact.first_us = stmt->ColumnInt(0);
    fact.last_us = stmt->ColumnInt(1);
    fact.statements = stmt->ColumnInt(2);
    if (!stmt->ColumnIsNull(3)) fact.completion = stmt->ColumnInt(3);
    if (!stmt->ColumnIsNull(4)) fact.success = stmt->ColumnInt(4);
    if (!stmt->ColumnIsNull(5)) fact.score_scaled = stmt->ColumnDouble(5);
    return fact;
  }
};

BOOST_FIXTURE_TEST_SUITE(learner_facts, Fixture)

BOOST_AUTO_TEST_CASE(first_statement_creates_the_fact) {
  WriteAt(kStart, {FactRecord(1, "ada", true, false, 0.25)});
  std::optional<Fact> fact = Find("ada");
  BOOST_REQUIRE(fact.has_value());
  BOOST_TEST(fact->first_us == kStart);
  BOOST_TEST(fact->last_us == kStart);
  BOOST_TEST(fact->statements == 1);
  BOOST_TEST((fact->completion == std::optional<int64_t>(1)));
  BOOST_TEST((fact->success == std::optional<int64_t>(0)));
  BOOST_TEST((fact->score_scaled == std::optional<double>(0.25)));
}

BOOST_AUTO_TEST_CASE(later_statements_update_last_count_newest_outcome_and_best_score) {
  WriteAt(kStart, {FactRecord(1, "ada", false, false, 0.75)});
  WriteAt(kStart + 5000, {FactRecord(2, "ada", true, std::nullopt, 0.5)});
  WriteAt(kStart + 9000, {FactRecord(3, "ada", std::nullopt, true, std::nullopt)});
  std::optional<Fact> fact = Find("ada");
  BOOST_REQUIRE(fact.has_value());
  BOOST_TEST(fact->first_us == kStart);
  BOOST_TEST(fact->last_us == kStart + 9000);
  BOOST_TEST(fact->statements == 3);
  // The newest statement that said anything about it wins...
  BOOST_TEST((fact->completion == std::optional<int64_t>(1)));
  BOOST_TEST((fact->success == std::optional<int64_t>(1)));
  // ...and the best score stays.
  BOOST_TEST((fact->score_scaled == std::optional<double>(0.75)));
}

BOOST_AUTO_TEST_CASE(a_fact_without_outcomes_keeps_nulls) {
  WriteAt(kStart, {FactRecord(1, "ada", std::nullopt, std::nullopt, std::nullopt)});
  WriteAt(kStart + 1000, {FactRecord(2, "ada", std::nullopt, std::nullopt, std::nullopt)});
  std::optional<Fact> fact = Find("ada");
  BOOST_REQUIRE(fact.has_value());
  BOOST_TEST(fact->statements == 2);
  BOOST_TEST(!fact->completion.has_value());
  BOOST_TEST(!fact->success.has_value());
  BOOST_TEST(!fact->score_scaled.has_value());
}

BOOST_AUTO_TEST_CASE(a_negative_score_is_kept_exactly) {
  WriteAt(kStart, {FactRecord(1, "ada", std::nullopt, std::nullopt, -0.1)});
  BOOST_TEST((Find("ada")->score_scaled == std::optional<double>(-0.1)));
}

BOOST_AUTO_TEST_CASE(each_learner_activity_and_verb_has_its_own_fact) {
  WriteAt(kStart, {FactRecord(1, "ada", true, true, 1.0),
                   FactRecord(2, "bob", true, true, 1.0),
                   FactRecord(3, "ada", true, true, 1.0, testing::kVerb),
                   FactRecord(4, "ada", true, true, 1.0, kCompleted, "http://example.com/other")});
  BOOST_TEST(Rows() == 4);
}

BOOST_AUTO_TEST_CASE(two_statements_in_one_batch_count_twice) {
  WriteAt(kStart, {FactRecord(1, "ada", true, true, 0.5), FactRecord(2, "ada", false, false, 0.9)});
  std::optional<Fact> fact = Find("ada");
  BOOST_REQUIRE(fact.has_value());
  BOOST_TEST(fact->statements == 2);
  BOOST_TEST((fact->completion == std::optional<int64_t>(0)));  // the later one in the batch
  BOOST_TEST((fact->score_scaled == std::optional<double>(0.9)));
}

BOOST_AUTO_TEST_CASE(an_already_stored_statement_does_not_count_twice) {
  WriteAt(kStart, {FactRecord(1, "ada", true, true, 0.5)});
  WriteAt(kStart + 1000, {FactRecord(1, "ada", true, true, 0.5)});  // the client's retry
  std::optional<Fact> fact = Find("ada");
  BOOST_REQUIRE(fact.has_value());
  BOOST_TEST(fact->statements == 1);
  BOOST_TEST(fact->last_us == kStart);
}

BOOST_AUTO_TEST_CASE(a_rejected_batch_changes_no_fact) {
  WriteAt(kStart, {FactRecord(1, "ada", true, true, 0.5)});
  StatementRecord conflicting = FactRecord(1, "ada", false, false, 1.0);
  conflicting.content_hash = "another statement under the same id";
  clock.Set(kStart + 1000);
  auto receipt = Write(*writer, {FactRecord(2, "ada", false, false, 1.0), conflicting});
  BOOST_REQUIRE(!receipt.ok());
  BOOST_TEST(receipt.error().status == 409);
  std::optional<Fact> fact = Find("ada");
  BOOST_REQUIRE(fact.has_value());
  BOOST_TEST(fact->statements == 1);
  BOOST_TEST((fact->score_scaled == std::optional<double>(0.5)));
}

BOOST_AUTO_TEST_CASE(a_statement_without_a_fact_writes_none) {
  WriteAt(kStart, {Record(1, "ada")});
  BOOST_TEST(Rows() == 0);
}

BOOST_AUTO_TEST_CASE(voiding_does_not_touch_facts) {
  WriteAt(kStart, {FactRecord(1, "ada", true, true, 0.5)});
  WriteAt(kStart + 1000, {VoidingRecord(2, 1)});
  std::optional<Fact> fact = Find("ada");
  BOOST_REQUIRE(fact.has_value());
  BOOST_TEST(fact->statements == 1);
  BOOST_TEST(fact->last_us == kStart);
  BOOST_TEST(Rows() == 1);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace lrs::storage

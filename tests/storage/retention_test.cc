#define BOOST_TEST_MODULE storage_retention
#include "storage/retention.h"

#include <boost/test/unit_test.hpp>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "storage/database.h"
#include "storage/schema.h"
#include "tests/storage/storage_test_util.h"

namespace lrs::storage {
namespace {

using testing::FakeClock;
using testing::Record;
using testing::TempDir;
using testing::Uuid;
using testing::VoidingRecord;
using testing::Write;

constexpr int64_t kDay = int64_t{86400} * 1000 * 1000;
constexpr int64_t kOld = 1'600'000'000'000'000;  // stored long ago (a whole millisecond)
constexpr int64_t kNew = kOld + 100 * kDay;       // stored recently
// Statements and documents before kOld + 50 days go; facts before kOld + 10.
constexpr RetentionCutoffs kCutoffs{kOld + 50 * kDay, kOld + 10 * kDay};

constexpr char kAuthority[] = "authority-pseudonym";
const std::string kShaA(64, 'a');
const std::string kShaB(64, 'b');

// A statement by `actor` on `activity`, with the LRS's authority mentioned
// too (as every stored statement does), optionally declaring attachments.
StatementRecord LearnerRecord(int n, const std::string& actor,
                              const std::string& activity = "http://example.com/a",
                              const std::vector<std::string>& sha2s = {}) {
  StatementRecord record = Record(n, actor, testing::kVerb, activity);
  record.agents.push_back({kAuthority, AgentRole::kRelated});
  record.identities = {{"variant-" + actor, actor, "sealed-" + actor},
                       {"variant-authority", kAuthority, "sealed-authority"}};
  if (!sha2s.empty()) {
    record.json = "{\"id\":\"" + record.id + "\",\"attachments\":[";
    for (size_t i = 0; i < sha2s.size(); ++i) {
      if (i > 0) record.json += ",";
      record.json +=
          "{\"usageType\":\"http://example.com/essay\",\"display\":{\"en-US\":\"essay\"},"
          "\"contentType\":\"text/plain\",\"length\":5,\"sha2\":\"" + sha2s[i] + "\"}";
    }
    record.json += "]}";
    record.attachment_sha2s = sha2s;
  }
  record.fact = LearnerFactUpdate{actor, activity, true, std::nullopt, 0.5};
  return record;
}

// Every row of every table, each as text, so tests can tell exactly which
// rows went and that every other one is unchanged, byte for byte.
using TableRows = std::map<std::string, std::multiset<std::string>>;

struct Fixture {
  TempDir dir;
  FakeClock clock{kOld};
  std::unique_ptr<StatementWriter> writer = OpenWriter();
  std::unique_ptr<Database> db = OpenDb();

  std::unique_ptr<StatementWriter> OpenWriter() {
    auto opened = StatementWriter::Open(dir.StatementDb(), dir.KeyStore(), clock.AsClock());
    BOOST_REQUIRE(opened.ok());
    return std::move(*opened);
  }
  std::unique_ptr<Database> OpenDb() {
    auto opened = OpenStatementDatabase(dir.StatementDb());
    BOOST_REQUIRE(opened.ok());
    return std::move(*opened);
  }

  void WriteAt(int64_t stored_us, std::vector<StatementRecord> records,
               std::vector<AttachmentPayload> attachments = {}) {
    clock.Set(stored_us);
    WriteBatch batch = testing::Batch(std::move(records));
    batch.attachments = std::move(attachments);
    auto receipt = writer->Submit(std::move(batch)).get();
    BOOST_REQUIRE_MESSAGE(receipt.ok(), (receipt.ok() ? "" : receipt.error().message));
  }

  void Exec(const std::string& sql) { BOOST_REQUIRE(!db->Exec(sql)); }

  void PutDocument(int kind, const std::string& agent, const std::string& id, int64_t updated) {
    Exec("INSERT INTO documents VALUES (" + std::to_string(kind) + ", " +
         (kind == 2 ? "''" : "'http://example.com/a'") + ", '" + agent + "', '', '" + id +
         "', 'application/json', x'00ff', NULL, " + std::to_string(updated) + ")");
  }

  int64_t Count(const std::string& sql) {
    auto stmt = db->Prepare(sql);
    BOOST_REQUIRE(stmt.ok());
    BOOST_REQUIRE(stmt->Step().value());
    return stmt->ColumnInt(0);
  }

  TableRows Dump() {
    TableRows rows;
    auto tables = db->Prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    BOOST_REQUIRE(tables.ok());
    std::vector<std::string> names;
    while (tables->Step().value()) names.push_back(tables->ColumnText(0));
    for (const std::string& table : names) {
      auto columns = db->Prepare("SELECT name FROM pragma_table_info('" + table + "')");
      BOOST_REQUIRE(columns.ok());
      std::string expr = "''";
      while (columns->Step().value()) expr += " || '|' || quote(\"" + columns->ColumnText(0) + "\")";
      auto select = db->Prepare("SELECT " + expr + " FROM \"" + table + "\"");
      BOOST_REQUIRE(select.ok());
      auto& set = rows[table];
      while (select->Step().value()) set.insert(select->ColumnText(0));
    }
    return rows;
  }

  // The first batch of a pass.
  RetentionBatchResult Expire(const RetentionLimits& limits = {}, ExpiryObserver* observer = nullptr) {
    auto result = ExpireBatch(*db, kCutoffs, RetentionCursor{}, limits, observer);
    BOOST_REQUIRE_MESSAGE(result.ok(), (result.ok() ? "" : result.error().message));
    return *result;
  }

  // A fact as ingest leaves it, written directly so that tests choose its key.
  void PutFact(const std::string& pseudonym, const std::string& activity, int64_t last_us) {
    Exec("INSERT INTO learner_facts VALUES ('" + pseudonym + "', '" + activity + "', '" +
         testing::kVerb + "', " + std::to_string(last_us) + ", " + std::to_string(last_us) +
         ", 1, 1, NULL, 0.5)");
  }
};

// Rows of `before` missing from `after`, per table; fails when `after` has a
// row `before` did not (something was changed or added).
TableRows Removed(const TableRows& before, const TableRows& after) {
  TableRows removed;
  for (const auto& [table, rows] : after) {
    const auto& old = before.at(table);
    for (const std::string& row : rows) {
      BOOST_TEST_CONTEXT("table " << table) { BOOST_TEST(old.count(row) == 1u, "changed: " << row); }
    }
  }
  for (const auto& [table, rows] : before) {
    const auto it = after.find(table);
    for (const std::string& row : rows) {
      if (it == after.end() || it->second.count(row) == 0) removed[table].insert(row);
    }
  }
  return removed;
}

size_t RemovedFrom(const TableRows& removed, const std::string& table) {
  auto it = removed.find(table);
  return it == removed.end() ? 0 : it->second.size();
}

class RecordingObserver : public ExpiryObserver {
 public:
  MaybeError BeforeExpire(Database& db, const ExpiringRows& rows) override {
    seen.push_back(rows);
    // The rows are still there when the observer runs (invariant 2).
    auto stmt = db.Prepare("SELECT count(*) FROM statements");
    if (!stmt.ok()) return stmt.error();
    if (!stmt->Step().value()) return MakeError(500, "test", "", "no count");
    statements_present = stmt->ColumnInt(0);
    return fail ? std::optional<Error>(MakeError(500, "test", "", "rollup failed")) : std::nullopt;
  }
  std::vector<ExpiringRows> seen;
  int64_t statements_present = 0;
  bool fail = false;
};

BOOST_FIXTURE_TEST_SUITE(retention, Fixture)

BOOST_AUTO_TEST_CASE(cutoffs_are_whole_days_before_now) {
  const RetentionCutoffs cutoffs = CutoffsAt(kNew, 730, 365);
  BOOST_TEST(cutoffs.statements_before_us == kNew - 730 * kDay);
  BOOST_TEST(cutoffs.facts_before_us == kNew - 365 * kDay);
}

// Regression: days * microseconds per day overflowed for a manifest that
// keeps data "forever" (1,000,000,000 days), which put the cutoff in the
// future and made a purge delete every statement, document and fact. A
// negative count (3,000,000,000 days read as an int) must not do that either.
BOOST_AUTO_TEST_CASE(a_retention_longer_than_time_can_count_expires_nothing) {
  WriteAt(kOld, {LearnerRecord(1, "ada")});
  const TableRows before = Dump();
  for (int days : {1'000'000'000, std::numeric_limits<int>::max(), -1'294'967'296}) {
    const RetentionCutoffs cutoffs = CutoffsAt(kNew, days, days);
    BOOST_TEST(cutoffs.statements_before_us == std::numeric_limits<int64_t>::min());
    BOOST_TEST(cutoffs.facts_before_us == std::numeric_limits<int64_t>::min());
    auto result = ExpireBatch(*db, cutoffs, RetentionCursor{});
    BOOST_REQUIRE(result.ok());
    BOOST_TEST(result->deleted.Total() == 0);
  }
  BOOST_TEST((Dump() == before));
  // The longest span that still fits is exact.
  const int64_t longest = std::numeric_limits<int64_t>::max() / kDay;
  BOOST_TEST(CutoffsAt(0, static_cast<int>(longest), 1).statements_before_us == -longest * kDay);
}

BOOST_AUTO_TEST_CASE(nothing_expired_deletes_nothing) {
  WriteAt(kNew, {LearnerRecord(1, "ada")});
  const TableRows before = Dump();
  const RetentionBatchResult result = Expire();
  BOOST_TEST(result.deleted.statements == 0);
  BOOST_TEST(!result.more);
  BOOST_TEST((Dump() == before));
}

BOOST_AUTO_TEST_CASE(expired_rows_go_and_every_other_row_stays_byte_for_byte) {
  WriteAt(kOld, {LearnerRecord(1, "ada"), LearnerRecord(2, "bob")});
  WriteAt(kNew, {LearnerRecord(3, "bob"), LearnerRecord(4, "cy")});
  const TableRows before = Dump();

  const RetentionBatchResult result = Expire();
  BOOST_TEST(result.deleted.statements == 2);
  BOOST_TEST(!result.more);
  const TableRows removed = Removed(before, Dump());
  BOOST_TEST(RemovedFrom(removed, "statements") == 2u);
  // Their agent (learner and authority) and activity rows, by cascade.
  BOOST_TEST(RemovedFrom(removed, "statement_agents") == 4u);
  BOOST_TEST(RemovedFrom(removed, "statement_activities") == 2u);
  BOOST_TEST(Count("SELECT count(*) FROM statements WHERE id IN ('" + Uuid(1) + "', '" + Uuid(2) +
                   "')") == 0);
  BOOST_TEST(Count("SELECT count(*) FROM statements") == 2);
}

BOOST_AUTO_TEST_CASE(foreign_keys_are_enforced_on_the_connection) {
  BOOST_TEST(Count("PRAGMA foreign_keys") == 1);
}

BOOST_AUTO_TEST_CASE(identities_go_only_when_nothing_left_refers_to_them) {
  WriteAt(kOld, {LearnerRecord(1, "ada"), LearnerRecord(2, "bob"), LearnerRecord(3, "cy")});
  WriteAt(kNew, {LearnerRecord(4, "bob")});
  PutDocument(1, "cy", "state", kNew);  // cy keeps a recent State document
  const TableRows before = Dump();

  const RetentionBatchResult result = Expire();
  BOOST_TEST(result.deleted.identities == 1);
  const TableRows removed = Removed(before, Dump());
  BOOST_TEST(RemovedFrom(removed, "identities") == 1u);
  BOOST_TEST(Count("SELECT count(*) FROM identities WHERE pseudonym = 'ada'") == 0);
  BOOST_TEST(Count("SELECT count(*) FROM identities WHERE pseudonym = 'bob'") == 1);
  BOOST_TEST(Count("SELECT count(*) FROM identities WHERE pseudonym = 'cy'") == 1);
  BOOST_TEST(Count("SELECT count(*) FROM identities WHERE pseudonym = 'authority-pseudonym'") == 1);
}

BOOST_AUTO_TEST_CASE(an_identity_goes_with_the_last_document_of_its_learner) {
  WriteAt(kOld, {LearnerRecord(1, "ada")});
  WriteAt(kNew, {LearnerRecord(2, "bob")});  // keeps the authority's identity
  PutDocument(2, "ada", "profile", kOld);
  PutDocument(1, "ada", "state", kOld);
  const RetentionBatchResult result = Expire();
  BOOST_TEST(result.deleted.documents == 2);
  BOOST_TEST(result.deleted.identities == 1);
  BOOST_TEST(Count("SELECT count(*) FROM identities WHERE pseudonym = 'ada'") == 0);
}

BOOST_AUTO_TEST_CASE(learner_documents_expire_and_activity_profiles_stay) {
  PutDocument(1, "ada", "old-state", kOld);
  PutDocument(2, "ada", "old-profile", kOld);
  PutDocument(3, "", "old-activity-profile", kOld);
  PutDocument(1, "ada", "new-state", kNew);
  const TableRows before = Dump();
  const RetentionBatchResult result = Expire();
  BOOST_TEST(result.deleted.documents == 2);
  const TableRows removed = Removed(before, Dump());
  BOOST_TEST(RemovedFrom(removed, "documents") == 2u);
  BOOST_TEST(Count("SELECT count(*) FROM documents WHERE document_id LIKE 'old-%' AND kind != 3") == 0);
  BOOST_TEST(Count("SELECT count(*) FROM documents") == 2);
}

BOOST_AUTO_TEST_CASE(facts_go_by_their_own_cutoff) {
  WriteAt(kOld, {LearnerRecord(1, "ada", "http://example.com/a")});
  WriteAt(kOld + 20 * kDay, {LearnerRecord(2, "ada", "http://example.com/b")});
  WriteAt(kNew, {LearnerRecord(3, "bob", "http://example.com/a")});
  const TableRows before = Dump();
  const RetentionBatchResult result = Expire();
  // Facts before kOld + 10 days go; statements before kOld + 50 days go.
  BOOST_TEST(result.deleted.facts == 1);
  BOOST_TEST(result.deleted.statements == 2);
  const TableRows removed = Removed(before, Dump());
  BOOST_TEST(RemovedFrom(removed, "learner_facts") == 1u);
  BOOST_TEST(Count("SELECT count(*) FROM learner_facts WHERE pseudonym = 'ada'"
                   " AND activity_id = 'http://example.com/b'") == 1);
}

BOOST_AUTO_TEST_CASE(attachments_go_when_no_remaining_statement_of_their_owner_names_them) {
  auto payload = [](const std::string& sha2, const std::string& owner) {
    return AttachmentPayload{sha2, owner, "text/plain", "sealed"};
  };
  WriteAt(kOld, {LearnerRecord(1, "ada", "http://example.com/a", {kShaA}),
                 LearnerRecord(2, "bob", "http://example.com/a", {kShaB})},
          {payload(kShaA, "ada"), payload(kShaB, "bob")});
  // Bob sends the same essay again, recently: his copy must stay.
  WriteAt(kNew, {LearnerRecord(3, "bob", "http://example.com/a", {kShaB})});
  const RetentionBatchResult result = Expire();
  BOOST_TEST(result.deleted.attachments == 1);
  BOOST_TEST(Count("SELECT count(*) FROM attachments WHERE owner = 'ada'") == 0);
  BOOST_TEST(Count("SELECT count(*) FROM attachments WHERE owner = 'bob'") == 1);
}

BOOST_AUTO_TEST_CASE(voiding_and_voided_statements_each_go_by_their_own_time) {
  WriteAt(kOld, {LearnerRecord(1, "ada"), LearnerRecord(2, "ada")});
  WriteAt(kOld + 1000, {VoidingRecord(3, 1)});  // old voiding of an old statement
  // A voiding statement stored before its target: the target is stored voided.
  WriteAt(kOld + 2000, {VoidingRecord(5, 6)});
  WriteAt(kNew, {VoidingRecord(4, 2), LearnerRecord(6, "bob")});  // 4: new voiding of an old one
  const RetentionBatchResult result = Expire();
  BOOST_TEST(result.deleted.statements == 4);  // 1, 2, 3, 5
  BOOST_TEST(Count("SELECT count(*) FROM statements WHERE id = '" + Uuid(4) + "'") == 1);
  BOOST_TEST(Count("SELECT voided FROM statements WHERE id = '" + Uuid(6) + "'") == 1);
}

// A definition that a remaining statement still names stays as it is (issue
// 14: only a definition whose statements all expired goes, see below).
BOOST_AUTO_TEST_CASE(consent_audit_data_keys_and_still_named_definitions_are_never_deleted) {
  StatementRecord record = LearnerRecord(1, "ada");
  record.activity_definitions = {{"http://example.com/a", R"({"name":{"en-US":"A"}})"}};
  clock.Set(kOld);
  BOOST_REQUIRE(Write(*writer, {record}, {{"ada", "master-1", "wrapped-key"}}).ok());
  WriteAt(kNew, {LearnerRecord(2, "bob")});
  Exec("INSERT INTO consent_events (pseudonym, state, purposes, actor, at_us)"
       " VALUES ('ada', 'granted', '[\"analytics\"]', 'lms-key', " + std::to_string(kOld) + ")");
  Exec("INSERT INTO audit_log VALUES (1, " + std::to_string(kOld) +
       ", 'lms-key', 'lms', 'statements.read', 'record-keeping', '{}', 'p', 'h', 2)");
  const TableRows before = Dump();
  BOOST_TEST(Expire().deleted.statements == 1);
  const TableRows removed = Removed(before, Dump());
  for (const char* kept : {"consent_events", "audit_log", "activities", "meta", "credentials"}) {
    BOOST_TEST(RemovedFrom(removed, kept) == 0u, kept);
  }
  auto keys = OpenKeyStore(dir.KeyStore());
  BOOST_REQUIRE(keys.ok());
  auto stmt = (*keys)->Prepare("SELECT count(*) FROM data_keys WHERE pseudonym = 'ada'");
  BOOST_REQUIRE(stmt.ok());
  BOOST_REQUIRE(stmt->Step().value());
  BOOST_TEST(stmt->ColumnInt(0) == 1);
}

BOOST_AUTO_TEST_CASE(the_observer_sees_exactly_the_rows_about_to_go) {
  WriteAt(kOld, {LearnerRecord(1, "ada", "http://example.com/a", {kShaA})},
          {{kShaA, "ada", "text/plain", "sealed"}});
  WriteAt(kNew, {LearnerRecord(2, "bob")});
  PutDocument(1, "ada", "state", kOld);
  PutDocument(1, "bob", "state", kNew);
  const TableRows before = Dump();

  RecordingObserver observer;
  const RetentionBatchResult result = Expire({}, &observer);
  BOOST_REQUIRE(observer.seen.size() == 1u);
  BOOST_TEST(observer.statements_present == 2);  // called before anything went
  const ExpiringRows& rows = observer.seen[0];
  const TableRows removed = Removed(before, Dump());

  BOOST_REQUIRE(rows.statements.size() == 1u);
  const ExpiringStatement& s = rows.statements[0];
  BOOST_TEST(s.id == Uuid(1));
  BOOST_TEST(s.stored_us == kOld);
  BOOST_TEST(s.verb_id == testing::kVerb);
  BOOST_TEST(s.json == LearnerRecord(1, "ada", "http://example.com/a", {kShaA}).json);
  BOOST_TEST(s.agents.size() == 2u);
  BOOST_TEST(s.activities.size() == 1u);
  BOOST_TEST(RemovedFrom(removed, "statements") == rows.statements.size());

  BOOST_REQUIRE(rows.documents.size() == 1u);
  BOOST_TEST(rows.documents[0].key.agent_pseudonym == "ada");
  BOOST_TEST(RemovedFrom(removed, "documents") == 1u);

  BOOST_REQUIRE(rows.facts.size() == 1u);
  BOOST_TEST(rows.facts[0].pseudonym == "ada");
  BOOST_TEST(rows.facts[0].statements == 1);
  BOOST_TEST((rows.facts[0].completion == std::optional<bool>(true)));
  BOOST_TEST(!rows.facts[0].success.has_value());
  BOOST_TEST((rows.facts[0].score_scaled == std::optional<double>(0.5)));
  BOOST_TEST(RemovedFrom(removed, "learner_facts") == 1u);

  BOOST_REQUIRE(rows.attachments.size() == 1u);
  BOOST_TEST(rows.attachments[0].owner == "ada");
  BOOST_TEST(RemovedFrom(removed, "attachments") == 1u);

  BOOST_REQUIRE(rows.identities.size() == 1u);
  BOOST_TEST(rows.identities[0].variant_id == "variant-ada");
  BOOST_TEST(RemovedFrom(removed, "identities") == 1u);

  BOOST_TEST(result.deleted.statements == 1);
  BOOST_TEST(result.deleted.identities == 1);
}

BOOST_AUTO_TEST_CASE(an_observer_error_rolls_the_batch_back) {
  WriteAt(kOld, {LearnerRecord(1, "ada")});
  const TableRows before = Dump();
  RecordingObserver observer;
  observer.fail = true;
  auto result = ExpireBatch(*db, kCutoffs, RetentionCursor{}, {}, &observer);
  BOOST_REQUIRE(!result.ok());
  BOOST_TEST(result.error().message == "rollup failed");
  BOOST_TEST((Dump() == before));
}

BOOST_AUTO_TEST_CASE(batches_are_bounded_and_expire_all_runs_them_until_done) {
  std::vector<StatementRecord> old;
  for (int n = 1; n <= 7; ++n) old.push_back(LearnerRecord(n, "learner-" + std::to_string(n)));
  WriteAt(kOld, old);
  WriteAt(kNew, {LearnerRecord(8, "ada")});

  RetentionLimits limits;
  limits.rows_per_kind = 3;
  RetentionBatchResult first = Expire(limits);
  BOOST_TEST(first.deleted.statements == 3);
  BOOST_TEST(first.deleted.facts == 3);
  BOOST_TEST(first.more);
  // The oldest first: statements 1 to 3.
  BOOST_TEST(Count("SELECT count(*) FROM statements WHERE id IN ('" + Uuid(1) + "', '" + Uuid(2) +
                   "', '" + Uuid(3) + "')") == 0);

  int batches = 0;
  auto total = ExpireAll([&](const RetentionCursor& from) {
    ++batches;
    return ExpireBatch(*db, kCutoffs, from, limits);
  });
  BOOST_REQUIRE(total.ok());
  BOOST_TEST(batches == 2);  // 3, then 1 (and no more)
  BOOST_TEST(total->statements == 4);
  BOOST_TEST(Count("SELECT count(*) FROM statements") == 1);
}

BOOST_AUTO_TEST_CASE(expire_all_stops_when_asked) {
  std::vector<StatementRecord> old;
  for (int n = 1; n <= 4; ++n) old.push_back(LearnerRecord(n, "ada"));
  WriteAt(kOld, old);
  RetentionLimits limits;
  limits.rows_per_kind = 1;
  int batches = 0;
  auto total = ExpireAll(
      [&](const RetentionCursor& from) {
        ++batches;
        return ExpireBatch(*db, kCutoffs, from, limits);
      },
      [&] { return batches == 2; });
  BOOST_REQUIRE(total.ok());
  BOOST_TEST(batches == 2);
  BOOST_TEST(total->statements == 2);
}

BOOST_AUTO_TEST_CASE(ingest_continues_between_batches_on_the_writer_thread) {
  WriteAt(kOld, {LearnerRecord(1, "ada"), LearnerRecord(2, "ada")});
  RetentionLimits limits;
  limits.rows_per_kind = 1;
  auto batch = [&](const RetentionCursor& from) {
    return writer
        ->RunExclusive<RetentionBatchResult>([from, limits](Database& writer_db, Database&) {
          return ExpireBatch(writer_db, kCutoffs, from, limits);
        })
        .get();
  };
  auto first = batch(RetentionCursor{});
  BOOST_REQUIRE(first.ok());
  BOOST_TEST(first->deleted.statements == 1);
  WriteAt(kNew, {LearnerRecord(3, "ada")});  // between two batches
  auto total = ExpireAll(batch);
  BOOST_REQUIRE(total.ok());
  BOOST_TEST(total->statements == 1);
  BOOST_TEST(Count("SELECT count(*) FROM statements") == 1);
  BOOST_TEST(Count("SELECT count(*) FROM identities WHERE pseudonym = 'ada'") == 1);
}

// Facts have no time index (schema.cc, version 5): a pass walks them in
// primary key order, a bounded chunk per batch (header invariant 3).
BOOST_AUTO_TEST_CASE(a_pass_over_more_facts_than_one_chunk_expires_exactly_the_expired_ones) {
  // 60 facts, expired and kept ones interleaved in key order, in runs so
  // that some chunks hold only one kind; two activities per learner.
  std::set<std::string> expired;
  for (int n = 0; n < 30; ++n) {
    const std::string learner = "learner-" + std::string(n < 10 ? "0" : "") + std::to_string(n);
    for (int k = 0; k < 2; ++k) {
      const std::string activity = k == 0 ? "http://example.com/a" : "http://example.com/b";
      const bool old = (n % 7 < 3) != (k == 1 && n % 5 == 0);
      PutFact(learner, activity, old ? kOld : kNew);
      if (old) expired.insert(learner + " " + activity);
    }
  }
  BOOST_REQUIRE(expired.size() > 10u);
  const TableRows before = Dump();

  RetentionLimits limits;
  limits.rows_per_kind = 4;
  limits.facts_examined = 7;
  std::set<std::string> seen;
  int batches = 0;
  auto total = ExpireAll([&](const RetentionCursor& from) {
    ++batches;
    RecordingObserver observer;
    auto batch = ExpireBatch(*db, kCutoffs, from, limits, &observer);
    BOOST_REQUIRE(batch.ok());
    BOOST_TEST(batch->deleted.facts <= 4);
    for (const ExpiringRows& rows : observer.seen) {
      for (const ExpiringFact& fact : rows.facts) {
        BOOST_TEST(fact.last_us == kOld);
        BOOST_TEST(seen.insert(fact.pseudonym + " " + fact.activity_id).second, "twice");
      }
    }
    return batch;
  });
  BOOST_REQUIRE(total.ok());
  BOOST_TEST(total->facts == static_cast<int64_t>(expired.size()));
  BOOST_TEST((seen == expired));
  // A batch examines 7 facts, or stops at its 4th expired one, or at the
  // end of the table: each fact was examined once.
  BOOST_TEST(batches >= 9);
  BOOST_TEST(batches <= 60 / 7 + static_cast<int>(expired.size()) / 4 + 1);

  const TableRows removed = Removed(before, Dump());  // fails if a kept row changed
  BOOST_TEST(RemovedFrom(removed, "learner_facts") == expired.size());
  BOOST_TEST(Count("SELECT count(*) FROM learner_facts WHERE last_us < " +
                   std::to_string(kCutoffs.facts_before_us)) == 0);
  BOOST_TEST(Count("SELECT count(*) FROM learner_facts") ==
             60 - static_cast<int64_t>(expired.size()));
}

BOOST_AUTO_TEST_CASE(a_chunk_without_expired_facts_deletes_nothing_and_the_walk_goes_on) {
  for (int n = 0; n < 10; ++n) PutFact("kept-" + std::to_string(n), "http://example.com/a", kNew);
  PutFact("old", "http://example.com/a", kOld);  // last in key order
  const TableRows before = Dump();
  RetentionLimits limits;
  limits.facts_examined = 5;

  auto first = ExpireBatch(*db, kCutoffs, RetentionCursor{}, limits);
  BOOST_REQUIRE(first.ok());
  BOOST_TEST(first->deleted.facts == 0);
  BOOST_TEST(first->more);  // the walk is not at the end of the table
  BOOST_TEST((Dump() == before));

  int batches = 1;
  RetentionCursor cursor = first->next;
  for (;;) {
    auto batch = ExpireBatch(*db, kCutoffs, cursor, limits);
    BOOST_REQUIRE(batch.ok());
    ++batches;
    if (!batch->more) {
      BOOST_TEST(batch->deleted.facts == 1);
      break;
    }
    BOOST_TEST(batch->deleted.facts == 0);
    BOOST_REQUIRE(batches < 5);
    cursor = batch->next;
  }
  BOOST_TEST(batches == 3);  // 5 kept, 5 kept, then the old one and the end
  BOOST_TEST(Count("SELECT count(*) FROM learner_facts") == 10);
}

BOOST_AUTO_TEST_CASE(facts_written_between_batches_do_not_disturb_the_walk) {
  for (int n = 0; n < 6; ++n) PutFact("learner-" + std::to_string(n), "http://example.com/a", kOld);
  RetentionLimits limits;
  limits.facts_examined = 3;
  auto first = ExpireBatch(*db, kCutoffs, RetentionCursor{}, limits);
  BOOST_REQUIRE(first.ok());
  BOOST_TEST(first->deleted.facts == 3);  // learner-0 to learner-2
  // Between two batches ingest adds a fact behind the walk and one ahead of
  // it, and makes an expired one ahead of it newer.
  PutFact("learner-1", "http://example.com/b", kNew);
  PutFact("learner-9", "http://example.com/a", kNew);
  Exec("UPDATE learner_facts SET last_us = " + std::to_string(kNew) +
       " WHERE pseudonym = 'learner-4'");
  int batches = 0;
  RetentionCursor cursor = first->next;
  ExpiredCounts total;
  for (bool more = true; more; ++batches) {
    auto batch = ExpireBatch(*db, kCutoffs, cursor, limits);
    BOOST_REQUIRE(batch.ok());
    total += batch->deleted;
    more = batch->more;
    cursor = batch->next;
    BOOST_REQUIRE(batches < 5);
  }
  BOOST_TEST(total.facts == 2);  // learner-3 and learner-5
  BOOST_TEST(Count("SELECT count(*) FROM learner_facts") == 3);
  const std::string old_facts =
      "SELECT count(*) FROM learner_facts WHERE last_us = " + std::to_string(kOld);
  BOOST_TEST(Count(old_facts) == 0);
}

// Issue 14, finding 7: a definition whose statements all expired goes.
BOOST_AUTO_TEST_CASE(a_definition_whose_statements_all_expired_goes) {
  StatementRecord essay = LearnerRecord(1, "ada", "http://example.com/essay-by-ada");
  essay.activity_definitions = {
      {"http://example.com/essay-by-ada", R"({"name":{"en-US":"Ada's"}})"}};
  WriteAt(kOld, {essay});
  const RetentionBatchResult result = Expire();
  BOOST_TEST(result.deleted.activity_definitions == 1);
  BOOST_TEST(Count("SELECT count(*) FROM activities") == 0);
}

// Issue 14, finding 8: an anonymous Group's sealed identity goes once no
// remaining statement refers to it, and stays while one does.
BOOST_AUTO_TEST_CASE(an_anonymous_groups_identity_goes_with_its_last_statement) {
  auto by_group = [](int n, const std::string& group) {
    StatementRecord record = LearnerRecord(n, "lin");
    record.agents.push_back({"kai", AgentRole::kActorOrObject});
    record.json = "{\"id\":\"" + record.id + "\",\"actor\":{\"objectType\":\"Group\",\"$p\":\"" +
                  group + "\",\"$anon\":true,\"member\":[{\"$p\":\"lin\"},{\"$p\":\"kai\"}]}}";
    record.identities.push_back({"variant-" + group, group, "sealed-" + group});
    return record;
  };
  WriteAt(kOld, {by_group(1, "old-group"), by_group(2, "kept-group")});
  WriteAt(kNew, {by_group(3, "kept-group")});
  const RetentionBatchResult result = Expire();
  BOOST_TEST(result.deleted.statements == 2);
  BOOST_TEST(Count("SELECT count(*) FROM identities WHERE pseudonym = 'old-group'") == 0);
  BOOST_TEST(Count("SELECT count(*) FROM identities WHERE pseudonym = 'kept-group'") == 1);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace lrs::storage

#define BOOST_TEST_MODULE storage_statement_query
#include "storage/statement_query.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>

#include "storage/database.h"
#include "storage/schema.h"
#include "storage/statement_writer.h"
#include "tests/storage/storage_test_util.h"

namespace lrs::storage {
namespace {

using testing::kVerb;
using testing::Record;
using testing::RefRecord;
using testing::TempDir;
using testing::VoidingRecord;
using testing::Write;

// The plan's lines (EXPLAIN QUERY PLAN's detail column).
std::vector<std::string> Plan(Database& db, const std::string& sql) {
  Result<Statement> explain = db.Prepare("EXPLAIN QUERY PLAN " + sql);
  BOOST_REQUIRE_MESSAGE(explain.ok(), sql);
  std::vector<std::string> lines;
  while (explain->Step().value()) lines.push_back(explain->ColumnText(3));
  return lines;
}

// No full scan of a table and no sort: every query walks an index in seq
// order. Scans of SQLite's own intermediate results are fine: the recursive
// step's queue (m), the closure (ref_matched) and a counted subquery.
void CheckUsesIndexes(Database& db, const std::string& sql) {
  for (const std::string& line : Plan(db, sql)) {
    BOOST_TEST_CONTEXT(sql << "\n  plan line: " << line) {
      const bool scans = line.rfind("SCAN ", 0) == 0 && line != "SCAN m" &&
                         line != "SCAN ref_matched" && line.rfind("SCAN (subquery-", 0) != 0;
      BOOST_TEST(!scans);
      BOOST_TEST(line.find("TEMP B-TREE") == std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(every_filter_shape_is_served_by_indexes) {
  TempDir dir;
  Result<std::unique_ptr<Database>> db = Database::Open(dir.StatementDb());
  BOOST_REQUIRE(db.ok());
  BOOST_REQUIRE(!MigrateStatementDatabase(**db));

  int shapes = 0;
  for (int bits = 0; bits < 128; ++bits) {
    StatementFilter filter;
    if (bits & 1) filter.agent_pseudonym = "p";
    if (bits & 2) filter.verb_id = "v";
    if (bits & 4) filter.activity_id = "a";
    if (bits & 8) filter.registration = "r";
    filter.related_agents = bits & 16;
    filter.related_activities = bits & 32;
    filter.ascending = bits & 64;
    BOOST_TEST(HasTargetFilters(filter) == ((bits & 15) != 0));
    for (RefSeed seed : {RefSeed::kNone, RefSeed::kFromTargets, RefSeed::kFromReferrers}) {
      CheckUsesIndexes(**db, BuildStatementQuery(filter, seed));
    }
    if (HasTargetFilters(filter)) CheckUsesIndexes(**db, BuildTargetCountQuery(filter));
    ++shapes;
  }
  BOOST_TEST(shapes == 128);
}

BOOST_AUTO_TEST_CASE(writer_and_reader_lookups_are_served_by_indexes) {
  TempDir dir;
  Result<std::unique_ptr<Database>> db = Database::Open(dir.StatementDb());
  BOOST_REQUIRE(db.ok());
  BOOST_REQUIRE(!MigrateStatementDatabase(**db));
  for (const char* sql : {
           "SELECT content_hash, is_voiding FROM statements WHERE id = ?1",
           "SELECT 1 FROM statements WHERE statement_ref = ?1 AND is_voiding = 1 LIMIT 1",
           "SELECT max(stored_us) FROM statements",
           "SELECT seq FROM statements WHERE stored_us > ?1 ORDER BY stored_us, seq LIMIT 1",
           "SELECT seq FROM statements WHERE stored_us <= ?1 "
           "ORDER BY stored_us DESC, seq DESC LIMIT 1",
           "SELECT variant_id FROM identities WHERE pseudonym = ?1",
           "DELETE FROM statements WHERE seq = ?1",
       }) {
    CheckUsesIndexes(**db, sql);
  }
  CheckUsesIndexes(**db, BuildReferrerCountQuery());
}

// Runs a built query over the whole snapshot; returns the seqs.
std::vector<int64_t> Run(Database& db, const StatementFilter& filter, RefSeed seed,
                         int64_t snapshot) {
  Result<Statement> stmt = db.Prepare(BuildStatementQuery(filter, seed));
  BOOST_REQUIRE(stmt.ok());
  stmt->Bind(kParamLowSeq, int64_t{0}).Bind(kParamHighSeq, snapshot).Bind(kParamLimit, 1000);
  if (filter.agent_pseudonym) stmt->Bind(kParamAgent, *filter.agent_pseudonym);
  if (filter.verb_id) stmt->Bind(kParamVerb, *filter.verb_id);
  if (filter.activity_id) stmt->Bind(kParamActivity, *filter.activity_id);
  if (filter.registration) stmt->Bind(kParamRegistration, *filter.registration);
  if (seed != RefSeed::kNone) stmt->Bind(kParamSnapshot, snapshot);
  std::vector<int64_t> seqs;
  while (stmt->Step().value()) seqs.push_back(stmt->ColumnInt(0));
  return seqs;
}

// The reader picks the closure's seed by cost; both must give the same rows.
BOOST_AUTO_TEST_CASE(both_closure_seeds_give_the_same_statements) {
  TempDir dir;
  {
    Result<std::unique_ptr<StatementWriter>> writer =
        StatementWriter::Open(dir.StatementDb(), dir.KeyStore());
    BOOST_REQUIRE(writer.ok());
    std::vector<StatementRecord> records;
    for (int n = 1; n <= 40; ++n) {
      StatementRecord record = Record(n, "p" + std::to_string(n % 3), n % 2 ? kVerb : "verb-b",
                                      "a" + std::to_string(n % 4));
      if (n % 5 == 0) record.registration = "r" + std::to_string(n % 2);
      record.agents.push_back({"p" + std::to_string((n + 1) % 3), AgentRole::kRelated});
      record.activities.push_back({"a" + std::to_string((n + 1) % 4), ActivityRole::kRelated});
      records.push_back(record);
    }
    // Chains, refs to refs, to unknown targets, a cycle, and voiding.
    records.push_back(RefRecord(41, 1, "p9", "verb-ref"));
    records.push_back(RefRecord(42, 41, "p9", "verb-ref"));
    records.push_back(RefRecord(43, 99, "p1", "verb-ref"));
    records.push_back(RefRecord(44, 45, "p9", "verb-ref"));
    records.push_back(RefRecord(45, 44, "p2", "verb-ref"));
    records.push_back(VoidingRecord(46, 2));
    records.push_back(VoidingRecord(47, 7));
    records.push_back(RefRecord(48, 47, "p9", "verb-ref"));
    BOOST_REQUIRE(Write(**writer, records).ok());
  }
  Result<std::unique_ptr<Database>> db = Database::Open(dir.StatementDb());
  BOOST_REQUIRE(db.ok());

  int compared = 0;
  for (int bits = 1; bits < 64; ++bits) {
    for (int value = 0; value < 3; ++value) {
      StatementFilter filter;
      if (bits & 1) filter.agent_pseudonym = value == 2 ? "p9" : "p" + std::to_string(value);
      if (bits & 2) filter.verb_id = value == 0 ? kVerb : value == 1 ? "verb-b" : "verb-ref";
      if (bits & 4) filter.activity_id = "a" + std::to_string(value);
      if (bits & 8) filter.registration = "r" + std::to_string(value);
      filter.related_agents = bits & 16;
      filter.related_activities = bits & 32;
      if (!HasTargetFilters(filter)) continue;
      BOOST_TEST_CONTEXT("shape " << bits << " value " << value) {
        const std::vector<int64_t> from_targets = Run(**db, filter, RefSeed::kFromTargets, 48);
        const std::vector<int64_t> from_referrers = Run(**db, filter, RefSeed::kFromReferrers, 48);
        BOOST_TEST(from_targets == from_referrers, boost::test_tools::per_element());
        ++compared;
      }
    }
  }
  BOOST_TEST(compared > 100);
  // Spot checks that the closure is really followed (not two empty answers).
  StatementFilter p1;
  p1.agent_pseudonym = "p1";
  p1.verb_id = kVerb;
  const std::vector<int64_t> seqs = Run(**db, p1, RefSeed::kFromReferrers, 48);
  BOOST_TEST(std::count(seqs.begin(), seqs.end(), 41) == 1);  // refers to 1
  BOOST_TEST(std::count(seqs.begin(), seqs.end(), 42) == 1);  // refers to 41
  BOOST_TEST(std::count(seqs.begin(), seqs.end(), 1) == 1);
  BOOST_TEST(std::count(seqs.begin(), seqs.end(), 7) == 0);   // voided
  BOOST_TEST(std::count(seqs.begin(), seqs.end(), 47) == 1);  // voids 7
  BOOST_TEST(std::count(seqs.begin(), seqs.end(), 48) == 1);  // refers to 47
}

}  // namespace
}  // namespace lrs::storage

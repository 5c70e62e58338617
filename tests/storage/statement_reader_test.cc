#define BOOST_TEST_MODULE storage_statement_reader
#include "storage/statement_reader.h"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <functional>
#include <set>
#include <thread>

#include "storage/statement_writer.h"
#include "tests/storage/storage_test_util.h"

namespace lrs::storage {
namespace {

using testing::FakeClock;
using testing::kVerb;
using testing::kVoided;
using testing::Record;
using testing::RefRecord;
using testing::TempDir;
using testing::Uuid;
using testing::VoidingRecord;
using testing::Write;

constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kStart = 1'700'000'000 * kSecond;
constexpr char kOtherVerb[] = "http://adlnet.gov/expapi/verbs/completed";

struct Fixture {
  TempDir dir;
  FakeClock clock{kStart};
  std::unique_ptr<StatementWriter> writer;
  std::unique_ptr<StatementReader> reader;

  Fixture() {
    Result<std::unique_ptr<StatementWriter>> w =
        StatementWriter::Open(dir.StatementDb(), dir.KeyStore(), clock.AsClock());
    BOOST_REQUIRE(w.ok());
    writer = std::move(*w);
    Result<std::unique_ptr<StatementReader>> r = StatementReader::Open(dir.StatementDb());
    BOOST_REQUIRE(r.ok());
    reader = std::move(*r);
  }

  // Stores one group at second `second` after kStart.
  void StoreAt(int second, std::vector<StatementRecord> records) {
    clock.Set(kStart + second * kSecond);
    Result<WriteReceipt> receipt = Write(*writer, std::move(records));
    BOOST_REQUIRE(receipt.ok());
  }

  StatementPage Query(const StatementFilter& filter) {
    Result<StatementPage> page = reader->Query(filter);
    BOOST_REQUIRE(page.ok());
    return std::move(*page);
  }
};

std::vector<std::string> Ids(const StatementPage& page) {
  std::vector<std::string> ids;
  for (const StoredStatement& statement : page.statements) ids.push_back(statement.id);
  return ids;
}

std::vector<std::string> Uuids(std::initializer_list<int> numbers) {
  std::vector<std::string> ids;
  for (int n : numbers) ids.push_back(Uuid(n));
  return ids;
}

StatementFilter Filter(const std::function<void(StatementFilter&)>& set) {
  StatementFilter filter;
  set(filter);
  return filter;
}

BOOST_FIXTURE_TEST_SUITE(statement_reader, Fixture)

BOOST_AUTO_TEST_CASE(finds_by_id_voided_or_not_and_counts) {
  StoreAt(1, {Record(1), Record(2), VoidingRecord(3, 1)});
  std::optional<StoredStatement> voided = reader->FindById(Uuid(1)).value();
  BOOST_REQUIRE(voided.has_value());
  BOOST_TEST(voided->voided);
  BOOST_TEST(voided->seq == 1);
  BOOST_TEST(voided->stored_us == kStart + kSecond);
  BOOST_TEST(!reader->FindById(Uuid(99)).value().has_value());
  BOOST_TEST(reader->CountStatements().value() == 3);
}

BOOST_AUTO_TEST_CASE(finds_identities_skipping_missing_ones) {
  StatementRecord record = Record(1);
  record.identities = {{"v1", "p1", "sealed-1"}, {"v2", "p2", "sealed-2"}};
  StoreAt(1, {record});
  std::vector<SealedIdentity> found = reader->FindIdentities({"v2", "missing", "v1", "v2"}).value();
  BOOST_REQUIRE(found.size() == 2u);
  std::set<std::string> sealed;
  for (const SealedIdentity& identity : found) sealed.insert(identity.sealed);
  BOOST_TEST((sealed == std::set<std::string>{"sealed-1", "sealed-2"}));
  BOOST_TEST(reader->FindIdentities({}).value().empty());
}

// Statements 1-4 (DESIGN: agent, verb, activity, registration columns):
//   1  actor p1, verb experienced, object a1, registration r1
//   2  actor p2, verb completed,   object a2, context a1, instructor p1
//   3  actor p1, verb completed,   object a2, registration r2
//   4  actor p3, verb experienced, object a3
struct FilterCase {
  const char* name;
  std::function<void(StatementFilter&)> set;
  std::vector<int> expected;  // newest first unless ascending
};

BOOST_AUTO_TEST_CASE(each_filter_selects_its_statements) {
  StatementRecord s1 = Record(1, "p1", kVerb, "a1");
  s1.registration = "r1";
  StatementRecord s2 = Record(2, "p2", kOtherVerb, "a2");
  s2.activities.push_back({"a1", ActivityRole::kRelated});
  s2.agents.push_back({"p1", AgentRole::kRelated});
  StatementRecord s3 = Record(3, "p1", kOtherVerb, "a2");
  s3.registration = "r2";
  StatementRecord s4 = Record(4, "p3", kVerb, "a3");
  StoreAt(1, {s1, s2, s3, s4});

  const std::vector<FilterCase> cases = {
      {"none", [](StatementFilter&) {}, {4, 3, 2, 1}},
      {"ascending", [](StatementFilter& f) { f.ascending = true; }, {1, 2, 3, 4}},
      {"agent", [](StatementFilter& f) { f.agent_pseudonym = "p1"; }, {3, 1}},
      {"related_agents",
       [](StatementFilter& f) {
         f.agent_pseudonym = "p1";
         f.related_agents = true;
       },
       {3, 2, 1}},
      {"verb", [](StatementFilter& f) { f.verb_id = kVerb; }, {4, 1}},
      {"activity", [](StatementFilter& f) { f.activity_id = "a1"; }, {1}},
      {"related_activities",
       [](StatementFilter& f) {
         f.activity_id = "a1";
         f.related_activities = true;
       },
       {2, 1}},
      {"registration", [](StatementFilter& f) { f.registration = "r2"; }, {3}},
      {"agent_and_verb",
       [](StatementFilter& f) {
         f.agent_pseudonym = "p1";
         f.verb_id = kOtherVerb;
       },
       {3}},
      {"all_four",
       [](StatementFilter& f) {
         f.agent_pseudonym = "p1";
         f.verb_id = kVerb;
         f.activity_id = "a1";
         f.registration = "r1";
         f.ascending = true;
       },
       {1}},
      {"unknown_agent", [](StatementFilter& f) { f.agent_pseudonym = "nobody"; }, {}},
  };
  for (const FilterCase& c : cases) {
    BOOST_TEST_CONTEXT("case " << c.name) {
      std::vector<std::string> expected;
      for (int n : c.expected) expected.push_back(Uuid(n));
      StatementPage page = Query(Filter(c.set));
      BOOST_TEST(Ids(page) == expected, boost::test_tools::per_element());
      BOOST_TEST(!page.has_more);
      BOOST_TEST(page.snapshot_seq == 4);
    }
  }
}

BOOST_AUTO_TEST_CASE(since_is_exclusive_and_until_inclusive) {
  StoreAt(1, {Record(1)});
  StoreAt(2, {Record(2), Record(3)});
  StoreAt(3, {Record(4)});
  const int64_t t1 = kStart + kSecond, t2 = kStart + 2 * kSecond, t3 = kStart + 3 * kSecond;

  struct Case {
    std::optional<int64_t> since, until;
    std::vector<int> expected;
  };
  const std::vector<Case> cases = {
      {t1, std::nullopt, {4, 3, 2}},
      {t2, std::nullopt, {4}},
      {t3, std::nullopt, {}},
      {std::nullopt, t2, {3, 2, 1}},
      {std::nullopt, t1 - 1, {}},
      {std::nullopt, t3 + 5, {4, 3, 2, 1}},
      {t1, t2, {3, 2}},
      {t2, t2, {}},
      {t1 - 1, t1, {1}},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("since " << c.since.value_or(0) << " until " << c.until.value_or(0)) {
      StatementFilter filter;
      filter.since_us = c.since;
      filter.until_us = c.until;
      std::vector<std::string> expected;
      for (int n : c.expected) expected.push_back(Uuid(n));
      BOOST_TEST(Ids(Query(filter)) == expected, boost::test_tools::per_element());
      filter.agent_pseudonym = "actor-pseudonym";  // same bounds on the filtered path
      BOOST_TEST(Ids(Query(filter)) == expected, boost::test_tools::per_element());
    }
  }
}

BOOST_AUTO_TEST_CASE(voided_statements_are_excluded) {
  StoreAt(1, {Record(1), Record(2)});
  StoreAt(2, {VoidingRecord(3, 1)});
  BOOST_TEST(Ids(Query({})) == Uuids({3, 2}), boost::test_tools::per_element());
}

// Pages through with `limit` until has_more is false, inserting new
// statements between pages; returns every id seen, in order.
std::vector<std::string> PageThrough(Fixture& f, StatementFilter filter, int& next_new) {
  std::vector<std::string> seen;
  for (int pages = 0; pages < 100; ++pages) {
    StatementPage page = f.Query(filter);
    for (const StoredStatement& s : page.statements) seen.push_back(s.id);
    if (!page.has_more) break;
    BOOST_TEST(static_cast<int>(page.statements.size()) == filter.limit);
    f.StoreAt(10, {Record(next_new++), Record(next_new++)});
    filter.snapshot_seq = page.snapshot_seq;
    filter.after_seq = page.statements.back().seq;
  }
  return seen;
}

BOOST_AUTO_TEST_CASE(paging_with_a_snapshot_is_stable_while_statements_arrive) {
  for (int n = 1; n <= 10; ++n) StoreAt(n, {Record(n)});
  int next_new = 100;
  StatementFilter filter;
  filter.limit = 3;
  BOOST_TEST(PageThrough(*this, filter, next_new) == Uuids({10, 9, 8, 7, 6, 5, 4, 3, 2, 1}),
             boost::test_tools::per_element());

  filter.ascending = true;
  filter.limit = 4;
  BOOST_TEST(PageThrough(*this, filter, next_new) ==
                 Uuids({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100, 101, 102, 103, 104, 105}),
             boost::test_tools::per_element());

  // The filtered path pages the same way.
  StatementFilter by_verb;
  by_verb.verb_id = kVerb;
  by_verb.limit = 7;
  by_verb.since_us = kStart + 5 * kSecond;
  std::vector<std::string> seen = PageThrough(*this, by_verb, next_new);
  BOOST_TEST(seen.size() == 5u + 12u);
  BOOST_TEST(seen.back() == Uuid(6));
}

BOOST_AUTO_TEST_CASE(an_exact_last_page_has_no_more) {
  for (int n = 1; n <= 4; ++n) StoreAt(n, {Record(n)});
  StatementFilter filter;
  filter.limit = 4;
  BOOST_TEST(!Query(filter).has_more);
  filter.limit = 3;
  BOOST_TEST(Query(filter).has_more);
}

BOOST_AUTO_TEST_CASE(empty_store_returns_an_empty_page) {
  StatementPage page = Query({});
  BOOST_TEST(page.statements.empty());
  BOOST_TEST(!page.has_more);
  BOOST_TEST(page.snapshot_seq == 0);
}

// Communication 2.1.3, Filter Conditions for StatementRefs. Run twice: with
// few statements about p1 the reader starts the closure from them, with many
// from the StatementRefs (statement_query.cc); the answer must not change.
BOOST_DATA_TEST_CASE_F(Fixture, statement_refs_match_through_their_targets_recursively,
                       boost::unit_test::data::make({0, 2000}), older_about_p1) {
  if (older_about_p1 > 0) {
    std::vector<StatementRecord> older;
    for (int n = 0; n < older_about_p1; ++n) older.push_back(Record(100000 + n, "p1"));
    StoreAt(0, older);
  }
  const auto with_older = [&](std::vector<std::string> ids) {
    for (int n = older_about_p1 - 1; n >= 0; --n) ids.push_back(Uuid(100000 + n));
    return ids;
  };
  StoreAt(1, {Record(1, "p1")});                     // target, about p1
  StoreAt(2, {RefRecord(2, 1, "p9", kOtherVerb)});   // refers to 1
  StoreAt(3, {RefRecord(3, 2, "p8", kOtherVerb)});   // refers to 2, so to 1
  StoreAt(4, {RefRecord(4, 77, "p8", kOtherVerb)});  // refers to nothing stored
  StoreAt(5, {Record(5, "p2")});

  StatementFilter by_agent;
  by_agent.agent_pseudonym = "p1";
  by_agent.limit = 5000;
  BOOST_TEST(Ids(Query(by_agent)) == with_older(Uuids({3, 2, 1})),
             boost::test_tools::per_element());

  // since/until apply to the referring statement, not to its target.
  by_agent.since_us = kStart + 2 * kSecond;
  BOOST_TEST(Ids(Query(by_agent)) == Uuids({3}), boost::test_tools::per_element());

  // A referring statement that matches itself is listed once.
  StatementFilter by_verb;
  by_verb.verb_id = kOtherVerb;
  BOOST_TEST(Ids(Query(by_verb)) == Uuids({4, 3, 2}), boost::test_tools::per_element());

  // A snapshot taken before the referring statements hides them.
  by_agent = StatementFilter{};
  by_agent.agent_pseudonym = "p1";
  by_agent.limit = 5000;
  by_agent.snapshot_seq = older_about_p1 + 2;
  BOOST_TEST(Ids(Query(by_agent)) == with_older(Uuids({2, 1})), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(voiding_statement_matches_through_its_voided_target) {
  StoreAt(1, {Record(1, "p1"), Record(2, "p1")});
  StoreAt(2, {VoidingRecord(3, 1)});
  StatementFilter by_agent;
  by_agent.agent_pseudonym = "p1";
  BOOST_TEST(Ids(Query(by_agent)) == Uuids({3, 2}), boost::test_tools::per_element());
  StatementFilter by_voided;
  by_voided.verb_id = kVoided;
  BOOST_TEST(Ids(Query(by_voided)) == Uuids({3}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(statement_ref_cycles_terminate) {
  StoreAt(1, {RefRecord(1, 2, "p1", kOtherVerb), RefRecord(2, 1, "p2", kOtherVerb)});
  StatementFilter by_agent;
  by_agent.agent_pseudonym = "p1";
  BOOST_TEST(Ids(Query(by_agent)) == Uuids({2, 1}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(reads_run_beside_the_writer_from_many_threads) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        if (t == 0) {
          if (!Write(*writer, {Record(1000 + i)}).ok()) ++failures;
        } else if (!reader->Query({}).ok() || !reader->CountStatements().ok()) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  BOOST_TEST(failures.load() == 0);
  BOOST_TEST(reader->CountStatements().value() == 20);
}

// statements/read/mine (schema version 6): only statements stored under one
// credential, on every page, whatever the other filters; FindById likewise.
BOOST_AUTO_TEST_CASE(a_credential_filter_keeps_to_its_own_statements_across_pages) {
  std::vector<StatementRecord> records;
  for (int n = 1; n <= 9; ++n) {
    StatementRecord record = Record(n);
    record.credential = n % 3 == 0 ? "mine" : "theirs";
    records.push_back(std::move(record));
  }
  StoreAt(1, std::move(records));
  StatementFilter filter = Filter([](StatementFilter& f) {
    f.credential = "mine";
    f.limit = 2;
    f.ascending = true;
  });
  StatementPage first = Query(filter);
  BOOST_TEST(Ids(first) == Uuids({3, 6}));
  BOOST_TEST(first.has_more);
  filter.snapshot_seq = first.snapshot_seq;
  filter.after_seq = first.statements.back().seq;
  StatementPage second = Query(filter);
  BOOST_TEST(Ids(second) == Uuids({9}));
  BOOST_TEST(!second.has_more);
  // With a target filter too (the verb driving).
  StatementFilter by_verb = Filter([](StatementFilter& f) {
    f.credential = "mine";
    f.verb_id = kVerb;
  });
  BOOST_TEST(Ids(Query(by_verb)) == Uuids({9, 6, 3}));
  BOOST_TEST(reader->FindById(Uuid(3), std::string("mine")).value().has_value());
  BOOST_TEST(!reader->FindById(Uuid(4), std::string("mine")).value().has_value());
  BOOST_TEST(reader->FindById(Uuid(4)).value().has_value());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace lrs::storage

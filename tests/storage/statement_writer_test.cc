#define BOOST_TEST_MODULE storage_statement_writer
#include "storage/statement_writer.h"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <future>
#include <map>
#include <set>
#include <thread>

#include "storage/database.h"
#include "storage/key_store.h"
#include "storage/statement_reader.h"
#include "tests/storage/storage_test_util.h"

namespace lrs::storage {
namespace {

using testing::Batch;
using testing::FakeClock;
using testing::GateClock;
using testing::Record;
using testing::TempDir;
using testing::Uuid;
using testing::VoidingRecord;
using testing::Write;

constexpr int64_t kStart = 1'700'000'000'000'000;  // a whole millisecond

struct Fixture {
  TempDir dir;
  FakeClock clock{kStart};
  std::unique_ptr<StatementWriter> writer = Open();
  std::unique_ptr<StatementReader> reader = OpenReader();

  std::unique_ptr<StatementWriter> Open() {
    Result<std::unique_ptr<StatementWriter>> opened =
        StatementWriter::Open(dir.StatementDb(), dir.KeyStore(), clock.AsClock());
    BOOST_REQUIRE(opened.ok());
    return std::move(*opened);
  }
  std::unique_ptr<StatementReader> OpenReader() {
    Result<std::unique_ptr<StatementReader>> opened = StatementReader::Open(dir.StatementDb());
    BOOST_REQUIRE(opened.ok());
    return std::move(*opened);
  }
  int64_t Count() { return reader->CountStatements().value(); }
  std::optional<StoredStatement> Find(int n) { return reader->FindById(Uuid(n)).value(); }
  int64_t CountRows(const std::string& sql) {
    Result<std::unique_ptr<Database>> db = Database::Open(dir.StatementDb());
    BOOST_REQUIRE(db.ok());
    Result<Statement> stmt = (*db)->Prepare(sql);
    BOOST_REQUIRE(stmt.ok());
    BOOST_REQUIRE(stmt->Step().value());
    return stmt->ColumnInt(0);
  }
};

// Submits from `threads` threads at once; returns the futures in submit order.
std::vector<std::future<Result<WriteReceipt>>> SubmitConcurrently(StatementWriter& writer,
                                                                  std::vector<WriteBatch> batches,
                                                                  int threads) {
  std::vector<std::future<Result<WriteReceipt>>> futures(batches.size());
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (size_t i = t; i < batches.size(); i += threads) {
        futures[i] = writer.Submit(std::move(batches[i]));
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  return futures;
}

void WaitForWriterAtGate(GateClock& gate) {
  while (!gate.WriterWaiting()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

BOOST_FIXTURE_TEST_SUITE(statement_writer, Fixture)

BOOST_AUTO_TEST_CASE(stores_a_batch_whole) {
  Result<WriteReceipt> receipt = Write(*writer, {Record(1), Record(2), Record(3)});
  BOOST_REQUIRE(receipt.ok());
  BOOST_TEST(receipt->outcomes.size() == 3u);
  for (WriteOutcome outcome : receipt->outcomes) BOOST_TEST((outcome == WriteOutcome::kStored));
  BOOST_TEST(receipt->stored_us == kStart);
  BOOST_TEST(Count() == 3);
  std::optional<StoredStatement> stored = Find(2);
  BOOST_REQUIRE(stored.has_value());
  BOOST_TEST(stored->json == Record(2).json);
  BOOST_TEST(stored->stored_us == kStart);
  BOOST_TEST(!stored->voided);
}

BOOST_AUTO_TEST_CASE(stores_agents_activities_and_identities_of_a_statement) {
  StatementRecord record = Record(1, "learner");
  record.agents.push_back({"instructor", AgentRole::kRelated});
  record.agents.push_back({"learner", AgentRole::kActorOrObject});  // repeated mention
  record.activities.push_back({"http://example.com/parent", ActivityRole::kRelated});
  record.identities = {{"variant-1", "learner", std::string("\0sealed\xff", 8)},
                       {"variant-2", "instructor", "sealed-2"}};
  BOOST_REQUIRE(Write(*writer, {record}).ok());
  BOOST_TEST(CountRows("SELECT count(*) FROM statement_agents") == 2);
  BOOST_TEST(CountRows("SELECT count(*) FROM statement_activities") == 2);
  std::vector<SealedIdentity> identities = reader->FindIdentities({"variant-1"}).value();
  BOOST_REQUIRE(identities.size() == 1u);
  BOOST_TEST(identities[0].sealed == std::string("\0sealed\xff", 8));
}

BOOST_AUTO_TEST_CASE(resubmitted_statement_is_already_stored_without_a_second_row) {
  BOOST_REQUIRE(Write(*writer, {Record(1)}).ok());
  Result<WriteReceipt> again = Write(*writer, {Record(1), Record(2)});
  BOOST_REQUIRE(again.ok());
  BOOST_TEST((again->outcomes[0] == WriteOutcome::kAlreadyStored));
  BOOST_TEST((again->outcomes[1] == WriteOutcome::kStored));
  BOOST_TEST(Count() == 2);
}

BOOST_AUTO_TEST_CASE(same_id_twice_in_one_batch_is_judged_by_content) {
  Result<WriteReceipt> same = Write(*writer, {Record(1), Record(1)});
  BOOST_REQUIRE(same.ok());
  BOOST_TEST((same->outcomes[1] == WriteOutcome::kAlreadyStored));

  StatementRecord different = Record(2);
  different.content_hash = "another-hash";
  Result<WriteReceipt> conflict = Write(*writer, {Record(3), Record(2), different});
  BOOST_REQUIRE(!conflict.ok());
  BOOST_TEST(conflict.error().status == 409);
  BOOST_TEST(conflict.error().path == "$[2].id");
  BOOST_TEST(!Find(2).has_value());
  BOOST_TEST(!Find(3).has_value());
  BOOST_TEST(Count() == 1);
}

BOOST_AUTO_TEST_CASE(conflicting_batch_stores_nothing_while_its_group_commits) {
  BOOST_REQUIRE(Write(*writer, {Record(1)}).ok());
  writer.reset();
  GateClock gate(kStart);
  Result<std::unique_ptr<StatementWriter>> gated =
      StatementWriter::Open(dir.StatementDb(), dir.KeyStore(), gate.AsClock());
  BOOST_REQUIRE(gated.ok());

  // The writer holds a first group at the gate while the next three queue up.
  std::future<Result<WriteReceipt>> first = (*gated)->Submit(Batch({Record(10)}));
  WaitForWriterAtGate(gate);
  StatementRecord conflicting = Record(1);
  conflicting.content_hash = "changed";
  std::vector<std::future<Result<WriteReceipt>>> futures =
      SubmitConcurrently(**gated,
                         {Batch({Record(20), Record(21)}),
                          Batch({Record(30), conflicting, Record(31)}), Batch({Record(40)})},
                         3);
  gate.Open();

  BOOST_REQUIRE(first.get().ok());
  Result<WriteReceipt> ok_before = futures[0].get();
  Result<WriteReceipt> failed = futures[1].get();
  Result<WriteReceipt> ok_after = futures[2].get();
  BOOST_REQUIRE(ok_before.ok());
  BOOST_REQUIRE(ok_after.ok());
  BOOST_REQUIRE(!failed.ok());
  BOOST_TEST(failed.error().status == 409);
  BOOST_TEST(failed.error().rule == "xAPI Communication 2.1.1: a statement id can be stored once");
  BOOST_TEST(failed.error().path == "$[1].id");
  BOOST_TEST(ok_before->stored_us == ok_after->stored_us);  // one group
  for (int n : {20, 21, 40}) BOOST_TEST(Find(n).has_value());
  for (int n : {30, 31}) BOOST_TEST(!Find(n).has_value());
  BOOST_TEST(Find(1)->json == Record(1).json);
}

BOOST_AUTO_TEST_CASE(group_commit_groups_concurrent_submits) {
  writer.reset();
  GateClock gate(kStart);
  Result<std::unique_ptr<StatementWriter>> gated =
      StatementWriter::Open(dir.StatementDb(), dir.KeyStore(), gate.AsClock());
  BOOST_REQUIRE(gated.ok());

  constexpr int kSubmits = 600;
  std::vector<WriteBatch> batches;
  for (int n = 1; n <= kSubmits; ++n) batches.push_back(Batch({Record(n)}));
  // Submit returns once a job is queued; the writer is held at the gate by
  // its first group, so all of them are queued before any group commits.
  std::vector<std::future<Result<WriteReceipt>>> futures =
      SubmitConcurrently(**gated, std::move(batches), 16);
  gate.Open();

  // Each group reads the gate clock once, so `stored` names the group.
  std::map<int64_t, int> jobs_per_group;
  for (auto& future : futures) {
    Result<WriteReceipt> receipt = future.get();
    BOOST_REQUIRE(receipt.ok());
    ++jobs_per_group[receipt->stored_us];
  }
  // At most one group before the gate, then full groups of 256 jobs.
  BOOST_TEST(jobs_per_group.size() <= 4u);
  for (const auto& [stored_us, jobs] : jobs_per_group) BOOST_TEST(jobs <= 256);
  BOOST_TEST(Count() == kSubmits);
}

BOOST_AUTO_TEST_CASE(stored_is_truncated_to_the_millisecond_and_never_decreases) {
  clock.Set(kStart + 5'000'789);
  Result<WriteReceipt> first = Write(*writer, {Record(1), Record(2)});
  BOOST_REQUIRE(first.ok());
  BOOST_TEST(first->stored_us == kStart + 5'000'000);
  BOOST_TEST(Find(1)->stored_us == Find(2)->stored_us);

  clock.Set(kStart + 1'000'000);  // the clock steps back
  Result<WriteReceipt> second = Write(*writer, {Record(3)});
  BOOST_REQUIRE(second.ok());
  BOOST_TEST(second->stored_us == first->stored_us);

  // Also across a restart, where only the file remembers.
  writer.reset();
  writer = Open();
  Result<WriteReceipt> third = Write(*writer, {Record(4)});
  BOOST_REQUIRE(third.ok());
  BOOST_TEST(third->stored_us == first->stored_us);

  clock.Set(kStart + 9'000'000);
  BOOST_TEST(Write(*writer, {Record(5)})->stored_us == kStart + 9'000'000);
}

BOOST_AUTO_TEST_CASE(voiding_marks_its_target_voided) {
  BOOST_REQUIRE(Write(*writer, {Record(1)}).ok());
  BOOST_REQUIRE(Write(*writer, {VoidingRecord(2, 1)}).ok());
  BOOST_TEST(Find(1)->voided);
  BOOST_TEST(!Find(2)->voided);
}

BOOST_AUTO_TEST_CASE(target_arriving_after_its_voiding_statement_is_voided) {
  BOOST_REQUIRE(Write(*writer, {VoidingRecord(2, 1)}).ok());
  BOOST_REQUIRE(Write(*writer, {Record(1)}).ok());
  BOOST_TEST(Find(1)->voided);
  // In one batch, in either order.
  BOOST_REQUIRE(Write(*writer, {VoidingRecord(4, 3), Record(3)}).ok());
  BOOST_REQUIRE(Write(*writer, {Record(5), VoidingRecord(6, 5)}).ok());
  BOOST_TEST(Find(3)->voided);
  BOOST_TEST(Find(5)->voided);
}

BOOST_AUTO_TEST_CASE(voiding_a_voiding_statement_fails_the_batch_with_400) {
  BOOST_REQUIRE(Write(*writer, {Record(1), VoidingRecord(2, 1)}).ok());
  Result<WriteReceipt> result = Write(*writer, {Record(3), VoidingRecord(4, 2)});
  BOOST_REQUIRE(!result.ok());
  BOOST_TEST(result.error().status == 400);
  BOOST_TEST(result.error().rule == "xAPI Data 2.3.2: a voiding statement cannot be voided");
  BOOST_TEST(result.error().path == "$[1].object.id");
  BOOST_TEST(!Find(3).has_value());
  BOOST_TEST(!Find(2)->voided);
}

BOOST_AUTO_TEST_CASE(writes_data_keys_to_the_key_store_file_only) {
  WrappedDataKey key{"learner", "master-1", std::string("wrapped\0key", 11)};
  BOOST_REQUIRE(Write(*writer, {Record(1, "learner")}, {key, key}).ok());
  // Same key again (a later request about the same learner) is fine.
  BOOST_REQUIRE(Write(*writer, {Record(2, "learner")}, {key}).ok());

  Result<std::unique_ptr<KeyStore>> keys = KeyStore::Open(dir.KeyStore());
  BOOST_REQUIRE(keys.ok());
  std::optional<WrappedDataKey> found = (*keys)->Find("learner").value();
  BOOST_REQUIRE(found.has_value());
  BOOST_TEST(found->master_key_id == "master-1");
  BOOST_TEST(found->wrapped == key.wrapped);
  BOOST_TEST(CountRows("SELECT count(*) FROM sqlite_schema WHERE name = 'data_keys'") == 0);
}

BOOST_AUTO_TEST_CASE(a_second_different_key_for_a_learner_fails_the_batch_with_503) {
  BOOST_REQUIRE(Write(*writer, {Record(1)}, {{"learner", "master-1", "first"}}).ok());
  Result<WriteReceipt> result = Write(*writer, {Record(2)}, {{"learner", "master-1", "second"}});
  BOOST_REQUIRE(!result.ok());
  BOOST_TEST(result.error().status == 503);
  BOOST_TEST(!Find(2).has_value());
}

BOOST_AUTO_TEST_CASE(odd_input_never_breaks_the_writer) {
  BOOST_TEST(Write(*writer, {})->outcomes.empty());
  StatementRecord bare;  // every string empty, no mentions
  BOOST_TEST(Write(*writer, {bare}).ok());
  StatementRecord huge = Record(1);
  huge.json.assign(8 << 20, 'x');
  huge.verb_id.assign(100000, 'v');
  huge.agents = std::vector<AgentRef>(1000, AgentRef{std::string(5000, 'p'), AgentRole::kRelated});
  BOOST_TEST(Write(*writer, {huge}).ok());
  BOOST_TEST(Find(1)->json.size() == (8u << 20));
  BOOST_TEST(Write(*writer, {Record(2)}).ok());
}

BOOST_AUTO_TEST_CASE(destructor_drains_the_queue) {
  std::vector<std::future<Result<WriteReceipt>>> futures;
  for (int n = 1; n <= 50; ++n) futures.push_back(writer->Submit(Batch({Record(n)})));
  writer.reset();
  for (auto& future : futures) BOOST_TEST(future.get().ok());
  BOOST_TEST(Count() == 50);
}

BOOST_AUTO_TEST_CASE(consistent_through_is_below_now_when_idle_and_below_last_commit_when_busy) {
  clock.Set(kStart + 7'000'500);
  BOOST_TEST(writer->ConsistentThroughMicros() == kStart + 7'000'000 - 1);

  BOOST_REQUIRE(Write(*writer, {Record(1)}).ok());
  writer.reset();
  GateClock gate(kStart + 7'000'000);
  Result<std::unique_ptr<StatementWriter>> gated =
      StatementWriter::Open(dir.StatementDb(), dir.KeyStore(), gate.AsClock());
  BOOST_REQUIRE(gated.ok());
  std::future<Result<WriteReceipt>> pending = (*gated)->Submit(Batch({Record(2)}));
  WaitForWriterAtGate(gate);
  BOOST_TEST((*gated)->ConsistentThroughMicros() == kStart + 7'000'000 - 1);
  gate.Open();
  BOOST_REQUIRE(pending.get().ok());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace lrs::storage

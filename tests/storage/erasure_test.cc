#define BOOST_TEST_MODULE storage_erasure
#include "storage/erasure.h"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>

#include "storage/audit_log.h"
#include "storage/database.h"
#include "storage/schema.h"
#include "storage_test_util.h"

using namespace lrs::storage;
using namespace lrs::storage::testing;

namespace {

int64_t Count(const std::string& path, const std::string& sql) {
  auto db = OpenStatementDatabase(path);
  if (!db.ok()) db = OpenKeyStore(path);
  auto stmt = (*db)->Prepare(sql);
  BOOST_REQUIRE(stmt.ok());
  BOOST_REQUIRE(stmt->Step().value());
  return stmt->ColumnInt(0);
}

std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Erases on the writer thread, as the plugin does.
ErasureCounts Erase(StatementWriter& writer, const std::string& pseudonym) {
  auto counts = writer
                    .RunExclusive<ErasureCounts>([&](Database& db, Database& keys) {
                      return EraseLearner(db, keys, pseudonym);
                    })
                    .get();
  BOOST_REQUIRE(counts.ok());
  return *counts;
}

}  // namespace

BOOST_AUTO_TEST_CASE(erases_every_row_that_names_the_learner_and_nothing_else) {
  TempDir dir;
  auto writer = std::move(*StatementWriter::Open(dir.StatementDb(), dir.KeyStore()));
  const std::string ada = "ada-pseudonym-0123456789abcdef";
  StatementRecord by_ada = Record(1, ada);
  by_ada.json = "{\"actor\":{\"$p\":\"" + ada + "\"}}";
  by_ada.identities = {{"variant-ada", ada, "sealed-ada"}};
  StatementRecord ada_instructs = Record(2, "bob");
  ada_instructs.agents.push_back({ada, AgentRole::kRelated});
  StatementRecord by_bob = Record(3, "bob");
  by_bob.identities = {{"variant-bob", "bob", "sealed-bob"}};
  BOOST_REQUIRE(Write(*writer, {by_ada, ada_instructs, by_bob},
                      {{ada, "master", "wrapped-ada"}, {"bob", "master", "wrapped-bob"}})
                    .ok());

  ErasureCounts counts = Erase(*writer, ada);
  BOOST_TEST(counts.statements == 2);
  BOOST_TEST(counts.identities == 1);
  BOOST_TEST(counts.data_key);
  writer.reset();

  BOOST_TEST(Count(dir.StatementDb(), "SELECT count(*) FROM statements") == 1);
  BOOST_TEST(Count(dir.StatementDb(),
                   "SELECT count(*) FROM statement_agents WHERE pseudonym = 'bob'") == 1);
  BOOST_TEST(Count(dir.StatementDb(), "SELECT count(*) FROM identities") == 1);
  BOOST_TEST(Count(dir.KeyStore(), "SELECT count(*) FROM data_keys") == 1);
  // secure_delete and the truncating checkpoint leave no copy in any file.
  for (const std::string& file :
       {dir.StatementDb(), dir.StatementDb() + "-wal", dir.KeyStore(), dir.KeyStore() + "-wal"}) {
    BOOST_TEST(FileBytes(file).find(ada) == std::string::npos, file);
    BOOST_TEST(FileBytes(file).find("wrapped-ada") == std::string::npos, file);
  }
}

BOOST_AUTO_TEST_CASE(erasing_an_unknown_learner_changes_nothing) {
  TempDir dir;
  auto writer = std::move(*StatementWriter::Open(dir.StatementDb(), dir.KeyStore()));
  BOOST_REQUIRE(Write(*writer, {Record(1, "bob")}).ok());
  ErasureCounts counts = Erase(*writer, "nobody");
  BOOST_TEST(counts.statements == 0);
  BOOST_TEST(!counts.data_key);
  writer.reset();
  BOOST_TEST(Count(dir.StatementDb(), "SELECT count(*) FROM statements") == 1);
}

BOOST_AUTO_TEST_CASE(an_empty_pseudonym_is_refused_and_activity_profiles_stay) {
  TempDir dir;
  auto writer = std::move(*StatementWriter::Open(dir.StatementDb(), dir.KeyStore()));
  BOOST_REQUIRE(writer
                    ->RunExclusive<bool>([](Database& db, Database&) -> lrs::Result<bool> {
                      auto insert = db.Prepare(
                          "INSERT INTO documents VALUES (3, 'http://example.com/a', '', '', "
                          "'profile', 'application/json', 'content', NULL, 1)");
                      if (!insert.ok()) return insert.error();
                      if (auto error = insert->Run()) return *error;
                      return true;
                    })
                    .get()
                    .ok());
  auto erased = writer
                    ->RunExclusive<ErasureCounts>(
                        [](Database& db, Database& keys) { return EraseLearner(db, keys, ""); })
                    .get();
  BOOST_TEST(!erased.ok());
  writer.reset();
  BOOST_TEST(Count(dir.StatementDb(), "SELECT count(*) FROM documents") == 1);
}

// An attachment belongs to its statement's actor. When the erased learner was
// only the instructor of another learner's statement, that statement goes, and
// with it the attachment data nothing else of its owner names.
BOOST_AUTO_TEST_CASE(another_learners_attachment_named_only_by_erased_statements_goes) {
  TempDir dir;
  auto writer = std::move(*StatementWriter::Open(dir.StatementDb(), dir.KeyStore()));
  const std::string only_there(64, 'a');
  const std::string kept(64, 'b');
  auto with_attachment = [](StatementRecord record, const std::string& sha2) {
    record.json = "{\"id\":\"" + record.id +
                  "\",\"attachments\":[{\"usageType\":\"http://e.com/u\","
                  "\"display\":{\"en-US\":\"essay\"},\"contentType\":\"text/plain\","
                  "\"length\":5,\"sha2\":\"" +
                  sha2 + "\"}]}";
    record.attachment_sha2s = {sha2};
    return record;
  };
  StatementRecord ada_instructs = with_attachment(Record(1, "bob"), only_there);
  ada_instructs.agents.push_back({"ada", AgentRole::kRelated});
  StatementRecord bob_alone = with_attachment(Record(2, "bob"), kept);
  WriteBatch batch = Batch({ada_instructs, bob_alone});
  batch.attachments = {{only_there, "bob", "text/plain", "sealed-1"},
                       {kept, "bob", "text/plain", "sealed-2"}};
  BOOST_REQUIRE(writer->Submit(std::move(batch)).get().ok());

  ErasureCounts counts = Erase(*writer, "ada");
  BOOST_TEST(counts.statements == 1);
  BOOST_TEST(counts.attachments == 1);
  writer.reset();
  BOOST_TEST(Count(dir.StatementDb(),
                   "SELECT count(*) FROM attachments WHERE sha2 = '" + only_there + "'") == 0);
  BOOST_TEST(Count(dir.StatementDb(),
                   "SELECT count(*) FROM attachments WHERE sha2 = '" + kept + "'") == 1);
}

// Issue 14, finding 8. A statement whose actor is an anonymous Group of
// `members`, as ingest stores it: the group is no mention, only its members.
StatementRecord ByAnonymousGroup(int n, const std::string& group,
                                 const std::vector<std::string>& members) {
  StatementRecord record = Record(n, members.front());
  record.agents.clear();
  std::string member_json;
  for (const std::string& member : members) {
    record.agents.push_back({member, AgentRole::kActorOrObject});
    if (!member_json.empty()) member_json += ",";
    member_json +=
        "{\"objectType\":\"Agent\",\"$p\":\"" + member + "\",\"$v\":\"v-" + member + "\"}";
  }
  record.json = "{\"id\":\"" + record.id + "\",\"actor\":{\"objectType\":\"Group\",\"$p\":\"" +
                group + "\",\"$v\":\"v-" + group + "\",\"$anon\":true,\"member\":[" + member_json +
                "]}}";
  record.identities = {{"v-" + group, group, "sealed-name-of-" + group}};
  return record;
}

BOOST_AUTO_TEST_CASE(erasing_a_member_shreds_the_anonymous_groups_identity_and_key) {
  TempDir dir;
  auto writer = std::move(*StatementWriter::Open(dir.StatementDb(), dir.KeyStore()));
  const std::string group = "group-of-lin-and-kai-0123456789";
  StatementRecord by_group = ByAnonymousGroup(1, group, {"lin", "kai"});
  BOOST_REQUIRE(Write(*writer, {by_group, Record(2, "kai")},
                      {{group, "master", "wrapped-group"}, {"kai", "master", "wrapped-kai"}})
                    .ok());

  ErasureCounts counts = Erase(*writer, "lin");
  BOOST_TEST(counts.statements == 1);
  BOOST_TEST(counts.anonymous_groups == 1);
  BOOST_TEST(counts.erased_group_pseudonyms == std::vector<std::string>{group});
  writer.reset();
  BOOST_TEST(Count(dir.StatementDb(), "SELECT count(*) FROM identities") == 0);
  BOOST_TEST(Count(dir.KeyStore(), "SELECT count(*) FROM data_keys") == 1);  // kai's
  for (const std::string& file :
       {dir.StatementDb(), dir.StatementDb() + "-wal", dir.KeyStore(), dir.KeyStore() + "-wal"}) {
    BOOST_TEST(FileBytes(file).find(group) == std::string::npos, file);
    BOOST_TEST(FileBytes(file).find("sealed-name-of-") == std::string::npos, file);
  }
}

BOOST_AUTO_TEST_CASE(an_anonymous_group_that_remaining_statements_refer_to_stays) {
  TempDir dir;
  auto writer = std::move(*StatementWriter::Open(dir.StatementDb(), dir.KeyStore()));
  const std::string group = "group-of-lin-and-kai-0123456789";
  // Ada instructs the group once; the group also acts without her.
  StatementRecord ada_instructs = ByAnonymousGroup(1, group, {"lin", "kai"});
  ada_instructs.agents.push_back({"ada", AgentRole::kRelated});
  StatementRecord without_ada = ByAnonymousGroup(2, group, {"lin", "kai"});
  BOOST_REQUIRE(
      Write(*writer, {ada_instructs, without_ada}, {{group, "master", "wrapped-group"}}).ok());
  ErasureCounts counts = Erase(*writer, "ada");
  BOOST_TEST(counts.statements == 1);
  BOOST_TEST(counts.anonymous_groups == 0);
  writer.reset();
  BOOST_TEST(Count(dir.StatementDb(), "SELECT count(*) FROM identities") == 1);
  BOOST_TEST(Count(dir.KeyStore(), "SELECT count(*) FROM data_keys") == 1);
}

// Issue 14, finding 4: the withdrawal outlives the erasure as one event.
BOOST_AUTO_TEST_CASE(a_tombstone_keeps_the_withdrawal_and_nothing_else) {
  TempDir dir;
  auto writer = std::move(*StatementWriter::Open(dir.StatementDb(), dir.KeyStore()));
  BOOST_REQUIRE(Write(*writer, {Record(1, "ada")}).ok());
  {
    auto db = OpenStatementDatabase(dir.StatementDb());
    BOOST_REQUIRE(
        !(*db)->Exec("INSERT INTO consent_events (pseudonym, state, purposes, actor, at_us) VALUES "
                     "('ada', 'granted', '[\"analytics\"]', 'lms', 10), "
                     "('ada', 'withdrawn', '[\"analytics\",\"recommendations\"]', 'lms', 20)"));
  }
  ErasureOptions options;
  options.tombstone_purposes_json = "[\"analytics\",\"recommendations\"]";
  auto counts = writer
                    ->RunExclusive<ErasureCounts>([&](Database& db, Database& keys) {
                      return EraseLearner(db, keys, "ada", options);
                    })
                    .get();
  BOOST_REQUIRE(counts.ok());
  BOOST_TEST(counts->consent_events == 2);
  BOOST_TEST(counts->consent_tombstone);
  writer.reset();
  BOOST_TEST(Count(dir.StatementDb(),
                   "SELECT count(*) FROM consent_events WHERE pseudonym = 'ada' AND "
                   "state = 'withdrawn' AND actor = 'erasure' AND at_us = 0 AND "
                   "purposes = '[\"analytics\",\"recommendations\"]'") == 1);
  BOOST_TEST(Count(dir.StatementDb(), "SELECT count(*) FROM consent_events") == 1);
}

// Issue 14, finding 9: the erased learner's audit subjects link to no one,
// not even to each other, and the chain still verifies.
BOOST_AUTO_TEST_CASE(erasure_unlinks_the_learners_audit_subjects_and_the_chain_holds) {
  TempDir dir;
  {
    auto log = std::move(*AuditLog::Open(dir.StatementDb(), dir.KeyStore()));
    for (int i = 0; i < 3; ++i) {
      NewAuditEntry entry{"lms", "lms", "statements.read", "record-keeping", "{}", {}};
      entry.subjects = {{"tag-ada", "sealed-ada-" + std::to_string(i)},
                        {"tag-bob", "sealed-bob-" + std::to_string(i)}};
      BOOST_REQUIRE(log->Append(entry).ok());
    }
  }
  auto writer = std::move(*StatementWriter::Open(dir.StatementDb(), dir.KeyStore()));
  ErasureOptions options;
  options.audit_tag = "tag-ada";
  auto counts = writer
                    ->RunExclusive<ErasureCounts>([&](Database& db, Database& keys) {
                      return EraseLearner(db, keys, "ada", options);
                    })
                    .get();
  BOOST_REQUIRE(counts.ok());
  BOOST_TEST(counts->audit_subjects_unlinked == 3);
  writer.reset();
  BOOST_TEST(
      Count(dir.StatementDb(), "SELECT count(*) FROM audit_subjects WHERE tag = 'tag-ada'") == 0);
  BOOST_TEST(Count(dir.StatementDb(),
                   "SELECT count(DISTINCT tag) FROM audit_subjects "
                   "WHERE tag <> 'tag-bob' AND length(sealed) = 0") == 3);
  BOOST_TEST(
      Count(dir.StatementDb(), "SELECT count(*) FROM audit_subjects WHERE tag = 'tag-bob'") == 3);
  for (const std::string& file : {dir.StatementDb(), dir.StatementDb() + "-wal"}) {
    BOOST_TEST(FileBytes(file).find("sealed-ada-") == std::string::npos, file);
    BOOST_TEST(FileBytes(file).find("tag-ada") == std::string::npos, file);
  }
  auto log = std::move(*AuditLog::Open(dir.StatementDb(), dir.KeyStore()));
  auto verified = log->Verify();
  BOOST_REQUIRE(verified.ok());
  BOOST_TEST(verified->intact, verified->problem);
  BOOST_TEST(verified->entries == 3);
}

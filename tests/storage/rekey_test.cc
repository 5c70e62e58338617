#define BOOST_TEST_MODULE storage_rekey
#include "storage/rekey.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "anonymizer/curve_pseudonym.h"
#include "anonymizer/identity_split.h"
#include "anonymizer/pseudonymizer.h"
#include "storage/erasure.h"
#include "anonymizer/reference_rekey.h"
#include "storage/database.h"
#include "storage/schema.h"
#include "tests/storage/storage_test_util.h"
#include "xapi/agent_identifier.h"
#include "xapi/json.h"

namespace lrs::storage {
namespace {

using testing::TempDir;

const std::string kOldKey(32, 'k');
const std::string kNewKey(32, 'n');
const std::string kDigestKey(32, 'd');
const anonymizer::Pseudonymizer kOld("pk-old", kOldKey, kDigestKey);
const anonymizer::Pseudonymizer kNew("pk-new", kNewKey, kDigestKey);

// Ada acts alone, then in an anonymous Group with Bob, inside an identified
// team with a nested member, and as the member of a contextGroup.
const char* const kStatements[] = {
    R"({"id":"00000000-0000-4000-8000-000000000001","actor":{"mbox":"mailto:ada@example.com","name":"Ada"},
        "verb":{"id":"http://example.com/v"},"object":{"id":"http://example.com/a"},
        "authority":{"account":{"homePage":"https://lms.example.com","name":"lms"}}})",
    R"({"id":"00000000-0000-4000-8000-000000000002",
        "actor":{"objectType":"Group","member":[{"mbox":"mailto:ada@example.com"},{"mbox":"mailto:bob@example.com"}]},
        "verb":{"id":"http://example.com/v"},"object":{"id":"http://example.com/a"},
        "context":{"team":{"objectType":"Group","mbox":"mailto:team@example.com",
                           "member":[{"mbox":"mailto:cat@example.com"}]},
                   "contextGroups":[{"objectType":"contextGroup","group":{"objectType":"Group",
                       "account":{"homePage":"https://lms.example.com","name":"cohort"},
                       "member":[{"mbox":"mailto:ada@example.com"}]}}]}})",
};

std::string Ifi(const char* mbox) {
  return "mbox_sha1sum:" + xapi::Sha1Hex(std::string("mailto:") + mbox);
}

struct StoredStatement {
  std::string json;
  anonymizer::SplitIdentities split;
};

StoredStatement Split(const char* text, const anonymizer::Pseudonymizer& pseudonymizer) {
  auto doc = xapi::ParseJson(text);
  BOOST_REQUIRE(doc.ok());
  StoredStatement out;
  out.split = anonymizer::SplitStatementIdentities(**doc, (*doc)->GetAllocator(), pseudonymizer);
  out.json = xapi::ToJson(**doc);
  return out;
}

std::string AnonymousGroupOf(const StoredStatement& s) {
  auto doc = xapi::ParseJson(s.json);
  return std::string((**doc)["actor"]["$p"].GetString());
}

MaybeError Run(Database& db, const std::string& sql, const std::vector<std::string>& values) {
  Result<Statement> statement = db.Prepare(sql);
  if (!statement.ok()) return statement.error();
  for (size_t i = 0; i < values.size(); ++i) statement->Bind(static_cast<int>(i + 1), values[i]);
  return statement->Run();
}

std::vector<std::string> Column(Database& db, const std::string& sql) {
  std::vector<std::string> out;
  Result<Statement> statement = db.Prepare(sql);
  BOOST_REQUIRE(statement.ok());
  while (statement->Step().value()) out.push_back(statement->ColumnText(0));
  return out;
}

// Stores the statements (split under the old key) and one row in every other
// table that names a learner.
void Populate(Database& db, const std::vector<StoredStatement>& statements) {
  int64_t seq = 0;
  for (const StoredStatement& s : statements) {
    ++seq;
    BOOST_REQUIRE(!Run(db,
                       "INSERT INTO statements (id, json, content_hash, verb_id, is_voiding, "
                       "stored_us) VALUES (?1, ?2, 'hash', 'http://example.com/v', 0, 1)",
                       {"00000000-0000-4000-8000-00000000000" + std::to_string(seq), s.json}));
    for (const auto& mention : s.split.mentions) {
      BOOST_REQUIRE(!Run(db, "INSERT INTO statement_agents VALUES (?1, ?2, ?3)",
                         {std::to_string(seq), mention.pseudonym,
                          std::to_string(static_cast<int>(mention.role))}));
    }
    for (const auto& variant : s.split.variants) {
      BOOST_REQUIRE(!Run(db, "INSERT OR IGNORE INTO identities VALUES (?1, ?2, 'sealed')",
                         {variant.variant_id, variant.pseudonym}));
    }
  }
  const std::string ada = kOld.Pseudonym(Ifi("ada@example.com"));
  const std::string group = AnonymousGroupOf(statements[1]);
  BOOST_REQUIRE(!Run(db,
                     "INSERT INTO documents VALUES (0, 'http://example.com/a', ?1, '', 'state', "
                     "'application/json', 'sealed', NULL, 1)",
                     {ada}));
  BOOST_REQUIRE(
      !Run(db, "INSERT INTO attachments VALUES ('abc', ?1, 'text/plain', 'sealed')", {ada}));
  BOOST_REQUIRE(
      !Run(db, "INSERT INTO attachments VALUES ('def', ?1, 'text/plain', 'sealed')", {group}));
  BOOST_REQUIRE(!Run(db,
                     "INSERT INTO consent_events (pseudonym, state, purposes, actor, at_us) "
                     "VALUES (?1, 'granted', '[]', 'lms', 1)",
                     {ada}));
  BOOST_REQUIRE(!Run(db,
                     "INSERT INTO learner_facts (pseudonym, activity_id, verb_id, first_us, "
                     "last_us, statements) VALUES (?1, 'http://example.com/a', 'v', 1, 1, 1)",
                     {ada}));
}

struct Functions {
  std::shared_ptr<anonymizer::PseudonymRotation> rotation =
      std::make_shared<anonymizer::PseudonymRotation>(
          anonymizer::PseudonymRotation::Create(kOldKey, kNewKey).value());
  StatementJsonRekey statement = [rotation =
                                      rotation](const std::string& json) -> Result<RekeyedJson> {
    auto rekeyed = anonymizer::RekeyStoredStatement(
        json, [rotation](std::string_view old) { return rotation->Rotate(old); }, kNew);
    if (!rekeyed.ok()) return rekeyed.error();
    return RekeyedJson{rekeyed->json, rekeyed->anonymous_groups,
                       static_cast<int64_t>(rekeyed->left_as_is)};
  };
  PseudonymRekey pseudonym = [rotation = rotation](const std::string& old) {
    return rotation->Rotate(old);
  };
  // Stands in for re-wrapping under a new master key.
  DataKeyRekey key = [](const WrappedDataKey& old,
                        const std::string& new_pseudonym) -> Result<WrappedDataKey> {
    return WrappedDataKey{new_pseudonym, "mk-new", "rewrapped:" + old.wrapped};
  };
};

std::vector<std::string> AllPseudonymColumns(Database& db) {
  std::vector<std::string> out;
  for (const char* sql :
       {"SELECT pseudonym FROM statement_agents", "SELECT pseudonym FROM identities",
        "SELECT agent_pseudonym FROM documents", "SELECT owner FROM attachments",
        "SELECT pseudonym FROM consent_events", "SELECT pseudonym FROM learner_facts"}) {
    for (std::string& value : Column(db, sql)) out.push_back(std::move(value));
  }
  return out;
}

BOOST_AUTO_TEST_CASE(every_table_and_every_reference_is_rekeyed_to_what_the_new_key_computes) {
  TempDir dir;
  std::vector<StoredStatement> old_form, new_form;
  for (const char* text : kStatements) {
    old_form.push_back(Split(text, kOld));
    new_form.push_back(Split(text, kNew));
  }
  auto db = OpenStatementDatabase(dir.StatementDb());
  BOOST_REQUIRE(db.ok());
  Populate(**db, old_form);
  const std::vector<std::string> before = AllPseudonymColumns(**db);
  BOOST_REQUIRE(BindPseudonymKeyId(**db, "pk-old").value() == "pk-old");

  Functions f;
  auto counts = RekeyStatementDatabase(**db, "pk-old", "pk-new", f.statement, f.pseudonym);
  BOOST_REQUIRE_MESSAGE(counts.ok(), (counts.ok() ? "" : counts.error().message));
  BOOST_TEST(counts->statements == 2);
  BOOST_TEST(counts->left_as_is == 0);
  BOOST_TEST(ReadPseudonymKeyId(**db).value().value() == "pk-new");

  // The JSON: every "$p" (members and anonymous groups included) is what the
  // new key stores; "$v" stay.
  const std::vector<std::string> jsons = Column(**db, "SELECT json FROM statements ORDER BY seq");
  BOOST_REQUIRE(jsons.size() == 2u);
  for (size_t i = 0; i < jsons.size(); ++i) {
    auto expected = anonymizer::RekeyStoredStatement(
        old_form[i].json, [&](std::string_view old) { return f.rotation->Rotate(old); }, kNew);
    BOOST_TEST(jsons[i] == expected->json);
    for (const auto& mention : new_form[i].split.mentions) {
      BOOST_TEST(jsons[i].find(mention.pseudonym) != std::string::npos);
    }
    BOOST_TEST(jsons[i].find(AnonymousGroupOf(new_form[i])) != std::string::npos);
  }

  // The columns: exactly the new key's values, none of the old ones.
  std::map<std::string, std::string> expected;  // old -> new
  for (size_t i = 0; i < old_form.size(); ++i) {
    for (size_t v = 0; v < old_form[i].split.variants.size(); ++v) {
      expected[old_form[i].split.variants[v].pseudonym] = new_form[i].split.variants[v].pseudonym;
    }
  }
  std::vector<std::string> wanted;
  for (const std::string& old : before) {
    BOOST_REQUIRE(expected.count(old) == 1u);
    wanted.push_back(expected[old]);
  }
  std::vector<std::string> got = AllPseudonymColumns(**db);
  std::sort(got.begin(), got.end());
  std::sort(wanted.begin(), wanted.end());
  BOOST_TEST(got == wanted, boost::test_tools::per_element());
  const std::string new_group = AnonymousGroupOf(new_form[1]);
  BOOST_TEST(Column(**db, "SELECT owner FROM attachments WHERE sha2 = 'def'").at(0) == new_group);

  // The key store: every data key under its new pseudonym, anonymous groups
  // through the work table; one no statement explains is left and counted.
  auto keys = OpenKeyStore(dir.KeyStore());
  BOOST_REQUIRE(keys.ok());
  BOOST_REQUIRE(BindPseudonymKeyId(**keys, "pk-old").ok());
  const std::string ada = kOld.Pseudonym(Ifi("ada@example.com"));
  for (const std::string& p : {ada, AnonymousGroupOf(old_form[1]), std::string("orphan")}) {
    BOOST_REQUIRE(
        !Run(**keys, "INSERT INTO data_keys VALUES (?1, 'mk-old', ?2)", {p, "key-of-" + p}));
  }
  auto key_counts = RekeyKeyStore(**keys, **db, "pk-old", "pk-new", "mk-new", f.pseudonym, f.key);
  BOOST_REQUIRE_MESSAGE(key_counts.ok(), (key_counts.ok() ? "" : key_counts.error().message));
  BOOST_TEST(key_counts->data_keys == 3);
  BOOST_TEST(key_counts->left_as_is == 1);
  const std::string new_ada = kNew.Pseudonym(Ifi("ada@example.com"));
  BOOST_TEST(Column(**keys, "SELECT wrapped FROM data_keys WHERE pseudonym = '" + new_ada + "'") ==
             std::vector<std::string>{"rewrapped:key-of-" + ada});
  BOOST_TEST(
      Column(**keys,
             "SELECT pseudonym FROM data_keys WHERE CAST(wrapped AS TEXT) = 'rewrapped:key-of-" +
                 AnonymousGroupOf(old_form[1]) + "'") == std::vector<std::string>{new_group});
  BOOST_TEST(Column(**keys, "SELECT count(*) FROM data_keys WHERE master_key_id = 'mk-new'") ==
             std::vector<std::string>{"3"});
  BOOST_TEST(ReadPseudonymKeyId(**keys).value().value() == "pk-new");

  // Done: the work table goes; running again changes nothing.
  BOOST_TEST(
      !Column(**db, "SELECT name FROM sqlite_master WHERE name = 'rekey_pseudonyms'").empty());
  BOOST_TEST(!FinishRekey(**db));
  BOOST_TEST(
      Column(**db, "SELECT name FROM sqlite_master WHERE name = 'rekey_pseudonyms'").empty());
  BOOST_TEST(
      RekeyStatementDatabase(**db, "pk-old", "pk-new", f.statement, f.pseudonym)->already_done);
  BOOST_TEST(
      RekeyKeyStore(**keys, **db, "pk-old", "pk-new", "mk-new", f.pseudonym, f.key)->already_done);
  BOOST_TEST(!CheckpointAndTruncate(**db));
  BOOST_TEST(std::filesystem::file_size(dir.StatementDb() + "-wal") == 0u);
}

BOOST_AUTO_TEST_CASE(the_key_store_step_resumes_from_a_fresh_connection) {
  // A crash between the two files: the statement database committed (with
  // its work table), the key store did not. A new process finishes it.
  TempDir dir;
  std::vector<StoredStatement> old_form = {Split(kStatements[1], kOld)};
  const std::string old_group = AnonymousGroupOf(old_form[0]);
  Functions f;
  {
    auto db = OpenStatementDatabase(dir.StatementDb());
    BOOST_REQUIRE(db.ok());
    Populate(**db, {Split(kStatements[0], kOld), old_form[0]});
    BOOST_REQUIRE(RekeyStatementDatabase(**db, "pk-old", "pk-new", f.statement, f.pseudonym).ok());
    auto keys = OpenKeyStore(dir.KeyStore());
    BOOST_REQUIRE(!Run(**keys, "INSERT INTO data_keys VALUES (?1, 'mk-old', 'k')", {old_group}));
  }
  auto db = OpenStatementDatabase(dir.StatementDb());
  auto keys = OpenKeyStore(dir.KeyStore());
  BOOST_REQUIRE((db.ok() && keys.ok()));
  auto counts = RekeyKeyStore(**keys, **db, "pk-old", "pk-new", "mk-new", f.pseudonym, f.key);
  BOOST_REQUIRE(counts.ok());
  BOOST_TEST(counts->left_as_is == 0);
  BOOST_TEST(Column(**keys, "SELECT pseudonym FROM data_keys") ==
             std::vector<std::string>{AnonymousGroupOf(Split(kStatements[1], kNew))});
}

BOOST_AUTO_TEST_CASE(statements_are_rewritten_in_pages_past_the_first) {
  TempDir dir;
  auto db = OpenStatementDatabase(dir.StatementDb());
  BOOST_REQUIRE(db.ok());
  const std::string ada = kOld.Pseudonym(Ifi("ada@example.com"));
  constexpr int kRows = 600;  // more than two pages
  for (int i = 1; i <= kRows; ++i) {
    const std::string json = R"({"actor":{"objectType":"Agent","$p":")" + ada +
                             R"(","$v":"v"},"n":)" + std::to_string(i) + "}";
    BOOST_REQUIRE(!Run(**db,
                       "INSERT INTO statements (id, json, content_hash, verb_id, is_voiding, "
                       "stored_us) VALUES (?1, ?2, 'h', 'v', 0, 1)",
                       {testing::Uuid(i), json}));
    BOOST_REQUIRE(
        !Run(**db, "INSERT INTO statement_agents VALUES (?1, ?2, 0)", {std::to_string(i), ada}));
  }
  Functions f;
  auto counts = RekeyStatementDatabase(**db, "pk-old", "pk-new", f.statement, f.pseudonym);
  BOOST_REQUIRE(counts.ok());
  BOOST_TEST(counts->statements == kRows);
  BOOST_TEST(counts->pseudonyms == 1);
  const std::string new_ada = kNew.Pseudonym(Ifi("ada@example.com"));
  BOOST_TEST(Column(**db, "SELECT count(*) FROM statements WHERE json LIKE '%" + new_ada + "%'") ==
             std::vector<std::string>{std::to_string(kRows)});
  BOOST_TEST(Column(**db, "SELECT DISTINCT pseudonym FROM statement_agents") ==
             std::vector<std::string>{new_ada});
}

// Regression: an Activity Profile's agent_pseudonym is '' (it has no agent),
// and '' was collected into the work table as a pseudonym: every rotation of
// an LRS holding one reported one pseudonym too many.
BOOST_AUTO_TEST_CASE(an_activity_profile_names_no_pseudonym) {
  TempDir dir;
  auto db = OpenStatementDatabase(dir.StatementDb());
  BOOST_REQUIRE(db.ok());
  const std::string ada = kOld.Pseudonym(Ifi("ada@example.com"));
  BOOST_REQUIRE(!Run(**db,
                     "INSERT INTO documents VALUES (3, 'http://example.com/a', '', '', 'profile', "
                     "'application/json', 'content', NULL, 1)",
                     {}));
  BOOST_REQUIRE(!Run(**db,
                     "INSERT INTO learner_facts (pseudonym, activity_id, verb_id, first_us, "
                     "last_us, statements) VALUES (?1, 'http://example.com/a', 'v', 1, 1, 1)",
                     {ada}));
  Functions f;
  auto counts = RekeyStatementDatabase(**db, "pk-old", "pk-new", f.statement, f.pseudonym);
  BOOST_REQUIRE(counts.ok());
  BOOST_TEST(counts->pseudonyms == 1);
  BOOST_TEST(counts->left_as_is == 0);
  BOOST_TEST(Column(**db, "SELECT agent_pseudonym FROM documents") == std::vector<std::string>{""});
  BOOST_TEST(Column(**db, "SELECT pseudonym FROM learner_facts") ==
             std::vector<std::string>{kNew.Pseudonym(Ifi("ada@example.com"))});
}

BOOST_AUTO_TEST_CASE(a_failed_rekey_changes_nothing) {
  TempDir dir;
  auto db = OpenStatementDatabase(dir.StatementDb());
  BOOST_REQUIRE(db.ok());
  Populate(**db, {Split(kStatements[0], kOld), Split(kStatements[1], kOld)});
  BOOST_REQUIRE(!Run(**db,
                     "INSERT INTO statements (id, json, content_hash, verb_id, is_voiding, "
                     "stored_us) VALUES ('corrupt', 'not json', 'h', 'v', 0, 1)",
                     {}));
  BOOST_REQUIRE(BindPseudonymKeyId(**db, "pk-old").ok());
  const std::vector<std::string> before = AllPseudonymColumns(**db);
  Functions f;
  auto counts = RekeyStatementDatabase(**db, "pk-old", "pk-new", f.statement, f.pseudonym);
  BOOST_TEST(!counts.ok());
  BOOST_TEST(AllPseudonymColumns(**db) == before, boost::test_tools::per_element());
  BOOST_TEST(ReadPseudonymKeyId(**db).value().value() == "pk-old");
  BOOST_TEST(
      Column(**db, "SELECT name FROM sqlite_master WHERE name = 'rekey_pseudonyms'").empty());
}

BOOST_AUTO_TEST_CASE(a_file_under_a_third_key_is_refused) {
  TempDir dir;
  auto db = OpenStatementDatabase(dir.StatementDb());
  BOOST_REQUIRE(db.ok());
  BOOST_REQUIRE(BindPseudonymKeyId(**db, "pk-other").value() == "pk-other");
  BOOST_TEST(BindPseudonymKeyId(**db, "pk-old").value() == "pk-other");  // bound once
  Functions f;
  auto counts = RekeyStatementDatabase(**db, "pk-old", "pk-new", f.statement, f.pseudonym);
  BOOST_REQUIRE(!counts.ok());
  BOOST_TEST(counts.error().status == 409);
}

}  // namespace
}  // namespace lrs::storage

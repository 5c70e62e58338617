#define BOOST_TEST_MODULE storage_schema
#include "storage/schema.h"

#include <boost/test/unit_test.hpp>
#include <set>

#include "tests/storage/storage_test_util.h"

namespace lrs::storage {
namespace {

using testing::TempDir;

std::unique_ptr<Database> OpenDb(const std::string& path) {
  Result<std::unique_ptr<Database>> db = Database::Open(path);
  BOOST_REQUIRE(db.ok());
  return std::move(*db);
}

int64_t ReadInt(Database& db, const std::string& sql) {
  Result<Statement> stmt = db.Prepare(sql);
  BOOST_REQUIRE(stmt.ok());
  BOOST_REQUIRE(stmt->Step().value());
  return stmt->ColumnInt(0);
}

std::set<std::string> Names(Database& db, const std::string& type) {
  Result<Statement> stmt =
      db.Prepare("SELECT name FROM sqlite_schema WHERE type = ?1 AND name NOT LIKE 'sqlite_%'");
  BOOST_REQUIRE(stmt.ok());
  stmt->Bind(1, type);
  std::set<std::string> names;
  while (stmt->Step().value()) names.insert(stmt->ColumnText(0));
  return names;
}

// 1 statements, 2 documents, 3 activities, 4 attachments (storage/schema.cc).
constexpr int64_t kLatestStatementVersion = 8;

BOOST_AUTO_TEST_CASE(statement_database_gets_its_tables_and_indexes) {
  TempDir dir;
  std::unique_ptr<Database> db = OpenDb(dir.StatementDb());
  BOOST_REQUIRE(!MigrateStatementDatabase(*db));
  BOOST_TEST(ReadInt(*db, "PRAGMA user_version") == kLatestStatementVersion);
  BOOST_TEST((Names(*db, "table") ==
              std::set<std::string>{"statements", "statement_agents", "statement_activities",
                                    "identities", "credentials", "documents", "activities",
                                    "attachments", "consent_events", "learner_facts",
                                    "audit_log", "audit_subjects", "meta",
                                    "token_revocations"}));
  BOOST_TEST((Names(*db, "index") ==
              std::set<std::string>{
                  "statements_by_verb", "statements_by_registration", "statements_by_stored",
                  "statements_by_ref", "statement_agents_by_pseudonym",
                  "statement_activities_by_activity", "identities_by_pseudonym",
                  "documents_by_context_updated", "documents_by_agent",
                  "attachments_by_owner", "consent_events_by_pseudonym",
                  "audit_log_by_time", "audit_subjects_by_tag", "documents_by_updated",
                  "statements_by_credential"}));
}

BOOST_AUTO_TEST_CASE(migration_is_idempotent_across_reopening) {
  TempDir dir;
  {
    std::unique_ptr<Database> db = OpenDb(dir.StatementDb());
    BOOST_REQUIRE(!MigrateStatementDatabase(*db));
    BOOST_REQUIRE(
        !db->Exec("INSERT INTO credentials (key, name, role, salt, secret_hash, iterations,"
                  " created_us) VALUES ('k', 'n', 'lms', x'00', x'01', 1, 0)"));
  }
  for (int reopen = 0; reopen < 3; ++reopen) {
    std::unique_ptr<Database> db = OpenDb(dir.StatementDb());
    BOOST_REQUIRE(!MigrateStatementDatabase(*db));
    BOOST_REQUIRE(!MigrateStatementDatabase(*db));
    BOOST_TEST(ReadInt(*db, "PRAGMA user_version") == kLatestStatementVersion);
    BOOST_TEST(ReadInt(*db, "SELECT count(*) FROM credentials") == 1);
  }
}

BOOST_AUTO_TEST_CASE(key_store_is_a_file_of_its_own_kind) {
  TempDir dir;
  std::unique_ptr<Database> keys = OpenDb(dir.KeyStore());
  BOOST_REQUIRE(!MigrateKeyStore(*keys));
  BOOST_TEST((Names(*keys, "table") == std::set<std::string>{"data_keys", "meta"}));
  // Opening either file as the other kind is refused: learner keys must
  // never end up in the statement database.
  BOOST_TEST(MigrateStatementDatabase(*keys).has_value());
  std::unique_ptr<Database> statements = OpenDb(dir.StatementDb());
  BOOST_REQUIRE(!MigrateStatementDatabase(*statements));
  BOOST_TEST(MigrateKeyStore(*statements).has_value());
}

BOOST_AUTO_TEST_CASE(refuses_a_file_from_a_newer_program_or_another_application) {
  TempDir dir;
  std::unique_ptr<Database> newer = OpenDb(dir.File("newer.db"));
  BOOST_REQUIRE(!MigrateStatementDatabase(*newer));
  BOOST_REQUIRE(!newer->Exec("PRAGMA user_version = 99"));
  MaybeError error = MigrateStatementDatabase(*newer);
  BOOST_REQUIRE(error.has_value());
  BOOST_TEST(error->status == 500);

  std::unique_ptr<Database> foreign = OpenDb(dir.File("foreign.db"));
  BOOST_REQUIRE(!foreign->Exec("CREATE TABLE other (x); PRAGMA user_version = 1"));
  BOOST_TEST(MigrateStatementDatabase(*foreign).has_value());
}

}  // namespace
}  // namespace lrs::storage

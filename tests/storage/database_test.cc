#define BOOST_TEST_MODULE storage_database
#include "storage/database.h"

#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <vector>

#include "storage/transaction.h"
#include "tests/storage/storage_test_util.h"

namespace lrs::storage {
namespace {

using testing::TempDir;

std::unique_ptr<Database> OpenDb(const TempDir& dir) {
  Result<std::unique_ptr<Database>> db = Database::Open(dir.File("test.db"));
  BOOST_REQUIRE(db.ok());
  return std::move(*db);
}

std::string PragmaText(Database& db, const std::string& pragma) {
  Result<Statement> stmt = db.Prepare("PRAGMA " + pragma);
  BOOST_REQUIRE(stmt.ok());
  BOOST_REQUIRE(stmt->Step().value());
  return stmt->ColumnText(0);
}

BOOST_AUTO_TEST_CASE(open_applies_the_durability_and_privacy_settings) {
  TempDir dir;
  std::unique_ptr<Database> db = OpenDb(dir);
  const std::pair<const char*, const char*> expected[] = {
      {"journal_mode", "wal"}, {"synchronous", "2"},  // 2 = FULL
      {"foreign_keys", "1"},   {"secure_delete", "1"},
      {"temp_store", "2"},     {"busy_timeout", "10000"},  // 2 = MEMORY
  };
  for (const auto& [pragma, value] : expected) {
    BOOST_TEST_CONTEXT(pragma) { BOOST_TEST(PragmaText(*db, pragma) == value); }
  }
}

BOOST_AUTO_TEST_CASE(open_fails_with_500_for_an_unusable_path) {
  Result<std::unique_ptr<Database>> db = Database::Open("/nonexistent-dir/sub/test.db");
  BOOST_REQUIRE(!db.ok());
  BOOST_TEST(db.error().status == 500);
}

BOOST_AUTO_TEST_CASE(binds_every_kind_of_value_and_reads_it_back) {
  TempDir dir;
  std::unique_ptr<Database> db = OpenDb(dir);
  BOOST_REQUIRE(!db->Exec("CREATE TABLE t (a, b, c, d, e, f)"));
  Result<Statement> insert = db->Prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  BOOST_REQUIRE(insert.ok());
  const std::string text = "text";
  const std::string blob("\0\x01\xff", 3);
  insert->Bind(1, int64_t{-42}).Bind(2, text).Bind(3, "literal").BindBlob(4, blob);
  insert->Bind(5, std::optional<std::string>()).Bind(6, std::optional<std::string>("set"));
  BOOST_REQUIRE(!insert->Run());
  BOOST_TEST(db->Changes() == 1);
  BOOST_TEST(db->LastInsertRowId() == 1);

  Result<Statement> select = db->Prepare("SELECT a, b, c, d, e, f FROM t");
  BOOST_REQUIRE(select.ok());
  BOOST_REQUIRE(select->Step().value());
  BOOST_TEST(select->ColumnInt(0) == -42);
  BOOST_TEST(select->ColumnText(1) == "text");
  BOOST_TEST(select->ColumnText(2) == "literal");
  BOOST_TEST(select->ColumnBlob(3) == blob);
  BOOST_TEST(select->ColumnIsNull(4));
  BOOST_TEST(select->ColumnText(5) == "set");
  BOOST_TEST(!select->Step().value());
}

std::unique_ptr<Database> DbWithNumbers(const TempDir& dir, int count) {
  std::unique_ptr<Database> db = OpenDb(dir);
  BOOST_REQUIRE(!db->Exec("CREATE TABLE t (x INTEGER PRIMARY KEY)"));
  Result<Statement> insert = db->Prepare("INSERT INTO t VALUES (?1)");
  BOOST_REQUIRE(insert.ok());
  for (int64_t x = 1; x <= count; ++x) BOOST_REQUIRE(!insert->Bind(1, x).Run());
  return db;
}

BOOST_AUTO_TEST_CASE(for_each_row_visits_every_row_in_order) {
  TempDir dir;
  std::unique_ptr<Database> db = DbWithNumbers(dir, 3);
  Result<Statement> select = db->Prepare("SELECT x FROM t ORDER BY x");
  BOOST_REQUIRE(select.ok());
  std::vector<int64_t> seen;
  BOOST_TEST(!select->ForEachRow([&](const Statement& row) { seen.push_back(row.ColumnInt(0)); }));
  BOOST_TEST(seen == (std::vector<int64_t>{1, 2, 3}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(for_each_row_stops_at_the_first_failed_step_and_returns_it) {
  TempDir dir;
  std::unique_ptr<Database> db = DbWithNumbers(dir, 3);
  // abs() of the smallest integer overflows: the second step fails.
  Result<Statement> select = db->Prepare(
      "SELECT CASE WHEN x = 2 THEN abs(-9223372036854775807 - 1) ELSE x END FROM t ORDER BY x");
  BOOST_REQUIRE(select.ok());
  std::vector<int64_t> seen;
  MaybeError error =
      select->ForEachRow([&](const Statement& row) { seen.push_back(row.ColumnInt(0)); });
  BOOST_REQUIRE(error.has_value());
  BOOST_TEST(error->status == 500);
  BOOST_TEST(seen == (std::vector<int64_t>{1}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(collect_rows_reads_each_row_or_returns_the_error) {
  TempDir dir;
  std::unique_ptr<Database> db = DbWithNumbers(dir, 3);
  Result<Statement> select = db->Prepare("SELECT x * 10 FROM t ORDER BY x");
  BOOST_REQUIRE(select.ok());
  Result<std::vector<int64_t>> tens =
      CollectRows<int64_t>(*select, [](const Statement& row) { return row.ColumnInt(0); });
  BOOST_REQUIRE(tens.ok());
  BOOST_TEST(*tens == (std::vector<int64_t>{10, 20, 30}), boost::test_tools::per_element());

  Result<Statement> failing = db->Prepare("SELECT abs(-9223372036854775807 - 1) FROM t");
  BOOST_REQUIRE(failing.ok());
  Result<std::vector<int64_t>> none =
      CollectRows<int64_t>(*failing, [](const Statement& row) { return row.ColumnInt(0); });
  BOOST_REQUIRE(!none.ok());
  BOOST_TEST(none.error().status == 500);
}

BOOST_AUTO_TEST_CASE(column_optional_int_is_empty_only_for_null) {
  TempDir dir;
  std::unique_ptr<Database> db = OpenDb(dir);
  Result<Statement> select = db->Prepare("SELECT NULL, 0, -7");
  BOOST_REQUIRE(select.ok());
  BOOST_REQUIRE(select->Step().value());
  BOOST_TEST(!select->ColumnOptionalInt(0).has_value());
  BOOST_TEST(select->ColumnOptionalInt(1).value_or(-1) == 0);
  BOOST_TEST(select->ColumnOptionalInt(2).value_or(-1) == -7);
}

BOOST_AUTO_TEST_CASE(a_value_over_the_length_limit_fails_the_step_not_the_program) {
  TempDir dir;
  std::unique_ptr<Database> db = OpenDb(dir);
  sqlite3_limit(db->handle(), SQLITE_LIMIT_LENGTH, 1000);
  BOOST_REQUIRE(!db->Exec("CREATE TABLE t (a)"));
  Result<Statement> insert = db->Prepare("INSERT INTO t VALUES (?1)");
  BOOST_REQUIRE(insert.ok());
  insert->Bind(1, std::string(5000, 'x'));
  MaybeError error = insert->Run();
  BOOST_REQUIRE(error.has_value());
  BOOST_TEST(error->status == 500);
  BOOST_TEST(error->message.find("xxxx") == std::string::npos);
  // Reset clears the failure: the statement is usable again.
  insert->Bind(1, "short");
  BOOST_TEST(!insert->Run());
}

BOOST_AUTO_TEST_CASE(sql_errors_are_500s) {
  TempDir dir;
  std::unique_ptr<Database> db = OpenDb(dir);
  Result<Statement> bad = db->Prepare("SELECT * FROM missing_table");
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.error().status == 500);
  BOOST_TEST(db->Exec("NOT SQL").has_value());
}

BOOST_AUTO_TEST_CASE(transaction_rolls_back_unless_committed) {
  TempDir dir;
  std::unique_ptr<Database> db = OpenDb(dir);
  BOOST_REQUIRE(!db->Exec("CREATE TABLE t (a)"));
  {
    Result<Transaction> tx = Transaction::Begin(*db, Transaction::Mode::kImmediate);
    BOOST_REQUIRE(tx.ok());
    BOOST_REQUIRE(!db->Exec("INSERT INTO t VALUES (1)"));
  }
  {
    Result<Transaction> tx = Transaction::Begin(*db, Transaction::Mode::kDeferred);
    BOOST_REQUIRE(tx.ok());
    BOOST_REQUIRE(!db->Exec("INSERT INTO t VALUES (2)"));
    BOOST_REQUIRE(!tx->Commit());
  }
  BOOST_TEST(PragmaText(*db, "page_count") != "");
  Result<Statement> sum = db->Prepare("SELECT count(*), sum(a) FROM t");
  BOOST_REQUIRE(sum->Step().value());
  BOOST_TEST(sum->ColumnInt(0) == 1);
  BOOST_TEST(sum->ColumnInt(1) == 2);
}

}  // namespace
}  // namespace lrs::storage

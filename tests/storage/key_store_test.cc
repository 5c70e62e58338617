#define BOOST_TEST_MODULE storage_key_store
#include "storage/key_store.h"

#include <boost/test/unit_test.hpp>

#include "storage/statement_writer.h"
#include "tests/storage/storage_test_util.h"

namespace lrs::storage {
namespace {

using testing::Record;
using testing::TempDir;
using testing::Write;

BOOST_AUTO_TEST_CASE(finds_keys_the_writer_stored_and_nothing_else) {
  TempDir dir;
  {
    Result<std::unique_ptr<StatementWriter>> writer =
        StatementWriter::Open(dir.StatementDb(), dir.KeyStore());
    BOOST_REQUIRE(writer.ok());
    BOOST_REQUIRE(Write(**writer, {Record(1)},
                        {{"p1", "master-1", std::string("k\0y", 3)}, {"p2", "master-2", "key-2"}})
                      .ok());
  }
  Result<std::unique_ptr<KeyStore>> keys = KeyStore::Open(dir.KeyStore());
  BOOST_REQUIRE(keys.ok());
  std::optional<WrappedDataKey> p1 = (*keys)->Find("p1").value();
  BOOST_REQUIRE(p1.has_value());
  BOOST_TEST(p1->pseudonym == "p1");
  BOOST_TEST(p1->master_key_id == "master-1");
  BOOST_TEST(p1->wrapped == std::string("k\0y", 3));
  BOOST_TEST((*keys)->Find("p2").value()->wrapped == "key-2");
  BOOST_TEST(!(*keys)->Find("p3").value().has_value());
}

BOOST_AUTO_TEST_CASE(open_creates_an_empty_key_store) {
  TempDir dir;
  Result<std::unique_ptr<KeyStore>> keys = KeyStore::Open(dir.KeyStore());
  BOOST_REQUIRE(keys.ok());
  BOOST_TEST(!(*keys)->Find("anyone").value().has_value());
}

BOOST_AUTO_TEST_CASE(refuses_the_statement_database) {
  TempDir dir;
  {
    Result<std::unique_ptr<StatementWriter>> writer =
        StatementWriter::Open(dir.StatementDb(), dir.KeyStore());
    BOOST_REQUIRE(writer.ok());
  }
  BOOST_TEST(!KeyStore::Open(dir.StatementDb()).ok());
  BOOST_TEST(!StatementWriter::Open(dir.KeyStore(), dir.StatementDb()).ok());
}

}  // namespace
}  // namespace lrs::storage

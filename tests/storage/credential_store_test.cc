#define BOOST_TEST_MODULE storage_credential_store
#include "storage/credential_store.h"

#include <boost/test/unit_test.hpp>

#include "tests/storage/storage_test_util.h"

namespace lrs::storage {
namespace {

using testing::TempDir;

CredentialRecord Credential(const std::string& key) {
  CredentialRecord record;
  record.key = key;
  record.name = "moodle";
  record.role = "lms";
  record.salt = std::string("\0salt\xff", 6);
  record.secret_hash = std::string(32, '\0');
  record.iterations = 600000;
  record.created_us = 1'700'000'000'000'000;
  return record;
}

struct Fixture {
  TempDir dir;
  std::unique_ptr<CredentialStore> store = Open();
  std::unique_ptr<CredentialStore> Open() {
    Result<std::unique_ptr<CredentialStore>> opened = CredentialStore::Open(dir.StatementDb());
    BOOST_REQUIRE(opened.ok());
    return std::move(*opened);
  }
};

BOOST_FIXTURE_TEST_SUITE(credential_store, Fixture)

BOOST_AUTO_TEST_CASE(adds_and_finds_a_credential_with_binary_fields_intact) {
  BOOST_REQUIRE(!store->Add(Credential("key-1")));
  std::optional<CredentialRecord> found = store->FindByKey("key-1").value();
  BOOST_REQUIRE(found.has_value());
  const CredentialRecord expected = Credential("key-1");
  BOOST_TEST(found->key == expected.key);
  BOOST_TEST(found->name == expected.name);
  BOOST_TEST(found->role == expected.role);
  BOOST_TEST(found->salt == expected.salt);
  BOOST_TEST(found->secret_hash == expected.secret_hash);
  BOOST_TEST(found->iterations == expected.iterations);
  BOOST_TEST(found->created_us == expected.created_us);
}

BOOST_AUTO_TEST_CASE(unknown_key_is_not_found) {
  BOOST_TEST(!store->FindByKey("nope").value().has_value());
}

BOOST_AUTO_TEST_CASE(duplicate_key_is_a_409_and_keeps_the_first) {
  BOOST_REQUIRE(!store->Add(Credential("key-1")));
  CredentialRecord second = Credential("key-1");
  second.name = "other";
  MaybeError error = store->Add(second);
  BOOST_REQUIRE(error.has_value());
  BOOST_TEST(error->status == 409);
  BOOST_TEST(store->FindByKey("key-1").value()->name == "moodle");
}

BOOST_AUTO_TEST_CASE(counts_credentials_and_keeps_them_across_reopening) {
  BOOST_TEST(store->Count().value() == 0);
  BOOST_REQUIRE(!store->Add(Credential("a")));
  BOOST_REQUIRE(!store->Add(Credential("b")));
  store.reset();
  store = Open();
  BOOST_TEST(store->Count().value() == 2);
}

BOOST_AUTO_TEST_CASE(keeps_scopes_lists_removes_and_replaces_secrets) {
  CredentialRecord scoped = Credential("a");
  scoped.scopes = "statements/write state";
  BOOST_REQUIRE(!store->Add(scoped));
  BOOST_REQUIRE(!store->Add(Credential("b")));
  BOOST_TEST(store->FindByKey("a").value()->scopes == "statements/write state");
  BOOST_TEST(store->FindByKey("b").value()->scopes == "all");
  std::vector<CredentialRecord> all = store->List().value();
  BOOST_REQUIRE(all.size() == 2u);
  BOOST_TEST(all[0].key == "a");
  // Replaced only while the row still holds the expected hash.
  BOOST_TEST(!store->ReplaceSecret("a", "", std::string(32, 'n'), 0, std::string("other")).value());
  BOOST_TEST(store->ReplaceSecret("a", "", std::string(32, 'n'), 0, std::string(32, '\0')).value());
  BOOST_TEST(store->FindByKey("a").value()->secret_hash == std::string(32, 'n'));
  BOOST_TEST(store->FindByKey("a").value()->iterations == 0);
  BOOST_TEST(store->ReplaceSecret("a", "", std::string(32, 'm'), 0, std::nullopt).value());
  BOOST_TEST(!store->ReplaceSecret("zz", "", std::string(32, 'm'), 0, std::nullopt).value());
  BOOST_TEST(store->Remove("a").value());
  BOOST_TEST(!store->Remove("a").value());
  BOOST_TEST(!store->FindByKey("a").value().has_value());
}

BOOST_AUTO_TEST_CASE(a_removal_by_another_connection_is_seen_by_the_next_lookup) {
  BOOST_REQUIRE(!store->Add(Credential("a")));
  BOOST_REQUIRE(store->FindByKey("a").value().has_value());  // prepared and stepped once
  std::unique_ptr<CredentialStore> other = Open();
  BOOST_REQUIRE(other->Remove("a").value());
  BOOST_TEST(!store->FindByKey("a").value().has_value());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace lrs::storage

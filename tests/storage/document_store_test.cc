#define BOOST_TEST_MODULE storage_document_store
#include "storage/document_store.h"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <set>
#include <thread>
#include <vector>

#include <openssl/sha.h>

#include "storage/database.h"
#include "storage/key_store.h"
#include "tests/storage/storage_test_util.h"

namespace lrs::storage {
namespace {

using testing::FakeClock;
using testing::TempDir;

constexpr int64_t kStart = 1'700'000'000'000'000;
const std::string kEtagKey(32, 'e');

struct Fixture {
  TempDir dir;
  FakeClock clock{kStart};
  std::unique_ptr<DocumentStore> store = Open();

  std::unique_ptr<DocumentStore> Open() {
    Result<std::unique_ptr<DocumentStore>> opened =
        DocumentStore::Open(dir.StatementDb(), dir.KeyStore(), kEtagKey, clock.AsClock());
    BOOST_REQUIRE(opened.ok());
    return std::move(*opened);
  }
};

DocumentKey StateKey(const std::string& id, const std::string& registration = "",
                     const std::string& agent = "pseudonym-a") {
  return DocumentKey{DocumentKind::kState, "http://example.com/activity", agent, registration, id};
}

DocumentScope StateScope(std::optional<std::string> registration = std::nullopt,
                         const std::string& agent = "pseudonym-a") {
  return DocumentScope{DocumentKind::kState, "http://example.com/activity", agent,
                       std::move(registration)};
}

DocumentDecision PutDecision(std::string content, std::string type = "application/json",
                             std::vector<WrappedDataKey> keys = {}) {
  return [=](const std::optional<StoredDocument>&) -> Result<DocumentChange> {
    DocumentChange change;
    change.action = DocumentChange::Action::kPut;
    change.content_type = type;
    change.content = content;
    change.etag = "\"etag-" + content + "\"";
    change.data_keys = keys;
    return change;
  };
}

Result<int64_t> Put(DocumentStore& store, const DocumentKey& key, const std::string& content) {
  return store.Update(key, PutDecision(content));
}

std::vector<std::string> Ids(const Result<std::vector<DocumentListEntry>>& entries) {
  BOOST_REQUIRE(entries.ok());
  std::vector<std::string> ids;
  for (const auto& entry : *entries) ids.push_back(entry.document_id);
  return ids;
}

using Strings = std::vector<std::string>;

BOOST_FIXTURE_TEST_CASE(put_then_find_returns_bytes_type_etag_and_time, Fixture) {
  const std::string binary("a\0b\xff", 4);
  Result<int64_t> updated = store->Update(StateKey("s1"), PutDecision(binary, "application/x-bin"));
  BOOST_REQUIRE(updated.ok());
  BOOST_TEST(*updated == kStart);

  std::optional<StoredDocument> found = store->Find(StateKey("s1")).value();
  BOOST_REQUIRE(found.has_value());
  BOOST_TEST(found->content == binary);
  BOOST_TEST(found->content_type == "application/x-bin");
  BOOST_TEST(found->etag.value() == "\"etag-" + binary + "\"");
  BOOST_TEST(found->updated_us == kStart);
  BOOST_TEST(!store->Find(StateKey("s2")).value().has_value());
}

BOOST_FIXTURE_TEST_CASE(keys_differ_by_every_field_and_kind, Fixture) {
  BOOST_REQUIRE(Put(*store, StateKey("s"), "plain").ok());
  BOOST_REQUIRE(Put(*store, StateKey("s", "00000000-0000-4000-8000-000000000001"), "reg").ok());
  BOOST_REQUIRE(Put(*store, StateKey("s", "", "pseudonym-b"), "other agent").ok());
  DocumentKey profile{DocumentKind::kActivityProfile, "http://example.com/activity", "", "", "s"};
  BOOST_REQUIRE(Put(*store, profile, "profile").ok());

  BOOST_TEST(store->Find(StateKey("s")).value()->content == "plain");
  BOOST_TEST(store->Find(StateKey("s", "00000000-0000-4000-8000-000000000001")).value()->content ==
             "reg");
  BOOST_TEST(store->Find(StateKey("s", "", "pseudonym-b")).value()->content == "other agent");
  BOOST_TEST(store->Find(profile).value()->content == "profile");
}

BOOST_FIXTURE_TEST_CASE(decision_sees_the_current_document, Fixture) {
  std::vector<std::optional<std::string>> seen;
  auto observe = [&](const std::optional<StoredDocument>& current) -> Result<DocumentChange> {
    seen.push_back(current ? std::optional<std::string>(current->content) : std::nullopt);
    DocumentChange change;
    change.action = DocumentChange::Action::kPut;
    change.content_type = "text/plain";
    change.content = "v" + std::to_string(seen.size());
    return change;
  };
  BOOST_REQUIRE(store->Update(StateKey("s"), observe).ok());
  BOOST_REQUIRE(store->Update(StateKey("s"), observe).ok());
  BOOST_REQUIRE_EQUAL(seen.size(), 2u);
  BOOST_TEST(!seen[0].has_value());
  BOOST_TEST(seen[1].value() == "v1");
  // A change without an etag stores none (learner-owned documents).
  BOOST_TEST(!store->Find(StateKey("s")).value()->etag.has_value());
}

BOOST_FIXTURE_TEST_CASE(a_failing_decision_changes_nothing, Fixture) {
  BOOST_REQUIRE(Put(*store, StateKey("s"), "original").ok());
  auto refuse = [](const std::optional<StoredDocument>&) -> Result<DocumentChange> {
    return MakeError(412, "test", "", "precondition failed");
  };
  Result<int64_t> refused = store->Update(StateKey("s"), refuse);
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST(refused.error().status == 412);
  BOOST_TEST(store->Find(StateKey("s")).value()->content == "original");
}

BOOST_FIXTURE_TEST_CASE(keep_leaves_the_document_and_delete_removes_it, Fixture) {
  BOOST_REQUIRE(Put(*store, StateKey("s"), "doc").ok());
  auto act = [](DocumentChange::Action action) {
    return [action](const std::optional<StoredDocument>&) -> Result<DocumentChange> {
      DocumentChange change;
      change.action = action;
      return change;
    };
  };
  clock.Set(kStart + 5000);
  BOOST_TEST(store->Update(StateKey("s"), act(DocumentChange::Action::kKeep)).value() == kStart);
  BOOST_TEST(store->Find(StateKey("s")).value()->updated_us == kStart);
  BOOST_TEST(store->Update(StateKey("s"), act(DocumentChange::Action::kDelete)).value() == 0);
  BOOST_TEST(!store->Find(StateKey("s")).value().has_value());
  // Deleting what is not there is not an error.
  BOOST_TEST(store->Update(StateKey("s"), act(DocumentChange::Action::kDelete)).ok());
}

BOOST_FIXTURE_TEST_CASE(updated_never_decreases_when_the_clock_steps_back, Fixture) {
  BOOST_REQUIRE(Put(*store, StateKey("s"), "one").ok());
  clock.Set(kStart - 60'000'000);
  Result<int64_t> second = Put(*store, StateKey("s"), "two");
  BOOST_REQUIRE(second.ok());
  BOOST_TEST(*second > kStart);
}

BOOST_FIXTURE_TEST_CASE(list_honours_since_exclusive, Fixture) {
  BOOST_REQUIRE(Put(*store, StateKey("early"), "x").ok());
  clock.Set(kStart + 1000);
  BOOST_REQUIRE(Put(*store, StateKey("late"), "x").ok());

  BOOST_TEST(Ids(store->List(StateScope(), std::nullopt)) == (Strings{"early", "late"}));
  BOOST_TEST(Ids(store->List(StateScope(), kStart - 1)) == (Strings{"early", "late"}));
  BOOST_TEST(Ids(store->List(StateScope(), kStart)) == (Strings{"late"}));
  BOOST_TEST(Ids(store->List(StateScope(), kStart + 1000)).empty());

  Result<std::vector<DocumentListEntry>> entries = store->List(StateScope(), std::nullopt);
  BOOST_TEST((*entries)[1].updated_us == kStart + 1000);
}

BOOST_FIXTURE_TEST_CASE(list_scopes_by_registration_agent_and_kind, Fixture) {
  const std::string reg = "00000000-0000-4000-8000-000000000001";
  BOOST_REQUIRE(Put(*store, StateKey("none"), "x").ok());
  BOOST_REQUIRE(Put(*store, StateKey("with-reg", reg), "x").ok());
  BOOST_REQUIRE(Put(*store, StateKey("none", reg), "x").ok());  // same id, other registration
  BOOST_REQUIRE(Put(*store, StateKey("other-agent", "", "pseudonym-b"), "x").ok());
  DocumentKey profile{DocumentKind::kActivityProfile, "http://example.com/activity", "", "", "p"};
  BOOST_REQUIRE(Put(*store, profile, "x").ok());

  // Without a registration: every registration, each id once.
  BOOST_TEST(Ids(store->List(StateScope(), std::nullopt)) == (Strings{"none", "with-reg"}));
  BOOST_TEST(Ids(store->List(StateScope(std::string()), std::nullopt)) == (Strings{"none"}));
  BOOST_TEST(Ids(store->List(StateScope(reg), std::nullopt)) == (Strings{"none", "with-reg"}));
  BOOST_TEST(Ids(store->List(StateScope(std::nullopt, "pseudonym-b"), std::nullopt)) ==
             (Strings{"other-agent"}));
  DocumentScope profiles{DocumentKind::kActivityProfile, "http://example.com/activity", "",
                         std::nullopt};
  BOOST_TEST(Ids(store->List(profiles, std::nullopt)) == (Strings{"p"}));
}

BOOST_FIXTURE_TEST_CASE(delete_all_removes_only_the_scope, Fixture) {
  const std::string reg = "00000000-0000-4000-8000-000000000001";
  BOOST_REQUIRE(Put(*store, StateKey("a"), "x").ok());
  BOOST_REQUIRE(Put(*store, StateKey("b", reg), "x").ok());
  BOOST_REQUIRE(Put(*store, StateKey("c", "", "pseudonym-b"), "x").ok());

  BOOST_TEST(store->DeleteAll(StateScope(reg)).value() == 1);
  BOOST_TEST(Ids(store->List(StateScope(), std::nullopt)) == (Strings{"a"}));
  BOOST_TEST(store->DeleteAll(StateScope()).value() == 1);
  BOOST_TEST(Ids(store->List(StateScope(), std::nullopt)).empty());
  BOOST_TEST(store->Find(StateKey("c", "", "pseudonym-b")).value().has_value());
}

BOOST_FIXTURE_TEST_CASE(delete_all_for_agent_erases_every_kind, Fixture) {
  BOOST_REQUIRE(Put(*store, StateKey("s"), "x").ok());
  DocumentKey agent_profile{DocumentKind::kAgentProfile, "", "pseudonym-a", "", "p"};
  BOOST_REQUIRE(Put(*store, agent_profile, "x").ok());
  BOOST_REQUIRE(Put(*store, StateKey("s", "", "pseudonym-b"), "x").ok());

  BOOST_TEST(store->DeleteAllForAgent("pseudonym-a").value() == 2);
  BOOST_TEST(!store->Find(StateKey("s")).value().has_value());
  BOOST_TEST(!store->Find(agent_profile).value().has_value());
  BOOST_TEST(store->Find(StateKey("s", "", "pseudonym-b")).value().has_value());
}

BOOST_FIXTURE_TEST_CASE(carried_data_keys_land_in_the_key_store, Fixture) {
  WrappedDataKey key{"pseudonym-a", "master-1", std::string("wr\0pped", 7)};
  BOOST_REQUIRE(
      store->Update(StateKey("s"), PutDecision("sealed", "application/json", {key})).ok());
  // Carrying the same key again (another request raced) is fine.
  BOOST_REQUIRE(
      store->Update(StateKey("t"), PutDecision("sealed", "application/json", {key})).ok());

  Result<std::unique_ptr<KeyStore>> keys = KeyStore::Open(dir.KeyStore());
  BOOST_REQUIRE(keys.ok());
  std::optional<WrappedDataKey> stored = (*keys)->Find("pseudonym-a").value();
  BOOST_REQUIRE(stored.has_value());
  BOOST_TEST(stored->wrapped == key.wrapped);
}

BOOST_FIXTURE_TEST_CASE(a_conflicting_data_key_fails_with_503_and_stores_nothing, Fixture) {
  WrappedDataKey first{"pseudonym-a", "master-1", "first"};
  WrappedDataKey second{"pseudonym-a", "master-1", "second"};
  BOOST_REQUIRE(store->Update(StateKey("s"), PutDecision("one", "text/plain", {first})).ok());
  Result<int64_t> conflict =
      store->Update(StateKey("t"), PutDecision("two", "text/plain", {second}));
  BOOST_REQUIRE(!conflict.ok());
  BOOST_TEST(conflict.error().status == 503);
  BOOST_TEST(!store->Find(StateKey("t")).value().has_value());
}

BOOST_FIXTURE_TEST_CASE(documents_survive_reopening, Fixture) {
  BOOST_REQUIRE(Put(*store, StateKey("s"), "durable").ok());
  store.reset();
  store = Open();
  BOOST_TEST(store->Find(StateKey("s")).value()->content == "durable");
}

// Read-modify-write through Update is atomic: concurrent increments never
// lose an update (what makes If-Match and POST merges safe).
BOOST_FIXTURE_TEST_CASE(concurrent_updates_are_serialized, Fixture) {
  constexpr int kThreads = 8;
  constexpr int kEach = 25;
  auto increment = [](const std::optional<StoredDocument>& current) -> Result<DocumentChange> {
    const int value = current ? std::stoi(current->content) : 0;
    DocumentChange change;
    change.action = DocumentChange::Action::kPut;
    change.content_type = "text/plain";
    change.content = std::to_string(value + 1);
    return change;
  };
  std::atomic<int> failures{0};  // Boost.Test assertions are not thread-safe
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        if (!store->Update(StateKey("counter"), increment).ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  BOOST_TEST(failures.load() == 0);
  BOOST_TEST(store->Find(StateKey("counter")).value()->content == std::to_string(kThreads * kEach));
}

// Regression (issue 14, finding 15): the ETag was the SHA-1 of the bytes, so
// anyone who saw one could confirm a guessed content.
BOOST_FIXTURE_TEST_CASE(the_etag_is_keyed_not_a_hash_of_the_content, Fixture) {
  const std::string content = "{\"progress\":0.5}";
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(content.data()), content.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string sha1 = "\"";
  for (unsigned char byte : digest) (sha1 += kHex[byte >> 4]) += kHex[byte & 15];
  sha1 += "\"";

  const std::string etag = store->Etag(StateKey("s1"), content);
  BOOST_TEST(etag != sha1);
  // Still a quoted string of 40 lowercase hex digits, as clients and ADL's
  // 1.0.3 suite expect.
  BOOST_REQUIRE(etag.size() == 42u);
  BOOST_TEST(etag.front() == '"');
  BOOST_TEST(etag.back() == '"');
  BOOST_TEST(etag.substr(1, 40).find_first_not_of("0123456789abcdef") == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(the_etag_is_stable_for_the_same_place_content_and_key, Fixture) {
  const std::string content = "{\"a\":1}";
  const std::string etag = store->Etag(StateKey("s1"), content);
  BOOST_TEST(store->Etag(StateKey("s1"), content) == etag);
  store.reset();
  store = Open();  // the same key after a restart
  BOOST_TEST(store->Etag(StateKey("s1"), content) == etag);
}

BOOST_FIXTURE_TEST_CASE(the_etag_differs_with_the_key_the_place_or_the_content, Fixture) {
  const std::string content = "{\"a\":1}";
  const std::string etag = store->Etag(StateKey("s1"), content);
  BOOST_TEST(store->Etag(StateKey("s1"), "{\"a\":2}") != etag);
  BOOST_TEST(store->Etag(StateKey("s2"), content) != etag);
  BOOST_TEST(store->Etag(StateKey("s1", "", "pseudonym-b"), content) != etag);
  BOOST_TEST(store->Etag(StateKey("s1", "0d3f7c2e-4b1a-4c8e-9f00-123456789abc"), content) != etag);
  DocumentKey profile = StateKey("s1");
  profile.kind = DocumentKind::kAgentProfile;
  BOOST_TEST(store->Etag(profile, content) != etag);
  // Fields cannot run into each other: "ab" + "c" is not "a" + "bc".
  DocumentKey shifted = StateKey("c");
  shifted.activity_id = "http://example.com/activityab";
  DocumentKey other = StateKey("bc");
  other.activity_id = "http://example.com/activitya";
  BOOST_TEST(store->Etag(shifted, content) != store->Etag(other, content));

  TempDir other_dir;
  auto other_store = DocumentStore::Open(other_dir.StatementDb(), other_dir.KeyStore(),
                                         std::string(32, 'f'), clock.AsClock());
  BOOST_REQUIRE(other_store.ok());
  BOOST_TEST((*other_store)->Etag(StateKey("s1"), content) != etag);
}

BOOST_AUTO_TEST_CASE(a_store_without_an_etag_key_does_not_open) {
  TempDir dir;
  BOOST_TEST(!DocumentStore::Open(dir.StatementDb(), dir.KeyStore(), "").ok());
}

}  // namespace
}  // namespace lrs::storage

#define BOOST_TEST_MODULE plugin_token_revocations
// Issue 14, finding 10: an erased learner's tokens are dead at once and stay
// dead across a restart; the revocation keeps no pseudonym and lives only as
// long as a token can.
#include "plugin/auth/token_revocations.h"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>

#include "plugin/auth/learner_token.h"
#include "storage/database.h"
#include "storage/schema.h"
#include "tests/storage/storage_test_util.h"

using namespace lrs;
using namespace lrs::plugin;
using lrs::storage::testing::FakeClock;
using lrs::storage::testing::TempDir;

namespace {

constexpr int64_t kSecond = 1000000;
constexpr int64_t kErasedAt = 1'700'000'000 * kSecond + 500000;  // mid-second

std::string Digest(const std::string& pseudonym) { return "digest-of-" + pseudonym.substr(0, 3); }

struct Fixture {
  TempDir dir;
  FakeClock clock{kErasedAt};
  std::unique_ptr<storage::TokenRevocationStore> store =
      storage::TokenRevocationStore::Open(dir.StatementDb()).value();

  std::unique_ptr<TokenRevocations> Open() {
    auto revocations = std::make_unique<TokenRevocations>(*store, Digest, clock.AsClock());
    BOOST_REQUIRE(!revocations->Load());
    return revocations;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(tokens_issued_up_to_the_erasure_die_at_once_and_after_a_restart, Fixture) {
  const std::string ada = "ada-pseudonym-0123456789";
  auto revocations = Open();
  BOOST_TEST(revocations->Alive(ada, kErasedAt - 60 * kSecond));
  BOOST_REQUIRE(!revocations->Revoke(ada));
  auto restarted = Open();
  for (auto* view : {revocations.get(), restarted.get()}) {  // this process, then a restart
    BOOST_TEST(!view->Alive(ada, kErasedAt - 60 * kSecond));
    BOOST_TEST(!view->Alive(ada, kErasedAt));    // the same microsecond counts as before
    BOOST_TEST(view->Alive(ada, kErasedAt + 1));  // issued afterwards, same second: a new start
    BOOST_TEST(view->Alive("bob-pseudonym-0123456789", kErasedAt - 60 * kSecond));
  }
  std::ifstream in(dir.StatementDb(), std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  BOOST_TEST(bytes.str().find(ada) == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(a_revocation_goes_once_every_token_it_stops_has_expired, Fixture) {
  const std::string ada = "ada-pseudonym-0123456789";
  BOOST_REQUIRE(!Open()->Revoke(ada));
  clock.Set(kErasedAt + kMaxTokenTtlSeconds * kSecond + kSecond);
  auto later = Open();
  BOOST_TEST(later->Alive(ada, kErasedAt - 60 * kSecond));  // such a token has expired anyway
  auto db = storage::OpenStatementDatabase(dir.StatementDb()).value();
  auto count = db->Prepare("SELECT count(*) FROM token_revocations");
  BOOST_REQUIRE(count.ok());
  BOOST_REQUIRE(count->Step().value());
  BOOST_TEST(count->ColumnInt(0) == 0);
}

BOOST_FIXTURE_TEST_CASE(prune_forgets_revocations_older_than_a_token_lives, Fixture) {
  const std::string ada = "ada-pseudonym-0123456789";
  auto revocations = Open();
  BOOST_REQUIRE(!revocations->Revoke(ada));
  clock.Set(kErasedAt + kMaxTokenTtlSeconds * kSecond - kSecond);
  BOOST_REQUIRE(!revocations->Prune());
  BOOST_TEST(!revocations->Alive(ada, kErasedAt - 60 * kSecond));  // still within a day
  clock.Set(kErasedAt + kMaxTokenTtlSeconds * kSecond + kSecond);
  BOOST_REQUIRE(!revocations->Prune());
  auto db = storage::OpenStatementDatabase(dir.StatementDb()).value();
  auto count = db->Prepare("SELECT count(*) FROM token_revocations");
  BOOST_REQUIRE(count.ok());
  BOOST_REQUIRE(count->Step().value());
  BOOST_TEST(count->ColumnInt(0) == 0);
}

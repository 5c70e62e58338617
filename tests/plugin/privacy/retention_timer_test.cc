#define BOOST_TEST_MODULE plugin_retention_timer
#include "plugin/privacy/retention_timer.h"

#include <boost/test/unit_test.hpp>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "anonymizer/random_source.h"
#include "plugin/keys/identity_vault.h"
#include "storage/database.h"
#include "storage/key_store.h"
#include "storage/statement_reader.h"
#include "tests/storage/storage_test_util.h"

namespace lrs::plugin {
namespace {

using storage::testing::Record;
using storage::testing::TempDir;
using storage::testing::Write;

constexpr int64_t kDay = int64_t{86400} * 1000 * 1000;
constexpr int64_t kOld = 1'600'000'000'000'000;
constexpr auto kWait = std::chrono::seconds(20);

// Each pass's result, in order; tests wait for the n-th.
class Passes {
 public:
  std::function<void(const Result<storage::ExpiredCounts>&)> Recorder() {
    return [this](const Result<storage::ExpiredCounts>& pass) {
      std::lock_guard<std::mutex> lock(mutex_);
      passes_.push_back(pass);
      changed_.notify_all();
    };
  }
  Result<storage::ExpiredCounts> Wait(size_t n) {
    std::unique_lock<std::mutex> lock(mutex_);
    BOOST_REQUIRE(changed_.wait_for(lock, kWait, [&] { return passes_.size() >= n; }));
    return passes_[n - 1];
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Result<storage::ExpiredCounts>> passes_;
};

class CountingObserver : public storage::ExpiryObserver {
 public:
  MaybeError BeforeExpire(storage::Database&, const storage::ExpiringRows& rows) override {
    statements += static_cast<int64_t>(rows.statements.size());
    return std::nullopt;
  }
  std::atomic<int64_t> statements{0};
};

struct Fixture {
  TempDir dir;
  std::atomic<int64_t> now{kOld};
  std::unique_ptr<storage::StatementWriter> writer = OpenWriter();
  std::unique_ptr<storage::KeyStore> key_store = OpenKeyStore();
  IdentityVault vault{NamedKey{"master-1", std::string(32, 'm')}, *key_store,
                      anonymizer::SystemRandom()};
  Passes passes;

  std::unique_ptr<storage::StatementWriter> OpenWriter() {
    auto opened = storage::StatementWriter::Open(dir.StatementDb(), dir.KeyStore(),
                                                 [this] { return now.load(); });
    BOOST_REQUIRE(opened.ok());
    return std::move(*opened);
  }
  std::unique_ptr<storage::KeyStore> OpenKeyStore() {
    auto opened = storage::KeyStore::Open(dir.KeyStore());
    BOOST_REQUIRE(opened.ok());
    return std::move(*opened);
  }
  RetentionTimer::Options Options(int64_t clock_us) {
    RetentionTimer::Options options;
    options.statement_retention_days = 730;
    options.fact_retention_days = 365;
    options.clock = [clock_us] { return clock_us; };
    options.on_pass = passes.Recorder();
    return options;
  }
  void WriteOld(int count) {
    std::vector<storage::StatementRecord> records;
    for (int n = 1; n <= count; ++n) {
      storage::StatementRecord record = Record(n, "ada");
      record.identities = {{"variant-ada", "ada", "sealed"}};
      records.push_back(record);
    }
    BOOST_REQUIRE(Write(*writer, records).ok());
  }
  int64_t Statements() {
    auto reader = storage::StatementReader::Open(dir.StatementDb());
    BOOST_REQUIRE(reader.ok());
    return (*reader)->CountStatements().value();
  }
  // How many of `variant-ada` the vault would seal now (0 while it
  // remembers the variant as stored).
  size_t WouldSeal() {
    std::vector<storage::WrappedDataKey> keys;
    auto sealed = vault.SealVariants({{"variant-ada", "ada", "{}"}}, keys);
    BOOST_REQUIRE(sealed.ok());
    return sealed->size();
  }
};

BOOST_FIXTURE_TEST_SUITE(retention_timer, Fixture)

BOOST_AUTO_TEST_CASE(runs_a_pass_at_start_and_the_vault_forgets_deleted_identities) {
  WriteOld(1);
  vault.MarkStored({"variant-ada"});
  BOOST_TEST(WouldSeal() == 0u);

  RetentionTimer timer(Options(kOld + 731 * kDay), *writer, vault);
  auto first = passes.Wait(1);
  BOOST_REQUIRE(first.ok());
  BOOST_TEST(first->statements == 1);
  BOOST_TEST(first->identities == 1);
  BOOST_TEST(Statements() == 0);
  // Invariant 2: the next statement of this learner seals its identity again.
  BOOST_TEST(WouldSeal() == 1u);
}

BOOST_AUTO_TEST_CASE(keeps_what_is_within_retention) {
  WriteOld(2);
  RetentionTimer timer(Options(kOld + 729 * kDay), *writer, vault);
  auto first = passes.Wait(1);
  BOOST_REQUIRE(first.ok());
  BOOST_TEST(first->statements == 0);
  BOOST_TEST(Statements() == 2);
}

BOOST_AUTO_TEST_CASE(a_pass_runs_batch_after_batch_until_nothing_is_left) {
  WriteOld(7);
  RetentionTimer::Options options = Options(kOld + 800 * kDay);
  options.limits.rows_per_kind = 2;
  CountingObserver observer;
  options.observer = &observer;
  RetentionTimer timer(options, *writer, vault);
  auto first = passes.Wait(1);
  BOOST_REQUIRE(first.ok());
  BOOST_TEST(first->statements == 7);
  BOOST_TEST(observer.statements == 7);
  BOOST_TEST(Statements() == 0);
}

BOOST_AUTO_TEST_CASE(runs_again_every_period) {
  std::atomic<int64_t> clock{kOld};
  RetentionTimer::Options options = Options(0);
  options.clock = [&clock] { return clock.load(); };
  options.period = std::chrono::milliseconds(20);
  WriteOld(1);
  RetentionTimer timer(options, *writer, vault);
  auto first = passes.Wait(1);
  BOOST_REQUIRE(first.ok());
  BOOST_TEST(first->statements == 0);
  clock = kOld + 1000 * kDay;  // time passes
  for (size_t n = 2;; ++n) {
    auto pass = passes.Wait(n);
    BOOST_REQUIRE(pass.ok());
    if (pass->statements == 1) break;
  }
  BOOST_TEST(Statements() == 0);
}

BOOST_AUTO_TEST_CASE(stops_promptly_between_passes) {
  auto started = std::chrono::steady_clock::now();
  {
    RetentionTimer timer(Options(kOld), *writer, vault);  // period: a day
    BOOST_REQUIRE(passes.Wait(1).ok());
  }
  BOOST_TEST((std::chrono::steady_clock::now() - started < std::chrono::seconds(5)));
}

BOOST_AUTO_TEST_CASE(describes_counts_without_anything_else) {
  storage::ExpiredCounts counts;
  counts.statements = 3;
  counts.identities = 2;
  BOOST_TEST(DescribeExpired(counts) ==
             "deleted 3 statements, 0 documents, 0 facts, 0 attachments, 2 identities");
  // The audit detail of the server's pass and of `lrs purge`: counts only.
  BOOST_TEST(RetentionAuditDetail(counts).ToJson() ==
             R"({"statements":3,"documents":0,"facts":0,"attachments":0,"identities":2})");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace lrs::plugin

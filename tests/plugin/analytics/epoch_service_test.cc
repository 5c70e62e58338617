#define BOOST_TEST_MODULE plugin_epoch_service
// Epochs (issue 16): built from one snapshot off the request threads, the
// old one serving until the new one is ready, new ones only at start, every
// period and on Renew; learners without analytics consent left out; a
// snapshot's records converted as the catalogue shows them.
#include "plugin/analytics/epoch_service.h"

#include <boost/test/unit_test.hpp>
#include <mutex>
#include <set>
#include <thread>

#include "plugin/analytics/fact_records.h"

using lrs::analytics::FactKind;
using lrs::plugin::EpochService;

namespace {

constexpr char kActivity[] = "https://example.org/course";

// A store in memory; a snapshot replays it under a lock, as one transaction would.
class MemoryStore : public lrs::storage::AnalyticsStore {
 public:
  void Add(const std::string& learner, FactKind kind, int64_t at_us = 1796428800000000) {
    std::lock_guard<std::mutex> lock(mutex_);
    lrs::storage::AnalyticsFactRecord fact;
    fact.pseudonym = learner;
    fact.activity_id = kActivity;
    fact.kind = static_cast<int>(kind);
    fact.at_us = at_us;
    fact.cohort = {"(none)"};
    fact.updated_us = at_us;
    facts_.push_back(fact);
  }
  void Fail(bool fail) {
    std::lock_guard<std::mutex> lock(mutex_);
    fail_ = fail;
  }
  int snapshots() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return snapshots_;
  }
  lrs::MaybeError ReadSnapshot(lrs::storage::AnalyticsSnapshotSink& sink) override {
    std::lock_guard<std::mutex> lock(mutex_);
    ++snapshots_;
    if (fail_) return lrs::MakeError(500, "storage", "", "disk on fire");
    sink.OnActivity({kActivity, R"({"name":{"en":"Course"},"type":"http://adlnet.gov/expapi/activities/course"})"});
    for (const auto& fact : facts_) sink.OnFact(fact);
    return std::nullopt;
  }
  lrs::Result<int64_t> ExpireFacts(int64_t, const lrs::storage::AnalyticsRollUp&) override {
    return int64_t{0};
  }

 private:
  mutable std::mutex mutex_;
  std::vector<lrs::storage::AnalyticsFactRecord> facts_;
  bool fail_ = false;
  int snapshots_ = 0;
};

EpochService::Options TestOptions(std::vector<std::string>* log = nullptr) {
  EpochService::Options options;
  options.config.k = 2;
  options.config.cohort_dimensions = {"site"};
  options.period = std::chrono::hours(24);
  options.clock = [] { return int64_t{1796515200000000}; };  // 2026-12-06T00:00:00Z
  static std::mutex log_mutex;
  options.log = [log](const std::string& line, bool) {
    std::lock_guard<std::mutex> lock(log_mutex);
    if (log) log->push_back(line);
  };
  return options;
}

std::shared_ptr<const lrs::analytics::Epoch> WaitForFirst(EpochService& service) {
  for (int i = 0; i < 1000 && !service.Current(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  BOOST_REQUIRE(service.Current());
  return service.Current();
}

// The epoch's count of learners active on the activity (nullopt if hidden).
std::optional<int64_t> Active(const lrs::analytics::Epoch& epoch) {
  lrs::analytics::TableRequest request;
  request.table = "active";
  request.activity = kActivity;
  auto rows = epoch.Query(request);
  BOOST_REQUIRE_MESSAGE(rows.ok(), (rows.ok() ? "" : rows.error().message));
  for (const auto& row : *rows) {
    if (row.measure == "active") return row.learners;
  }
  BOOST_FAIL("no active row");
  return std::nullopt;
}

}  // namespace

BOOST_AUTO_TEST_CASE(first_epoch_is_built_at_start_off_the_calling_thread) {
  MemoryStore store;
  for (const char* learner : {"p1", "p2", "p3"}) store.Add(learner, FactKind::kActive);
  std::vector<std::string> log;
  EpochService service(TestOptions(&log), store);
  auto epoch = WaitForFirst(service);
  BOOST_TEST(epoch->as_of_us() == 1796515200000000);
  BOOST_TEST(epoch->id().size() == 16u);
  BOOST_TEST(*Active(*epoch) == 3);
  BOOST_REQUIRE(!log.empty());
  // Time and sizes, no identities.
  BOOST_TEST(log[0].find("3 facts of 3 learners") != std::string::npos, log[0]);
  for (const char* learner : {"p1", "p2", "p3"}) BOOST_TEST(log[0].find(learner) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_fact_arriving_mid_epoch_changes_nothing_until_renew) {
  MemoryStore store;
  for (const char* learner : {"p1", "p2", "p3"}) store.Add(learner, FactKind::kActive);
  EpochService service(TestOptions(), store);
  auto first = WaitForFirst(service);
  store.Add("p4", FactKind::kActive);
  BOOST_TEST(service.Current() == first);
  BOOST_TEST(*Active(*service.Current()) == 3);
  auto renewed = service.Renew();
  BOOST_REQUIRE(renewed.ok());
  BOOST_TEST(*renewed != first);
  BOOST_TEST((*renewed)->id() != first->id());
  BOOST_TEST(service.Current() == *renewed);
  BOOST_TEST(*Active(**renewed) == 4);
  BOOST_TEST(*Active(*first) == 3);  // a request holding the old epoch still reads it whole
}

BOOST_AUTO_TEST_CASE(learners_without_analytics_consent_are_left_out) {
  MemoryStore store;
  for (const char* learner : {"p1", "p2", "p3", "p4"}) store.Add(learner, FactKind::kActive);
  std::set<std::string> withdrawn;
  std::mutex mutex;
  auto options = TestOptions();
  options.counts = [&](const std::string& pseudonym) {
    std::lock_guard<std::mutex> lock(mutex);
    return withdrawn.count(pseudonym) == 0;
  };
  EpochService service(std::move(options), store);
  BOOST_TEST(*Active(*WaitForFirst(service)) == 4);
  {
    std::lock_guard<std::mutex> lock(mutex);
    withdrawn.insert("p2");
  }
  BOOST_TEST(*Active(*service.Current()) == 4);  // until the next epoch
  auto renewed = service.Renew();
  BOOST_REQUIRE(renewed.ok());
  BOOST_TEST(*Active(**renewed) == 3);
}

BOOST_AUTO_TEST_CASE(a_failed_build_keeps_the_old_epoch_serving) {
  MemoryStore store;
  for (const char* learner : {"p1", "p2"}) store.Add(learner, FactKind::kActive);
  EpochService service(TestOptions(), store);
  auto first = WaitForFirst(service);
  store.Fail(true);
  auto renewed = service.Renew();
  BOOST_REQUIRE(!renewed.ok());
  BOOST_TEST(renewed.error().status == 500);
  BOOST_TEST(service.Current() == first);
  store.Fail(false);
  BOOST_TEST(service.Renew().ok());
}

BOOST_AUTO_TEST_CASE(epochs_start_every_period) {
  MemoryStore store;
  store.Add("p1", FactKind::kActive);
  auto options = TestOptions();
  options.period = std::chrono::milliseconds(20);
  EpochService service(std::move(options), store);
  for (int i = 0; i < 500 && store.snapshots() < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  BOOST_TEST(store.snapshots() >= 3);
}

BOOST_AUTO_TEST_CASE(concurrent_renews_share_builds_and_all_get_an_epoch) {
  MemoryStore store;
  store.Add("p1", FactKind::kActive);
  EpochService service(TestOptions(), store);
  WaitForFirst(service);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] { ok += service.Renew().ok() ? 1 : 0; });
  }
  for (auto& t : threads) t.join();
  BOOST_TEST(ok.load() == 8);
  BOOST_TEST(store.snapshots() <= 1 + 8);
}

BOOST_AUTO_TEST_CASE(records_convert_as_the_catalogue_shows_them) {
  auto activity = lrs::plugin::ActivityFromRecord(
      {"https://e.org/q1",
       R"({"name":{"en-US":"Question 1"},"type":"http://adlnet.gov/expapi/activities/cmi.interaction","interactionType":"choice"})"});
  BOOST_TEST(activity.id == "https://e.org/q1");
  BOOST_TEST(activity.name_json == R"({"en-US":"Question 1"})");
  BOOST_TEST(activity.type == "http://adlnet.gov/expapi/activities/cmi.interaction");
  BOOST_TEST(activity.interaction_type == "choice");
  auto bare = lrs::plugin::ActivityFromRecord({"https://e.org/x", "{}"});
  BOOST_TEST(bare.name_json == "{}");
  BOOST_TEST(bare.type.empty());

  lrs::storage::AnalyticsFactRecord record{"p", "https://e.org/x", 5, 42, {"a", "b"}, 0.75, "", 43};
  auto fact = lrs::plugin::FactFromRecord(record);
  BOOST_REQUIRE(fact.has_value());
  BOOST_TEST((fact->kind == FactKind::kScore));
  BOOST_TEST(*fact->value == 0.75);
  BOOST_TEST(fact->at_us == 42);
  BOOST_TEST((fact->cohort == std::vector<std::string>{"a", "b"}));
  record.kind = 99;
  BOOST_TEST(!lrs::plugin::FactFromRecord(record).has_value());
}

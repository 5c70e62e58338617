#include "plugin/analytics/epoch_service.h"

#include <algorithm>
#include <iostream>
#include <unordered_map>

#include "plugin/analytics/fact_records.h"
#include "plugin/privacy/consent_registry.h"

namespace lrs::plugin {
namespace {

constexpr char kAnalyticsPurpose[] = "analytics";
constexpr size_t kIdBytes = 8;

// Reads the snapshot into the builder, deciding each learner's consent once.
class BuildSink : public storage::AnalyticsSnapshotSink {
 public:
  BuildSink(analytics::EpochBuilder& builder, const AnalyticsConsent& counts,
            EpochBuildStats& stats)
      : builder_(builder), counts_(counts), stats_(stats) {}

  void OnActivity(const storage::AnalyticsActivityRecord& activity) override {
    builder_.AddActivity(ActivityFromRecord(activity));
    ++stats_.activities;
  }
  void OnFact(const storage::AnalyticsFactRecord& record) override {
    std::optional<analytics::Fact> fact = FactFromRecord(record);
    if (!fact || !Counts(record.pseudonym)) {
      ++stats_.facts_left_out;
      return;
    }
    builder_.AddFact(*fact);
    ++stats_.facts;
  }
  void OnRollup(const storage::AnalyticsRollupRecord& rollup) override {
    builder_.AddRolled(RolledFromRecord(rollup));
    ++stats_.rolled_cells;
  }

 private:
  bool Counts(const std::string& pseudonym) {
    auto [it, inserted] = decided_.try_emplace(pseudonym, true);
    if (inserted) {
      it->second = !counts_ || counts_(pseudonym);
      if (it->second) ++stats_.learners;
    }
    return it->second;
  }

  analytics::EpochBuilder& builder_;
  const AnalyticsConsent& counts_;
  EpochBuildStats& stats_;
  std::unordered_map<std::string, bool> decided_;
};

void DefaultLog(const std::string& line, bool failed) {
  (failed ? std::cerr : std::cout) << "lrs: analytics: " << line << std::endl;
}

}  // namespace

AnalyticsConsent AnalyticsConsentOf(const ConsentRegistry& consent) {
  const auto& purposes = consent.policy().purposes;
  if (std::find(purposes.begin(), purposes.end(), kAnalyticsPurpose) == purposes.end()) {
    return nullptr;
  }
  return [&consent](const std::string& pseudonym) {
    auto states = consent.States(pseudonym);
    auto it = states.find(kAnalyticsPurpose);
    return it != states.end() && it->second == "granted";
  };
}

Result<std::shared_ptr<const analytics::Epoch>> BuildEpoch(
    const analytics::EpochConfig& config, storage::AnalyticsStore& store,
    const AnalyticsConsent& counts, std::string id, int64_t as_of_us, EpochBuildStats* stats) {
  const auto started = std::chrono::steady_clock::now();
  EpochBuildStats local;
  EpochBuildStats& s = stats ? *stats : local;
  s = EpochBuildStats{};
  analytics::EpochBuilder builder(config);
  BuildSink sink(builder, counts, s);
  if (MaybeError error = store.ReadSnapshot(sink)) return *error;
  std::shared_ptr<const analytics::Epoch> epoch = builder.Build(std::move(id), as_of_us);
  s.millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::steady_clock::now() - started)
                 .count();
  return epoch;
}

EpochService::EpochService(Options options, storage::AnalyticsStore& store)
    : options_(std::move(options)), store_(store) {
  if (!options_.clock) options_.clock = storage::SystemClockMicros;
  if (!options_.random) options_.random = anonymizer::SystemRandom();
  if (!options_.log) options_.log = DefaultLog;
  thread_ = std::thread(&EpochService::Run, this);
}

EpochService::~EpochService() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  built_.notify_all();
  thread_.join();
}

std::shared_ptr<const analytics::Epoch> EpochService::Current() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return current_;
}

Result<std::shared_ptr<const analytics::Epoch>> EpochService::Renew() {
  std::unique_lock<std::mutex> lock(mutex_);
  const uint64_t ticket = ++requested_;
  wake_.notify_all();
  built_.wait(lock, [&] { return stopping_ || served_ >= ticket; });
  if (served_ < ticket) {
    return MakeError(503, "analytics epoch", "", "the server is stopping");
  }
  if (last_error_) return *last_error_;
  return current_;
}

std::string EpochService::NewId() {
  uint8_t bytes[kIdBytes];
  options_.random->Fill(bytes, sizeof bytes);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (uint8_t b : bytes) {
    id += kHex[b >> 4];
    id += kHex[b & 0xf];
  }
  return id;
}

Result<std::shared_ptr<const analytics::Epoch>> EpochService::BuildOnce() {
  EpochBuildStats stats;
  auto epoch = BuildEpoch(options_.config, store_, options_.counts, NewId(), options_.clock(),
                          &stats);
  if (!epoch.ok()) {
    options_.log("epoch build failed, the previous epoch serves on: " + epoch.error().message,
                 true);
    return epoch;
  }
  options_.log("epoch " + (*epoch)->id() + " built in " + std::to_string(stats.millis) +
                   " ms: " + std::to_string(stats.facts) + " facts of " +
                   std::to_string(stats.learners) + " learners on " +
                   std::to_string(stats.activities) + " activities, " +
                   std::to_string(stats.rolled_cells) + " rolled-up cells, " +
                   std::to_string(stats.facts_left_out) + " facts left out",
               false);
  return epoch;
}

void EpochService::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    // Every request made before this build starts is answered by it.
    const uint64_t answering = requested_;
    const auto started = std::chrono::steady_clock::now();
    lock.unlock();
    Result<std::shared_ptr<const analytics::Epoch>> built = BuildOnce();
    lock.lock();
    if (built.ok()) {
      current_ = std::move(*built);
      last_error_.reset();
    } else {
      last_error_ = built.error();
    }
    served_ = answering;
    built_.notify_all();
    const auto due = started + options_.period;
    wake_.wait_until(lock, due, [&] { return stopping_ || requested_ > served_; });
    if (stopping_) return;
  }
}

}  // namespace lrs::plugin

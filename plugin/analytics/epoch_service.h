#pragma once
// The current analytics epoch (ANALYTICS.md, "Epochs"; issue 16): answers
// come from a snapshot computed when the epoch starts, never live, so an
// analyst watching a cell cannot see one learner's new result arrive.
//
// Invariants:
//  1. A new epoch starts when the service starts, every `period`
//     (manifest analytics.epoch_hours) after the last one started, and on
//     Renew() (POST /admin/epoch). Requests that arrive while a build runs
//     share the next build.
//  2. Builds run on the service's own thread, never on a request thread. The
//     old epoch serves until the new one is complete; then one pointer swap
//     publishes it. A failed build publishes nothing: the old epoch serves on.
//  3. An epoch is immutable (analytics/epoch.h): Current() hands out a
//     shared pointer, so a request answered from an epoch keeps it alive
//     even if a new one is published meanwhile.
//  4. A learner counts in an epoch only while their consent for the purpose
//     `analytics` is in force when the epoch is built (`counts`), so a
//     withdrawal reaches the next epoch. Erasure deletes a learner's facts
//     (storage/erasure.h): they are gone from the next snapshot. Roll-ups
//     folded by retention hold counts only and stay.
//  5. The build is logged with its time and sizes, never an identity.
//
// Thread safety: Current and Renew may be called concurrently. Destroy the
// service before the store and the consent registry it reads.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "analytics/epoch.h"
#include "anonymizer/random_source.h"
#include "storage/analytics_store.h"
#include "storage/statement_writer.h"
#include "xapi/result.h"

namespace lrs::plugin {

class ConsentRegistry;

// Whether a learner (pseudonym) counts in analytics.
using AnalyticsConsent = std::function<bool(const std::string& pseudonym)>;

// Consent for the purpose "analytics" in force (plugin/privacy/consent_registry.h).
// When the manifest does not ask consent for analytics, every learner whose
// statements are stored counts (storing already needed their consent).
AnalyticsConsent AnalyticsConsentOf(const ConsentRegistry& consent);

// What one build read and how long it took, for the log line.
struct EpochBuildStats {
  int64_t facts = 0;           // facts that counted
  int64_t facts_left_out = 0;  // of learners without consent, or of unknown kinds
  int64_t learners = 0;        // distinct learners that counted
  int64_t activities = 0;
  int64_t rolled_cells = 0;
  int64_t millis = 0;
};

// One build: reads one snapshot, leaves out learners `counts` refuses and
// builds the epoch. Errors: the store's (500).
Result<std::shared_ptr<const analytics::Epoch>> BuildEpoch(
    const analytics::EpochConfig& config, storage::AnalyticsStore& store,
    const AnalyticsConsent& counts, std::string id, int64_t as_of_us,
    EpochBuildStats* stats = nullptr);

class EpochService {
 public:
  struct Options {
    analytics::EpochConfig config;
    std::chrono::milliseconds period = std::chrono::hours(24);
    storage::Clock clock = storage::SystemClockMicros;  // an epoch's as_of
    AnalyticsConsent counts;                            // null: everyone counts
    std::shared_ptr<anonymizer::RandomSource> random;   // epoch ids; null: the system's
    // Where the build line goes; default: one line on stdout, failures on stderr.
    std::function<void(const std::string& line, bool failed)> log;
  };

  // Starts the thread; the first build begins at once.
  EpochService(Options options, storage::AnalyticsStore& store);
  ~EpochService();
  EpochService(const EpochService&) = delete;
  EpochService& operator=(const EpochService&) = delete;

  // The published epoch; null until the first build completes.
  std::shared_ptr<const analytics::Epoch> Current() const;

  // Starts a new epoch now and waits for it (the wait is the caller's; the
  // build is the service's thread's). Errors: the build's (the old epoch
  // serves on), 503 while the service stops.
  Result<std::shared_ptr<const analytics::Epoch>> Renew();

 private:
  void Run();
  Result<std::shared_ptr<const analytics::Epoch>> BuildOnce();
  std::string NewId();

  Options options_;
  storage::AnalyticsStore& store_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;  // the thread: a request, or stop
  std::condition_variable built_;  // Renew: a build finished
  std::shared_ptr<const analytics::Epoch> current_;
  uint64_t requested_ = 0;  // Renew() calls so far
  uint64_t served_ = 0;     // requests the finished builds answered
  std::optional<Error> last_error_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after everything it uses exists
};

}  // namespace lrs::plugin

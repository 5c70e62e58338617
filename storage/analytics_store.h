#pragma once
// The analytics facts and their roll-ups (table analytics_facts: one row per
// (pseudonym, activity, kind), written by StatementWriter from
// StatementRecord::analytics in the statement's savepoint; table
// analytics_rollups: counts of inner cells folded from expired facts, never a
// pseudonym). What an epoch reads, and what retention folds before it deletes.
//
// A store interface with named operations, so PostgreSQL can implement it a
// second time (DESIGN.md, "Layout as the project grows").

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "xapi/result.h"

namespace lrs::storage {

// One analytics fact as stored. `kind` is analytics::FactKind's value; storage
// does not interpret it beyond the upsert rule of each kind (see
// statement_record.h, AnalyticsFactUpdate).
struct AnalyticsFactRecord {
  std::string pseudonym;
  std::string activity_id;
  int kind = 0;
  int64_t at_us = 0;
  std::vector<std::string> cohort;
  std::optional<double> value;
  std::string detail;
  // `stored` of the newest statement that touched it, to within a day
  // (storage/analytics_facts.h, kAnalyticsTouchUs).
  int64_t updated_us = 0;
};

struct AnalyticsRollupRecord {
  std::string activity_id;
  std::string cell;  // opaque key of an inner cell (analytics::RolledCell::cell)
  int64_t learners = 0;
};

struct AnalyticsActivityRecord {
  std::string activity_id;
  std::string definition_json;  // the canonical definition, "{}" when none
};

// Receives one consistent snapshot (one read transaction) for an epoch.
class AnalyticsSnapshotSink {
 public:
  virtual ~AnalyticsSnapshotSink() = default;
  virtual void OnActivity(const AnalyticsActivityRecord& activity) = 0;
  virtual void OnFact(const AnalyticsFactRecord& fact) = 0;
  virtual void OnRollup(const AnalyticsRollupRecord& rollup) = 0;
};

// Folds the facts of one learner on one activity into inner-cell counts.
using AnalyticsRollUp =
    std::function<std::vector<AnalyticsRollupRecord>(const std::vector<AnalyticsFactRecord>&)>;

class AnalyticsStore {
 public:
  virtual ~AnalyticsStore() = default;
  // Every activity named by a fact or a roll-up, every fact and every roll-up,
  // from one read transaction, so a concurrent ingest or retention batch is
  // seen wholly or not at all.
  virtual MaybeError ReadSnapshot(AnalyticsSnapshotSink& sink) = 0;
  // Retention: the facts of every (learner, activity) whose newest updated_us
  // is before `before_us` are passed to `roll_up`, its counts added to the
  // roll-ups (a record without activity_id counts for the pair's activity;
  // counts of 0 are skipped) and the facts deleted, in bounded batches, each one transaction
  // (roll-up and deletion together or neither). Returns the (learner,
  // activity) pairs folded.
  virtual Result<int64_t> ExpireFacts(int64_t before_us, const AnalyticsRollUp& roll_up) = 0;
};

}  // namespace lrs::storage

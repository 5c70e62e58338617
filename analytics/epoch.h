#pragma once
// One epoch of analytics (ANALYTICS.md, "Epochs"): every table the catalogue
// can release, computed once from a snapshot of the facts and protected as a
// whole (anonymizer/cell_suppression.h), then answered from memory. A request
// selects rows of the released lattice; it never creates a new aggregate, so
// within an epoch every repeat of a request gets the identical answer and the
// answer never depends on which requests came first.
//
// Pure: facts in (analytics/fact.h), rows out. No I/O, no SQL, no HTTP.
// Thread safety: an Epoch is immutable once built; share it freely.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analytics/fact.h"
#include "xapi/result.h"

namespace lrs::analytics {

// A compliance activity (manifest analytics.required): due on a date, or
// within N days of the learner's first statement in the store.
struct RequiredActivity {
  std::string activity;
  std::optional<int32_t> due_day;  // days since 1970-01-01 (UTC): done on or before it is on time
  std::optional<int> within_days;
};

struct EpochConfig {
  int k = 5;
  std::vector<std::string> cohort_dimensions;  // ids, manifest order (Fact::cohort follows it)
  double pass_mark = 0.5;  // scaled score; score bins below it are a sensitive category
  std::vector<RequiredActivity> required;
};

// An activity the catalogue offers: its canonical definition, as stored.
struct ActivityInfo {
  std::string id;
  std::string name_json = "{}";  // the definition's name language map, JSON text
  std::string type;              // definition.type IRI, may be empty
  std::string interaction_type;  // definition.interactionType, may be empty
};

// An inner cell folded from expired facts by retention (RollUp below): a
// count, never a pseudonym. Its key is opaque to everyone but this library.
struct RolledCell {
  std::string activity;
  std::string cell;  // analytics' own key of the inner cell (block, category, day, cohort)
  int64_t learners = 0;
};

// The inner cells one learner's facts about one activity occupy (every fact
// given is that learner's on that activity), for retention to keep as counts
// when the facts expire.
std::vector<RolledCell> RollUp(const EpochConfig& config, const std::vector<Fact>& facts);

enum class Period { kAll, kDay, kWeek, kMonth };

struct TableRequest {
  std::string table;                    // a catalogue id: outcomes, scores, funnel, ...
  std::optional<std::string> activity;  // absent: every activity
  std::vector<std::string> by;          // 0 to 2 cohort dimension ids
  Period period = Period::kAll;
  std::optional<int32_t> from_day, to_day;  // days since 1970-01-01, inclusive; filter rows only
  std::vector<std::string> steps;           // funnel: 2 to 10 activity IRIs
};

// One released cell. `dimensions` in answer order: "activity", each `by`
// dimension, "period" (YYYY-MM-DD) unless kAll, then "step" or "bin".
struct Row {
  std::vector<std::pair<std::string, std::string>> dimensions;
  std::string measure;
  std::optional<int64_t> learners;  // a count: absent when suppressed
  std::optional<double> value;      // a statistic (median_...): absent when suppressed
  bool suppressed = false;          // one label for every hidden cell
};

struct TableInfo {
  std::string id;
  std::string description;
  std::vector<std::string> parameters;  // e.g. "activity", "by", "period", "steps"
  std::vector<std::string> measures;
};

// What protection costs, for the README and bench: among the cells of at
// least k learners, the share still published, and how many cells each rule hid.
struct UtilityReport {
  int64_t cells = 0;
  int64_t cells_at_least_k = 0;
  int64_t published_at_least_k = 0;
  int64_t hidden_primary = 0, hidden_protected = 0, hidden_secondary = 0;
};

class Epoch {
 public:
  virtual ~Epoch() = default;
  virtual const std::string& id() const = 0;
  virtual int64_t as_of_us() const = 0;
  virtual const EpochConfig& config() const = 0;
  virtual const std::vector<TableInfo>& Tables() const = 0;
  virtual const std::vector<ActivityInfo>& Activities() const = 0;
  // 400 naming the parameter for an unknown table, activity, dimension or
  // step, a repeated dimension, more than two, a funnel of fewer than 2 or
  // more than 10 steps.
  virtual Result<std::vector<Row>> Query(const TableRequest& request) const = 0;
  virtual UtilityReport Utility() const = 0;
};

// Collects a snapshot, then builds the epoch (the whole lattice, protected).
class EpochBuilder {
 public:
  explicit EpochBuilder(EpochConfig config);
  ~EpochBuilder();
  EpochBuilder(const EpochBuilder&) = delete;
  EpochBuilder& operator=(const EpochBuilder&) = delete;

  void AddActivity(ActivityInfo activity);
  void AddFact(const Fact& fact);
  void AddRolled(const RolledCell& cell);
  std::shared_ptr<const Epoch> Build(std::string id, int64_t as_of_us);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace lrs::analytics

#pragma once
// The released epoch: every protected cell of the lattice, stored compactly
// and indexed so a request is a lookup (no computation but the funnel, and
// rendering). Internal to analytics/.

#include <cstdint>
#include <string>
#include <vector>

#include "analytics/catalogue.h"
#include "analytics/epoch.h"
#include "analytics/lattice.h"

namespace lrs::analytics {

// One released cell or statistic of a (table, activity): sorted by
// (v0, v1, period, measure) within its slice.
struct ReleasedCell {
  uint32_t v0 = 0, v1 = 0;
  int32_t period = 0;
  uint16_t measure = 0;
  bool hidden = false;
  bool statistic = false;
  double number = 0;  // the count, or the statistic's value
};

struct MeasureLabel {
  std::string name;       // the row's "measure"
  std::string label_dim;  // "bin", "response" or empty
  std::string label;
};

struct ReleasedTable {
  bool present = false;
  std::vector<MeasureLabel> measures;
  std::vector<std::vector<ReleasedCell>> slices;  // [combo * kGranularities + gran]
};

// A completer of an activity (final state passed, failed or completed
// without a result) at their outcome place: what a funnel is built from.
struct Completer {
  uint32_t learner = 0;
  int32_t day = 0;
  uint32_t tuple = 0;
  bool operator<(const Completer& o) const { return learner < o.learner; }
};

struct ReleasedActivity {
  ActivityInfo info;
  ReleasedTable tables[kTableCount];
  std::vector<Completer> completers;  // sorted by learner
};

}  // namespace lrs::analytics

namespace lrs::analytics {

// A row's dimensions in answer order: "activity", each `by` dimension in the
// request's order, "period" unless kAll (the tail, "step" or "bin", is the
// caller's).
std::vector<std::pair<std::string, std::string>> GroupDimensions(const std::string& activity,
                                                                 const CohortSpace& space,
                                                                 const std::vector<int>& by, int combo,
                                                                 int gran, uint32_t v0, uint32_t v1,
                                                                 int32_t period);

// from/to choose period rows only: a period row is returned when the period
// overlaps [from, to] (both inclusive days), i.e. the window snaps outwards to
// whole periods. With period=all there are no period rows and nothing is filtered.
bool InWindow(const TableRequest& request, int gran, int32_t period);

}  // namespace lrs::analytics

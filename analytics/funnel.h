#pragma once
// The funnel (issue 16): step i counts the learners who completed steps 1 to
// i, each placed where they completed step 1 (their outcome place on it), so
// step 1 is exactly the outcomes table's `completed`.
//
// Protection: one step list is one additive block, protected as a whole by
// anonymizer::Suppress, deterministically from (epoch, step list), so the
// answer never depends on which funnel requests came first:
//  - inner cells: (depth j, day of the learner's step-1 completion, cohort
//    tuple), depth j = "completed steps 1..j but not step j+1", j = 1..n;
//  - publishable cells: every group (by-combination of 0..2 dimensions x
//    period all/day/week/month) that holds a step-1 completer, x step i =
//    the sum of depths >= i. So a total step minus its visible parts, two
//    margins of a two-way breakdown, periods and their total and step i
//    minus step i+1 are all inside one linear system;
//  - the depth cells themselves (learners who stopped at step j in a group:
//    the funnel difference) are virtual cells, protected when 1..k-1 (the
//    issue's "funnel differences are 0 or at least k"); a depth of 0 has no
//    inner cell, a structural zero the model grants the analyst;
//  - protected before secondary suppression:
//     * step 1 of a group whose outcomes `completed` cell is hidden (or
//       absent) is protected: the funnel never reveals what outcomes hides;
//     * step i >= 2 of 1..k-1 learners is primary; one of more is protected
//       when, for some proper subset S of steps 1..i that holds step 1, the
//       learners who completed all of S minus those who completed all of
//       steps 1..i is 1..k-1: no difference of two nested funnels (another
//       request, in any order of the same steps) isolates fewer than k
//       learners. Local to one group, order-independent. A step of 0 is not
//       held to it (S's own count is that other funnel's cell, protected
//       there);
//  - step-1 cells that outcomes publishes are known to the analyst whatever
//    the funnel shows, so they enter the elimination first, as published
//    (the engine orders by count: they ride on a known dummy inner cell, see
//    the .cc); protection never rests on hiding them, and they are shown;
//  - then primary (1..k-1), known zeros and secondary (GaussSuppression) by
//    the engine.
// Not covered: differences across step lists other than the nested-subset
// rule (each step list is its own block), funnel step 1 against outcomes
// when retention roll-ups make them differ (funnels count live completers
// only), and differences across epochs.
//
// Cost: one Suppress per distinct step list per epoch, memoized in the
// epoch (FunnelCache, thread-safe), so repeats are a lookup.

#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "analytics/epoch.h"
#include "analytics/lattice.h"
#include "analytics/released.h"
#include "anonymizer/cell_suppression.h"

namespace lrs::analytics {

// The protected lattice of one step list: every group, n steps each.
struct FunnelLattice {
  int steps = 0;
  std::vector<GroupKey> groups;        // sorted
  std::vector<int64_t> reached;        // groups.size() * steps
  std::vector<anonymizer::HiddenBy> why;  // groups.size() * steps; kShown when published
  bool hidden(size_t group, int step0) const { return why[group * steps + step0] != anonymizer::HiddenBy::kShown; }
};

// Builds and protects the lattice of `steps` (catalogue indices of 2..10
// distinct activities). Pure and deterministic.
FunnelLattice BuildFunnel(const std::vector<ReleasedActivity>& activities, const std::vector<int>& steps,
                          const CohortSpace& space, int k);

// Memo of protected lattices per step list, for one epoch. Thread-safe.
class FunnelCache {
 public:
  std::shared_ptr<const FunnelLattice> Get(const std::vector<ReleasedActivity>& activities,
                                           const std::vector<int>& steps, const CohortSpace& space, int k);

 private:
  static constexpr size_t kMaxEntries = 256;
  std::mutex mutex_;
  std::map<std::vector<int>, std::shared_ptr<const FunnelLattice>> lattices_;
};

// `by`: the request's dimensions as indices, `combo` their combination. Rows
// ordered by group, then step. `cache` may be null (computed afresh).
std::vector<Row> FunnelRows(const std::vector<ReleasedActivity>& activities, const std::vector<int>& steps,
                            const CohortSpace& space, const TableRequest& request,
                            const std::vector<int>& by, int combo, int k, FunnelCache* cache = nullptr);

}  // namespace lrs::analytics

#include "analytics/funnel.h"

#include <algorithm>
#include <tuple>

namespace lrs::analytics {
namespace {

constexpr uint16_t kCompletedMeasure = 1;  // outcomes measures: attempted, completed, passed, failed

bool Step1Hidden(const std::vector<ReleasedCell>& outcomes, const GroupKey& key) {
  ReleasedCell probe;
  probe.v0 = key.v0;
  probe.v1 = key.v1;
  probe.period = key.period;
  probe.measure = kCompletedMeasure;
  auto less = [](const ReleasedCell& a, const ReleasedCell& b) {
    return std::tie(a.v0, a.v1, a.period, a.measure) < std::tie(b.v0, b.v1, b.period, b.measure);
  };
  auto it = std::lower_bound(outcomes.begin(), outcomes.end(), probe, less);
  if (it == outcomes.end() || less(probe, *it)) return true;  // not in the lattice: never shown
  return it->hidden;
}

// Learners of one place (day, tuple) with one completion mask of steps 2..n.
struct PlaceMask {
  int32_t day = 0;
  uint32_t tuple = 0;
  uint32_t mask = 0;
  int64_t count = 0;
  bool operator<(const PlaceMask& o) const { return std::tie(day, tuple, mask) < std::tie(o.day, o.tuple, o.mask); }
};

int DepthOf(uint32_t mask, int n) {  // 1..n: steps 1..depth completed, not depth+1
  int depth = 1;
  while (depth < n && (mask & (1u << (depth - 1)))) ++depth;
  return depth;
}

}  // namespace

FunnelLattice BuildFunnel(const std::vector<ReleasedActivity>& activities, const std::vector<int>& steps,
                          const CohortSpace& space, int k) {
  const int n = static_cast<int>(steps.size());
  const int bits = n - 1;
  FunnelLattice out;
  out.steps = n;

  // 1. Every step-1 completer at their place, with the later steps they completed.
  std::vector<PlaceMask> places;
  places.reserve(activities[steps[0]].completers.size());
  for (const Completer& c : activities[steps[0]].completers) {
    uint32_t mask = 0;
    for (int j = 1; j < n; ++j) {
      const auto& later = activities[steps[j]].completers;
      if (std::binary_search(later.begin(), later.end(), Completer{c.learner, 0, 0})) mask |= 1u << (j - 1);
    }
    places.push_back({c.day, c.tuple, mask, 1});
  }
  std::sort(places.begin(), places.end());
  {
    size_t w = 0;
    for (size_t r = 0; r < places.size(); ++r) {
      if (w > 0 && !(places[w - 1] < places[r])) {
        places[w - 1].count += places[r].count;
      } else {
        places[w++] = places[r];
      }
    }
    places.resize(w);
  }
  if (places.empty()) return out;

  // 2. Inner cells (depth, day, tuple), sorted, each a count > 0.
  struct Inner {
    int depth;
    int32_t day;
    uint32_t tuple;
    int64_t count;
    bool operator<(const Inner& o) const { return std::tie(depth, day, tuple) < std::tie(o.depth, o.day, o.tuple); }
  };
  std::vector<Inner> inner;
  for (const PlaceMask& p : places) inner.push_back({DepthOf(p.mask, n), p.day, p.tuple, p.count});
  std::sort(inner.begin(), inner.end());
  {
    size_t w = 0;
    for (size_t r = 0; r < inner.size(); ++r) {
      if (w > 0 && !(inner[w - 1] < inner[r])) {
        inner[w - 1].count += inner[r].count;
      } else {
        inner[w++] = inner[r];
      }
    }
    inner.resize(w);
  }
  auto inner_index = [&](int depth, int32_t day, uint32_t tuple) {
    const Inner probe{depth, day, tuple, 0};
    return static_cast<uint32_t>(std::lower_bound(inner.begin(), inner.end(), probe) - inner.begin());
  };

  // 3. Groups: every by-combination x granularity x value that holds a completer.
  struct Group {
    std::vector<int64_t> reach;           // by mask of steps 2..n, then summed over supersets
    std::vector<std::vector<uint32_t>> at_depth;  // inner cells per depth - 1
  };
  std::map<GroupKey, Group> groups;
  const int combos = static_cast<int>(space.combos.size());
  for (int c = 0; c < combos; ++c) {
    for (int g = 0; g < kGranularities; ++g) {
      if (!Offered(space, c, g)) continue;
      for (const PlaceMask& p : places) {
        Group& group = groups[GroupOf(space, c, g, p.tuple, p.day)];
        if (group.reach.empty()) {
          group.reach.assign(size_t{1} << bits, 0);
          group.at_depth.resize(n);
        }
        group.reach[p.mask] += p.count;
        const int depth = DepthOf(p.mask, n);
        group.at_depth[depth - 1].push_back(inner_index(depth, p.day, p.tuple));
      }
    }
  }

  // 4. The suppression problem: n step cells per group, then virtual depth cells.
  anonymizer::SuppressionProblem problem;
  problem.k = k;
  problem.inner_counts.reserve(inner.size());
  for (const Inner& c : inner) problem.inner_counts.push_back(c.count);
  // Step-1 cells that outcomes publishes are known to the analyst whatever
  // the funnel shows: they must be published first, before any choice. The
  // engine orders by count, so they ride on a dummy inner cell D of a count
  // above every real one (row: step 1 + D), after two cells that make D
  // itself known: Z = D + E (count 3M) and E (2M), both published first and
  // never shown. D and E are in no protected row, so Z and E disclose
  // nothing; then "step 1 + D" is exactly "step 1" published.
  const int64_t big = int64_t{1} << 40;
  const uint32_t dummy_d = static_cast<uint32_t>(problem.inner_counts.size());
  const uint32_t dummy_e = dummy_d + 1;
  problem.inner_counts.push_back(big);
  problem.inner_counts.push_back(2 * big);
  std::vector<anonymizer::SuppressionCell> known_cells(2);
  known_cells[0].inner = {dummy_d, dummy_e};
  known_cells[1].inner = {dummy_e};
  std::vector<anonymizer::SuppressionCell> virtual_cells;
  const ReleasedTable& outcomes = activities[steps[0]].tables[static_cast<int>(TableId::kOutcomes)];
  out.groups.reserve(groups.size());
  out.reached.reserve(groups.size() * n);
  for (auto& [key, group] : groups) {
    out.groups.push_back(key);
    auto& reach = group.reach;
    for (auto& cells : group.at_depth) {
      std::sort(cells.begin(), cells.end());
      cells.erase(std::unique(cells.begin(), cells.end()), cells.end());
    }
    // reach[S] := learners of this group who completed every later step in S, and maybe more.
    for (int b = 0; b < bits; ++b) {
      for (uint32_t mask = 0; mask < reach.size(); ++mask) {
        if (!(mask & (1u << b))) reach[mask] += reach[mask | (1u << b)];
      }
    }
    bool step1_protected = true;
    if (outcomes.present) {
      const size_t slice = static_cast<size_t>(key.combo) * kGranularities + key.gran;
      if (slice < outcomes.slices.size()) step1_protected = Step1Hidden(outcomes.slices[slice], key);
    }
    for (int i = 1; i <= n; ++i) {
      const uint32_t full = (1u << (i - 1)) - 1;  // steps 2..i
      const int64_t count = reach[full];
      anonymizer::SuppressionCell cell;
      for (int d = i; d <= n; ++d) {
        const auto& cells = group.at_depth[d - 1];
        cell.inner.insert(cell.inner.end(), cells.begin(), cells.end());
      }
      std::sort(cell.inner.begin(), cell.inner.end());
      if (i == 1) {
        cell.protect = step1_protected;
        if (!step1_protected) cell.inner.push_back(dummy_d);  // published by outcomes: known
      } else if (count > 0) {  // a published 0 isolates nobody: reach[S] - 0 is another funnel's own cell
        for (uint32_t sub = (full - 1) & full;; sub = (sub - 1) & full) {
          if (!anonymizer::MeetsK(reach[sub] - count, k)) cell.protect = true;
          if (sub == 0 || cell.protect) break;
        }
      }
      problem.cells.push_back(std::move(cell));
      out.reached.push_back(count);
    }
    // The funnel differences: learners of the group who stopped after step j.
    for (int j = 1; j < n; ++j) {
      const int64_t stopped = reach[(1u << (j - 1)) - 1] - reach[(1u << j) - 1];
      if (anonymizer::MeetsK(stopped, k)) continue;
      anonymizer::SuppressionCell depth;
      depth.inner = group.at_depth[j - 1];
      depth.publishable = false;
      virtual_cells.push_back(std::move(depth));
    }
  }
  for (auto& v : virtual_cells) problem.cells.push_back(std::move(v));
  for (auto& v : known_cells) problem.cells.push_back(std::move(v));
  const anonymizer::SuppressionPattern pattern = anonymizer::Suppress(problem);
  out.why.assign(pattern.cells.begin(), pattern.cells.begin() + static_cast<ptrdiff_t>(out.reached.size()));
  return out;
}

std::shared_ptr<const FunnelLattice> FunnelCache::Get(const std::vector<ReleasedActivity>& activities,
                                                      const std::vector<int>& steps, const CohortSpace& space,
                                                      int k) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = lattices_.find(steps);
    if (it != lattices_.end()) return it->second;
  }
  // Computed outside the lock: two threads may both compute one step list;
  // the result is deterministic, so either copy is the answer.
  auto lattice = std::make_shared<const FunnelLattice>(BuildFunnel(activities, steps, space, k));
  std::lock_guard<std::mutex> lock(mutex_);
  if (lattices_.size() >= kMaxEntries) lattices_.clear();
  auto [it, added] = lattices_.emplace(steps, std::move(lattice));
  return it->second;
}

std::vector<Row> FunnelRows(const std::vector<ReleasedActivity>& activities, const std::vector<int>& steps,
                            const CohortSpace& space, const TableRequest& request,
                            const std::vector<int>& by, int combo, int k, FunnelCache* cache) {
  std::shared_ptr<const FunnelLattice> lattice =
      cache ? cache->Get(activities, steps, space, k)
            : std::make_shared<const FunnelLattice>(BuildFunnel(activities, steps, space, k));
  const int n = lattice->steps;
  const int gran = GranularityOf(request.period);
  GroupKey first;
  first.combo = static_cast<uint16_t>(combo);
  first.gran = static_cast<uint8_t>(gran);
  first.v0 = first.v1 = 0;
  first.period = INT32_MIN;
  auto it = std::lower_bound(lattice->groups.begin(), lattice->groups.end(), first);
  std::vector<Row> rows;
  for (; it != lattice->groups.end() && it->combo == combo && it->gran == gran; ++it) {
    const GroupKey& key = *it;
    if (!InWindow(request, gran, key.period)) continue;
    const size_t g = static_cast<size_t>(it - lattice->groups.begin());
    for (int i = 1; i <= n; ++i) {
      const bool hidden = lattice->hidden(g, i - 1);
      Row row;
      row.dimensions = GroupDimensions(activities[steps[i - 1]].info.id, space, by, combo, gran, key.v0, key.v1,
                                       key.period);
      row.dimensions.emplace_back("step", std::to_string(i));
      row.measure = "reached";
      row.suppressed = hidden;
      if (!hidden) row.learners = lattice->reached[g * n + i - 1];
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

}  // namespace lrs::analytics

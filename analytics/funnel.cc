#include "analytics/funnel.h"

#include <algorithm>
#include <map>

#include "anonymizer/cell_suppression.h"

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

}  // namespace

std::vector<Row> FunnelRows(const std::vector<ReleasedActivity>& activities, const std::vector<int>& steps,
                            const CohortSpace& space, const TableRequest& request,
                            const std::vector<int>& by, int combo, int k) {
  const int n = static_cast<int>(steps.size());
  const int bits = n - 1;
  const int gran = GranularityOf(request.period);
  std::map<GroupKey, std::vector<int64_t>> groups;
  for (const Completer& c : activities[steps[0]].completers) {
    uint32_t mask = 0;
    for (int j = 1; j < n; ++j) {
      const auto& later = activities[steps[j]].completers;
      if (std::binary_search(later.begin(), later.end(), Completer{c.learner, 0, 0})) mask |= 1u << (j - 1);
    }
    const GroupKey key = GroupOf(space, combo, gran, c.tuple, c.day);
    auto& counts = groups[key];
    if (counts.empty()) counts.assign(size_t{1} << bits, 0);
    ++counts[mask];
  }

  const ReleasedTable& outcomes = activities[steps[0]].tables[static_cast<int>(TableId::kOutcomes)];
  static const std::vector<ReleasedCell> kNone;
  const std::vector<ReleasedCell>& slice =
      outcomes.present ? outcomes.slices[combo * kGranularities + gran] : kNone;
  std::vector<Row> rows;
  for (auto& [key, reach] : groups) {
    if (!InWindow(request, gran, key.period)) continue;
    // reach[S] := learners (of this group) who completed every later step in S, and maybe more.
    for (int b = 0; b < bits; ++b) {
      for (uint32_t mask = 0; mask < reach.size(); ++mask) {
        if (!(mask & (1u << b))) reach[mask] += reach[mask | (1u << b)];
      }
    }
    const bool step1_hidden = Step1Hidden(slice, key);
    for (int i = 1; i <= n; ++i) {
      const uint32_t full = (1u << (i - 1)) - 1;  // steps 2..i
      const int64_t count = reach[full];
      bool hidden = step1_hidden;
      if (i > 1 && !hidden) {
        hidden = !anonymizer::MeetsK(count, k);
        for (uint32_t sub = (full - 1) & full; !hidden; sub = (sub - 1) & full) {
          if (!anonymizer::MeetsK(reach[sub] - count, k)) hidden = true;
          if (sub == 0) break;
        }
      }
      Row row;
      row.dimensions = GroupDimensions(activities[steps[i - 1]].info.id, space, by, combo, gran, key.v0,
                                       key.v1, key.period);
      row.dimensions.emplace_back("step", std::to_string(i));
      row.measure = "reached";
      row.suppressed = hidden;
      if (!hidden) row.learners = count;
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

}  // namespace lrs::analytics

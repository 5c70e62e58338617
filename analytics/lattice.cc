#include "analytics/lattice.h"

#include <algorithm>
#include <tuple>

#include "analytics/catalogue.h"
#include "analytics/period.h"
#include "analytics/protection.h"

namespace lrs::analytics {

int CohortSpace::ComboIndex(std::vector<int> dims) const {
  std::sort(dims.begin(), dims.end());
  for (size_t i = 0; i < combos.size(); ++i) {
    if (combos[i] == dims) return static_cast<int>(i);
  }
  return -1;
}

bool GroupKey::operator<(const GroupKey& o) const {
  return std::tie(combo, gran, v0, v1, period) < std::tie(o.combo, o.gran, o.v0, o.v1, o.period);
}
bool GroupKey::operator==(const GroupKey& o) const {
  return combo == o.combo && gran == o.gran && v0 == o.v0 && v1 == o.v1 && period == o.period;
}

Period PeriodOfGranularity(int gran) {
  static constexpr Period kOrder[kGranularities] = {Period::kAll, Period::kDay, Period::kWeek, Period::kMonth};
  return kOrder[gran];
}

int GranularityOf(Period period) {
  switch (period) {
    case Period::kAll:
      return 0;
    case Period::kDay:
      return 1;
    case Period::kWeek:
      return 2;
    case Period::kMonth:
      return 3;
  }
  return 0;
}

GroupKey GroupOf(const CohortSpace& space, int combo, int gran, uint32_t tuple, int32_t day) {
  GroupKey key;
  key.combo = static_cast<uint16_t>(combo);
  key.gran = static_cast<uint8_t>(gran);
  const std::vector<int>& dims = space.combos[combo];
  const std::vector<uint32_t>& values = space.tuples[tuple];
  if (dims.size() > 0) key.v0 = values[dims[0]];
  if (dims.size() > 1) key.v1 = values[dims[1]];
  key.period = PeriodStart(PeriodOfGranularity(gran), day);
  return key;
}

bool Offered(const CohortSpace& space, int combo, int gran) {
  return static_cast<int>(space.combos[combo].size()) <= MaxBreakdownDims(PeriodOfGranularity(gran));
}

namespace {

struct Entry {
  GroupKey key;
  uint32_t inner;
  bool operator<(const Entry& o) const {
    if (key == o.key) return inner < o.inner;
    return key < o.key;
  }
};

// Every (group, inner cell) incidence, sorted: runs of one key are groups.
std::vector<Entry> GroupEntries(const Block& block, const CohortSpace& space) {
  const int combos = static_cast<int>(space.combos.size());
  std::vector<Entry> entries;
  entries.reserve(block.inner.size() * combos * kGranularities);
  for (uint32_t i = 0; i < block.inner.size(); ++i) {
    for (int c = 0; c < combos; ++c) {
      for (int g = 0; g < kGranularities; ++g) {
        if (Offered(space, c, g)) entries.push_back({GroupOf(space, c, g, block.inner[i].tuple, block.inner[i].day), i});
      }
    }
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

// Zero inner cells where the homogeneity rule (protection.h) must keep a
// zero uncertain, at the places (day, tuple) of a group's members: where
// every member is in a sensitive category, a zero of each safe category (so
// the group's safe part is an unknown its virtual cell can protect); where a
// sensitive category holds nobody of the group, a zero of that category (so
// the protected zero is an unknown too, rather than the sum of nothing,
// which any release pins: GaussSuppression's "extend input data with zeros").
void AddProtectedZeros(Block& block, const CohortSpace& space) {
  bool any_safe = false, any_sensitive = false;
  for (CategoryRole r : block.roles) {
    any_safe = any_safe || r == CategoryRole::kSafe;
    any_sensitive = any_sensitive || r == CategoryRole::kSensitive;
  }
  if (!any_safe || !any_sensitive) return;
  const size_t categories = block.roles.size();
  const std::vector<Entry> entries = GroupEntries(block, space);
  std::vector<std::tuple<uint32_t, int32_t, uint32_t>> zeros_at;  // (category, day, tuple)
  std::vector<int64_t> in_category(categories);
  for (size_t begin = 0; begin < entries.size();) {
    size_t end = begin;
    int64_t members = 0, sensitive = 0;
    std::fill(in_category.begin(), in_category.end(), 0);
    while (end < entries.size() && entries[end].key == entries[begin].key) {
      const InnerCell& c = block.inner[entries[end].inner];
      const CategoryRole role = block.roles[c.category];
      if (role != CategoryRole::kOutside) members += c.count;
      if (role == CategoryRole::kSensitive) sensitive += c.count;
      in_category[c.category] += c.count;
      ++end;
    }
    if (members > 0) {
      for (uint32_t cat = 0; cat < categories; ++cat) {
        const CategoryRole role = block.roles[cat];
        const bool zero_here = (role == CategoryRole::kSafe && sensitive == members) ||
                               (role == CategoryRole::kSensitive && in_category[cat] == 0);
        if (!zero_here) continue;
        for (size_t e = begin; e < end; ++e) {
          const InnerCell& c = block.inner[entries[e].inner];
          if (block.roles[c.category] != CategoryRole::kOutside && c.count > 0) zeros_at.emplace_back(cat, c.day, c.tuple);
        }
      }
    }
    begin = end;
  }
  if (zeros_at.empty()) return;
  std::sort(zeros_at.begin(), zeros_at.end());
  zeros_at.erase(std::unique(zeros_at.begin(), zeros_at.end()), zeros_at.end());
  auto by_place = [](const InnerCell& a, const InnerCell& b) {
    return std::tie(a.category, a.day, a.tuple) < std::tie(b.category, b.day, b.tuple);
  };
  std::vector<InnerCell> zeros;
  for (const auto& [cat, day, tuple] : zeros_at) {
    const InnerCell probe{cat, day, tuple, 0};
    if (!std::binary_search(block.inner.begin(), block.inner.end(), probe, by_place)) zeros.push_back(probe);
  }
  block.inner.insert(block.inner.end(), zeros.begin(), zeros.end());
  std::sort(block.inner.begin(), block.inner.end(), by_place);
}

}  // namespace

BlockLattice BuildLattice(Block& block, const CohortSpace& space, int k) {
  AddProtectedZeros(block, space);
  BlockLattice out;
  out.problem.k = k;
  out.problem.inner_counts.reserve(block.inner.size());
  for (const InnerCell& c : block.inner) out.problem.inner_counts.push_back(c.count);

  const size_t categories = block.roles.size();
  std::vector<std::vector<char>> sums(block.measures.size(), std::vector<char>(categories, 0));
  for (size_t m = 0; m < block.measures.size(); ++m) {
    for (uint32_t c : block.measures[m].categories) {
      if (c < categories) sums[m][c] = 1;
    }
  }
  // Categories no measure shows alone (outcomes: completed without a result,
  // attempted only; interactions: each response's correctness): the analyst
  // can name them per group and may compute them (completed - passed -
  // failed). Each group gets one derived cell per such category, so a zero
  // there is a known zero to Suppress and a pin by it is seen (issue 16:
  // "failed 1 beside completed 6 and passed 5" when nobody is without a result).
  std::vector<char> shown_alone(categories, 0);
  for (const BlockMeasure& m : block.measures) {
    if (m.categories.size() == 1 && m.categories[0] < categories) shown_alone[m.categories[0]] = 1;
  }
  bool any_sensitive = false;
  for (CategoryRole r : block.roles) any_sensitive = any_sensitive || r == CategoryRole::kSensitive;
  const std::vector<Entry> entries = GroupEntries(block, space);

  std::vector<anonymizer::SuppressionCell> virtual_cells;
  std::vector<uint32_t> group_inner, cell_ids;
  for (size_t begin = 0; begin < entries.size();) {
    size_t end = begin;
    group_inner.clear();
    int64_t total = 0;
    while (end < entries.size() && entries[end].key == entries[begin].key) {
      group_inner.push_back(entries[end].inner);
      total += block.inner[entries[end].inner].count;
      ++end;
    }
    if (total > 0) {  // a group exists when it holds a learner (zero cells alone make none)
      const uint32_t group = static_cast<uint32_t>(out.groups.size());
      out.groups.push_back(entries[begin].key);
      cell_ids.clear();
      for (size_t m = 0; m < block.measures.size(); ++m) {
        anonymizer::SuppressionCell cell;
        for (uint32_t i : group_inner) {
          if (sums[m][block.inner[i].category]) cell.inner.push_back(i);
        }
        cell_ids.push_back(static_cast<uint32_t>(out.problem.cells.size()));
        out.problem.cells.push_back(std::move(cell));
        out.cells.push_back({group, static_cast<uint16_t>(m)});
      }
      ProtectGroup(block, group_inner, cell_ids, out.problem, virtual_cells);
      for (uint32_t cat = 0; cat < categories; ++cat) {
        if (shown_alone[cat]) continue;
        anonymizer::SuppressionCell derived;
        derived.derived = true;
        for (uint32_t i : group_inner) {
          if (block.inner[i].category == cat) derived.inner.push_back(i);
        }
        if (!derived.inner.empty()) virtual_cells.push_back(std::move(derived));
      }
      // The group's non-sensitive part (completed - failed): when it is 0
      // the analyst knows every inner cell of it is 0, which may zero a
      // finer all-sensitive group's safe part.
      if (any_sensitive) {
        anonymizer::SuppressionCell safe;
        safe.derived = true;
        for (uint32_t i : group_inner) {
          if (block.roles[block.inner[i].category] == CategoryRole::kSafe) safe.inner.push_back(i);
        }
        if (!safe.inner.empty()) virtual_cells.push_back(std::move(safe));
      }
    }
    begin = end;
  }
  for (auto& v : virtual_cells) out.problem.cells.push_back(std::move(v));
  return out;
}

std::vector<std::pair<GroupKey, std::vector<double>>> GroupValues(const std::vector<PlacedValue>& values,
                                                                  const CohortSpace& space) {
  std::vector<std::pair<GroupKey, double>> entries;
  const int combos = static_cast<int>(space.combos.size());
  entries.reserve(values.size() * combos * kGranularities);
  for (const PlacedValue& v : values) {
    for (int c = 0; c < combos; ++c) {
      for (int g = 0; g < kGranularities; ++g) {
        if (Offered(space, c, g)) entries.emplace_back(GroupOf(space, c, g, v.tuple, v.day), v.value);
      }
    }
  }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    if (a.first == b.first) return a.second < b.second;
    return a.first < b.first;
  });
  std::vector<std::pair<GroupKey, std::vector<double>>> out;
  for (const auto& [key, value] : entries) {
    if (out.empty() || !(out.back().first == key)) out.emplace_back(key, std::vector<double>{});
    out.back().second.push_back(value);
  }
  return out;
}

}  // namespace lrs::analytics

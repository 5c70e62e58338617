// EpochBuilder: from a snapshot of facts and roll-ups to a released epoch.
//
// Design note (the invariants, and why):
//  1. Nothing depends on the order facts arrive in. Strings are interned to
//     integers while collecting (learners, cohort values, tuples, responses),
//     but every id that reaches a result is re-numbered by sorted strings
//     (CohortSpace, response labels), duplicates are resolved by value
//     (standing.h), and every lattice is built from sorted vectors.
//  2. Global recoding comes before anything else: a cohort value held by
//     fewer than k distinct learners in the whole epoch becomes "(other)" (a
//     rare value's name is itself a fact about someone). Holders of a value
//     are its distinct live learners, or, when more, the largest rolled cell
//     that names it (a lower bound on the distinct learners folded into it).
//     Responses of an interaction are recoded the same way, per activity.
//  3. Memory stays bounded: facts are packed (about 40 bytes each), sorted by
//     (activity, learner) and consumed one activity at a time; an activity's
//     blocks are built, protected and released before the next begins.
//  4. Activities are built in parallel (one worker per hardware thread),
//     each into its own slot, so the epoch is the same whatever the schedule.
//  5. Each block is protected as a whole (every by-combination and period at
//     once): homogeneity first (protection.h), then anonymizer::Suppress.

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <thread>
#include <unordered_map>

#include "analytics/catalogue.h"
#include "analytics/epoch.h"
#include "analytics/epoch_impl.h"
#include "analytics/lattice.h"
#include "analytics/median.h"
#include "analytics/period.h"
#include "analytics/protection.h"
#include "analytics/rolled_key.h"
#include "analytics/standing.h"
#include "anonymizer/cell_suppression.h"

namespace lrs::analytics {
namespace {

constexpr const char* kOtherValue = "(other)";
constexpr uint32_t kNoDetail = std::numeric_limits<uint32_t>::max();

class Interner {
 public:
  uint32_t Id(const std::string& s) {
    auto [it, added] = ids_.try_emplace(s, static_cast<uint32_t>(names_.size()));
    if (added) names_.push_back(s);
    return it->second;
  }
  const std::vector<std::string>& names() const { return names_; }
  size_t size() const { return names_.size(); }

 private:
  std::unordered_map<std::string, uint32_t> ids_;
  std::vector<std::string> names_;
};

struct PackedFact {
  uint32_t learner, activity, tuple, detail;
  int64_t at_us;
  double value;
  FactKind kind;
  bool has_value;
};

struct RolledEntry {
  uint32_t activity;
  std::string block;
  int32_t day;
  std::string category;
  uint32_t tuple;
  int64_t learners;
};

struct VectorHash {
  size_t operator()(const std::vector<uint32_t>& v) const {
    size_t h = 1469598103934665603ull;
    for (uint32_t x : v) h = (h ^ x) * 1099511628211ull;
    return h;
  }
};

// The outcome state names of rolled keys, in Outcome order.
const char* const kStateNames[kOutcomeStates] = {"passed", "failed", "completed", "attempted"};

int StateOf(const std::string& name) {
  for (int i = 0; i < kOutcomeStates; ++i) {
    if (name == kStateNames[i]) return i;
  }
  return -1;
}

int BinOf(const std::string& label) {
  for (int b = 0; b < kScoreBins; ++b) {
    if (label == ScoreBinLabel(b)) return b;
  }
  return -1;
}

}  // namespace

struct EpochBuilder::State {
  explicit State(EpochConfig c) : config(std::move(c)), dim_values(config.cohort_dimensions.size()) {}

  EpochConfig config;
  std::map<std::string, ActivityInfo> infos;
  Interner learners, activities, details;
  std::vector<Interner> dim_values;
  std::unordered_map<std::vector<uint32_t>, uint32_t, VectorHash> tuple_ids;
  std::vector<std::vector<uint32_t>> tuples;
  std::vector<PackedFact> facts;
  std::vector<RolledEntry> rolled;

  uint32_t TupleId(const std::vector<std::string>& cohort) {
    std::vector<uint32_t> ids(dim_values.size());
    for (size_t d = 0; d < dim_values.size(); ++d) {
      const std::string& v = d < cohort.size() && !cohort[d].empty() ? cohort[d] : std::string(kNoCohortValue);
      ids[d] = dim_values[d].Id(v);
    }
    auto [it, added] = tuple_ids.try_emplace(ids, static_cast<uint32_t>(tuples.size()));
    if (added) tuples.push_back(std::move(ids));
    return it->second;
  }
};

EpochBuilder::EpochBuilder(EpochConfig config) : state_(std::make_unique<State>(std::move(config))) {}
EpochBuilder::~EpochBuilder() = default;

void EpochBuilder::AddActivity(ActivityInfo activity) {
  const std::string id = activity.id;  // the right side of = is evaluated first (C++17)
  state_->activities.Id(id);
  state_->infos[id] = std::move(activity);
}

void EpochBuilder::AddFact(const Fact& fact) {
  State& s = *state_;
  PackedFact p;
  p.learner = s.learners.Id(fact.learner);
  p.activity = s.activities.Id(fact.activity);
  p.tuple = s.TupleId(fact.cohort);
  p.detail = fact.kind == FactKind::kResponse ? s.details.Id(fact.detail) : kNoDetail;
  p.at_us = fact.at_us;
  p.has_value = fact.value.has_value();
  p.value = fact.value.value_or(0);
  p.kind = fact.kind;
  s.facts.push_back(p);
}

void EpochBuilder::AddRolled(const RolledCell& cell) {
  auto key = DecodeRolledKey(cell.cell);
  if (!key || cell.learners <= 0) return;  // a key of another version: ignored, never a crash
  State& s = *state_;
  s.rolled.push_back(
      {s.activities.Id(cell.activity), key->block, key->day, key->category, s.TupleId(key->cohort), cell.learners});
}

namespace {

// Everything one activity's learners contribute, gathered before its blocks are built.
struct ActivityAccumulator {
  BlockBuilder outcomes{kOutcomeStates}, scores{kScoreBins}, active{1};
  std::vector<PlacedValue> score_values, durations, time_spent;
  struct Answer {
    uint32_t detail;
    Correctness correctness;
    int32_t day;
    uint32_t tuple;
  };
  std::vector<Answer> answers;
  std::vector<std::pair<uint32_t, int64_t>> completed_at;  // learner, first completion
  std::vector<Completer> completers;
};

class Releaser {
 public:
  Releaser(const CohortSpace& space, int k, UtilityReport& utility) : space_(space), k_(k), utility_(utility) {}

  // Protects `block` as a whole and stores its released cells in `table`.
  void ReleaseBlock(Block block, ReleasedTable& table) {
    table.present = true;
    table.slices.assign(space_.combos.size() * kGranularities, {});
    if (block.inner.empty()) return;
    BlockLattice lattice = BuildLattice(block, space_, k_);
    const anonymizer::SuppressionPattern pattern = SuppressDistinct(lattice.problem);
    for (size_t i = 0; i < lattice.cells.size(); ++i) {
      const GroupKey& g = lattice.groups[lattice.cells[i].group];
      int64_t n = 0;
      for (uint32_t j : lattice.problem.cells[i].inner) n += lattice.problem.inner_counts[j];
      ReleasedCell cell;
      cell.v0 = g.v0;
      cell.v1 = g.v1;
      cell.period = g.period;
      cell.measure = block.measures[lattice.cells[i].measure].measure;
      cell.hidden = pattern.hidden(i);
      cell.number = static_cast<float>(n);
      table.slices[g.combo * kGranularities + g.gran].push_back(cell);
      Count(n, pattern.cells[i]);
    }
  }

  // Adds statistic rows (medians) for every group of `table` that holds a
  // count. A median says its group holds at least k learners: a bound on
  // the counts that describe the group, which suppression does not model.
  // So it is shown only where the published counts of `gate` (measures of
  // `groups_from` over disjoint parts of the median's learners) already sum
  // to at least k in that group, and the bound says nothing new.
  void ReleaseMedian(const std::vector<PlacedValue>& values, uint16_t measure, double unit, ReleasedTable& table,
                     const ReleasedTable& groups_from, const std::vector<uint16_t>& gate) {
    auto grouped = GroupValues(values, space_);
    table.present = true;
    if (table.slices.empty()) table.slices.assign(space_.combos.size() * kGranularities, {});
    // The groups first: `table` and `groups_from` may be the same table.
    std::vector<GroupKey> keys;
    std::vector<int64_t> published_part;  // per key: the published gate counts' sum
    for (size_t slice = 0; slice < groups_from.slices.size(); ++slice) {
      const auto& cells = groups_from.slices[slice];
      for (size_t i = 0; i < cells.size(); ++i) {
        const bool gated = !cells[i].statistic &&
                           std::find(gate.begin(), gate.end(), cells[i].measure) != gate.end();
        const int64_t part = gated && !cells[i].hidden ? static_cast<int64_t>(cells[i].number) : 0;
        if (i > 0 && SameGroup(cells[i - 1], cells[i])) {
          published_part.back() += part;
          continue;
        }
        published_part.push_back(part);
        GroupKey key;
        key.combo = static_cast<uint16_t>(slice / kGranularities);
        key.gran = static_cast<uint8_t>(slice % kGranularities);
        key.v0 = cells[i].v0;
        key.v1 = cells[i].v1;
        key.period = cells[i].period;
        keys.push_back(key);
      }
    }
    {
      for (size_t g = 0; g < keys.size(); ++g) {
        const GroupKey& key = keys[g];
        const size_t slice = key.combo * kGranularities + key.gran;
        auto it = std::lower_bound(grouped.begin(), grouped.end(), key,
                                   [](const auto& a, const GroupKey& b) { return a.first < b; });
        std::optional<double> median;
        if (published_part[g] >= k_ && it != grouped.end() && it->first == key) median = MedianOfAtLeastK(it->second, k_, unit);
        ReleasedCell stat;
        stat.v0 = key.v0;
        stat.v1 = key.v1;
        stat.period = key.period;
        stat.measure = measure;
        stat.statistic = true;
        stat.hidden = !median;
        stat.number = static_cast<float>(median.value_or(0));
        table.slices[slice].push_back(stat);
      }
    }
  }

  // Cells with the same inner cells are one number under several names (a
  // department with one role is also that department-and-role; a day's
  // attempted equals its completed when nobody only attempted), so one
  // published copy publishes all. Suppress sees each distinct row once, as
  // protected if any copy is protected or virtual, and every copy gets its
  // fate: the pattern is the one Suppress would give the full problem with
  // copies tied, on a far smaller problem.
  static anonymizer::SuppressionPattern SuppressDistinct(const anonymizer::SuppressionProblem& problem) {
    anonymizer::SuppressionProblem distinct;
    distinct.k = problem.k;
    distinct.inner_counts = problem.inner_counts;
    // Distinct rows by hash, compared exactly on a hit (no second copy of each row).
    std::unordered_multimap<size_t, uint32_t> index;
    const VectorHash hash;
    std::vector<uint32_t> copy_of(problem.cells.size());
    for (size_t i = 0; i < problem.cells.size(); ++i) {
      const anonymizer::SuppressionCell& cell = problem.cells[i];
      // A cell of no inner cells is a structural zero: its own fate, never tied to another.
      if (cell.inner.empty()) {
        copy_of[i] = static_cast<uint32_t>(distinct.cells.size());
        distinct.cells.push_back(cell);
        continue;
      }
      const size_t h = hash(cell.inner);
      uint32_t found = UINT32_MAX;
      for (auto [it, end] = index.equal_range(h); it != end; ++it) {
        if (distinct.cells[it->second].inner == cell.inner) found = it->second;
      }
      if (found == UINT32_MAX) {
        found = static_cast<uint32_t>(distinct.cells.size());
        index.emplace(h, found);
        distinct.cells.push_back({cell.inner, cell.publishable, cell.protect || !cell.publishable, cell.derived});
      } else {
        anonymizer::SuppressionCell& merged = distinct.cells[found];
        // A derived copy of a shown cell is that shown cell.
        merged.derived = merged.derived && cell.derived;
        merged.publishable = merged.publishable || cell.publishable;
        merged.protect = merged.protect || cell.protect || !cell.publishable;
      }
      copy_of[i] = found;
    }
    const anonymizer::SuppressionPattern reduced = anonymizer::Suppress(distinct);
    anonymizer::SuppressionPattern pattern;
    pattern.cells.resize(problem.cells.size());
    for (size_t i = 0; i < problem.cells.size(); ++i) pattern.cells[i] = reduced.cells[copy_of[i]];
    return pattern;
  }

  static void SortSlices(ReleasedTable& table) {
    for (auto& slice : table.slices) {
      slice.shrink_to_fit();
      std::stable_sort(slice.begin(), slice.end(), [](const ReleasedCell& a, const ReleasedCell& b) {
        return std::tie(a.v0, a.v1, a.period, a.measure) < std::tie(b.v0, b.v1, b.period, b.measure);
      });
    }
  }

 private:
  static bool SameGroup(const ReleasedCell& a, const ReleasedCell& b) {
    return a.v0 == b.v0 && a.v1 == b.v1 && a.period == b.period;
  }

  void Count(int64_t n, anonymizer::HiddenBy why) {
    ++utility_.cells;
    if (n >= k_) {
      ++utility_.cells_at_least_k;
      if (why == anonymizer::HiddenBy::kShown) ++utility_.published_at_least_k;
    }
    if (why == anonymizer::HiddenBy::kPrimary) ++utility_.hidden_primary;
    if (why == anonymizer::HiddenBy::kProtected) ++utility_.hidden_protected;
    if (why == anonymizer::HiddenBy::kSecondary) ++utility_.hidden_secondary;
  }

  const CohortSpace& space_;
  int k_;
  UtilityReport& utility_;
};

std::vector<std::vector<int>> CombosOf(size_t dims) {
  std::vector<std::vector<int>> combos = {{}};
  for (int a = 0; a < static_cast<int>(dims); ++a) combos.push_back({a});
  for (int a = 0; a < static_cast<int>(dims); ++a) {
    for (int b = a + 1; b < static_cast<int>(dims); ++b) combos.push_back({a, b});
  }
  return combos;
}

}  // namespace

std::shared_ptr<const Epoch> EpochBuilder::Build(std::string id, int64_t as_of_us) {
  State& s = *state_;
  const int k = std::max(1, s.config.k);
  auto epoch = std::make_shared<EpochImpl>();
  epoch->id_ = std::move(id);
  epoch->as_of_us_ = as_of_us;
  epoch->config_ = s.config;
  epoch->k_ = k;

  // The catalogue's activities, sorted by IRI.
  for (const RequiredActivity& r : s.config.required) s.activities.Id(r.activity);
  std::vector<uint32_t> order(s.activities.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return s.activities.names()[a] < s.activities.names()[b]; });
  std::vector<uint32_t> activity_index(order.size());
  epoch->activities_.resize(order.size());
  for (uint32_t pos = 0; pos < order.size(); ++pos) {
    activity_index[order[pos]] = pos;
    const std::string& iri = s.activities.names()[order[pos]];
    auto it = s.infos.find(iri);
    ActivityInfo info = it != s.infos.end() ? it->second : ActivityInfo{iri, "{}", "", ""};
    epoch->activity_ids_[iri] = static_cast<int>(pos);
    epoch->infos_.push_back(info);
    epoch->activities_[pos].info = std::move(info);
  }

  // 1. Global recoding of cohort values (invariant 2).
  const size_t dims = s.dim_values.size();
  std::vector<std::vector<int64_t>> holders(dims);
  for (size_t d = 0; d < dims; ++d) holders[d].assign(s.dim_values[d].size(), 0);
  {
    std::vector<uint64_t> pairs;
    pairs.reserve(s.facts.size());
    for (const PackedFact& f : s.facts) pairs.push_back(uint64_t{f.tuple} << 32 | f.learner);
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
    for (size_t d = 0; d < dims; ++d) {
      std::vector<uint64_t> held;
      held.reserve(pairs.size());
      for (uint64_t p : pairs) held.push_back(uint64_t{s.tuples[p >> 32][d]} << 32 | (p & 0xffffffffu));
      std::sort(held.begin(), held.end());
      held.erase(std::unique(held.begin(), held.end()), held.end());
      for (uint64_t h : held) ++holders[d][h >> 32];
    }
    for (const RolledEntry& r : s.rolled) {
      for (size_t d = 0; d < dims; ++d) {
        int64_t& n = holders[d][s.tuples[r.tuple][d]];
        n = std::max(n, r.learners);
      }
    }
  }
  CohortSpace& space = epoch->space_;
  space.dims = s.config.cohort_dimensions;
  space.dims.resize(dims);
  space.values.resize(dims);
  std::vector<std::vector<uint32_t>> recoded(dims);  // raw value id -> final value id
  for (size_t d = 0; d < dims; ++d) {
    std::vector<std::string> names(s.dim_values[d].size());
    for (size_t v = 0; v < names.size(); ++v)
      names[v] = holders[d][v] >= k ? s.dim_values[d].names()[v] : std::string(kOtherValue);
    std::vector<std::string> sorted = names;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    recoded[d].resize(names.size());
    for (size_t v = 0; v < names.size(); ++v)
      recoded[d][v] = static_cast<uint32_t>(std::lower_bound(sorted.begin(), sorted.end(), names[v]) - sorted.begin());
    space.values[d] = std::move(sorted);
  }
  std::vector<uint32_t> final_tuple(s.tuples.size());
  {
    std::vector<std::vector<uint32_t>> finals(s.tuples.size());
    for (size_t t = 0; t < s.tuples.size(); ++t) {
      finals[t].resize(dims);
      for (size_t d = 0; d < dims; ++d) finals[t][d] = recoded[d][s.tuples[t][d]];
    }
    space.tuples = finals;
    std::sort(space.tuples.begin(), space.tuples.end());
    space.tuples.erase(std::unique(space.tuples.begin(), space.tuples.end()), space.tuples.end());
    for (size_t t = 0; t < s.tuples.size(); ++t)
      final_tuple[t] = static_cast<uint32_t>(
          std::lower_bound(space.tuples.begin(), space.tuples.end(), finals[t]) - space.tuples.begin());
  }
  if (space.tuples.empty()) space.tuples.push_back(std::vector<uint32_t>(dims, 0));
  space.combos = CombosOf(dims);
  s.tuple_ids.clear();

  // Responses get order-independent ids (ranks of their strings) for tie-breaks.
  std::vector<uint32_t> detail_rank(s.details.size()), detail_by_rank(s.details.size());
  for (uint32_t i = 0; i < detail_by_rank.size(); ++i) detail_by_rank[i] = i;
  std::sort(detail_by_rank.begin(), detail_by_rank.end(),
            [&](uint32_t a, uint32_t b) { return s.details.names()[a] < s.details.names()[b]; });
  for (uint32_t r = 0; r < detail_by_rank.size(); ++r) detail_rank[detail_by_rank[r]] = r;

  // Each learner's first statement anywhere: the place of required training's population.
  struct FirstPlace {
    int64_t at_us = std::numeric_limits<int64_t>::max();
    uint32_t tuple = 0;
  };
  std::vector<FirstPlace> first(s.learners.size());
  for (const PackedFact& f : s.facts) {
    const uint32_t t = final_tuple[f.tuple];
    FirstPlace& fp = first[f.learner];
    if (f.at_us < fp.at_us || (f.at_us == fp.at_us && t < fp.tuple)) fp = {f.at_us, t};
  }

  // 2. One activity at a time (invariant 3).
  // Activities are consumed in catalogue (IRI) order: renumber them so first.
  for (PackedFact& f : s.facts) f.activity = activity_index[f.activity];
  for (RolledEntry& r : s.rolled) r.activity = activity_index[r.activity];
  std::sort(s.facts.begin(), s.facts.end(), [](const PackedFact& a, const PackedFact& b) {
    return std::tie(a.activity, a.learner) < std::tie(b.activity, b.learner);
  });
  std::sort(s.rolled.begin(), s.rolled.end(),
            [](const RolledEntry& a, const RolledEntry& b) { return a.activity < b.activity; });
  std::map<std::string, const RequiredActivity*> required;
  for (const RequiredActivity& r : s.config.required) required[r.activity] = &r;

  // Activities are independent: each worker takes the next, writes only its
  // own slot and its own utility tally (summed after), so the result does not
  // depend on which worker built what. Facts and roll-ups are only read.
  auto build_activity = [&](uint32_t pos, Releaser& releaser) {
    size_t fact_at = static_cast<size_t>(
        std::lower_bound(s.facts.begin(), s.facts.end(), pos,
                         [](const PackedFact& f, uint32_t a) { return f.activity < a; }) -
        s.facts.begin());
    size_t rolled_at = static_cast<size_t>(
        std::lower_bound(s.rolled.begin(), s.rolled.end(), pos,
                         [](const RolledEntry& r, uint32_t a) { return r.activity < a; }) -
        s.rolled.begin());
    std::vector<StandingFact> mine;
    ReleasedActivity& released = epoch->activities_[pos];
    ActivityAccumulator acc;
    // Standings of every learner on this activity.
    while (fact_at < s.facts.size() && s.facts[fact_at].activity < pos) ++fact_at;
    while (fact_at < s.facts.size() && s.facts[fact_at].activity == pos) {
      const uint32_t learner = s.facts[fact_at].learner;
      mine.clear();
      for (; fact_at < s.facts.size() && s.facts[fact_at].activity == pos &&
             s.facts[fact_at].learner == learner;
           ++fact_at) {
        const PackedFact& f = s.facts[fact_at];
        StandingFact sf;
        sf.kind = f.kind;
        sf.at_us = f.at_us;
        sf.tuple = final_tuple[f.tuple];
        if (f.has_value) sf.value = f.value;
        sf.detail = f.detail == kNoDetail ? 0 : detail_rank[f.detail];
        mine.push_back(sf);
      }
      const Standing st = StandingOf(mine);
      if (st.active) acc.active.Place(0, DayOf(st.active->at_us), st.active->tuple);
      if (st.outcome) {
        const int32_t day = DayOf(st.outcome_place.at_us);
        acc.outcomes.Place(*st.outcome, day, st.outcome_place.tuple);
        if (*st.outcome != kAttemptedOnly) acc.completers.push_back({learner, day, st.outcome_place.tuple});
      }
      if (st.completed_at_us) acc.completed_at.emplace_back(learner, *st.completed_at_us);
      if (st.score_bin) {
        const int32_t day = DayOf(st.score_place.at_us);
        acc.scores.Place(*st.score_bin, day, st.score_place.tuple);
        acc.score_values.push_back({st.score, day, st.score_place.tuple});
      }
      if (st.completion_duration_s)
        acc.durations.push_back(
            {*st.completion_duration_s, DayOf(st.completion_place.at_us), st.completion_place.tuple});
      if (st.time_spent_s)
        acc.time_spent.push_back({*st.time_spent_s, DayOf(st.time_spent_place.at_us), st.time_spent_place.tuple});
      if (st.response) {
        const uint32_t detail = detail_by_rank[*st.response];
        acc.answers.push_back({detail, st.correctness, DayOf(st.response_place.at_us), st.response_place.tuple});
      }
    }
    // Roll-ups of this activity.
    std::vector<const RolledEntry*> rolled;
    while (rolled_at < s.rolled.size() && s.rolled[rolled_at].activity < pos) ++rolled_at;
    for (; rolled_at < s.rolled.size() && s.rolled[rolled_at].activity == pos; ++rolled_at)
      rolled.push_back(&s.rolled[rolled_at]);
    for (const RolledEntry* r : rolled) {
      const uint32_t t = final_tuple[r->tuple];
      if (r->block == "outcomes") {
        const int state = StateOf(r->category);
        if (state >= 0) acc.outcomes.Place(static_cast<uint32_t>(state), r->day, t, r->learners);
      } else if (r->block == "scores") {
        const int bin = BinOf(r->category);
        if (bin >= 0) acc.scores.Place(static_cast<uint32_t>(bin), r->day, t, r->learners);
      } else if (r->block == "active") {
        acc.active.Place(0, r->day, t, r->learners);
      }
    }

    // outcomes: one partition, four states (standing.h).
    {
      auto& roles = acc.outcomes.roles();
      roles[kPassedState] = CategoryRole::kSafe;
      roles[kFailedState] = CategoryRole::kSensitive;
      roles[kCompletedNoResult] = CategoryRole::kSafe;
      roles[kAttemptedOnly] = CategoryRole::kOutside;
      std::vector<BlockMeasure> measures = {
          {0, "", {kPassedState, kFailedState, kCompletedNoResult, kAttemptedOnly}, false},
          {1, "", {kPassedState, kFailedState, kCompletedNoResult}, false},
          {2, "", {kPassedState}, false},
          {3, "", {kFailedState}, true},
      };
      ReleasedTable& table = released.tables[static_cast<int>(TableId::kOutcomes)];
      for (const char* m : {"attempted", "completed", "passed", "failed"}) table.measures.push_back({m, "", ""});
      releaser.ReleaseBlock(acc.outcomes.Finish(std::move(measures)), table);
    }
    // scores: eleven bins, those wholly below the pass mark sensitive, and the median.
    {
      std::vector<BlockMeasure> measures;
      ReleasedTable& table = released.tables[static_cast<int>(TableId::kScores)];
      for (int b = 0; b < kScoreBins; ++b) {
        const bool below = ScoreBinBelow(b, s.config.pass_mark);
        acc.scores.roles()[b] = below ? CategoryRole::kSensitive : CategoryRole::kSafe;
        measures.push_back({static_cast<uint16_t>(b), ScoreBinLabel(b), {static_cast<uint32_t>(b)}, below});
        table.measures.push_back({"learners", "bin", ScoreBinLabel(b)});
      }
      table.measures.push_back({"median_scaled", "", ""});
      releaser.ReleaseBlock(acc.scores.Finish(std::move(measures)), table);
      std::sort(acc.score_values.begin(), acc.score_values.end(),
                [](const PlacedValue& a, const PlacedValue& b) { return a.value < b.value; });
      std::vector<uint16_t> every_bin;  // the scored learners: the sum of the bins
      for (int b = 0; b < kScoreBins; ++b) every_bin.push_back(static_cast<uint16_t>(b));
      releaser.ReleaseMedian(acc.score_values, kScoreBins, 0.001, table, table, every_bin);
      Releaser::SortSlices(table);
    }
    // active: one category; nothing sensitive.
    {
      acc.active.roles()[0] = CategoryRole::kOutside;
      ReleasedTable& table = released.tables[static_cast<int>(TableId::kActive)];
      table.measures.push_back({"active", "", ""});
      releaser.ReleaseBlock(acc.active.Finish({{0, "", {0}, false}}), table);
    }
    // durations: medians only, for every group of the outcomes table.
    {
      ReleasedTable& table = released.tables[static_cast<int>(TableId::kDurations)];
      table.measures.push_back({"median_duration_s", "", ""});
      table.measures.push_back({"median_time_spent_s", "", ""});
      const ReleasedTable& groups = released.tables[static_cast<int>(TableId::kOutcomes)];
      releaser.ReleaseMedian(acc.durations, 0, 1.0, table, groups, {1});   // completers: "completed"
      releaser.ReleaseMedian(acc.time_spent, 1, 1.0, table, groups, {0});  // with a statement: "attempted"
      Releaser::SortSlices(table);
    }
    // interactions: choice-like questions only; responses recoded like cohort values.
    if (IsChoiceInteraction(released.info)) {
      std::map<std::string, int64_t> holders_of;
      for (const auto& a : acc.answers) ++holders_of[s.details.names()[a.detail]];
      struct RolledAnswer {
        std::string response;
        Correctness correctness;
        int32_t day;
        uint32_t tuple;
        int64_t learners;
      };
      std::vector<RolledAnswer> rolled_answers;
      for (const RolledEntry* r : rolled) {
        if (r->block != "interactions") continue;
        const size_t colon = r->category.find(':');
        if (colon == std::string::npos) continue;
        const std::string code = r->category.substr(0, colon);
        const Correctness c = code == "correct" ? kCorrect : code == "incorrect" ? kIncorrect : kCorrectnessUnknown;
        rolled_answers.push_back({r->category.substr(colon + 1), c, r->day, final_tuple[r->tuple], r->learners});
        int64_t& n = holders_of[rolled_answers.back().response];
        n = std::max(n, r->learners);
      }
      auto label_of = [&](const std::string& response) {
        return holders_of[response] >= k ? response : std::string(kOtherValue);
      };
      std::vector<std::string> labels;
      for (const auto& [response, n] : holders_of) labels.push_back(label_of(response));
      std::sort(labels.begin(), labels.end());
      labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
      auto index_of = [&](const std::string& response) {
        return static_cast<uint32_t>(std::lower_bound(labels.begin(), labels.end(), label_of(response)) -
                                     labels.begin());
      };
      BlockBuilder answers(labels.size() * kCorrectnessCodes);
      std::vector<char> sensitive_response(labels.size(), 0);
      for (const auto& a : acc.answers) {
        const uint32_t r = index_of(s.details.names()[a.detail]);
        answers.Place(r * kCorrectnessCodes + a.correctness, a.day, a.tuple);
        if (a.correctness == kIncorrect) sensitive_response[r] = 1;
      }
      for (const auto& a : rolled_answers) {
        const uint32_t r = index_of(a.response);
        answers.Place(r * kCorrectnessCodes + a.correctness, a.day, a.tuple, a.learners);
        if (a.correctness == kIncorrect) sensitive_response[r] = 1;
      }
      // A response some learner answered incorrectly is itself sensitive: an
      // analyst who knows the answer key reads correctness off it.
      for (uint32_t r = 0; r < labels.size(); ++r) {
        for (int c = 0; c < kCorrectnessCodes; ++c) {
          answers.roles()[r * kCorrectnessCodes + c] =
              (c == kIncorrect || sensitive_response[r]) ? CategoryRole::kSensitive : CategoryRole::kSafe;
        }
      }
      ReleasedTable& table = released.tables[static_cast<int>(TableId::kInteractions)];
      std::vector<BlockMeasure> measures;
      BlockMeasure correct{0, "", {}, false}, incorrect{1, "", {}, true};
      table.measures.push_back({"correct", "", ""});
      table.measures.push_back({"incorrect", "", ""});
      for (uint32_t r = 0; r < labels.size(); ++r) {
        correct.categories.push_back(r * kCorrectnessCodes + kCorrect);
        incorrect.categories.push_back(r * kCorrectnessCodes + kIncorrect);
      }
      measures.push_back(correct);
      measures.push_back(incorrect);
      for (uint32_t r = 0; r < labels.size(); ++r) {
        const uint16_t m = static_cast<uint16_t>(table.measures.size());
        table.measures.push_back({"learners", "response", labels[r]});
        measures.push_back({m,
                            labels[r],
                            {r * kCorrectnessCodes, r * kCorrectnessCodes + 1, r * kCorrectnessCodes + 2},
                            sensitive_response[r] != 0});
      }
      releaser.ReleaseBlock(answers.Finish(std::move(measures)), table);
    }
    // required: every learner of the epoch, placed at their first statement anywhere.
    if (auto it = required.find(released.info.id); it != required.end()) {
      const RequiredActivity& r = *it->second;
      std::sort(acc.completed_at.begin(), acc.completed_at.end());
      BlockBuilder compliance(3);
      compliance.roles() = {CategoryRole::kSafe, CategoryRole::kSensitive, CategoryRole::kSensitive};
      for (uint32_t learner = 0; learner < first.size(); ++learner) {
        if (first[learner].at_us == std::numeric_limits<int64_t>::max()) continue;
        const int32_t first_day = DayOf(first[learner].at_us);
        auto done = std::lower_bound(acc.completed_at.begin(), acc.completed_at.end(),
                                     std::make_pair(learner, std::numeric_limits<int64_t>::min()));
        uint32_t category = 2;  // not_done
        if (done != acc.completed_at.end() && done->first == learner) {
          const int32_t day = DayOf(done->second);
          std::optional<int32_t> due = r.due_day;
          if (!due && r.within_days) due = first_day + *r.within_days;
          category = (!due || day <= *due) ? 0 : 1;
        }
        compliance.Place(category, first_day, first[learner].tuple);
      }
      ReleasedTable& table = released.tables[static_cast<int>(TableId::kRequired)];
      for (const char* m : {"on_time", "late", "not_done"}) table.measures.push_back({m, "", ""});
      releaser.ReleaseBlock(compliance.Finish({{0, "", {0}, false}, {1, "", {1}, true}, {2, "", {2}, true}}), table);
    }
    std::sort(acc.completers.begin(), acc.completers.end());
    released.completers = std::move(acc.completers);
  };
  const unsigned workers =
      std::max(1u, std::min<unsigned>(std::thread::hardware_concurrency(), static_cast<unsigned>(order.size())));
  std::vector<UtilityReport> tallies(workers);
  std::atomic<uint32_t> next{0};
  auto work = [&](unsigned w) {
    Releaser releaser(space, k, tallies[w]);
    for (uint32_t pos = next++; pos < order.size(); pos = next++) build_activity(pos, releaser);
  };
  std::vector<std::thread> threads;
  for (unsigned w = 1; w < workers; ++w) threads.emplace_back(work, w);
  work(0);
  for (std::thread& t : threads) t.join();
  for (const UtilityReport& t : tallies) {
    epoch->utility_.cells += t.cells;
    epoch->utility_.cells_at_least_k += t.cells_at_least_k;
    epoch->utility_.published_at_least_k += t.published_at_least_k;
    epoch->utility_.hidden_primary += t.hidden_primary;
    epoch->utility_.hidden_protected += t.hidden_protected;
    epoch->utility_.hidden_secondary += t.hidden_secondary;
  }
  s.facts.clear();
  s.facts.shrink_to_fit();
  return epoch;
}

}  // namespace lrs::analytics

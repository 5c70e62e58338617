#pragma once
// The lattice of one block: every publishable cell the catalogue can release
// for it, i.e. every by-combination of 0, 1 or 2 cohort dimensions x every
// period granularity (all, day, week, month) x every measure, for every group
// that exists (holds at least one inner cell). Built once per epoch, so the
// protection of a cell never depends on which requests came first.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "analytics/block.h"
#include "analytics/epoch.h"
#include "anonymizer/cell_suppression.h"

namespace lrs::analytics {

inline constexpr int kGranularities = 4;  // Period kAll, kDay, kWeek, kMonth in that order

// The epoch's cohort values after recoding: value ids are ranks of sorted
// strings, tuple ids ranks of sorted value-id vectors, so every id is
// independent of the order facts arrived in.
struct CohortSpace {
  std::vector<std::string> dims;                 // dimension ids, manifest order
  std::vector<std::vector<std::string>> values;  // per dimension, sorted
  std::vector<std::vector<uint32_t>> tuples;     // tuple id -> value id per dimension
  std::vector<std::vector<int>> combos;          // dimension subsets of size 0..2, ascending
  int ComboIndex(std::vector<int> dims) const;   // dims in any order; -1 if not a combo
};

// A group: the dims of a cell without its measure.
struct GroupKey {
  uint16_t combo = 0;
  uint8_t gran = 0;
  uint32_t v0 = 0, v1 = 0;  // value ids of the combo's dimensions (0 when absent)
  int32_t period = 0;       // first day of the period; 0 for kAll
  bool operator<(const GroupKey& o) const;
  bool operator==(const GroupKey& o) const;
};

GroupKey GroupOf(const CohortSpace& space, int combo, int gran, uint32_t tuple, int32_t day);
// Whether the catalogue offers the groups of (combo, gran) (MaxBreakdownDims).
bool Offered(const CohortSpace& space, int combo, int gran);

struct LatticeCell {
  uint32_t group = 0;
  uint16_t measure = 0;  // index into Block::measures
};

struct BlockLattice {
  std::vector<GroupKey> groups;       // sorted
  std::vector<LatticeCell> cells;     // the publishable cells, by group then measure
  anonymizer::SuppressionProblem problem;  // cells[i] <-> problem.cells[i]; virtual cells after
};

// Builds the lattice and applies the homogeneity rule (protection.h) to
// every group; first adds to `block` the zero inner cells that rule needs.
BlockLattice BuildLattice(Block& block, const CohortSpace& space, int k);

// Groups of values (for medians): each value placed at (day, tuple), grouped
// like cells. Returns groups in sorted order, each with its values.
struct PlacedValue {
  double value = 0;
  int32_t day = 0;
  uint32_t tuple = 0;
};
std::vector<std::pair<GroupKey, std::vector<double>>> GroupValues(const std::vector<PlacedValue>& values,
                                                                  const CohortSpace& space);

Period PeriodOfGranularity(int gran);
int GranularityOf(Period period);

}  // namespace lrs::analytics

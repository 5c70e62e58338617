#pragma once
// A block (ANALYTICS.md, "Suppression"): one activity and one table's
// additive family of measures, as inner cells. An inner cell is the finest
// place a learner can be counted: (category, day, cohort tuple), holding the
// number of distinct learners there. Every publishable cell of the block is a
// sum of inner cells (a row of the 0/1 model matrix), so protection reasons
// about the block as one linear system.

#include <cstdint>
#include <string>
#include <vector>

namespace lrs::analytics {

// A category's part in the homogeneity rule (attribute disclosure): a group
// whose members are all in sensitive categories must not be certain.
enum class CategoryRole : uint8_t {
  kSafe,       // a member, not sensitive (passed, a score at or above the mark, on time)
  kSensitive,  // a member, sensitive (failed, below the mark, late, not done, incorrect)
  kOutside,    // not a member of the partition the rule looks at (attempted only)
};

struct InnerCell {
  uint32_t category = 0;
  int32_t day = 0;
  uint32_t tuple = 0;  // final (recoded) cohort tuple id
  int64_t count = 0;
};

struct BlockMeasure {
  uint16_t measure = 0;               // index into the table's measure names
  std::string label;                  // bin or response label; empty for none
  std::vector<uint32_t> categories;   // the categories it sums
  bool sensitive = false;
};

struct Block {
  // Sorted by (category, day, tuple), unique. Counts > 0, except the zero
  // cells BuildLattice adds where a whole group is in sensitive categories
  // (see protection.h). An inner cell absent from the model is a structural
  // zero the model assumes the analyst knows: that errs on the side of
  // hiding more, except where a zero must stay uncertain, which is where
  // the zero cells are added.
  std::vector<InnerCell> inner;
  std::vector<CategoryRole> roles;    // one per category
  std::vector<BlockMeasure> measures;
};

// Collects placements, then sorts and merges them into inner cells.
class BlockBuilder {
 public:
  explicit BlockBuilder(size_t categories) : roles_(categories, CategoryRole::kSafe) {}
  void Place(uint32_t category, int32_t day, uint32_t tuple, int64_t learners = 1) {
    if (learners > 0) cells_.push_back({category, day, tuple, learners});
  }
  std::vector<CategoryRole>& roles() { return roles_; }
  Block Finish(std::vector<BlockMeasure> measures);

 private:
  std::vector<InnerCell> cells_;
  std::vector<CategoryRole> roles_;
};

}  // namespace lrs::analytics

#include "analytics/protection.h"

namespace lrs::analytics {

void ProtectGroup(const Block& block, const std::vector<uint32_t>& group_inner,
                  const std::vector<uint32_t>& cells, anonymizer::SuppressionProblem& problem,
                  std::vector<anonymizer::SuppressionCell>& virtual_cells) {
  int64_t members = 0, sensitive = 0;
  for (uint32_t i : group_inner) {
    const InnerCell& c = block.inner[i];
    const CategoryRole role = block.roles[c.category];
    if (role == CategoryRole::kOutside) continue;
    members += c.count;
    if (role == CategoryRole::kSensitive) sensitive += c.count;
  }
  if (members == 0) return;
  const bool whole_group = sensitive == members;

  for (size_t m = 0; m < block.measures.size(); ++m) {
    if (!block.measures[m].sensitive) continue;
    anonymizer::SuppressionCell& cell = problem.cells[cells[m]];
    // A sensitive zero (nobody in the group failed) says nothing sensitive
    // about anyone, so it is published (it was protected before issue 16's
    // review: that hid 13,268 cells, most of them such zeros, and the ones
    // with no inner cell could not be protected anyway, so the analyst
    // computed them: linear pins). What must stay uncertain is a group
    // whose members are all sensitive: its sensitive cells (one of them
    // equals the group's total) and its non-sensitive part (below).
    // A zero sensitive cell of such a group has no inner cell to keep
    // uncertain (the analyst computes it): protecting it only adds a pinned
    // hidden cell.
    int64_t n = 0;
    for (uint32_t i : cell.inner) n += problem.inner_counts[i];
    if (whole_group && n > 0) cell.protect = true;
  }
  if (!whole_group) return;
  anonymizer::SuppressionCell safe_part;
  safe_part.publishable = false;
  safe_part.protect = true;
  for (uint32_t i : group_inner) {
    if (block.roles[block.inner[i].category] == CategoryRole::kSafe) safe_part.inner.push_back(i);
  }
  if (!safe_part.inner.empty()) virtual_cells.push_back(std::move(safe_part));
}

}  // namespace lrs::analytics

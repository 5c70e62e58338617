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
    int64_t n = 0;
    for (uint32_t i : cell.inner) n += problem.inner_counts[i];
    // Issue 16 asked whether sensitive zeros need protecting at all (a zero
    // says nobody in the group is sensitive, which discloses nothing about
    // anyone). Tried on branch protect: publishing them (and protecting only
    // the nonzero sensitive cells of all-sensitive groups) raised the e2e
    // attacker's certain groups from 26 to 94 and pinned cells from ~340 to
    // ~340-890, at no gain in the share of >= k cells published: each
    // published zero tells the analyst where the sensitive learners of a
    // coarser group are NOT, which with non-negativity narrows them onto
    // the remaining places. Kept until Suppress reasons about bounds.
    if (n == 0 || whole_group) cell.protect = true;
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

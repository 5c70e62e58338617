#pragma once
// The homogeneity rule (attribute disclosure; ANALYTICS.md, "An attacker who
// knows the method"; Machanavajjhala et al., l-diversity, 2006), applied to
// one group of one block before anonymizer::Suppress runs over the block.
//
// For a group (the dims of any cell: a cohort combination, a period, or
// both), its members are the learners in categories whose role is not
// kOutside (outcomes: the completers; scores: the scored; required: the
// population; interactions: the answerers). When the group has members:
//  1. Zeros: each sensitive measure cell with 0 learners is marked `protect`
//     (GaussSuppression's protectZeros): its zero is hidden like a small cell.
//  2. Whole group: when every member is in a sensitive category (all
//     completers failed, every scored learner below the pass mark, everyone
//     late or not done, every answer incorrect), every sensitive measure cell
//     of the group is marked `protect`, whatever its size (this includes a
//     sensitive cell equal to its group's total), and one non-publishable
//     virtual cell is added: the sum of the group's safe inner cells (0
//     here; they exist because BuildLattice adds, at every place (day,
//     cohort tuple) of such a group's members, a zero inner cell of each
//     safe category, so the linear system knows where a member could have
//     been).
// A zero of rule 1 outside such places has no inner cells in the model (an
// absent inner cell is a structural zero the model grants the analyst):
// it is hidden, and Suppress has nothing to keep uncertain. That a group had
// nobody in a sensitive category is not a disclosure about anyone; hiding
// the zero keeps the published bounds of its neighbours as wide as they are. Suppress keeps it out of the span of the published cells, so no
//     release pins the safe part to 0 by linear combination: the analyst
//     cannot be certain every member is in a sensitive category.
// Groups without members are left alone: their sensitive zeros are implied by
// the group's own total, and protecting them would hide totals for nothing.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "analytics/block.h"
#include "anonymizer/cell_suppression.h"

namespace lrs::analytics {

// `group_inner`: the group's inner cell indices (ascending); `cells`: the
// problem indices of the group's publishable cells, one per Block::measures.
void ProtectGroup(const Block& block, const std::vector<uint32_t>& group_inner,
                  const std::vector<uint32_t>& cells, anonymizer::SuppressionProblem& problem,
                  std::vector<anonymizer::SuppressionCell>& virtual_cells);

}  // namespace lrs::analytics

#pragma once
// The homogeneity rule (attribute disclosure; ANALYTICS.md, "An attacker who
// knows the method"; Machanavajjhala et al., l-diversity, 2006), applied to
// one group of one block before anonymizer::Suppress runs over the block.
//
// For a group (the dims of any cell: a cohort combination, a period, or
// both), its members are the learners in categories whose role is not
// kOutside (outcomes: the completers; scores: the scored; required: the
// population; interactions: the answerers). When the group has members:
//  1. Zeros of a sensitive measure (nobody failed) are NOT protected: that
//     nobody in a group is in a sensitive category discloses nothing
//     sensitive, and protecting them hid more cells than primary
//     suppression did (issue 16 review) while the ones with no inner cell
//     could not be kept uncertain anyway.
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
// Suppress keeps the virtual cell out of the span of the published cells
// (and rule 3 of Suppress keeps published zeros, together, from zeroing it),
// so no release pins the safe part to 0 by linear combination: the analyst
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

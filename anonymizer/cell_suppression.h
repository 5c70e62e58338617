#pragma once
// Cell suppression for one additive block of counts (ANALYTICS.md,
// "Suppression"): which publishable cells must be hidden so that no cell that
// needs protection can be worked out from the published ones.
//
// A block is a set of inner cells (the finest combination of every cohort
// dimension, the finest period and the category), each holding a count of
// distinct learners; every publishable cell is the sum of a set of inner
// cells (a row of the 0/1 model matrix X). Pure: values in, values out.
//
// The rules, in order:
//  1. Primary: a publishable cell of 1 to k-1 learners is hidden.
//  2. Protected: a cell the caller marks `protect` (a sensitive zero or a
//     whole-group cell of a sensitive category, decided in analytics/ where
//     groups are known) is hidden like a small one; a cell that is not
//     publishable (`publishable = false`, e.g. the non-sensitive part of a
//     group whose members are all in sensitive categories) is never shown
//     and is protected in the same way.
//  3. Known zeros: a published cell of 0 tells the analyst every inner cell
//     under it is 0; those inner cells are taken out of the model before
//     step 4 (the attacker knows them), so protection never rests on them.
//  4. Secondary, Statistics Norway's GaussSuppression (Langsrud 2024):
//     candidates ordered so the largest counts are published first (ties by
//     index, deterministic); Gaussian elimination over the inner cells
//     (exact, modulo a large prime); a candidate is hidden when publishing it
//     would put a protected cell's row in the span of the published rows.
//
// Deterministic: the same problem always gives the same pattern.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lrs::anonymizer {

struct SuppressionCell {
  std::vector<uint32_t> inner;  // indices into SuppressionProblem::inner_counts, distinct
  bool publishable = true;      // false: a virtual cell, protected, never shown
  bool protect = false;         // hide and protect whatever its count (rule 2)
};

struct SuppressionProblem {
  int k = 5;
  std::vector<int64_t> inner_counts;  // each >= 0
  std::vector<SuppressionCell> cells;
};

// Why a cell is hidden; kShown when it is not. Never part of an answer (one
// label for every hidden cell): for the utility report and tests only.
enum class HiddenBy : uint8_t { kShown, kPrimary, kProtected, kSecondary };

struct SuppressionPattern {
  std::vector<HiddenBy> cells;  // one per SuppressionProblem::cells
  bool hidden(size_t i) const { return cells[i] != HiddenBy::kShown; }
};

SuppressionPattern Suppress(const SuppressionProblem& problem);

// The k rule in one place: may a count of `learners` distinct learners be shown?
inline bool MeetsK(int64_t learners, int k) { return learners == 0 || learners >= k; }

}  // namespace lrs::anonymizer

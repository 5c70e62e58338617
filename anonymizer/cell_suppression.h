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
//     Zeros are taken in cell order and counted together: a zero is hidden
//     (and protected) when it, with the zeros taken before it, would leave a
//     protected cell with no unknown inner cell, even if no single zero
//     does. Derived cells (SuppressionCell::derived) of 0 count as zeros.
//  4. Secondary, Statistics Norway's GaussSuppression (Langsrud 2024):
//     candidates ordered so the largest counts are published first (ties by
//     index, deterministic); Gaussian elimination over the inner cells
//     (exact, modulo a large prime); a candidate is hidden when publishing it
//     would put a protected cell's row in the span of the published rows.
//
// What the engine guarantees, for the attacker model below:
//  - every protected cell (rules 1-2) is hidden;
//  - no protected cell with a nonempty row can be computed as a linear
//    combination of the published cells, even knowing that every inner cell
//    under a published 0 is 0 (rule 3). Exact arithmetic modulo P = 2^61-1:
//    a mistake modulo P can only hide more, except a dependency whose
//    integer determinant P divides (see the .cc; not seen in hierarchical
//    tables, whose minors are 0 or +-1), or a combination of zero cells
//    whose two hash values both vanish (about 1 in P^2 per test, I7 in the
//    .cc);
//  - a zero cell whose publication would reveal a protected cell by rule 3
//    (every inner cell of the protected cell under published zeros) is
//    hidden (kSecondary) and itself protected;
//  - every secondary suppression of a nonzero cell was needed: publishing it
//    on top of the final pattern would disclose a protected cell;
//  - deterministic: the same problem always gives the same pattern, and
//    renumbering cells or inner cells gives the same pattern renumbered when
//    no two candidates tie on their count (ties go by cell index).
//  - a derived cell (never shown) of 0 is taken as known to the analyst
//    whether or not they can compute it (the safe side); one that would
//    complete the zeroing of a protected cell is protected, so it stays out
//    of the span. (Tried: iterating, taking as known only the derived zeros
//    the last pattern lets the analyst compute, gained 2 cells of 88,000 in
//    bench/analytics/epoch_bench and tripled the epoch build: not kept.)
//  - no nonzero candidate hidden as secondary is left in the span of the
//    published cells (it is published: the analyst could compute it);
//  - bounds: no combination of published cells rests on zero inner cells
//    alone (I7 in the .cc), so non-negativity reveals no zero beyond the
//    published ones (rule 3), and a hidden cell is pinned by the published
//    cells and non-negativity only when it is in their span, which the
//    points above rule out for protected cells. E.g. published
//    T = x+y+z = 5 beside y = 5 would pin x = z = 0: the later of the two is
//    hidden. Sufficient, not necessary: it also hides a candidate whose
//    combination on zeros has both signs (pins nothing);
// What it does not guarantee (the caller or a later check must):
//  - cells with an empty row (no inner cells) tell their value by
//    construction and cannot be protected: list every inner cell under a
//    cell that may need protection, zeros included, or a protected zero
//    becomes the sum of nothing (GaussSuppression warns the same way:
//    "Extend input data with zeros");
//  - a hidden cell's feasible interval is not checked to stay wide
//    (tau-Argus protection levels): a range such as [0, 1], or one whole
//    number inside a wider rational range, is possible;
//  - the singleton problem: a learner alone in a hidden cell who knows it
//    can subtract themselves (GaussSuppression's singleton methods), not
//    handled here;
//  - anything across blocks or epochs (differences between epochs).
//
// Cost: sparse; one reduction per distinct candidate row in one reduced row
// echelon basis over the inner cells that hold learners (the zero cells
// folded into two hash columns, I7 in the .cc); bench/analytics/
// suppression_bench measures it (its block of 144,450 cells over 57,600
// inner cells, 11,361 nonzero, took 8.4 s of CPU on 2026-12-08;
// bench/analytics/epoch_bench 20000 10 365 115 s wall on 2 cores).
// Pure and thread-compatible: concurrent calls on different problems are fine.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lrs::anonymizer {

struct SuppressionCell {
  // Indices into SuppressionProblem::inner_counts, distinct (sorted is
  // fastest). A repeated index counts once and one out of range is ignored.
  std::vector<uint32_t> inner;
  bool publishable = true;      // false: a virtual cell, protected, never shown
  bool protect = false;         // hide and protect whatever its count (rule 2)
  // A cell the release never shows but the analyst can name and may be able
  // to compute (a category no measure shows alone, e.g. completed without a
  // result = completed - passed - failed). Never a candidate of rule 4 (the
  // analyst knows it exactly when it is in the span of the published cells,
  // which publishing it would not change); a derived 0 counts as a published
  // zero in rule 3 (assumed known, the safe side), and when that would
  // disclose a protected cell it is protected itself, so rule 4 keeps it out
  // of the span of the published cells. Its pattern entry is kShown unless
  // it is protected; it is never released either way.
  bool derived = false;
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

#pragma once
// Implied zeros: the inner cells that every non-negative solution of the
// published equalities holds at 0 (ANALYTICS.md, "An attacker who knows the
// method"; the bounds half of cell_suppression.h's attacker).
//
// Why this is the whole of the bounds attack. For published rows A x = b
// with x >= 0, let N be the inner cells that are 0 in every solution. Some
// solution is positive on every other cell (the average of one solution per
// cell), so the solutions span the same affine space as {A x = b, x_N = 0}.
// A hidden cell is therefore pinned to one value by the published cells and
// non-negativity exactly when its row, with the columns of N dropped, is in
// the span of the published rows with those columns dropped: linear algebra
// again, once N is known. Cell suppression finds N here and reruns its
// elimination with N taken as known (cell_suppression.cc).
//
// The true counts are a solution, so an inner cell with a count above 0 is
// never implied: only the zero inner cells the caller lists are candidates,
// and a block without any needs no linear program at all.
//
// Found with one linear program (GLPK's simplex), the homogenised relative
// interior: maximise the sum of t_z over the candidates z, subject to
// A x = lambda * b, x >= 0, lambda >= 0, 0 <= t_z <= x_z, t_z <= 1. Scaling
// and adding solutions lets every cell that can be positive reach t_z = 1 at
// once, so at the optimum t_z is 1 for exactly the cells that are not
// implied and 0 for those that are.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace lrs::anonymizer {

struct PublishedRow {
  const std::vector<uint32_t>* inner = nullptr;  // sorted, distinct inner cell indices
  int64_t value = 0;                             // the published count
};

// `ignore`: inner cells already known to be 0 (left out of the program; may be
// empty); `candidates`: the zero inner cells to decide. Returns one flag per
// candidate, in order: true when it is implied to be 0. When the solver fails
// (it should not: the program is feasible and bounded), every candidate is
// reported implied, the safe side for a caller that then protects more.
std::vector<bool> ImpliedZeros(size_t inner_cells, const std::vector<PublishedRow>& published,
                               const std::vector<uint8_t>& ignore, const std::vector<uint32_t>& candidates);


// Why inner cells implied to be 0 are 0: the published rows of a
// certificate, a combination of published rows that is >= 1 on the targets
// and >= 0 everywhere else while its value is 0 (the dual of maximising the
// targets' sum). Hiding one of them breaks that certificate (another may
// remain). One program per set of published rows, solved again from the
// last basis for each set of targets.
class ZeroCertifier {
 public:
  ZeroCertifier(size_t inner_cells, const std::vector<PublishedRow>& published, const std::vector<uint8_t>& ignore);
  ~ZeroCertifier();
  // Indices into `published`; empty when the targets are not implied or the solver fails.
  std::vector<size_t> Certificate(const std::vector<uint32_t>& targets);

 private:
  struct Program;
  std::unique_ptr<Program> program_;
};

}  // namespace lrs::anonymizer

#pragma once
// The bounds attacker of the cell suppression tests, written independently
// of the engine: the inner cells that every non-negative solution of the
// published equalities holds at 0, found by a linear program (GLPK's
// simplex) rather than by elimination.
//
// Why this is the whole of the bounds attack. For published rows A x = b
// with x >= 0, let N be the inner cells that are 0 in every solution. Some
// solution is positive on every other cell (the average of one solution per
// cell), so the solutions span the same affine space as {A x = b, x_N = 0}:
// a hidden cell is pinned exactly when its row, with the columns of N
// dropped, is in the span of the published rows with those columns dropped.
// The tests drop N and then test the span over exact rationals.
//
// The program, the homogenised relative interior: maximise the sum of t_z
// over the candidates z, subject to A x = lambda * b, x >= 0, lambda >= 0,
// 0 <= t_z <= x_z, t_z <= 1. Scaling and adding solutions lets every cell
// that can be positive reach t_z = 1 at once, so at the optimum t_z is 1 for
// exactly the cells that are not implied and 0 for those that are.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lrs::anonymizer::testing {

struct PublishedRow {
  const std::vector<uint32_t>* inner = nullptr;  // sorted, distinct inner cell indices
  int64_t value = 0;                             // the published count
};

// `ignore`: inner cells already known to be 0 (left out of the program; may be
// empty); `candidates`: the zero inner cells to decide (the true counts are a
// solution, so a cell above 0 is never implied). Returns one flag per
// candidate, in order: true when it is implied to be 0. When the solver fails
// every candidate is reported implied (the attacker's side: a test then fails).
std::vector<bool> ImpliedZeros(size_t inner_cells, const std::vector<PublishedRow>& published,
                               const std::vector<uint8_t>& ignore, const std::vector<uint32_t>& candidates);

}  // namespace lrs::anonymizer::testing

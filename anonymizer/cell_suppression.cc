// Cell suppression (see cell_suppression.h for the contract).
//
// Design note: the invariants of the secondary step, and why the code has
// this shape.
//
//  I1. Every row is a sparse vector over the inner cells that are not known
//      zeros, with entries modulo the prime P = 2^61 - 1, sorted by column.
//  I2. The basis holds the residuals of the published candidates in
//      insertion order; basis vector i is zero at the pivot column of every
//      basis vector j < i and is scaled to 1 at its own pivot (row echelon
//      in insertion order, not fully reduced: reducing the earlier vectors
//      by each new pivot is where fill-in would explode).
//  I3. Reducing a vector v by the basis in insertion order gives the unique
//      vector of v + span(basis) that is zero at every pivot column (the
//      residual). So two vectors have equal residuals iff their difference is
//      in the span, and "q is in span(basis + c)" iff residual(q) is a
//      multiple of residual(c): q - a*c is in span(basis) and is zero at every
//      pivot, so it is 0.
//  I4. The residual of every protected row is kept up to date as candidates
//      are published, and is never 0: no protected row is in the span of the
//      published rows. A candidate whose publication would break that is
//      hidden (secondary).
//  I5. Publishing a candidate whose residual has a column that no protected
//      residual touches, pivoted on that column, cannot put any protected row
//      in the span (a multiple of it would need the same support) and does
//      not change any protected residual (each is 0 at the pivot). So most
//      candidates cost one reduction and nothing else.
//
// Why modulo a prime and not doubles: doubles drift and round, so the same
// problem could give different patterns on different machines, and a
// tolerance decides "dependent" arbitrarily. Arithmetic modulo P is exact and
// deterministic. Over the rationals a dependency among integer rows is an
// integer relation d*q = sum a_i r_i with d != 0; reduced modulo P it still
// holds, so every real dependency that survives (d not divisible by P) is
// found, and a "dependent" answer that is false over the rationals can only
// come from a relation that holds modulo P alone: it hides a candidate that
// could have been published, i.e. it errs on the safe side. The unsafe
// direction (a real dependency missed) needs P to divide the relation's
// nonzero integer determinant d; for the 0/1 rows of hierarchical tables the
// determinants are tiny (laminar families and two-way margins are totally
// unimodular: every minor is 0 or +-1), and P is about 2.3e18, so we accept
// that residual risk; the property test checks the pattern with an
// independent elimination over doubles.

#include "anonymizer/cell_suppression.h"

#include <algorithm>
#include <cassert>
#include <functional>
#include <numeric>
#include <queue>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace lrs::anonymizer {
namespace {

// ---- Arithmetic modulo the Mersenne prime 2^61 - 1 -------------------------

constexpr uint64_t kPrime = (uint64_t{1} << 61) - 1;

uint64_t Reduce(uint64_t x) {  // x < 2^62 + 2^61
  x = (x & kPrime) + (x >> 61);
  return x >= kPrime ? x - kPrime : x;
}
uint64_t Mul(uint64_t a, uint64_t b) {
  unsigned __int128 z = static_cast<unsigned __int128>(a) * b;
  uint64_t lo = static_cast<uint64_t>(z) & kPrime;
  uint64_t hi = static_cast<uint64_t>(z >> 61);
  return Reduce(lo + hi);
}
uint64_t Add(uint64_t a, uint64_t b) { return Reduce(a + b); }
uint64_t Neg(uint64_t a) { return a == 0 ? 0 : kPrime - a; }
uint64_t Sub(uint64_t a, uint64_t b) { return Add(a, Neg(b)); }
uint64_t Inverse(uint64_t a) {  // a != 0; Fermat: a^(P-2)
  uint64_t result = 1, base = a, e = kPrime - 2;
  while (e) {
    if (e & 1) result = Mul(result, base);
    base = Mul(base, base);
    e >>= 1;
  }
  return result;
}

struct Entry {
  uint32_t col;
  uint64_t val;  // in [1, P)
};
using SparseRow = std::vector<Entry>;

// A fixed pseudo-random weight per column (splitmix64), for hashing rows.
uint64_t ColumnWeight(uint32_t col) {
  uint64_t z = col + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return Reduce((z ^ (z >> 31)) & ((uint64_t{1} << 62) - 1));
}

// A hash that is the same for a row and every nonzero multiple of it:
// sum(v_i * w(col_i)) / v_first, modulo P.
uint64_t ScaleFreeHash(const SparseRow& row) {
  uint64_t h = 0;
  for (const Entry& e : row) h = Add(h, Mul(e.val, ColumnWeight(e.col)));
  return Mul(h, Inverse(row.front().val));
}

bool IsMultiple(const SparseRow& a, const SparseRow& b) {  // both nonzero
  if (a.size() != b.size()) return false;
  // a = f * b with f = a0 / b0; check a_i * b0 == b_i * a0.
  const uint64_t a0 = a.front().val, b0 = b.front().val;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].col != b[i].col || Mul(a[i].val, b0) != Mul(b[i].val, a0)) return false;
  }
  return true;
}

// target -= factor * source (both sorted); drops entries that cancel.
void SubtractMultiple(SparseRow& target, const SparseRow& source, uint64_t factor, SparseRow& scratch,
                      const std::function<void(uint32_t col, bool now_nonzero)>& on_support_change) {
  scratch.clear();
  size_t i = 0, j = 0;
  while (i < target.size() || j < source.size()) {
    if (j == source.size() || (i < target.size() && target[i].col < source[j].col)) {
      scratch.push_back(target[i++]);
    } else if (i == target.size() || source[j].col < target[i].col) {
      scratch.push_back({source[j].col, Neg(Mul(factor, source[j].val))});
      on_support_change(source[j].col, true);
      ++j;
    } else {
      uint64_t v = Sub(target[i].val, Mul(factor, source[j].val));
      if (v != 0) {
        scratch.push_back({target[i].col, v});
      } else {
        on_support_change(target[i].col, false);
      }
      ++i;
      ++j;
    }
  }
  target.swap(scratch);
}

// ---- The greedy Gaussian elimination of the secondary step ---------------

class SecondaryEliminator {
 public:
  SecondaryEliminator(size_t columns, std::vector<uint32_t> remaining_uses)
      : pivot_basis_(columns, -1),
        work_(columns, 0),
        touched_flag_(columns, 0),
        protected_count_(columns, 0),
        protected_at_(columns),
        remaining_uses_(std::move(remaining_uses)) {}

  // Registers a protected row (nonempty, 0/1 over surviving inner cells).
  // All protected rows are added before the first candidate.
  void AddProtected(const std::vector<uint32_t>& cols) {
    SparseRow row;
    row.reserve(cols.size());
    for (uint32_t c : cols) row.push_back({c, 1});
    const uint32_t id = static_cast<uint32_t>(protected_.size());
    // A protected row equal to a multiple of an earlier one shares its class.
    for (const Entry& e : row) {
      ++protected_count_[e.col];
      protected_at_[e.col].push_back(id);
    }
    protected_.push_back(std::move(row));
    hash_.push_back(0);
    Rehash(id);
  }

  // Decides one candidate: true = publish (and the basis grows), false = it
  // must be hidden.
  bool Offer(const std::vector<uint32_t>& cols) {
    for (uint32_t c : cols) --remaining_uses_[c];
    SparseRow residual = ResidualOf(cols);
    if (residual.empty()) return true;  // already in the span: tells nothing new
    // I5: a column no protected residual touches makes a match impossible.
    bool has_free_column = false;
    for (const Entry& e : residual) {
      if (protected_count_[e.col] == 0) {
        has_free_column = true;
        break;
      }
    }
    if (!has_free_column && MatchesProtected(residual)) return false;
    Publish(std::move(residual));
    return true;
  }

 private:
  // I3: the residual of a 0/1 row, reducing by basis vectors in insertion
  // order (a min-heap of basis indices whose pivot is nonzero in the work).
  SparseRow ResidualOf(const std::vector<uint32_t>& cols) {
    touched_.clear();
    std::priority_queue<int32_t, std::vector<int32_t>, std::greater<int32_t>> pending;
    auto touch = [&](uint32_t col) {
      if (touched_flag_[col]) return;
      touched_flag_[col] = 1;
      touched_.push_back(col);
      if (pivot_basis_[col] >= 0) pending.push(pivot_basis_[col]);
    };
    for (uint32_t c : cols) {
      work_[c] = 1;
      touch(c);
    }
    int32_t last = -1;
    while (!pending.empty()) {
      const int32_t b = pending.top();
      pending.pop();
      if (b == last) continue;
      last = b;
      const SparseRow& vec = basis_[b];
      const uint64_t factor = work_[basis_pivot_[b]];
      if (factor == 0) continue;
      for (const Entry& e : vec) {
        touch(e.col);
        work_[e.col] = Sub(work_[e.col], Mul(factor, e.val));
      }
    }
    SparseRow residual;
    for (uint32_t col : touched_) {
      if (work_[col] != 0) residual.push_back({col, work_[col]});
      work_[col] = 0;
      touched_flag_[col] = 0;
    }
    std::sort(residual.begin(), residual.end(), [](const Entry& a, const Entry& b) { return a.col < b.col; });
    return residual;
  }

  bool MatchesProtected(const SparseRow& residual) {
    auto it = by_hash_.find(ScaleFreeHash(residual));
    if (it == by_hash_.end()) return false;
    for (uint32_t q : it->second) {
      if (IsMultiple(protected_[q], residual)) return true;
    }
    return false;
  }

  // Pivot choice against fill-in: a free column when there is one (no
  // protected residual changes), then the column the fewest remaining
  // candidates use (fewest future reductions by this vector), then the
  // column fewest protected residuals use; ties by column.
  uint32_t ChoosePivot(const SparseRow& residual) const {
    auto key = [&](uint32_t col) {
      return std::make_tuple(protected_count_[col] != 0, remaining_uses_[col], protected_count_[col], col);
    };
    uint32_t best = residual.front().col;
    for (const Entry& e : residual) {
      if (key(e.col) < key(best)) best = e.col;
    }
    return best;
  }

  void Publish(SparseRow residual) {
    const uint32_t pivot = ChoosePivot(residual);
    uint64_t pivot_val = 0;
    for (const Entry& e : residual) {
      if (e.col == pivot) pivot_val = e.val;
    }
    const uint64_t scale = Inverse(pivot_val);
    for (Entry& e : residual) e.val = Mul(e.val, scale);
    // I4: eliminate the pivot from every protected residual that has it.
    if (protected_count_[pivot] != 0) {
      std::vector<uint32_t> ids;
      ids.swap(protected_at_[pivot]);
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      for (uint32_t q : ids) {
        SparseRow& row = protected_[q];
        auto at = std::lower_bound(row.begin(), row.end(), pivot,
                                   [](const Entry& e, uint32_t col) { return e.col < col; });
        if (at == row.end() || at->col != pivot) continue;  // stale entry
        const uint64_t factor = at->val;
        Unhash(q);
        SubtractMultiple(row, residual, factor, scratch_, [&](uint32_t col, bool now_nonzero) {
          if (now_nonzero) {
            ++protected_count_[col];
            protected_at_[col].push_back(q);
          } else {
            --protected_count_[col];
          }
        });
        assert(!row.empty());  // the match test ruled this out (I4)
        Rehash(q);
      }
    }
    pivot_basis_[pivot] = static_cast<int32_t>(basis_.size());
    basis_pivot_.push_back(pivot);
    basis_.push_back(std::move(residual));
  }

  void Rehash(uint32_t q) {
    hash_[q] = ScaleFreeHash(protected_[q]);
    by_hash_[hash_[q]].push_back(q);
  }
  void Unhash(uint32_t q) {
    auto it = by_hash_.find(hash_[q]);
    auto& ids = it->second;
    ids.erase(std::find(ids.begin(), ids.end(), q));
    if (ids.empty()) by_hash_.erase(it);
  }

  std::vector<int32_t> pivot_basis_;  // per column: basis index pivoting on it, or -1
  std::vector<uint32_t> basis_pivot_;
  std::vector<SparseRow> basis_;
  std::vector<uint64_t> work_;  // dense scratch for reductions, all 0 between calls
  std::vector<uint8_t> touched_flag_;
  std::vector<uint32_t> touched_;
  std::vector<SparseRow> protected_;             // residuals (I4)
  std::vector<uint64_t> hash_;                   // ScaleFreeHash of each residual
  std::unordered_map<uint64_t, std::vector<uint32_t>> by_hash_;
  std::vector<uint32_t> protected_count_;        // per column: residuals nonzero there
  std::vector<std::vector<uint32_t>> protected_at_;  // per column: ids (may be stale)
  std::vector<uint32_t> remaining_uses_;         // per column: candidates still to come
  SparseRow scratch_;
};

int64_t CellValue(const SuppressionProblem& problem, const SuppressionCell& cell) {
  int64_t sum = 0;
  for (uint32_t i : cell.inner) sum += problem.inner_counts[i];
  return sum;
}

}  // namespace

SuppressionPattern Suppress(const SuppressionProblem& problem) {
  const size_t n_cells = problem.cells.size();
  const size_t n_inner = problem.inner_counts.size();
  SuppressionPattern pattern;
  pattern.cells.assign(n_cells, HiddenBy::kShown);

  // Rules 1 and 2: the protected set.
  std::vector<int64_t> value(n_cells);
  std::vector<uint8_t> is_protected(n_cells, 0);
  for (size_t c = 0; c < n_cells; ++c) {
    const SuppressionCell& cell = problem.cells[c];
    value[c] = CellValue(problem, cell);
    if (!cell.publishable || cell.protect) {
      pattern.cells[c] = HiddenBy::kProtected;
      is_protected[c] = 1;
    } else if (!MeetsK(value[c], problem.k)) {
      pattern.cells[c] = HiddenBy::kPrimary;
      is_protected[c] = 1;
    }
  }

  // Rule 3: known zeros. A published 0 tells every inner cell under it is 0.
  // A zero cell whose publication would leave some protected row with no
  // unknown inner cell (its value then known, by non-negativity) is hidden
  // and protected itself, so that it cannot be worked out either.
  std::vector<std::vector<uint32_t>> protected_using(n_inner);
  std::vector<uint32_t> unknown_left(n_cells, 0);
  for (size_t c = 0; c < n_cells; ++c) {
    if (!is_protected[c]) continue;
    for (uint32_t i : problem.cells[c].inner) protected_using[i].push_back(static_cast<uint32_t>(c));
    unknown_left[c] = static_cast<uint32_t>(problem.cells[c].inner.size());
  }
  std::vector<uint8_t> known_zero(n_inner, 0);
  for (size_t c = 0; c < n_cells; ++c) {
    if (is_protected[c] || value[c] != 0) continue;
    const auto& inner = problem.cells[c].inner;
    bool would_disclose = false;
    for (uint32_t i : inner) {
      if (known_zero[i]) continue;
      for (uint32_t q : protected_using[i]) {
        // Counts the cells of q this zero would newly reveal.
        if (--unknown_left[q] == 0) would_disclose = true;
      }
    }
    if (!would_disclose) {
      for (uint32_t i : inner) known_zero[i] = 1;
      continue;
    }
    for (uint32_t i : inner) {  // undo the counts
      if (known_zero[i]) continue;
      for (uint32_t q : protected_using[i]) ++unknown_left[q];
    }
    pattern.cells[c] = HiddenBy::kSecondary;
    is_protected[c] = 1;
    unknown_left[c] = 0;
    for (uint32_t i : inner) {
      protected_using[i].push_back(static_cast<uint32_t>(c));
      if (!known_zero[i]) ++unknown_left[c];
    }
  }

  auto surviving = [&](size_t c) {
    std::vector<uint32_t> cols;
    for (uint32_t i : problem.cells[c].inner) {
      if (!known_zero[i]) cols.push_back(i);
    }
    std::sort(cols.begin(), cols.end());
    return cols;
  };

  // Rule 4: candidates, the largest counts first, ties by index.
  std::vector<uint32_t> candidates;
  for (size_t c = 0; c < n_cells; ++c) {
    if (!is_protected[c] && value[c] != 0) candidates.push_back(static_cast<uint32_t>(c));
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [&](uint32_t a, uint32_t b) { return value[a] > value[b]; });
  std::vector<uint32_t> uses(n_inner, 0);
  for (uint32_t c : candidates) {
    for (uint32_t i : problem.cells[c].inner) {
      if (!known_zero[i]) ++uses[i];
    }
  }
  SecondaryEliminator eliminator(n_inner, std::move(uses));
  for (size_t c = 0; c < n_cells; ++c) {
    if (!is_protected[c]) continue;
    std::vector<uint32_t> cols = surviving(c);
    // An empty row is a cell of no inner cells (or all known zero, which rule
    // 3 prevents for every cell it could): nothing to protect.
    if (!cols.empty()) eliminator.AddProtected(cols);
  }
  for (uint32_t c : candidates) {
    if (!eliminator.Offer(surviving(c))) pattern.cells[c] = HiddenBy::kSecondary;
  }
  return pattern;
}

}  // namespace lrs::anonymizer

// Cell suppression (see cell_suppression.h for the contract).
//
// Design note: the invariants of the secondary step, and why the code has
// this shape.
//
//  I1. Every row is a sparse vector over the inner cells that are not known
//      zeros, with entries modulo the prime P = 2^61 - 1, sorted by column.
//  I2. The basis holds one row per published candidate that was not already
//      in the span, each with its own pivot column, scaled to 1 there, and 0
//      at every other pivot (reduced row echelon form: each new pivot is
//      eliminated from the earlier rows, so reducing a candidate is one
//      subtraction per pivot it contains, with no cascade).
//  I3. Reducing a vector v by the basis gives the unique vector of
//      v + span(basis) that is zero at every pivot column (its residual). So
//      "q is in span(basis + c)" iff residual(q) is a multiple of
//      residual(c): q - a*c is in span(basis) and zero at every pivot, so 0.
//  I4. No protected row is in the span of the published rows (its residual
//      is never 0). A candidate whose publication would break that is hidden
//      (secondary); every other candidate is published.
//  I5. Protected residuals are not stored: they fill in badly (a protected
//      inner cell under the grand total's pivot becomes minus everything
//      else). Each column keeps two linear hashes H(v) = sum v_i * w(i) of
//      the residual of its unit vector e_col: w(col) for a non-pivot column,
//      w(col) - H(row_col) for a pivot column (row_col is the basis row
//      pivoting there). H and residual() are linear, so the hash of any
//      row's residual is the sum of its columns' hashes, and a change to a
//      basis row changes one column's hash, in O(1).
//  I6. The match test: publishing candidate c discloses protected q exactly
//      when residual(q) = a * residual(c) with a != 0 (I3). Then residual(q)
//      is nonzero at every column j of residual(c), and residual(q)_j =
//      q_j - sum over q's pivots p of row_p[j]: q holds j or a pivot whose
//      row holds j. So only the protected rows at one column j of the
//      residual (the one with the fewest basis rows) and at the pivots of
//      the basis rows holding j can match. Each is compared by its hashes
//      (h1(q) * h2(c) == h2(q) * h1(c)), and a hit is confirmed exactly by
//      computing its residual: a collision costs time, never a wrong
//      answer, and no true multiple is ever missed. (Before: every
//      protected row's hash kept current and filed by key, most of the
//      epoch's time at 20,000 learners.)
//  I7. Bounds: no nonzero combination of published cells lives on zero
//      inner cells alone (Z: the inner cells holding 0 that no published 0
//      already reveals). Such a combination w has value 0, since the true
//      counts are 0 on Z; when w >= 0, non-negativity pins every inner cell
//      of its support at 0, which no elimination over the published rows
//      sees (published T = x+y+z = 5 beside y = 5 pins x = z = 0), and
//      Farkas' lemma says that every zero pinned that way has such a w. So
//      with I7 the only zeros the analyst can derive are the published ones
//      (rule 3), and a hidden cell is pinned by the published cells and
//      non-negativity exactly when its row is in their span (the solutions
//      then have a point positive on every unknown inner cell, so their
//      affine hull is the span's): bounds reduce to I4. Kept by folding Z
//      into two hash columns: the basis sees a row as its columns off Z plus
//      two values, H_z(v) = sum over v's zero columns of v_z * u(z) for two
//      fixed pseudo-random weightings u. Pivots sit off Z only, so a
//      residual left on the hash columns alone is a combination living on Z:
//      that candidate is hidden. Hashing can err only where both hash
//      values of a nonzero combination on Z are 0, about one chance in P^2
//      per test: such a combination would be missed (the unsafe side, where
//      exact arithmetic has its own residual risk below), and two residuals
//      that differ on Z would look alike (a candidate hidden: the safe
//      side). With I7 no protected row on Z alone can enter the span, so
//      those rows (the sensitive zeros) are left out of the match test.
//      Sufficient, not necessary: a w with both signs pins nothing, yet its
//      candidate is hidden too, the price of exact eliminations instead of a linear
//      program per round (tried: GLPK, one program per round with zero
//      certificates, took minutes per block at the demo's size). (Also
//      tried: the zero columns kept as columns, in a second basis without
//      them, or with pivots barred from them; they filled every row: 2.6 GB
//      and 164 s against 0.9 GB and 115 s for epoch_bench 20000 10 365.)
//
// Why modulo a prime and not doubles: doubles round, so a tolerance decides
// "dependent" arbitrarily and the pattern could differ between machines.
// Arithmetic modulo P is exact and deterministic. It can err in two ways:
//  - "dependent" modulo P but not over the rationals: the candidate is hidden
//    though it could have been published. That only ever hides more: the
//    safe side.
//  - a real dependency missed: q in the rational span of the published rows
//    means d*q = sum a_i r_i with integers and d != 0 (d a minor of the 0/1
//    rows); modulo P it is found unless P divides d. For the rows of
//    hierarchical tables the minors are tiny (laminar families and two-way
//    margins are totally unimodular: every minor is 0 or +-1), and
//    P is about 2.3e18, so we accept that residual risk. The property test
//    checks patterns with an independent elimination over exact rationals.

#include "anonymizer/cell_suppression.h"

#include <algorithm>
#include <deque>
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

// Fixed pseudo-random weights per column (splitmix64), for hashing rows.
uint64_t Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
uint64_t Weight(uint32_t col, uint64_t salt) { return Reduce(Mix(col * 0x9E3779B97F4A7C15ull + salt) >> 3); }

// Two linear hashes of a row: H(v) = sum(v_i * w(col_i)) mod P. Linear, so a
// row update r -= f * s updates them in O(1); and H1/H2 is the same for a row
// and every nonzero multiple of it (the key of its class of multiples).
struct LinearHash {
  uint64_t h1 = 0, h2 = 0;
  static LinearHash Of(const SparseRow& row) {
    LinearHash h;
    for (const Entry& e : row) {
      h.h1 = Add(h.h1, Mul(e.val, Weight(e.col, 1)));
      h.h2 = Add(h.h2, Mul(e.val, Weight(e.col, 2)));
    }
    return h;
  }
  void Plus(const LinearHash& other) {
    h1 = Add(h1, other.h1);
    h2 = Add(h2, other.h2);
  }
  void Scale(uint64_t factor) {
    h1 = Mul(h1, factor);
    h2 = Mul(h2, factor);
  }
};

bool IsMultiple(const SparseRow& a, const SparseRow& b) {  // both nonzero
  if (a.size() != b.size()) return false;
  // a = f * b with f = a0 / b0; check a_i * b0 == b_i * a0.
  const uint64_t a0 = a.front().val, b0 = b.front().val;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].col != b[i].col || Mul(a[i].val, b0) != Mul(b[i].val, a0)) return false;
  }
  return true;
}

// target -= factor * source (both sorted); drops entries that cancel and
// reports every column that enters or leaves the support.
template <typename OnSupportChange>
void SubtractMultiple(SparseRow& target, const SparseRow& source, uint64_t factor, SparseRow& scratch,
                      OnSupportChange&& on_support_change) {
  // Rows of 0/1 data mostly hold small integers and factors of +-1; skip
  // the multiplication for those.
  const bool plus_one = factor == 1, minus_one = factor == kPrime - 1;
  auto times = [&](uint64_t v) { return plus_one ? v : minus_one ? Neg(v) : Mul(factor, v); };
  scratch.clear();
  scratch.reserve(target.size() + source.size());
  size_t i = 0, j = 0;
  while (i < target.size() || j < source.size()) {
    if (j == source.size() || (i < target.size() && target[i].col < source[j].col)) {
      scratch.push_back(target[i++]);
    } else if (i == target.size() || source[j].col < target[i].col) {
      scratch.push_back({source[j].col, Neg(times(source[j].val))});
      on_support_change(source[j].col, true);
      ++j;
    } else {
      uint64_t v = Sub(target[i].val, times(source[j].val));
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

// A basis in reduced row echelon form (I2), grown one row at a time; the
// caller chooses each pivot among the first `pivot_columns` columns. The
// columns after those (I7's hash columns) are never pivots and are not
// indexed by row.
class ReducedBasis {
 public:
  ReducedBasis(size_t pivot_columns, size_t columns)
      : pivot_columns_(pivot_columns),
        pivot_row_(columns, -1),
        work_(columns, 0),
        touched_flag_(columns, 0),
        row_count_(pivot_columns, 0),
        rows_at_(pivot_columns) {}

  // I3: the residual of a row. Every basis row is 1 at its pivot and 0 at
  // every other pivot (I2), so one subtraction per pivot in the row.
  SparseRow ResidualOf(const SparseRow& row) {
    touched_.clear();
    auto touch = [&](uint32_t col) {
      if (touched_flag_[col]) return;
      touched_flag_[col] = 1;
      touched_.push_back(col);
    };
    for (const Entry& e : row) {
      work_[e.col] = e.val;
      touch(e.col);
    }
    for (const Entry& at : row) {
      if (pivot_row_[at.col] < 0) continue;
      for (const Entry& e : rows_[pivot_row_[at.col]]) {
        touch(e.col);
        work_[e.col] = Sub(work_[e.col], at.val == 1 ? e.val : Mul(at.val, e.val));
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

  // Basis rows nonzero at a column that is not a pivot.
  uint32_t RowCount(uint32_t col) const { return row_count_[col]; }

  // Those rows, with stale and repeated entries of rows_at_ dropped on the way.
  const std::vector<uint32_t>& LiveRowsAt(uint32_t col) {
    std::vector<uint32_t>& ids = rows_at_[col];
    if (ids.size() == row_count_[col]) return ids;
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    ids.erase(std::remove_if(ids.begin(), ids.end(), [&](uint32_t id) { return !Find(rows_[id], col); }), ids.end());
    return ids;
  }
  uint32_t PivotOf(uint32_t row) const { return pivots_[row]; }

  // Adds a nonempty residual, pivoting at `pivot` (one of its columns).
  // on_unit_change(col, a): the residual of e_col changed by a times the
  // residual given (I5): for the pivot itself, and for the pivot of every
  // earlier row that held the new pivot and had it eliminated (I2).
  template <typename OnUnitChange>
  void Add(SparseRow residual, uint32_t pivot, OnUnitChange&& on_unit_change) {
    uint64_t pivot_val = 0;
    for (const Entry& e : residual) {
      if (e.col == pivot) pivot_val = e.val;
    }
    const uint64_t scale = Inverse(pivot_val);
    for (Entry& e : residual) e.val = Mul(e.val, scale);
    LiveRowsAt(pivot);
    std::vector<uint32_t> ids;
    ids.swap(rows_at_[pivot]);
    for (uint32_t id : ids) {
      SparseRow& row = rows_[id];
      const uint64_t factor = Find(row, pivot)->val;
      SubtractMultiple(row, residual, factor, scratch_, [&](uint32_t col, bool now_nonzero) {
        if (col >= pivot_columns_) return;
        if (now_nonzero) {
          ++row_count_[col];
          rows_at_[col].push_back(id);
        } else {
          --row_count_[col];
        }
      });
      // e_p - row_p gains factor * (the scaled residual).
      on_unit_change(pivots_[id], Mul(factor, scale));
    }
    row_count_[pivot] = 0;
    const uint32_t id = static_cast<uint32_t>(rows_.size());
    for (const Entry& e : residual) {
      if (e.col == pivot || e.col >= pivot_columns_) continue;
      ++row_count_[e.col];
      rows_at_[e.col].push_back(id);
    }
    pivot_row_[pivot] = static_cast<int32_t>(id);
    pivots_.push_back(pivot);
    rows_.push_back(std::move(residual));
    on_unit_change(pivot, Neg(scale));  // the residual of e_pivot was itself; now e_pivot - row
  }

 private:
  static const Entry* Find(const SparseRow& row, uint32_t col) {  // nullptr when 0 there
    auto at = std::lower_bound(row.begin(), row.end(), col, [](const Entry& e, uint32_t c) { return e.col < c; });
    return at != row.end() && at->col == col ? &*at : nullptr;
  }

  size_t pivot_columns_;
  std::vector<SparseRow> rows_;
  std::vector<uint32_t> pivots_;    // per row
  std::vector<int32_t> pivot_row_;  // per column: the row pivoting on it, or -1
  std::vector<uint64_t> work_;      // dense scratch for reductions, all 0 between calls
  std::vector<uint8_t> touched_flag_;
  std::vector<uint32_t> touched_;
  std::vector<uint32_t> row_count_;             // per pivot column: rows nonzero there (not pivots)
  std::vector<std::vector<uint32_t>> rows_at_;  // per pivot column: row ids (may be stale)
  SparseRow scratch_;
};

// The greedy elimination of rule 4 (I1-I7).
class SecondaryEliminator {
 public:
  // `zero`: per inner cell, whether it holds 0 (and is not known to be 0):
  // the columns Z no published combination may live on alone (I7). They
  // enter the basis only through the two hash columns after the inner cells.
  SecondaryEliminator(size_t inner, std::vector<uint32_t> remaining_uses, std::vector<uint8_t> zero)
      : inner_(static_cast<uint32_t>(inner)),
        span_(inner, inner + 2),
        unit_hash_(inner),
        protected_at_(inner),
        remaining_uses_(std::move(remaining_uses)),
        zero_(std::move(zero)) {
    // e_col as the basis sees it: itself, or for a zero column its two
    // weights on the hash columns.
    for (uint32_t col = 0; col < inner_; ++col) unit_hash_[col] = LinearHash::Of(Folded({col}));
  }

  // Registers a protected row (nonempty, sorted, 0/1 over surviving inner
  // cells, distinct from the rows registered before). All protected rows are
  // added before the first candidate. A row on zero columns alone (a
  // sensitive zero) is left out: it could enter the span only as a
  // combination of published rows on Z alone, which I7 rules out.
  void AddProtected(const std::vector<uint32_t>& cols) {
    ProtectedRow row{Folded(cols), {}, {}};
    if (row.folded.empty() || row.folded.front().col >= inner_) return;
    for (const Entry& e : row.folded) {
      if (e.col >= inner_) break;
      row.off_zeros.push_back(e.col);
    }
    for (uint32_t c : cols) {
      if (zero_[c]) row.zero_hash.Plus(unit_hash_[c]);
    }
    const uint32_t id = static_cast<uint32_t>(protected_.size());
    for (uint32_t c : row.off_zeros) protected_at_[c].push_back(id);
    protected_.push_back(std::move(row));
    seen_mark_.push_back(0);
  }

  // A candidate decided without elimination: only the use counts change.
  void Skip(const std::vector<uint32_t>& cols) {
    for (uint32_t c : cols) --remaining_uses_[c];
  }

  // Whether a 0/1 row is in the span of the published rows.
  bool InSpan(const std::vector<uint32_t>& cols) { return span_.ResidualOf(Folded(cols)).empty(); }

  // Decides one candidate (0/1, sorted): true = publish (and the basis
  // grows), false = it must be hidden.
  bool Offer(const std::vector<uint32_t>& cols) {
    Skip(cols);
    SparseRow residual = span_.ResidualOf(Folded(cols));
    if (residual.empty()) return true;  // already in the span: tells nothing new
    // I7: a residual left only on the hash columns is a combination of the
    // candidate and published rows that lives on zero columns alone.
    if (residual.front().col >= inner_) return false;
    const LinearHash hash = HashOfResidual(cols);
    if (DisclosesProtected(residual, hash)) return false;
    const uint32_t pivot = ChoosePivot(residual);
    span_.Add(std::move(residual), pivot, [&](uint32_t col, uint64_t a) {
      LinearHash delta = hash;
      delta.Scale(a);
      unit_hash_[col].Plus(delta);
    });
    return true;
  }

 private:
  // Weights of the zero columns on the two hash columns (I7), drawn apart
  // from the row hashes' weights.
  static uint64_t ZeroWeight(uint32_t col, int which) { return Weight(col, 2 + which); }

  // A 0/1 row as the basis sees it: its columns off Z, then its zero columns
  // folded into the two hash columns (I7).
  SparseRow Folded(const std::vector<uint32_t>& cols) const {
    SparseRow row;
    row.reserve(cols.size() + 2);
    uint64_t z1 = 0, z2 = 0;
    for (uint32_t c : cols) {
      if (!zero_[c]) {
        row.push_back({c, 1});
        continue;
      }
      z1 = Add(z1, ZeroWeight(c, 1));
      z2 = Add(z2, ZeroWeight(c, 2));
    }
    if (z1 != 0) row.push_back({inner_, z1});
    if (z2 != 0) row.push_back({inner_ + 1, z2});
    return row;
  }

  // A protected row: its columns off Z, which the basis changes, and the
  // constant part (its zero columns') of its row and of its hash.
  struct ProtectedRow {
    SparseRow folded;
    std::vector<uint32_t> off_zeros;
    LinearHash zero_hash;
  };

  LinearHash HashOfResidual(const std::vector<uint32_t>& cols) const {  // I5
    LinearHash hash;
    for (uint32_t c : cols) hash.Plus(unit_hash_[c]);
    return hash;
  }

  // I6: whether some protected row's residual is a multiple of `residual`.
  bool DisclosesProtected(const SparseRow& residual, const LinearHash& hash) {
    const uint32_t j = FewestRows(residual);
    ++mark_;
    auto discloses = [&](uint32_t q) {
      if (seen_mark_[q] == mark_) return false;
      seen_mark_[q] = mark_;
      const ProtectedRow& row = protected_[q];
      LinearHash h = HashOfResidual(row.off_zeros);
      h.Plus(row.zero_hash);
      if (Mul(h.h1, hash.h2) != Mul(h.h2, hash.h1)) return false;
      const SparseRow other = span_.ResidualOf(row.folded);
      return !other.empty() && IsMultiple(other, residual);
    };
    for (uint32_t q : protected_at_[j]) {
      if (discloses(q)) return true;
    }
    for (uint32_t row : span_.LiveRowsAt(j)) {
      for (uint32_t q : protected_at_[span_.PivotOf(row)]) {
        if (discloses(q)) return true;
      }
    }
    return false;
  }

  // The residual's inner column held by the fewest basis rows; ties by
  // column. (Its first entry is an inner column: Offer checked.)
  uint32_t FewestRows(const SparseRow& residual) const {
    uint32_t best = residual.front().col;
    for (const Entry& e : residual) {
      if (e.col >= inner_) break;
      if (std::make_pair(span_.RowCount(e.col), e.col) < std::make_pair(span_.RowCount(best), best)) best = e.col;
    }
    return best;
  }

  // Pivot choice against fill-in, among the residual's inner columns: the
  // column the fewest basis rows use (fewest row updates, Markowitz-like),
  // then the fewest protected rows (fewest rows the match test visits
  // through it), then the fewest remaining candidates (fewest future
  // subtractions of this row); ties by column.
  uint32_t ChoosePivot(const SparseRow& residual) const {
    auto key = [&](uint32_t col) {
      return std::make_tuple(span_.RowCount(col), protected_at_[col].size(), remaining_uses_[col], col);
    };
    uint32_t best = residual.front().col;
    for (const Entry& e : residual) {
      if (e.col >= inner_) break;
      if (key(e.col) < key(best)) best = e.col;
    }
    return best;
  }

  uint32_t inner_;                                   // inner cells; the hash columns are inner_ and inner_ + 1
  ReducedBasis span_;                                // the published rows, zero columns folded (I1-I3, I7)
  std::vector<LinearHash> unit_hash_;                // per inner column: hash of the residual of e_col (I5)
  std::vector<ProtectedRow> protected_;              // the protected rows not on Z alone
  std::vector<std::vector<uint32_t>> protected_at_;  // per column: protected rows with it
  std::vector<uint32_t> seen_mark_;                  // per protected row: last match test that visited it
  uint32_t mark_ = 0;
  std::vector<uint32_t> remaining_uses_;  // per column: candidates still to come
  std::vector<uint8_t> zero_;             // per column: holds 0, not known (I7)
};

struct RowHash {
  size_t operator()(const std::vector<uint32_t>& row) const {
    uint64_t h = row.size();
    for (uint32_t c : row) h = Mix(h ^ c);
    return static_cast<size_t>(h);
  }
};

int64_t RowValue(const SuppressionProblem& problem, const std::vector<uint32_t>& row) {
  int64_t sum = 0;
  for (uint32_t i : row) sum += problem.inner_counts[i];
  return sum;
}

// Each cell's inner cells, sorted and distinct. The contract says distinct
// indices in range; a cell that breaks it (a caller's bug) gets a mended
// copy rather than undefined behaviour: duplicates count once, indices out
// of range are dropped.
class Rows {
 public:
  explicit Rows(const SuppressionProblem& problem) : rows_(problem.cells.size()) {
    const size_t n_inner = problem.inner_counts.size();
    for (size_t c = 0; c < problem.cells.size(); ++c) {
      const std::vector<uint32_t>& inner = problem.cells[c].inner;
      bool clean = true;
      for (size_t i = 0; i < inner.size() && clean; ++i) {
        clean = inner[i] < n_inner && (i == 0 || inner[i - 1] < inner[i]);
      }
      if (clean) {
        rows_[c] = &inner;
        continue;
      }
      std::vector<uint32_t> copy;
      for (uint32_t i : inner) {
        if (i < n_inner) copy.push_back(i);
      }
      std::sort(copy.begin(), copy.end());
      copy.erase(std::unique(copy.begin(), copy.end()), copy.end());
      mended_.push_back(std::move(copy));
      rows_[c] = &mended_.back();
    }
  }
  const std::vector<uint32_t>& operator[](size_t c) const { return *rows_[c]; }

 private:
  std::vector<const std::vector<uint32_t>*> rows_;
  std::deque<std::vector<uint32_t>> mended_;  // stable addresses
};

// Rule 4: every cell of `is_protected` kept out of the span of the published
// cells over the inner cells not in `known_zero`; every other nonzero,
// non-derived cell is a candidate, published unless that would disclose.
void Eliminate(const SuppressionProblem& problem, const Rows& rows, const std::vector<int64_t>& value,
               const std::vector<uint8_t>& is_protected, const std::vector<uint8_t>& known_zero,
               SuppressionPattern& pattern) {
  const size_t n_cells = problem.cells.size();
  const size_t n_inner = problem.inner_counts.size();
  auto surviving = [&](size_t c) {
    std::vector<uint32_t> cols;
    for (uint32_t i : rows[c]) {
      if (!known_zero[i]) cols.push_back(i);
    }
    return cols;  // sorted, as rows[c] is
  };

  // Rule 4: candidates, the largest counts first, ties by index.
  std::vector<uint32_t> candidates;
  for (size_t c = 0; c < n_cells; ++c) {
    if (!is_protected[c] && value[c] != 0 && !problem.cells[c].derived) candidates.push_back(static_cast<uint32_t>(c));
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [&](uint32_t a, uint32_t b) { return value[a] > value[b]; });
  std::vector<uint32_t> uses(n_inner, 0);
  for (uint32_t c : candidates) {
    for (uint32_t i : rows[c]) {
      if (!known_zero[i]) ++uses[i];
    }
  }
  std::vector<uint8_t> zero(n_inner, 0);
  for (size_t i = 0; i < n_inner; ++i) zero[i] = problem.inner_counts[i] == 0 && !known_zero[i];
  SecondaryEliminator eliminator(n_inner, std::move(uses), std::move(zero));
  // Protected cells with the same row are one constraint; a candidate with
  // the row of an earlier candidate gets its fate (published: it is in the
  // span; hidden: it would still disclose, the span having only grown).
  std::unordered_map<std::vector<uint32_t>, bool, RowHash> seen;  // row -> published
  for (size_t c = 0; c < n_cells; ++c) {
    if (!is_protected[c]) continue;
    std::vector<uint32_t> cols = surviving(c);
    // An empty row is a cell of no inner cells (or all known zero, which rule
    // 3 prevents for every cell it could): nothing to protect.
    if (cols.empty() || !seen.emplace(cols, false).second) continue;  // copies cols
    eliminator.AddProtected(cols);
  }
  if (seen.empty()) return;  // nothing to protect: every candidate shows
  for (uint32_t c : candidates) {
    std::vector<uint32_t> cols = surviving(c);
    auto found = seen.find(cols);
    bool published;
    if (found != seen.end()) {
      published = found->second;
      eliminator.Skip(cols);
    } else {
      published = eliminator.Offer(cols);
      seen.emplace(std::move(cols), published);
    }
    if (!published) pattern.cells[c] = HiddenBy::kSecondary;
  }
  // A candidate hidden early can fall into the span of rows published after
  // it: the analyst computes it, so hiding it only costs utility (and a
  // hidden cell the analyst can compute is a finding of its own). Publish
  // those; the span does not change, so no protected cell is disclosed.
  for (uint32_t c : candidates) {
    if (pattern.cells[c] != HiddenBy::kSecondary) continue;
    if (eliminator.InSpan(surviving(c))) pattern.cells[c] = HiddenBy::kShown;
  }
}

}  // namespace

SuppressionPattern Suppress(const SuppressionProblem& problem) {
  const size_t n_cells = problem.cells.size();
  const size_t n_inner = problem.inner_counts.size();
  SuppressionPattern pattern;
  pattern.cells.assign(n_cells, HiddenBy::kShown);

  const Rows rows(problem);

  // Rules 1 and 2: the protected set.
  std::vector<int64_t> value(n_cells);
  std::vector<uint8_t> is_protected(n_cells, 0);
  for (size_t c = 0; c < n_cells; ++c) {
    const SuppressionCell& cell = problem.cells[c];
    value[c] = RowValue(problem, rows[c]);
    if (cell.derived && cell.publishable && !cell.protect) {
      continue;  // never shown, so never small: known only through the span (or as a zero)
    } else if (!cell.publishable || cell.protect) {
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
    for (uint32_t i : rows[c]) protected_using[i].push_back(static_cast<uint32_t>(c));
    unknown_left[c] = static_cast<uint32_t>(rows[c].size());
  }
  std::vector<uint8_t> known_zero(n_inner, 0);
  for (size_t c = 0; c < n_cells; ++c) {
    if (is_protected[c] || value[c] != 0) continue;
    const auto& inner = rows[c];
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

  Eliminate(problem, rows, value, is_protected, known_zero, pattern);
  return pattern;
}

}  // namespace lrs::anonymizer

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
//      else). Each is known by two linear hashes H(v) = sum v_i * w(i) of
//      its residual. H is linear and residual() is linear, so
//      H(residual(q)) = sum over q's inner cells i of H(residual(e_i)), and
//      H(residual(e_i)) is w(i) for a non-pivot column and w(i) - H(row_i)
//      for a pivot column (row_i is the basis row pivoting on i). Every
//      change to a basis row therefore updates the hashes of the few
//      protected rows containing its pivot column, in O(1) each.
//  I6. The match test files every protected row under the scale-free key
//      H1/H2 of its residual; a candidate's key is computed the same way from
//      its inner cells, and a key hit is confirmed exactly by computing both
//      residuals (a collision costs time, never a wrong answer; equal keys
//      for true multiples are exact algebra, so no match is ever missed).
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
//      affine hull is the span's): bounds reduce to I4. Kept by choosing
//      every pivot outside Z (the span's part on Z is then spanned by the
//      basis rows pivoting in Z: none), and hiding a candidate whose
//      residual lies on Z alone. Sufficient, not necessary: a w with both
//      signs pins nothing, yet its candidate is hidden too, the price of one
//      exact elimination instead of a linear program per round (tried: GLPK,
//      one program per round with zero certificates, took minutes per block
//      at the demo's size).
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
  bool IsZero() const { return h1 == 0 && h2 == 0; }
  // Scale-free key; every row with h2 == 0 shares one key (checked exactly).
  uint64_t Key() const { return h2 == 0 ? ~uint64_t{0} : Mul(h1, Inverse(h2)); }
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

class SecondaryEliminator {
 public:
  // `zero`: per column, whether the inner cell holds 0 (and is not known to
  // be 0): the columns no published combination may live on alone (I7).
  SecondaryEliminator(size_t columns, std::vector<uint32_t> remaining_uses, std::vector<uint8_t> zero)
      : pivot_row_(columns, -1),
        work_(columns, 0),
        touched_flag_(columns, 0),
        unit_hash_(columns),
        protected_at_(columns),
        row_count_(columns, 0),
        rows_at_(columns),
        remaining_uses_(std::move(remaining_uses)),
        zero_(std::move(zero)) {
    for (uint32_t col = 0; col < columns; ++col) unit_hash_[col] = LinearHash::Of({{col, 1}});
  }

  // Registers a protected row (nonempty, sorted, 0/1 over surviving inner
  // cells, distinct from the rows registered before). All protected rows are
  // added before the first candidate.
  void AddProtected(std::vector<uint32_t> cols) {
    const uint32_t id = static_cast<uint32_t>(protected_.size());
    LinearHash hash;
    for (uint32_t c : cols) {
      protected_at_[c].push_back(id);
      hash.Plus(unit_hash_[c]);
    }
    protected_.push_back(std::move(cols));
    hash_.push_back(hash);
    key_.push_back(hash.Key());
    dirty_flag_.push_back(0);
    next_.push_back(kNone);
    prev_.push_back(kNone);
    File(id);
  }

  // A candidate decided without elimination: only the use counts change.
  void Skip(const std::vector<uint32_t>& cols) {
    for (uint32_t c : cols) --remaining_uses_[c];
  }

  // Whether a 0/1 row is in the span of the published rows.
  bool InSpan(const std::vector<uint32_t>& cols) { return ResidualOf(cols).empty(); }

  // Decides one candidate (0/1, sorted): true = publish (and the basis
  // grows), false = it must be hidden.
  bool Offer(const std::vector<uint32_t>& cols) {
    Skip(cols);
    LinearHash hash;  // of the residual, by linearity (I5)
    for (uint32_t c : cols) hash.Plus(unit_hash_[c]);
    SparseRow residual;
    bool have_residual = false;
    auto compute_residual = [&] {
      if (!have_residual) residual = ResidualOf(cols);
      have_residual = true;
    };
    if (hash.IsZero()) {
      compute_residual();
      if (residual.empty()) return true;  // already in the span: tells nothing new
    }
    auto it = by_key_.find(hash.Key());
    if (it != by_key_.end()) {
      compute_residual();
      for (uint32_t q = it->second; q != kNone; q = next_[q]) {
        if (IsMultiple(ResidualOf(protected_[q]), residual)) return false;
      }
    }
    compute_residual();
    if (residual.empty()) return true;
    // I7: a residual on zero columns only would put a combination of
    // published cells on zeros alone into the span.
    if (std::all_of(residual.begin(), residual.end(), [&](const Entry& e) { return zero_[e.col]; })) return false;
    Publish(std::move(residual), hash);
    return true;
  }

 private:
  // I3: the residual of a 0/1 row. Every basis row is 1 at its pivot and 0
  // at every other pivot (I2), so one subtraction per pivot in the row.
  SparseRow ResidualOf(const std::vector<uint32_t>& cols) {
    touched_.clear();
    auto touch = [&](uint32_t col) {
      if (touched_flag_[col]) return;
      touched_flag_[col] = 1;
      touched_.push_back(col);
    };
    for (uint32_t c : cols) {
      work_[c] = 1;
      touch(c);
    }
    for (uint32_t c : cols) {
      if (pivot_row_[c] < 0) continue;
      for (const Entry& e : basis_[pivot_row_[c]]) {
        touch(e.col);
        work_[e.col] = Sub(work_[e.col], e.val);
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

  // Pivot choice: never a zero column (I7). Against fill-in: the column the fewest basis rows use
  // (fewest row updates, Markowitz-like), then the fewest protected rows
  // (fewest hash updates), then the fewest remaining candidates (fewest
  // future subtractions of this row); ties by column.
  uint32_t ChoosePivot(const SparseRow& residual) const {
    auto key = [&](uint32_t col) {
      return std::make_tuple(zero_[col], row_count_[col], protected_at_[col].size(), remaining_uses_[col], col);
    };
    uint32_t best = residual.front().col;
    for (const Entry& e : residual) {
      if (key(e.col) < key(best)) best = e.col;
    }
    return best;  // not a zero column: Offer publishes only residuals that have one
  }

  // The residual of e_col changed by `delta` (I5): so did every protected
  // row's that contains col. Refiled once per Publish (RefileDirty).
  void UnitChanged(uint32_t col, const LinearHash& delta) {
    unit_hash_[col].Plus(delta);
    for (uint32_t q : protected_at_[col]) {
      hash_[q].Plus(delta);
      if (!dirty_flag_[q]) {
        dirty_flag_[q] = 1;
        dirty_.push_back(q);
      }
    }
  }

  // New keys h1/h2 for the changed protected rows, with one modular inverse
  // for all of them (Montgomery's batch inversion).
  void RefileDirty() {
    prefix_.resize(dirty_.size());
    uint64_t running = 1;
    for (size_t i = 0; i < dirty_.size(); ++i) {
      prefix_[i] = running;
      const uint64_t h2 = hash_[dirty_[i]].h2;
      if (h2 != 0) running = Mul(running, h2);
    }
    uint64_t inverse = Inverse(running);  // of the product of all nonzero h2
    for (size_t i = dirty_.size(); i-- > 0;) {
      const uint32_t q = dirty_[i];
      const LinearHash& h = hash_[q];
      uint64_t key = ~uint64_t{0};
      if (h.h2 != 0) {
        key = Mul(h.h1, Mul(inverse, prefix_[i]));  // 1/h2 = prefix / (prefix * h2)
        inverse = Mul(inverse, h.h2);
      }
      if (key != key_[q]) {
        Unfile(q);
        key_[q] = key;
        File(q);
      }
      dirty_flag_[q] = 0;
    }
    dirty_.clear();
  }

  void Publish(SparseRow residual, LinearHash hash) {
    const uint32_t pivot = ChoosePivot(residual);
    uint64_t pivot_val = 0;
    for (const Entry& e : residual) {
      if (e.col == pivot) pivot_val = e.val;
    }
    const uint64_t scale = Inverse(pivot_val);
    for (Entry& e : residual) e.val = Mul(e.val, scale);
    hash.Scale(scale);
    // I2: eliminate the pivot from every basis row that has it. The residual
    // of e_p is e_p - row_p, so it gains factor * residual.
    std::vector<uint32_t> ids;
    ids.swap(rows_at_[pivot]);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    for (uint32_t id : ids) {
      SparseRow& row = basis_[id];
      auto at = std::lower_bound(row.begin(), row.end(), pivot,
                                 [](const Entry& e, uint32_t col) { return e.col < col; });
      if (at == row.end() || at->col != pivot) continue;  // stale entry
      const uint64_t factor = at->val;
      SubtractMultiple(row, residual, factor, scratch_, [&](uint32_t col, bool now_nonzero) {
        if (now_nonzero) {
          ++row_count_[col];
          rows_at_[col].push_back(id);
        } else {
          --row_count_[col];
        }
      });
      LinearHash delta = hash;
      delta.Scale(factor);
      UnitChanged(basis_pivot_[id], delta);
    }
    row_count_[pivot] = 0;
    const uint32_t id = static_cast<uint32_t>(basis_.size());
    for (const Entry& e : residual) {
      if (e.col == pivot) continue;
      ++row_count_[e.col];
      rows_at_[e.col].push_back(id);
    }
    pivot_row_[pivot] = static_cast<int32_t>(id);
    basis_pivot_.push_back(pivot);
    basis_.push_back(std::move(residual));
    // The residual of e_pivot was itself; now it is e_pivot - row.
    LinearHash delta = hash;
    delta.Scale(Neg(1));
    UnitChanged(pivot, delta);
    RefileDirty();
  }

  // by_key_: key -> first protected row with it; the rest are chained
  // through next_/prev_ (kNone ends a chain).
  static constexpr uint32_t kNone = ~uint32_t{0};
  void File(uint32_t q) {
    auto [it, fresh] = by_key_.try_emplace(key_[q], q);
    prev_[q] = kNone;
    next_[q] = fresh ? kNone : it->second;
    if (!fresh) {
      prev_[it->second] = q;
      it->second = q;
    }
  }
  void Unfile(uint32_t q) {
    if (next_[q] != kNone) prev_[next_[q]] = prev_[q];
    if (prev_[q] != kNone) {
      next_[prev_[q]] = next_[q];
    } else if (next_[q] != kNone) {
      by_key_[key_[q]] = next_[q];
    } else {
      by_key_.erase(key_[q]);
    }
  }

  std::vector<SparseRow> basis_;       // I2
  std::vector<uint32_t> basis_pivot_;  // per basis row
  std::vector<int32_t> pivot_row_;     // per column: the basis row pivoting on it, or -1
  std::vector<uint64_t> work_;         // dense scratch for reductions, all 0 between calls
  std::vector<uint8_t> touched_flag_;
  std::vector<uint32_t> touched_;
  std::vector<LinearHash> unit_hash_;  // per column: hash of the residual of e_col (I5)
  std::vector<std::vector<uint32_t>> protected_;     // the protected rows, as given
  std::vector<std::vector<uint32_t>> protected_at_;  // per column: protected rows with it
  std::vector<LinearHash> hash_;                     // of each protected row's residual
  std::vector<uint64_t> key_;                        // hash_[q].Key() as filed in by_key_
  std::vector<uint8_t> dirty_flag_;                  // hash_[q] changed since filed
  std::vector<uint32_t> dirty_;
  std::vector<uint64_t> prefix_;                     // scratch for RefileDirty
  std::unordered_map<uint64_t, uint32_t> by_key_;
  std::vector<uint32_t> next_, prev_;
  std::vector<uint32_t> row_count_;             // per column: basis rows nonzero there (not pivots)
  std::vector<std::vector<uint32_t>> rows_at_;  // per column: basis row ids (may be stale)
  std::vector<uint32_t> remaining_uses_;        // per column: candidates still to come
  std::vector<uint8_t> zero_;                   // per column: holds 0, not known (I7)
  SparseRow scratch_;
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
    eliminator.AddProtected(std::move(cols));
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

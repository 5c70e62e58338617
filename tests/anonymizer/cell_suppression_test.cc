#define BOOST_TEST_MODULE anonymizer_cell_suppression
#include "anonymizer/cell_suppression.h"

#include "tests/anonymizer/implied_zeros_oracle.h"

#include <boost/multiprecision/cpp_int.hpp>
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <numeric>
#include <random>
#include <string>
#include <vector>

// What these tests prove: the hand-built cases are the differencing attacks
// of ANALYTICS.md ("The threat"), each with the pattern worked out by hand;
// the property tests check, with an attacker written independently of the
// engine (a linear program for the zeros that non-negativity implies, then
// plain Gaussian elimination over exact rationals), that on a few hundred
// random problems no protected cell can be computed from the published ones
// plus every zero they reveal by bounds, that no zero is revealed beyond
// the published ones, and that every secondary suppression was needed.

namespace lrs::anonymizer {
namespace {

using Rational = boost::multiprecision::cpp_rational;

SuppressionCell Cell(std::vector<uint32_t> inner, bool publishable = true, bool protect = false) {
  SuppressionCell c;
  c.inner = std::move(inner);
  c.publishable = publishable;
  c.protect = protect;
  return c;
}

SuppressionProblem Problem(std::vector<int64_t> inner_counts, std::vector<SuppressionCell> cells, int k = 5) {
  SuppressionProblem p;
  p.k = k;
  p.inner_counts = std::move(inner_counts);
  p.cells = std::move(cells);
  return p;
}

std::string Render(const SuppressionPattern& pattern) {
  std::string s;
  for (HiddenBy h : pattern.cells) {
    s += h == HiddenBy::kShown ? '.' : h == HiddenBy::kPrimary ? 'P' : h == HiddenBy::kProtected ? 'X' : 's';
  }
  return s;
}

// ---- The independent attacker --------------------------------------------

// Rank of a set of rows over the rationals, by textbook elimination.
size_t Rank(std::vector<std::vector<Rational>> rows) {
  if (rows.empty()) return 0;
  const size_t n = rows[0].size();
  size_t rank = 0;
  for (size_t col = 0; col < n && rank < rows.size(); ++col) {
    size_t pivot = rank;
    while (pivot < rows.size() && rows[pivot][col] == 0) ++pivot;
    if (pivot == rows.size()) continue;
    std::swap(rows[rank], rows[pivot]);
    for (size_t r = rank + 1; r < rows.size(); ++r) {
      if (rows[r][col] == 0) continue;
      const Rational f = rows[r][col] / rows[rank][col];
      for (size_t j = col; j < n; ++j) rows[r][j] -= f * rows[rank][j];
    }
    ++rank;
  }
  return rank;
}

struct Attacker {
  const SuppressionProblem& problem;
  const SuppressionPattern& pattern;
  std::vector<bool> known_zero;  // inner cells under a published 0

  Attacker(const SuppressionProblem& p, const SuppressionPattern& pat)
      : problem(p), pattern(pat), known_zero(p.inner_counts.size(), false) {
    for (size_t c = 0; c < p.cells.size(); ++c) {
      if (!pat.hidden(c) && Value(c) == 0) {
        for (uint32_t i : p.cells[c].inner) known_zero[i] = true;
      }
    }
    published_zeros = known_zero;
    // Non-negativity: the zeros every solution of the published cells
    // shares; and a hidden cell the attacker can compute and finds 0
    // reveals its inner cells too. Repeat until nothing new.
    for (bool more = true; more;) {
      more = false;
      for (uint32_t i : Implied()) known_zero[i] = more = true;
      if (more) continue;
      const auto published = Published();
      for (size_t c = 0; c < p.cells.size(); ++c) {
        if (!pat.hidden(c) || Value(c) != 0 || Empty(c) || !Computes(c, published)) continue;
        for (uint32_t i : p.cells[c].inner) known_zero[i] = true;
        more = true;
        break;
      }
    }
  }
  std::vector<bool> published_zeros;  // known from published zeros alone
  // Zero inner cells not known yet that the published cells imply.
  std::vector<uint32_t> Implied() const {
    std::vector<uint32_t> zeros;
    for (uint32_t i = 0; i < problem.inner_counts.size(); ++i) {
      if (problem.inner_counts[i] == 0 && !known_zero[i]) zeros.push_back(i);
    }
    std::vector<testing::PublishedRow> published;
    std::vector<uint8_t> ignore(known_zero.begin(), known_zero.end());
    for (size_t c = 0; c < problem.cells.size(); ++c) {
      if (!pattern.hidden(c)) published.push_back({&problem.cells[c].inner, Value(c)});
    }
    const std::vector<bool> implied = testing::ImpliedZeros(problem.inner_counts.size(), published, ignore, zeros);
    std::vector<uint32_t> out;
    for (size_t z = 0; z < zeros.size(); ++z) {
      if (implied[z]) out.push_back(zeros[z]);
    }
    return out;
  }
  // Whether some combination of the published cells lives on zero inner
  // cells alone (the engine's sufficient rule against bounds, I7 in
  // cell_suppression.cc): the published rows lose rank when the zero
  // columns are dropped.
  bool CombinationOnZeros() const {
    auto rows = Published();
    const size_t full = Rank(rows);
    for (auto& row : rows) {
      for (size_t i = 0; i < row.size(); ++i) {
        if (problem.inner_counts[i] == 0) row[i] = 0;
      }
    }
    return Rank(rows) < full;
  }
  int64_t Value(size_t c) const {
    int64_t v = 0;
    for (uint32_t i : problem.cells[c].inner) v += problem.inner_counts[i];
    return v;
  }
  std::vector<Rational> Row(size_t c) const {
    std::vector<Rational> row(problem.inner_counts.size(), 0);
    for (uint32_t i : problem.cells[c].inner) {
      if (!known_zero[i]) row[i] = 1;
    }
    return row;
  }
  bool Empty(size_t c) const {
    for (uint32_t i : problem.cells[c].inner) {
      if (!known_zero[i]) return false;
    }
    return true;
  }
  std::vector<std::vector<Rational>> Published() const {
    std::vector<std::vector<Rational>> rows;
    for (size_t c = 0; c < problem.cells.size(); ++c) {
      if (!pattern.hidden(c)) rows.push_back(Row(c));
    }
    return rows;
  }
  // Can the attacker compute cell c (with `extra` published as well)?
  bool Computes(size_t c, std::vector<std::vector<Rational>> published) const {
    if (Empty(c)) return true;
    const size_t before = Rank(published);
    published.push_back(Row(c));
    return Rank(published) == before;
  }
  bool MustProtect(size_t c) const {
    const SuppressionCell& cell = problem.cells[c];
    const int64_t v = Value(c);
    if (cell.derived && cell.publishable && !cell.protect) return false;  // never shown: not small
    return !cell.publishable || cell.protect || (v >= 1 && v < problem.k);
  }
  // Every protected cell (with a nonempty row) stays unknown.
  std::vector<size_t> Disclosed() const {
    std::vector<size_t> out;
    const auto published = Published();
    for (size_t c = 0; c < problem.cells.size(); ++c) {
      if (MustProtect(c) && !problem.cells[c].inner.empty() && Computes(c, published)) out.push_back(c);
    }
    return out;
  }
};

void CheckProtected(const SuppressionProblem& p, const SuppressionPattern& pattern) {
  BOOST_REQUIRE_EQUAL(pattern.cells.size(), p.cells.size());
  Attacker attacker(p, pattern);
  // With nothing hidden (but cells of known zeros) bounds have nothing to
  // tell; otherwise they may tell no zero beyond the published ones.
  bool something_hidden = false;
  for (size_t c = 0; c < p.cells.size(); ++c) {
    if (!pattern.hidden(c)) continue;
    for (uint32_t i : p.cells[c].inner) something_hidden = something_hidden || !attacker.published_zeros[i];
  }
  if (something_hidden) {
    BOOST_CHECK_MESSAGE(attacker.known_zero == attacker.published_zeros, "bounds reveal a zero no published 0 shows");
  }
  for (size_t c = 0; c < p.cells.size(); ++c) {
    if (attacker.MustProtect(c)) BOOST_CHECK_MESSAGE(pattern.hidden(c), "protected cell " << c << " shown");
  }
  for (size_t c : attacker.Disclosed()) BOOST_ERROR("cell " << c << " can be worked out");
}

// ---- Hand-built attacks ------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_total_minus_the_visible_parts) {
  // a=7 b=3 c=8, T=a+b+c. b is small; T - a - c would give it, so the
  // smaller of a, c goes too.
  auto p = Problem({7, 3, 8}, {Cell({0}), Cell({1}), Cell({2}), Cell({0, 1, 2})});
  auto pattern = Suppress(p);
  BOOST_CHECK_EQUAL(Render(pattern), "sP..");
  CheckProtected(p, pattern);
}

BOOST_AUTO_TEST_CASE(the_two_margins_of_a_two_way_table) {
  // 2x2 table [[2, 9], [8, 10]] with both margins and the total.
  // Inner order: x00 x01 x10 x11.
  auto p = Problem({2, 9, 8, 10}, {Cell({0}), Cell({1}), Cell({2}), Cell({3}),  // inner
                                   Cell({0, 1}), Cell({2, 3}),                     // rows
                                   Cell({0, 2}), Cell({1, 3}),                     // columns
                                   Cell({0, 1, 2, 3})});
  auto pattern = Suppress(p);
  // Margins published first (largest); then every inner cell would close a
  // rectangle onto x00: all four inner cells hidden.
  BOOST_CHECK_EQUAL(Render(pattern), "Psss.....");
  CheckProtected(p, pattern);
}

BOOST_AUTO_TEST_CASE(periods_and_their_total) {
  // Days 6, 2, 7; weeks: (d1, d2) and (d3); total.
  auto p = Problem({6, 2, 7}, {Cell({0}), Cell({1}), Cell({2}), Cell({0, 1}), Cell({2}), Cell({0, 1, 2})});
  auto pattern = Suppress(p);
  // Publishing 15, 8, 7, 7: d2 = week1 - d1, so d1 is hidden.
  BOOST_CHECK_EQUAL(Render(pattern), "sP....");
  CheckProtected(p, pattern);
}

BOOST_AUTO_TEST_CASE(score_bins_and_their_total) {
  auto p = Problem({1, 12, 9}, {Cell({0}), Cell({1}), Cell({2}), Cell({0, 1, 2})});
  auto pattern = Suppress(p);
  BOOST_CHECK_EQUAL(Render(pattern), "P.s.");
  CheckProtected(p, pattern);
}

BOOST_AUTO_TEST_CASE(a_funnel_of_nested_groups) {
  // passed 15 within completed 17 within attempted 27. "Completed, not
  // passed" (2) is no published cell, but completed - passed would give it:
  // the caller adds it as a virtual cell.
  // Inner: passed, completed-not-passed, attempted-not-completed.
  auto p = Problem({15, 2, 10}, {Cell({0, 1, 2}), Cell({0, 1}), Cell({0}), Cell({1}, /*publishable=*/false)});
  auto pattern = Suppress(p);
  BOOST_CHECK_EQUAL(Render(pattern), "..sX");
  CheckProtected(p, pattern);
}

BOOST_AUTO_TEST_CASE(two_tables_sharing_inner_cells) {
  // Inner: dept x role, 2x2: [[3, 9], [7, 11]]. Table 1: by department and
  // its total; table 2: by role and its total (the same total, twice).
  auto p = Problem({3, 9, 7, 11}, {Cell({0, 1}), Cell({2, 3}), Cell({0, 1, 2, 3}),  // table 1
                                   Cell({0, 2}), Cell({1, 3}), Cell({0, 1, 2, 3}),  // table 2
                                   Cell({0}), Cell({1}), Cell({2}), Cell({3})});    // the cross
  auto pattern = Suppress(p);
  CheckProtected(p, pattern);
  BOOST_CHECK(pattern.hidden(6));
  // The twin totals share one fate.
  BOOST_CHECK_EQUAL(pattern.hidden(2), pattern.hidden(5));
  // Each table alone is fine; the cross with either table's margins is not:
  // all four cross cells go (as for two margins).
  BOOST_CHECK_EQUAL(Render(pattern), "......Psss");
}

BOOST_AUTO_TEST_CASE(a_protected_zero_is_hidden_and_protected) {
  // Department A: failed 0 (sensitive: protect), passed 9, completed 9.
  auto p = Problem({0, 9}, {Cell({0}, true, /*protect=*/true), Cell({1}), Cell({0, 1})});
  auto pattern = Suppress(p);
  BOOST_CHECK(pattern.cells[0] == HiddenBy::kProtected);
  // completed - passed = failed: one of the two (the later, on a tie) goes.
  BOOST_CHECK_EQUAL(Render(pattern), "X.s");
  CheckProtected(p, pattern);
}

BOOST_AUTO_TEST_CASE(a_virtual_cell_is_never_shown) {
  auto p = Problem({20, 30}, {Cell({0}, /*publishable=*/false), Cell({1}), Cell({0, 1})});
  auto pattern = Suppress(p);
  BOOST_CHECK_EQUAL(Render(pattern), "Xs.");
  CheckProtected(p, pattern);
}

BOOST_AUTO_TEST_CASE(a_published_zero_reveals_every_cell_under_it) {
  // a1 = a2 = 0 (published as one cell Z = 0), b = 3, c = 9.
  // P = a1 + b is small. Linearly P is safe from {Z, b+c, c}, but Z = 0
  // says a1 = 0, so P = (b+c) - c: c must go.
  auto p = Problem({0, 0, 3, 9}, {Cell({0, 1}), Cell({0, 2}), Cell({2, 3}), Cell({3})});
  auto pattern = Suppress(p);
  BOOST_CHECK_EQUAL(Render(pattern), ".P.s");
  CheckProtected(p, pattern);
}

BOOST_AUTO_TEST_CASE(a_zero_that_would_reveal_a_protected_zero_is_hidden) {
  // Z = a1 + a2 = 0 would say a1 = 0, the protected cell.
  auto p = Problem({0, 0, 6}, {Cell({0, 1}), Cell({0}, true, /*protect=*/true), Cell({0, 1, 2}), Cell({2})});
  auto pattern = Suppress(p);
  BOOST_CHECK(pattern.hidden(0));
  BOOST_CHECK(pattern.cells[1] == HiddenBy::kProtected);
  // And Z itself must not be computable: T - B = Z, so B goes too.
  BOOST_CHECK_EQUAL(Render(pattern), "sX.s");
  CheckProtected(p, pattern);
}

SuppressionCell Derived(std::vector<uint32_t> inner) {
  SuppressionCell c = Cell(std::move(inner));
  c.derived = true;
  return c;
}

BOOST_AUTO_TEST_CASE(bounds_from_non_negativity_pin_nothing) {
  // Inner cells x = 0 (protected: say, nobody in a department failed),
  // y = 5, z = 0. Publishing T = x+y+z = 5 beside Y = y = 5 leaves x out of
  // the span (only x + z is in it), yet counts are at least 0, so x + z = 0
  // pins x at 0. T goes first (the larger, then by index); Y would put
  // T - Y = x + z, a combination on zeros alone, into the span: hidden.
  auto p = Problem({0, 5, 0}, {Cell({0}, true, /*protect=*/true), Cell({0, 1, 2}), Cell({1})});
  auto pattern = Suppress(p);
  BOOST_CHECK_EQUAL(Render(pattern), "X.s");
  CheckProtected(p, pattern);
}

BOOST_AUTO_TEST_CASE(two_hidden_zeros_whose_sum_is_known) {
  // The homogeneity attack through two departments: failed in A (x) and in
  // B (y) are protected zeros; passed in A and B (5, 7) and the completed
  // total (12) are at least k. Each of x and y is out of the span, but
  // completed - passedA - passedB = x + y = 0, so both are 0. One of the
  // three must be hidden.
  auto p = Problem({0, 0, 5, 7},
                   {Cell({0}, true, true), Cell({1}, true, true), Cell({0, 1, 2, 3}), Cell({2}), Cell({3})});
  auto pattern = Suppress(p);
  BOOST_CHECK_EQUAL(Render(pattern), "XX.s.");
  CheckProtected(p, pattern);
}

BOOST_AUTO_TEST_CASE(a_derived_zero_counts_as_known_and_is_protected_when_it_would_disclose) {
  // Issue 16: nobody completed without a result (cnr = 0 everywhere), so
  // completed - passed - failed = 0 tells the analyst every cnr inner cell
  // is 0. Group g: one learner, failed (all sensitive); its safe part is
  // passed_g (published 0) + cnr_g. Inner: passed_g 0, cnr_g 0, failed_g 1,
  // passed_o 7, failed_o 6.
  auto p = Problem({0, 0, 1, 7, 6}, {Cell({0, 1, 2, 3, 4}),   // completed 14
                                     Cell({0, 3}),            // passed 7
                                     Cell({2, 4}),            // failed 7
                                     Cell({0}),               // passed_g 0
                                     Cell({2}),               // failed_g 1
                                     Cell({0, 1}, false),     // safe part of g (virtual)
                                     Derived({1})});          // cnr of the total: derived, 0
  auto pattern = Suppress(p);
  // Before: the derived zero did not exist, so completed, passed and failed
  // were all published and the safe part of g was pinned to 0.
  BOOST_CHECK(pattern.cells[6] == HiddenBy::kSecondary);
  BOOST_CHECK_EQUAL(Render(pattern), "..s.PXs");
  CheckProtected(p, pattern);
}

BOOST_AUTO_TEST_CASE(a_nonzero_derived_cell_is_never_a_candidate) {
  auto p = Problem({7, 6}, {Cell({0, 1}), Cell({0}), Derived({1})});
  auto pattern = Suppress(p);
  BOOST_CHECK_EQUAL(Render(pattern), "...");
  CheckProtected(p, pattern);
}

BOOST_AUTO_TEST_CASE(zeros_are_cumulative) {
  // Neither Z1 = a1 nor Z2 = a2 alone zeroes the protected V = a1 + a2;
  // together they would. The second is hidden, and kept out of the span.
  auto p = Problem({0, 0, 6}, {Cell({0}), Cell({1}), Cell({0, 1}, false), Cell({0, 1, 2}), Cell({2})});
  auto pattern = Suppress(p);
  BOOST_CHECK(!pattern.hidden(0));
  BOOST_CHECK(pattern.hidden(1));
  BOOST_CHECK(pattern.cells[2] == HiddenBy::kProtected);
  CheckProtected(p, pattern);
}

BOOST_AUTO_TEST_CASE(no_secondary_cell_is_left_in_the_span) {
  // Random small problems: a nonzero cell hidden as secondary is never
  // computable from the published ones (it would be hidden for nothing).
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    const size_t n = 3 + rng() % 5;
    std::vector<int64_t> counts(n);
    for (auto& v : counts) v = rng() % 3 == 0 ? rng() % 4 : rng() % 12;
    std::vector<SuppressionCell> cells;
    for (int c = 0; c < 8; ++c) {
      std::vector<uint32_t> inner;
      for (uint32_t i = 0; i < n; ++i) {
        if (rng() % 2) inner.push_back(i);
      }
      if (!inner.empty()) cells.push_back(Cell(inner));
    }
    auto p = Problem(counts, cells);
    auto pattern = Suppress(p);
    CheckProtected(p, pattern);
    Attacker attacker(p, pattern);
    const auto published = attacker.Published();
    for (size_t c = 0; c < p.cells.size(); ++c) {
      if (pattern.cells[c] != HiddenBy::kSecondary || attacker.Value(c) == 0) continue;
      BOOST_CHECK_MESSAGE(!attacker.Computes(c, published), "round " << round << ": secondary cell " << c << " is in the span");
    }
  }
}

BOOST_AUTO_TEST_CASE(a_cell_with_the_same_row_as_a_small_one_is_hidden) {
  // A department with one role: the department total is the role's cell.
  auto p = Problem({2, 9}, {Cell({0}), Cell({0}), Cell({1}), Cell({0, 1})});
  auto pattern = Suppress(p);
  BOOST_CHECK_EQUAL(Render(pattern), "PPs.");
  CheckProtected(p, pattern);
}

BOOST_AUTO_TEST_CASE(nothing_small_hides_nothing) {
  auto p = Problem({5, 9, 0}, {Cell({0}), Cell({1}), Cell({2}), Cell({0, 1, 2})});
  BOOST_CHECK_EQUAL(Render(Suppress(p)), "....");
}

BOOST_AUTO_TEST_CASE(unsorted_or_repeated_inner_cells_mean_the_same_cell) {
  // The contract asks for distinct indices; a caller's slip must not change
  // the protection (a doubled index once counted the cell twice).
  auto clean = Problem({7, 3, 8}, {Cell({0}), Cell({1}), Cell({2}), Cell({0, 1, 2})});
  auto messy = Problem({7, 3, 8}, {Cell({0, 0}), Cell({1}), Cell({2}), Cell({2, 1, 0, 1, 9})});
  BOOST_CHECK_EQUAL(Render(Suppress(messy)), Render(Suppress(clean)));
}

// ---- Random problems ---------------------------------------------------------

// A random small problem: a few dimensions' worth of overlapping sums.
SuppressionProblem RandomProblem(std::mt19937& rng) {
  std::uniform_int_distribution<int> n_inner_d(2, 9), count_d(0, 14), coin(0, 99);
  const size_t n_inner = n_inner_d(rng);
  SuppressionProblem p;
  p.k = 3 + coin(rng) % 3;
  for (size_t i = 0; i < n_inner; ++i) {
    const int r = coin(rng);
    p.inner_counts.push_back(r < 25 ? 0 : r < 55 ? 1 + coin(rng) % 4 : count_d(rng));
  }
  std::vector<uint32_t> all(n_inner);
  std::iota(all.begin(), all.end(), 0);
  for (uint32_t i = 0; i < n_inner; ++i) p.cells.push_back(Cell({i}));
  p.cells.push_back(Cell(all));
  const int extra = 1 + coin(rng) % 10;
  for (int e = 0; e < extra; ++e) {
    std::vector<uint32_t> inner;
    for (uint32_t i = 0; i < n_inner; ++i) {
      if (coin(rng) < 40) inner.push_back(i);
    }
    if (inner.empty()) continue;
    const int r = coin(rng);
    p.cells.push_back(Cell(inner, /*publishable=*/r >= 8, /*protect=*/r < 16 && r >= 8));
  }
  std::shuffle(p.cells.begin(), p.cells.end(), rng);
  return p;
}

BOOST_AUTO_TEST_CASE(random_problems_leave_no_protected_cell_computable) {
  std::mt19937 rng(20261207);
  int secondary_seen = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const SuppressionProblem p = RandomProblem(rng);
    const SuppressionPattern pattern = Suppress(p);
    BOOST_TEST_CONTEXT("trial " << trial) {
      CheckProtected(p, pattern);
      // Every secondary suppression of a nonzero cell was needed: publishing
      // it on top of the final pattern would disclose a protected cell.
      Attacker attacker(p, pattern);
      for (size_t c = 0; c < p.cells.size(); ++c) {
        if (pattern.cells[c] != HiddenBy::kSecondary || attacker.Value(c) == 0) continue;
        ++secondary_seen;
        SuppressionPattern more = pattern;
        more.cells[c] = HiddenBy::kShown;
        const Attacker after(p, more);
        BOOST_CHECK_MESSAGE(!after.Disclosed().empty() || after.CombinationOnZeros(),
                            "cell " << c << " hidden needlessly");
      }
    }
  }
  BOOST_CHECK_GT(secondary_seen, 100);  // the test exercised the secondary step
}

// A random product table: two or three dimensions of 2..3 values (the last
// one read as periods), every combination of "by" and "total" per
// dimension (inner cells, margins, pairs, the grand total), a few cells
// marked protect or not publishable: the shape of the analytics lattice.
SuppressionProblem RandomProductTable(std::mt19937& rng) {
  std::uniform_int_distribution<int> coin(0, 99);
  const int dims = 2 + coin(rng) % 2;
  std::vector<int> size(dims);
  for (int& d : size) d = 2 + coin(rng) % 2;
  size_t n_inner = 1;
  for (int d : size) n_inner *= d;
  SuppressionProblem p;
  p.k = 4 + coin(rng) % 2;
  for (size_t i = 0; i < n_inner; ++i) {
    const int r = coin(rng);
    p.inner_counts.push_back(r < 20 ? 0 : r < 50 ? 1 + coin(rng) % 3 : 3 + coin(rng) % 12);
  }
  for (int mask = 0; mask < (1 << dims); ++mask) {
    // Enumerate the values of the "by" dimensions of this mask.
    size_t groups = 1;
    for (int d = 0; d < dims; ++d) {
      if (mask & (1 << d)) groups *= size[d];
    }
    for (size_t g = 0; g < groups; ++g) {
      SuppressionCell cell;
      for (uint32_t i = 0; i < n_inner; ++i) {
        size_t rest_i = i, rest_g = g;
        bool in = true;
        for (int d = 0; d < dims; ++d) {
          const size_t v = rest_i % size[d];
          rest_i /= size[d];
          if (mask & (1 << d)) {
            in = in && v == rest_g % size[d];
            rest_g /= size[d];
          }
        }
        if (in) cell.inner.push_back(i);
      }
      const int r = coin(rng);
      cell.protect = r < 4;
      cell.publishable = r >= 2;
      p.cells.push_back(cell);
    }
  }
  return p;
}

BOOST_AUTO_TEST_CASE(random_product_tables_leave_no_protected_cell_computable) {
  std::mt19937 rng(16);
  int secondary_seen = 0;
  for (int trial = 0; trial < 150; ++trial) {
    const SuppressionProblem p = RandomProductTable(rng);
    const SuppressionPattern pattern = Suppress(p);
    BOOST_TEST_CONTEXT("trial " << trial) {
      CheckProtected(p, pattern);
      for (HiddenBy h : pattern.cells) secondary_seen += h == HiddenBy::kSecondary;
    }
  }
  BOOST_CHECK_GT(secondary_seen, 100);
}

BOOST_AUTO_TEST_CASE(a_protected_cell_of_no_inner_cells_is_hidden) {
  // Nothing to protect it with (see the header), but it is never shown.
  auto p = Problem({6, 7}, {Cell({}, true, /*protect=*/true), Cell({0}), Cell({1}), Cell({0, 1})});
  BOOST_CHECK_EQUAL(Render(Suppress(p)), "X...");
}

// Same problem, cells and inner cells renumbered: the same pattern, as long
// as no two candidates tie on their count (ties are broken by index).
BOOST_AUTO_TEST_CASE(the_pattern_does_not_depend_on_numbering) {
  std::mt19937 rng(7);
  int compared = 0;
  for (int trial = 0; trial < 300 && compared < 60; ++trial) {
    SuppressionProblem p = RandomProblem(rng);
    Attacker attacker(p, Suppress(p));
    std::vector<int64_t> values;  // of the candidates, zeros included
    for (size_t c = 0; c < p.cells.size(); ++c) {
      if (!attacker.MustProtect(c)) values.push_back(attacker.Value(c));
    }
    std::sort(values.begin(), values.end());
    if (std::adjacent_find(values.begin(), values.end()) != values.end()) continue;  // a tie
    ++compared;
    const SuppressionPattern first = Suppress(p);
    BOOST_CHECK_EQUAL(Render(Suppress(p)), Render(first));  // same input twice

    std::vector<uint32_t> cell_order(p.cells.size()), inner_order(p.inner_counts.size());
    std::iota(cell_order.begin(), cell_order.end(), 0);
    std::iota(inner_order.begin(), inner_order.end(), 0);
    std::shuffle(cell_order.begin(), cell_order.end(), rng);
    std::shuffle(inner_order.begin(), inner_order.end(), rng);
    SuppressionProblem q;
    q.k = p.k;
    q.inner_counts.resize(p.inner_counts.size());
    for (size_t i = 0; i < p.inner_counts.size(); ++i) q.inner_counts[inner_order[i]] = p.inner_counts[i];
    for (uint32_t c : cell_order) {
      SuppressionCell cell = p.cells[c];
      for (uint32_t& i : cell.inner) i = inner_order[i];
      q.cells.push_back(cell);
    }
    const SuppressionPattern second = Suppress(q);
    for (size_t j = 0; j < cell_order.size(); ++j) {
      BOOST_CHECK(second.cells[j] == first.cells[cell_order[j]]);
    }
  }
  BOOST_CHECK_GE(compared, 20);
}

}  // namespace
}  // namespace lrs::anonymizer

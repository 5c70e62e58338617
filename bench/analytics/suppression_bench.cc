// Times anonymizer::Suppress on synthetic hierarchical blocks shaped like the
// analytics lattice: departments x roles x sites x days x categories as inner
// cells; published cells for every combination of the three cohort dimensions
// (each one "by" or totalled: totals, margins, pairs, the full cross), every
// period (day, week, month, all) and every category plus the total over
// categories.
//
//   suppression_bench [--learners N] [--days D] [--k K] [--epoch BLOCKS] [--seed S]
//
// Without --epoch: one block of N learners. With --epoch B: B blocks whose
// sizes cycle through a mix of small and large activities (20 .. N learners),
// timed as a whole, as one epoch would run them (on one thread).

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "anonymizer/cell_suppression.h"

namespace {

using lrs::anonymizer::HiddenBy;
using lrs::anonymizer::SuppressionCell;
using lrs::anonymizer::SuppressionPattern;
using lrs::anonymizer::SuppressionProblem;
using lrs::anonymizer::Suppress;

struct Shape {
  int departments = 8, roles = 5, sites = 4, days = 90, categories = 4;
  size_t InnerCount() const { return size_t(departments) * roles * sites * days * categories; }
  uint32_t Inner(int d, int r, int s, int day, int cat) const {
    return uint32_t((((size_t(d) * roles + r) * sites + s) * days + day) * categories + cat);
  }
};

// Periods as [first day, last day] ranges: days, weeks, months (30 days), all.
std::vector<std::pair<int, int>> Periods(int days) {
  std::vector<std::pair<int, int>> out;
  for (int len : {1, 7, 30}) {
    for (int start = 0; start < days; start += len) out.push_back({start, std::min(days, start + len) - 1});
  }
  out.push_back({0, days - 1});
  return out;
}

// The cells of the lattice (the same for every block of this shape).
std::vector<SuppressionCell> Lattice(const Shape& shape) {
  std::vector<SuppressionCell> cells;
  const int sizes[3] = {shape.departments, shape.roles, shape.sites};
  const auto periods = Periods(shape.days);
  for (int mask = 0; mask < 8; ++mask) {
    // Values of the "by" dimensions; -1 = totalled.
    const int nd = (mask & 1) ? sizes[0] : 1, nr = (mask & 2) ? sizes[1] : 1, ns = (mask & 4) ? sizes[2] : 1;
    for (int vd = 0; vd < nd; ++vd)
      for (int vr = 0; vr < nr; ++vr)
        for (int vs = 0; vs < ns; ++vs)
          for (const auto& period : periods)
            for (int cat = 0; cat <= shape.categories; ++cat) {  // == categories: all
              SuppressionCell cell;
              for (int d = 0; d < sizes[0]; ++d) {
                if ((mask & 1) && d != vd) continue;
                for (int r = 0; r < sizes[1]; ++r) {
                  if ((mask & 2) && r != vr) continue;
                  for (int s = 0; s < sizes[2]; ++s) {
                    if ((mask & 4) && s != vs) continue;
                    for (int day = period.first; day <= period.second; ++day)
                      for (int c = 0; c < shape.categories; ++c) {
                        if (cat != shape.categories && c != cat) continue;
                        cell.inner.push_back(shape.Inner(d, r, s, day, c));
                      }
                  }
                }
              }
              cells.push_back(std::move(cell));
            }
  }
  return cells;
}

// Learners placed with skewed department, role and category weights.
std::vector<int64_t> Counts(const Shape& shape, int learners, std::mt19937_64& rng) {
  std::discrete_distribution<int> dept({40, 20, 10, 10, 8, 6, 4, 2}), role({50, 25, 15, 7, 3}),
      site({50, 30, 15, 5}), cat({50, 25, 15, 10});
  std::uniform_int_distribution<int> day(0, shape.days - 1);
  std::vector<int64_t> counts(shape.InnerCount(), 0);
  for (int i = 0; i < learners; ++i) {
    ++counts[shape.Inner(dept(rng) % shape.departments, role(rng) % shape.roles, site(rng) % shape.sites,
                         day(rng), cat(rng) % shape.categories)];
  }
  return counts;
}

struct Tally {
  size_t cells = 0, nonzero_inner = 0, shown = 0, primary = 0, protected_ = 0, secondary = 0, big = 0,
         big_shown = 0;
  double seconds = 0, cpu_seconds = 0;  // wall; this process's CPU time
};

double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

Tally RunBlock(const Shape& shape, const std::vector<SuppressionCell>& lattice, int learners, int k,
               std::mt19937_64& rng) {
  SuppressionProblem problem;
  problem.k = k;
  problem.inner_counts = Counts(shape, learners, rng);
  problem.cells = lattice;
  Tally t;
  t.cells = problem.cells.size();
  for (int64_t v : problem.inner_counts) t.nonzero_inner += v != 0;
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = CpuSeconds();
  const SuppressionPattern pattern = Suppress(problem);
  t.cpu_seconds = CpuSeconds() - cpu_start;
  t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (size_t c = 0; c < pattern.cells.size(); ++c) {
    int64_t v = 0;
    for (uint32_t i : problem.cells[c].inner) v += problem.inner_counts[i];
    const HiddenBy h = pattern.cells[c];
    t.shown += h == HiddenBy::kShown;
    t.primary += h == HiddenBy::kPrimary;
    t.protected_ += h == HiddenBy::kProtected;
    t.secondary += h == HiddenBy::kSecondary;
    if (v >= k) {
      ++t.big;
      t.big_shown += h == HiddenBy::kShown;
    }
  }
  return t;
}

void Print(const char* label, const Tally& t) {
  std::printf(
      "%s: %zu cells, %zu nonzero inner cells; shown %zu, primary %zu, protected %zu, secondary %zu; "
      "cells of >= k shown: %.1f%%; %.3f s wall, %.3f s CPU\n",
      label, t.cells, t.nonzero_inner, t.shown, t.primary, t.protected_, t.secondary,
      t.big ? 100.0 * t.big_shown / t.big : 100.0, t.seconds, t.cpu_seconds);
}

}  // namespace

int main(int argc, char** argv) {
  int learners = 20000, k = 5, epoch = 0;
  unsigned seed = 1;
  Shape shape;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const int value = std::atoi(argv[i + 1]);
    if (flag == "--learners") learners = value;
    else if (flag == "--days") shape.days = value;
    else if (flag == "--k") k = value;
    else if (flag == "--epoch") epoch = value;
    else if (flag == "--seed") seed = unsigned(value);
    else {
      std::fprintf(stderr, "unknown flag %s\n", argv[i]);
      return 2;
    }
  }
  std::mt19937_64 rng(seed);
  const auto lattice = Lattice(shape);
  std::printf("shape %dx%dx%d x %d days x %d categories: %zu inner cells, %zu cells, k=%d\n", shape.departments,
              shape.roles, shape.sites, shape.days, shape.categories, shape.InnerCount(), lattice.size(), k);
  if (epoch == 0) {
    Print("block", RunBlock(shape, lattice, learners, k, rng));
    return 0;
  }
  const int mix[] = {20, 50, 100, 200, 500, 1000, 2000, learners};
  Tally total;
  for (int b = 0; b < epoch; ++b) {
    const Tally t = RunBlock(shape, lattice, mix[b % 8], k, rng);
    total.cells += t.cells;
    total.nonzero_inner += t.nonzero_inner;
    total.shown += t.shown;
    total.primary += t.primary;
    total.protected_ += t.protected_;
    total.secondary += t.secondary;
    total.big += t.big;
    total.big_shown += t.big_shown;
    total.seconds += t.seconds;
    total.cpu_seconds += t.cpu_seconds;
  }
  Print("epoch", total);
  return 0;
}

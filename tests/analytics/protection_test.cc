#define BOOST_TEST_MODULE analytics_protection
// Protection of planted cases: rare cohort values recoded, a department
// whose completers all failed, a small team all in one low score band, and
// the funnel's difference rule. What this does not prove: that no integer
// program over every table pins a hidden cell (the end-to-end attacker test).

#include <boost/test/unit_test.hpp>
#include <set>

#include "tests/analytics/fixture.h"

namespace lrs::analytics {
namespace {

using namespace testing;
const std::string kA = "https://example.org/a";
const std::string kB = "https://example.org/b";
const std::string kC = "https://example.org/c";

std::string Learner(const std::string& prefix, int i) { return prefix + std::to_string(i); }

BOOST_AUTO_TEST_CASE(rare_cohort_values_are_recoded_before_anything) {
  std::vector<Fact> facts;
  for (int i = 0; i < 3; ++i) facts.push_back(MakeFact(Learner("x", i), kA, FactKind::kActive, "2026-03-02", {"X"}));
  facts.push_back(MakeFact("y", kA, FactKind::kActive, "2026-03-02", {"Y"}));
  facts.push_back(MakeFact("z", kA, FactKind::kActive, "2026-03-02", {"Z"}));
  facts.push_back(MakeFact("n", kA, FactKind::kActive, "2026-03-02", {}));
  auto epoch = BuildEpoch(Config(3), facts);
  auto rows = Rows(*epoch, Request("active", kA, {"department"}));
  std::set<std::string> values;
  for (const Row& row : rows) values.insert(Dim(row, "department"));
  // Y, Z and (none) are each held by one learner: all three become (other), 3 learners.
  BOOST_TEST((values == std::set<std::string>{"X", "(other)"}));
  BOOST_TEST(Count(rows, "active", {{"department", "(other)"}}) == 3);
  BOOST_TEST(Count(rows, "active", {{"department", "X"}}) == 3);
}

// sales: 20 completers of whom 10 passed, 10 failed, on two days of five of
// each; legal: 6 completers, all failed.
std::vector<Fact> FailingDepartment() {
  std::vector<Fact> facts;
  for (int i = 0; i < 20; ++i) {
    const std::string day = i % 4 < 2 ? "2026-03-03" : "2026-03-02";
    facts.push_back(MakeFact(Learner("s", i), kA, FactKind::kAttempted, day, {"sales"}));
    facts.push_back(MakeFact(Learner("s", i), kA, i % 2 ? FactKind::kPassed : FactKind::kFailed, day, {"sales"}));
  }
  for (int i = 0; i < 6; ++i) {
    facts.push_back(MakeFact(Learner("l", i), kA, FactKind::kAttempted, "2026-03-02", {"legal"}));
    facts.push_back(MakeFact(Learner("l", i), kA, FactKind::kFailed, "2026-03-02", {"legal"}));
  }
  return facts;
}

BOOST_AUTO_TEST_CASE(a_department_whose_completers_all_failed_is_not_certain) {
  auto epoch = BuildEpoch(Config(5), FailingDepartment());
  for (Period period : {Period::kAll, Period::kMonth}) {
    auto by = Rows(*epoch, Request("outcomes", kA, {"department"}, period));
    auto total = Rows(*epoch, Request("outcomes", kA, {}, period));
    const std::string when = period == Period::kAll ? "" : "2026-03-01";
    std::map<std::string, std::string> legal = {{"department", "legal"}}, sales = {{"department", "sales"}};
    std::map<std::string, std::string> all;
    if (!when.empty()) legal["period"] = sales["period"] = all["period"] = when;
    BOOST_TEST_CONTEXT(static_cast<int>(period)) {
      BOOST_TEST(Count(by, "failed", legal) == -1);
      // legal's failed must not follow from the total minus sales either.
      BOOST_TEST(!(Count(total, "failed", all) >= 0 && Count(by, "failed", sales) >= 0));
      // completed - passed = failed + completed-without-result, and the
      // latter is never a cell of its own: published completed and passed
      // leave failed open as long as failed itself cannot be derived.
    }
  }
  // Sales, which is mixed, is still published.
  auto by = Rows(*epoch, Request("outcomes", kA, {"department"}));
  BOOST_TEST(Count(by, "attempted", {{"department", "sales"}}) == 20);
  BOOST_TEST(Count(by, "completed", {{"department", "sales"}}) == 20);
  // Not sales' passed beside the total's failed: with sales' known zero of
  // completed-without-result they give legal's failed, which is legal's completed.
  auto total = Rows(*epoch, Request("outcomes", kA));
  BOOST_TEST(!(Count(by, "passed", {{"department", "sales"}}) >= 0 && Count(total, "failed") >= 0));
}

BOOST_AUTO_TEST_CASE(a_small_team_all_in_one_low_band_is_not_certain) {
  EpochConfig config = Config(5, {"team"});
  config.pass_mark = 0.5;
  std::vector<Fact> facts;
  for (int i = 0; i < 5; ++i)
    facts.push_back(MakeFact(Learner("t", i), kA, FactKind::kScore, "2026-03-02", {"small"}, 0.25));
  for (int i = 0; i < 30; ++i)
    facts.push_back(MakeFact(Learner("b", i), kA, FactKind::kScore, "2026-03-02", {"big"}, 0.05 + 0.03 * i));
  auto epoch = BuildEpoch(config, facts);
  auto rows = Rows(*epoch, Request("scores", kA, {"team"}));
  const std::map<std::string, std::string> small = {{"team", "small"}, {"bin", "0.2-0.3"}};
  BOOST_TEST(Count(rows, "learners", small) == -1);  // the whole team's band
  // Every published bin of the team at or above the mark being 0 would say
  // all of them are below it: at least one such bin stays hidden.
  bool some_safe_bin_hidden = false;
  for (const char* bin : {"0.5-0.6", "0.6-0.7", "0.7-0.8", "0.8-0.9", "0.9-1.0"}) {
    if (Count(rows, "learners", {{"team", "small"}, {"bin", bin}}) == -1) some_safe_bin_hidden = true;
  }
  BOOST_TEST(some_safe_bin_hidden);
  // The team's band is not the total minus the big team's either.
  auto total = Rows(*epoch, Request("scores", kA));
  BOOST_TEST(!(Count(total, "learners", {{"bin", "0.2-0.3"}}) >= 0 &&
               Count(rows, "learners", {{"team", "big"}, {"bin", "0.2-0.3"}}) >= 0));
}

BOOST_AUTO_TEST_CASE(every_hidden_cell_has_one_label) {
  auto epoch = BuildEpoch(Config(5), FailingDepartment());
  for (const Row& row : Rows(*epoch, Request("outcomes", kA, {"department"}, Period::kMonth))) {
    BOOST_TEST(row.suppressed == !row.learners.has_value());
    BOOST_TEST(!row.value.has_value());
  }
}

// 8 complete A on one day in one department; 6 of them B; C: 5 of the B
// completers and 1 other.
std::vector<Fact> FunnelFacts() {
  std::vector<Fact> facts;
  for (int i = 0; i < 8; ++i) {
    facts.push_back(MakeFact(Learner("f", i), kA, FactKind::kPassed, "2026-03-02", {"X"}));
    if (i < 6) facts.push_back(MakeFact(Learner("f", i), kB, FactKind::kCompleted, "2026-03-03", {"X"}));
    if (i < 5 || i == 7) facts.push_back(MakeFact(Learner("f", i), kC, FactKind::kCompleted, "2026-03-04", {"X"}));
  }
  return facts;
}

BOOST_AUTO_TEST_CASE(funnel_differences_isolate_no_fewer_than_k) {
  auto epoch = BuildEpoch(Config(2), FunnelFacts());
  TableRequest r = Request("funnel");
  r.steps = {kA, kB, kC};
  auto rows = Rows(*epoch, r);
  BOOST_TEST_REQUIRE(rows.size() == 3u);
  BOOST_TEST(Count(rows, "reached", {{"step", "1"}}) == 8);
  BOOST_TEST(Count(rows, "reached", {{"step", "2"}}) == 6);   // 8 - 6 = 2 stopped: at least k
  BOOST_TEST(Count(rows, "reached", {{"step", "3"}}) == -1);  // 6 - 5 = 1 stopped between B and C
  BOOST_TEST(Dim(rows[1], "activity") == kB);

  // In another order the same difference stays hidden: |A and C| - |A, B and C| = 1.
  r.steps = {kA, kC, kB};
  rows = Rows(*epoch, r);
  BOOST_TEST(Count(rows, "reached", {{"step", "2"}}) == 6);
  BOOST_TEST(Count(rows, "reached", {{"step", "3"}}) == -1);

  // Step 1 follows the outcomes table: hidden there, hidden here, with every step.
  auto strict = BuildEpoch(Config(9), FunnelFacts());
  r.steps = {kA, kB};
  for (const Row& row : Rows(*strict, r)) BOOST_TEST(row.suppressed);
}

}  // namespace
}  // namespace lrs::analytics

#define BOOST_TEST_MODULE analytics_measures
// Every measure against hand-computed values on small fact sets. Learners
// who share a place (day and cohort) with a learner of a safe category, so
// the homogeneity rule has nothing to hide in the groups asserted on.

#include <boost/test/unit_test.hpp>

#include "analytics/standing.h"
#include "tests/analytics/fixture.h"

namespace lrs::analytics {
namespace {

using namespace testing;
const std::string kA = "https://example.org/a";
const std::string kQ = "https://example.org/q";
const std::string kFill = "https://example.org/fill";
const std::string kR = "https://example.org/required";

BOOST_AUTO_TEST_CASE(standing_places_the_final_state_at_its_own_statement) {
  std::vector<StandingFact> facts = {
      {FactKind::kAttempted, 100, 7, std::nullopt, 0},
      {FactKind::kFailed, 200, 8, std::nullopt, 0},
      {FactKind::kPassed, 300, 9, std::nullopt, 0},
      {FactKind::kScore, 250, 3, 0.4, 0},
      {FactKind::kScore, 150, 4, 0.9, 0},
  };
  Standing s = StandingOf(facts);
  BOOST_TEST(*s.outcome == kPassedState);
  BOOST_TEST(s.outcome_place.at_us == 300);
  BOOST_TEST(s.outcome_place.tuple == 9u);
  BOOST_TEST(*s.completed_at_us == 200);  // failing first made them a completer
  BOOST_TEST(*s.score_bin == ScoreBin(0.9));
  BOOST_TEST(s.score_place.tuple == 4u);  // placed at the best score
  BOOST_TEST(!s.active.has_value());

  Standing only_active = StandingOf({{FactKind::kActive, 5, 1, std::nullopt, 0}});
  BOOST_TEST(!only_active.outcome.has_value());  // not an attempter
  BOOST_TEST(only_active.active->at_us == 5);
}

BOOST_AUTO_TEST_CASE(score_bins_and_their_labels) {
  BOOST_TEST(ScoreBinLabel(ScoreBin(-0.2)) == "below-0");
  BOOST_TEST(ScoreBinLabel(ScoreBin(0.0)) == "0.0-0.1");
  BOOST_TEST(ScoreBinLabel(ScoreBin(0.55)) == "0.5-0.6");
  BOOST_TEST(ScoreBinLabel(ScoreBin(0.3)) == "0.3-0.4");
  BOOST_TEST(ScoreBinLabel(ScoreBin(1.0)) == "0.9-1.0");
  BOOST_TEST(ScoreBinBelow(ScoreBin(0.45), 0.5));
  BOOST_TEST(!ScoreBinBelow(ScoreBin(0.5), 0.5));
  BOOST_TEST(!ScoreBinBelow(ScoreBin(0.52), 0.55));  // 0.5-0.6 straddles 0.55: not certain
  BOOST_TEST(ScoreBinBelow(0, 0.5));
}

std::vector<Fact> OutcomeFacts() {
  return {
      // X, 2026-03-03: u1 passes (after failing), u2 fails; both at one place.
      MakeFact("u1", kA, FactKind::kActive, "2026-03-02", {"X"}),
      MakeFact("u1", kA, FactKind::kAttempted, "2026-03-02", {"X"}),
      MakeFact("u1", kA, FactKind::kFailed, "2026-03-02", {"X"}),
      MakeFact("u1", kA, FactKind::kPassed, "2026-03-03", {"X"}),
      MakeFact("u1", kA, FactKind::kCompleted, "2026-03-03", {"X"}, 600.0),
      MakeFact("u1", kA, FactKind::kTimeSpent, "2026-03-02", {"X"}, 100.0),
      MakeFact("u2", kA, FactKind::kActive, "2026-03-02", {"X"}),
      MakeFact("u2", kA, FactKind::kAttempted, "2026-03-02", {"X"}),
      MakeFact("u2", kA, FactKind::kFailed, "2026-03-03", {"X"}),
      MakeFact("u2", kA, FactKind::kTimeSpent, "2026-03-02", {"X"}, 200.0),
      // Y: u3 completes without a result, u4 only attempts, u5 is only active.
      MakeFact("u3", kA, FactKind::kActive, "2026-03-04", {"Y"}),
      MakeFact("u3", kA, FactKind::kCompleted, "2026-03-04", {"Y"}, 1200.0),
      MakeFact("u3", kA, FactKind::kTimeSpent, "2026-03-04", {"Y"}, 400.0),
      MakeFact("u4", kA, FactKind::kActive, "2026-03-10", {"Y"}),
      MakeFact("u4", kA, FactKind::kAttempted, "2026-03-10", {"Y"}),
      MakeFact("u5", kA, FactKind::kActive, "2026-03-10", {"Y"}),
  };
}

BOOST_AUTO_TEST_CASE(outcomes_are_one_partition) {
  auto epoch = BuildEpoch(Config(1), OutcomeFacts());
  auto total = Rows(*epoch, Request("outcomes", kA));
  BOOST_TEST(Count(total, "attempted") == 4);
  BOOST_TEST(Count(total, "completed") == 3);
  BOOST_TEST(Count(total, "passed") == 1);
  // Y's failed is a protected zero (Y has a completer): the total's failed
  // would be X's 1 plus it, so one of the two is hidden, here the total.
  BOOST_TEST(Count(total, "failed") == -1);

  auto by = Rows(*epoch, Request("outcomes", kA, {"department"}));
  BOOST_TEST(Count(by, "attempted", {{"department", "X"}}) == 2);
  BOOST_TEST(Count(by, "completed", {{"department", "X"}}) == 2);
  BOOST_TEST(Count(by, "failed", {{"department", "X"}}) == 1);
  BOOST_TEST(Count(by, "attempted", {{"department", "Y"}}) == 2);
  BOOST_TEST(Count(by, "completed", {{"department", "Y"}}) == 1);
  BOOST_TEST(Count(by, "passed", {{"department", "Y"}}) == 0);
  BOOST_TEST(Count(by, "failed", {{"department", "Y"}}) == -1);  // a sensitive zero is hidden

  // Placed by the statement that made the final state true: u1 on 03-03, not 03-02.
  auto days = Rows(*epoch, Request("outcomes", kA, {}, Period::kDay));
  BOOST_TEST(Count(days, "passed", {{"period", "2026-03-03"}}) == 1);
  BOOST_TEST(Count(days, "attempted", {{"period", "2026-03-02"}}) == -2);  // no group there
  BOOST_TEST(Count(days, "attempted", {{"period", "2026-03-10"}}) == 1);
  auto weeks = Rows(*epoch, Request("outcomes", kA, {}, Period::kWeek));
  BOOST_TEST(Count(weeks, "attempted", {{"period", "2026-03-02"}}) == 3);
  BOOST_TEST(Count(weeks, "attempted", {{"period", "2026-03-09"}}) == 1);
  auto months = Rows(*epoch, Request("outcomes", kA, {}, Period::kMonth));
  BOOST_TEST(Count(months, "attempted", {{"period", "2026-03-01"}}) == 4);
}

BOOST_AUTO_TEST_CASE(row_dimensions_come_in_answer_order) {
  auto epoch = BuildEpoch(Config(1, {"department", "role"}), {
      MakeFact("u1", kA, FactKind::kActive, "2026-03-02", {"X", "lead"}),
  });
  auto rows = Rows(*epoch, Request("active", kA, {"role", "department"}, Period::kMonth));
  BOOST_TEST_REQUIRE(rows.size() == 1u);
  std::vector<std::string> names;
  for (const auto& [n, v] : rows[0].dimensions) names.push_back(n);
  BOOST_TEST((names == std::vector<std::string>{"activity", "role", "department", "period"}));
  BOOST_TEST(Dim(rows[0], "role") == "lead");
  BOOST_TEST(Dim(rows[0], "period") == "2026-03-01");
  BOOST_TEST(*rows[0].learners == 1);
}

BOOST_AUTO_TEST_CASE(active_counts_learners_at_their_first_statement) {
  auto epoch = BuildEpoch(Config(1), OutcomeFacts());
  auto rows = Rows(*epoch, Request("active", kA, {"department"}));
  BOOST_TEST(Count(rows, "active", {{"department", "X"}}) == 2);
  BOOST_TEST(Count(rows, "active", {{"department", "Y"}}) == 3);
}

BOOST_AUTO_TEST_CASE(durations_are_medians_of_groups_of_at_least_k) {
  auto one = BuildEpoch(Config(1), OutcomeFacts());
  auto rows = Rows(*one, Request("durations", kA));
  const Row* d = Find(rows, "median_duration_s");
  BOOST_TEST_REQUIRE(d);
  BOOST_TEST(*d->value == 900.0);  // (600 + 1200) / 2
  BOOST_TEST(*Find(rows, "median_time_spent_s")->value == 200.0);

  auto three = BuildEpoch(Config(3), OutcomeFacts());
  rows = Rows(*three, Request("durations", kA));
  BOOST_TEST(Find(rows, "median_duration_s")->suppressed);  // two completers with a duration
  BOOST_TEST(!Find(rows, "median_duration_s")->value.has_value());
  BOOST_TEST(*Find(rows, "median_time_spent_s")->value == 200.0);
}

BOOST_AUTO_TEST_CASE(scores_bin_each_learner_once_at_their_best) {
  EpochConfig config = Config(1);
  std::vector<Fact> facts = {
      MakeFact("u1", kA, FactKind::kScore, "2026-03-02", {"X"}, 0.95),
      MakeFact("u2", kA, FactKind::kScore, "2026-03-02", {"X"}, 1.0),
      MakeFact("u3", kA, FactKind::kScore, "2026-03-05", {"Y"}, 0.55),
      MakeFact("u4", kA, FactKind::kScore, "2026-03-05", {"Y"}, -0.2),
  };
  auto epoch = BuildEpoch(config, facts);
  auto rows = Rows(*epoch, Request("scores", kA));
  BOOST_TEST(Count(rows, "learners", {{"bin", "0.9-1.0"}}) == 2);
  BOOST_TEST(Count(rows, "learners", {{"bin", "0.5-0.6"}}) == 1);
  BOOST_TEST(Count(rows, "learners", {{"bin", "below-0"}}) == 1);
  BOOST_TEST(Count(rows, "learners", {{"bin", "0.6-0.7"}}) == 0);
  BOOST_TEST(Count(rows, "learners", {{"bin", "0.2-0.3"}}) == -1);  // a sensitive zero
  BOOST_TEST(*Find(rows, "median_scaled")->value == 0.75);
  // Bins come after the other dimensions.
  BOOST_TEST(rows[0].dimensions.back().first == "bin");
}

BOOST_AUTO_TEST_CASE(interactions_count_first_answers_of_choice_questions) {
  std::vector<ActivityInfo> infos = {
      {kQ, "{}", "http://adlnet.gov/expapi/activities/cmi.interaction", "choice"},
      {kFill, "{}", "http://adlnet.gov/expapi/activities/cmi.interaction", "fill-in"},
  };
  std::vector<Fact> facts = {
      MakeFact("u1", kQ, FactKind::kResponse, "2026-03-02", {"X"}, 1.0, "a"),
      MakeFact("u2", kQ, FactKind::kResponse, "2026-03-02", {"X"}, 0.0, "b"),
      MakeFact("u3", kQ, FactKind::kResponse, "2026-03-02", {"X"}, 1.0, "a"),
      MakeFact("u4", kQ, FactKind::kResponse, "2026-03-02", {"X"}, std::nullopt, "a[,]c"),
      MakeFact("u1", kFill, FactKind::kResponse, "2026-03-02", {"X"}, 1.0, "free text"),
  };
  auto epoch = BuildEpoch(Config(1), facts, infos);
  auto rows = Rows(*epoch, Request("interactions", kQ));
  BOOST_TEST(Count(rows, "learners", {{"response", "a"}}) == 2);
  BOOST_TEST(Count(rows, "learners", {{"response", "b"}}) == 1);
  BOOST_TEST(Count(rows, "learners", {{"response", "a[,]c"}}) == 1);
  BOOST_TEST(Count(rows, "correct") == 2);
  BOOST_TEST(Count(rows, "incorrect") == 1);
  // A free-text question is never shown, and every-activity answers skip it.
  auto fill = epoch->Query(Request("interactions", kFill));
  BOOST_TEST(!fill.ok());
  BOOST_TEST(fill.error().path == "activity");
  for (const Row& row : Rows(*epoch, Request("interactions"))) BOOST_TEST(Dim(row, "activity") == kQ);

  // Responses held by fewer than k learners are recoded like cohort values.
  auto two = BuildEpoch(Config(2), facts, infos);
  rows = Rows(*two, Request("interactions", kQ));
  BOOST_TEST(Find(rows, "learners", {{"response", "(other)"}}) != nullptr);
  BOOST_TEST(Find(rows, "learners", {{"response", "b"}}) == nullptr);
}

BOOST_AUTO_TEST_CASE(required_training_is_on_time_late_or_not_done) {
  EpochConfig config = Config(1);
  config.required = {{kR, Day("2026-03-05"), std::nullopt}, {kA, std::nullopt, 2}};
  std::vector<Fact> facts = {
      // All first seen on 03-02 in X (their place in required training).
      MakeFact("u1", kA, FactKind::kActive, "2026-03-02", {"X"}),
      MakeFact("u1", kR, FactKind::kCompleted, "2026-03-05", {"X"}),
      MakeFact("u1", kA, FactKind::kCompleted, "2026-03-04", {"X"}),
      MakeFact("u2", kA, FactKind::kActive, "2026-03-02", {"X"}),
      MakeFact("u2", kR, FactKind::kPassed, "2026-03-07", {"Y"}),
      MakeFact("u2", kA, FactKind::kCompleted, "2026-03-05", {"X"}),
      MakeFact("u3", kA, FactKind::kActive, "2026-03-02", {"X"}),
  };
  auto epoch = BuildEpoch(config, facts);
  auto due = Rows(*epoch, Request("required", kR, {"department"}));
  BOOST_TEST(Count(due, "on_time", {{"department", "X"}}) == 1);
  BOOST_TEST(Count(due, "late", {{"department", "X"}}) == 1);  // placed at the first statement, in X
  BOOST_TEST(Count(due, "not_done", {{"department", "X"}}) == 1);
  BOOST_TEST(Find(due, "late", {{"department", "Y"}}) == nullptr);
  auto within = Rows(*epoch, Request("required", kA));
  BOOST_TEST(Count(within, "on_time") == 1);  // 03-04 <= 03-02 + 2
  BOOST_TEST(Count(within, "late") == 1);     // 03-05 > 03-04
  BOOST_TEST(Count(within, "not_done") == 1);
  BOOST_TEST(!epoch->Query(Request("required", "https://example.org/q")).ok());
}

BOOST_AUTO_TEST_CASE(from_and_to_choose_whole_period_rows) {
  auto epoch = BuildEpoch(Config(1), OutcomeFacts());
  TableRequest r = Request("outcomes", kA, {}, Period::kWeek);
  r.from_day = Day("2026-03-04");  // inside the week of 03-02: that week is returned whole
  r.to_day = Day("2026-03-08");
  auto rows = Rows(*epoch, r);
  BOOST_TEST(Count(rows, "attempted", {{"period", "2026-03-02"}}) == 3);
  BOOST_TEST(Find(rows, "attempted", {{"period", "2026-03-09"}}) == nullptr);
  r.period = Period::kAll;  // no period rows: nothing to filter, no new aggregate
  BOOST_TEST(Count(Rows(*epoch, r), "attempted") == 4);
}

BOOST_AUTO_TEST_CASE(query_errors_name_the_parameter) {
  auto epoch = BuildEpoch(Config(1, {"department", "role", "site"}), OutcomeFacts());
  struct Case {
    const char* name;
    TableRequest request;
    const char* path;
  } cases[] = {
      {"unknown table", Request("leaderboard"), "table"},
      {"unknown activity", Request("outcomes", std::string("https://example.org/none")), "activity"},
      {"unknown dimension", Request("outcomes", std::nullopt, {"name"}), "by"},
      {"repeated dimension", Request("outcomes", std::nullopt, {"role", "role"}), "by"},
      {"three dimensions", Request("outcomes", std::nullopt, {"department", "role", "site"}), "by"},
      {"one step", [] { auto r = Request("funnel"); r.steps = {kA}; return r; }(), "steps"},
      {"eleven steps", [] { auto r = Request("funnel"); r.steps.assign(11, kA); return r; }(), "steps"},
      {"unknown step", [] { auto r = Request("funnel"); r.steps = {kA, "https://x.org/none"}; return r; }(), "steps"},
      {"repeated step", [] { auto r = Request("funnel"); r.steps = {kA, kA}; return r; }(), "steps"},
      {"from after to", [] { auto r = Request("outcomes"); r.from_day = 10; r.to_day = 9; return r; }(), "from"},
      {"a department by day", Request("outcomes", std::nullopt, {"department"}, Period::kDay), "period"},
      {"a pair by week", Request("scores", std::nullopt, {"department", "role"}, Period::kWeek), "period"},
      {"a funnel by department and week",
       [] { auto r = Request("funnel", std::nullopt, {"department"}, Period::kWeek); r.steps = {kA, kA}; return r; }(),
       "period"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      auto result = epoch->Query(c.request);
      BOOST_TEST_REQUIRE(!result.ok());
      BOOST_TEST(result.error().status == 400);
      BOOST_TEST(result.error().path == c.path);
      BOOST_TEST(result.error().message.find("example.org") == std::string::npos);  // never echoes a value
    }
  }
}

BOOST_AUTO_TEST_CASE(the_catalogue_lists_every_table) {
  auto epoch = BuildEpoch(Config(1), OutcomeFacts());
  std::vector<std::string> ids;
  for (const TableInfo& t : epoch->Tables()) ids.push_back(t.id);
  BOOST_TEST((ids == std::vector<std::string>{"outcomes", "scores", "funnel", "durations", "active",
                                              "interactions", "required"}));
  BOOST_TEST(epoch->Activities().size() == 1u);
}

}  // namespace
}  // namespace lrs::analytics

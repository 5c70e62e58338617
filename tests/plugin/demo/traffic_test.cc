// The demo's traffic model (plugin/demo/traffic.h) and its statements
// (plugin/demo/statements.h): deterministic for a seed, in a sensible order
// with prerequisites respected, the planted homogeneous groups present,
// cohorts of very different sizes, about 50 statements per learner.
// What it does not prove: that the LRS accepts every statement (the e2e test
// tests/e2e/demo.test.js fills a store through the door and reads it back).
#define BOOST_TEST_MODULE demo_traffic
#include <boost/test/unit_test.hpp>

#include <map>
#include <set>
#include <string>
#include <tuple>

#include "plugin/demo/statements.h"
#include "plugin/demo/traffic.h"
#include "xapi/json.h"

namespace lrs::plugin::demo {
namespace {

constexpr int64_t kEnd = 20'800LL * 86'400'000'000;  // a fixed midnight: 2026-12-13
constexpr int64_t kDayUs = 86'400'000'000;

TrafficOptions Options(int learners, int days, uint64_t seed) {
  TrafficOptions o;
  o.learners = learners;
  o.days = days;
  o.seed = seed;
  o.end_us = kEnd;
  return o;
}

// One generation of the default size, shared by the tests that only read it.
const Traffic& Default() {
  static const Traffic traffic = GenerateTraffic(Options(2000, 90, 1));
  return traffic;
}

int ActivityIndex(const std::string& id) {
  const Catalogue& c = DemoCatalogue();
  for (size_t i = 0; i < c.activities.size(); ++i) {
    if (c.activities[i].id == id) return static_cast<int>(i);
  }
  BOOST_FAIL("no activity " + id);
  return -1;
}

bool SameEvent(const Event& a, const Event& b) {
  return std::tie(a.at_us, a.learner, a.activity, a.verb, a.success, a.response, a.scaled,
                  a.duration_s, a.attempt) == std::tie(b.at_us, b.learner, b.activity, b.verb,
                                                       b.success, b.response, b.scaled,
                                                       b.duration_s, b.attempt);
}

BOOST_AUTO_TEST_CASE(same_seed_gives_the_same_traffic_and_statements) {
  const Traffic a = GenerateTraffic(Options(300, 30, 42));
  const Traffic b = GenerateTraffic(Options(300, 30, 42));
  BOOST_REQUIRE_EQUAL(a.events.size(), b.events.size());
  for (size_t i = 0; i < a.events.size(); ++i) BOOST_REQUIRE(SameEvent(a.events[i], b.events[i]));
  for (size_t i = 0; i < a.learners.size(); ++i) {
    BOOST_REQUIRE_EQUAL(a.learners[i].mbox, b.learners[i].mbox);
    BOOST_REQUIRE_EQUAL(a.learners[i].department, b.learners[i].department);
  }
  BOOST_TEST(StatementBatchJson(a, 0, a.events.size(), 42) ==
             StatementBatchJson(b, 0, b.events.size(), 42));
}

BOOST_AUTO_TEST_CASE(a_later_now_only_adds_later_events) {
  TrafficOptions early = Options(300, 30, 42);
  early.now_us = kEnd - 10 * kDayUs;
  TrafficOptions late = early;
  late.now_us = kEnd - 9 * kDayUs;
  const Traffic a = GenerateTraffic(early);
  const Traffic b = GenerateTraffic(late);
  BOOST_REQUIRE_LT(a.events.size(), b.events.size());
  for (size_t i = 0; i < a.events.size(); ++i) BOOST_REQUIRE(SameEvent(a.events[i], b.events[i]));
  BOOST_TEST(a.events.back().at_us <= early.now_us);
  BOOST_TEST(StatementBatchJson(a, 0, a.events.size(), 42) ==
             StatementBatchJson(b, 0, a.events.size(), 42));
}

BOOST_AUTO_TEST_CASE(another_day_moves_the_same_traffic_by_whole_days) {
  TrafficOptions next_day = Options(300, 30, 42);
  next_day.end_us = kEnd + kDayUs;
  const Traffic a = GenerateTraffic(Options(300, 30, 42));
  const Traffic b = GenerateTraffic(next_day);
  BOOST_REQUIRE_EQUAL(a.events.size(), b.events.size());
  for (size_t i = 0; i < a.events.size(); ++i) {
    Event moved = a.events[i];
    moved.at_us += kDayUs;
    BOOST_REQUIRE(SameEvent(moved, b.events[i]));
  }
}

BOOST_AUTO_TEST_CASE(another_seed_gives_other_traffic) {
  const Traffic a = GenerateTraffic(Options(300, 30, 42));
  const Traffic b = GenerateTraffic(Options(300, 30, 43));
  BOOST_TEST(StatementBatchJson(a, 0, 100, 42) != StatementBatchJson(b, 0, 100, 43));
}

BOOST_AUTO_TEST_CASE(events_are_in_time_order_within_the_window) {
  const Traffic& t = Default();
  BOOST_REQUIRE(!t.events.empty());
  for (size_t i = 1; i < t.events.size(); ++i) {
    BOOST_REQUIRE_LE(t.events[i - 1].at_us, t.events[i].at_us);
  }
  BOOST_TEST(t.events.front().at_us >= kEnd - 90 * kDayUs);
  BOOST_TEST(t.events.back().at_us <= kEnd);
  // Spread over the window, not bunched at one end.
  BOOST_TEST(t.events.front().at_us < kEnd - 80 * kDayUs);
  BOOST_TEST(t.events.back().at_us > kEnd - 2 * kDayUs);
}

BOOST_AUTO_TEST_CASE(about_fifty_statements_per_learner) {
  const Traffic& t = Default();
  const double per_learner = static_cast<double>(t.events.size()) / 2000.0;
  BOOST_TEST_MESSAGE("statements per learner: " << per_learner);
  BOOST_TEST(per_learner >= 40.0);
  BOOST_TEST(per_learner <= 60.0);
}

// Per learner: each course satisfied only after its prerequisites; within a
// registration each module launched only after the one before it completed.
BOOST_AUTO_TEST_CASE(order_and_prerequisites_are_respected) {
  const Traffic& t = Default();
  const Catalogue& c = DemoCatalogue();
  std::map<std::pair<int, int>, int64_t> satisfied;   // (learner, course) -> when
  std::map<std::pair<int, int>, int64_t> first_seen;  // (learner, course) -> first statement
  std::map<std::tuple<int32_t, uint32_t>, int> lessons_done;  // (learner, attempt) -> lessons completed
  size_t checked = 0;
  for (const Event& e : t.events) {
    const Activity& a = c.activities[e.activity];
    const std::pair<int, int> key{e.learner, a.course};
    first_seen.emplace(key, e.at_us);
    if (e.verb == Verb::kSatisfied) satisfied[key] = e.at_us;
    const Course& course = c.courses[a.course];
    if (e.verb == Verb::kLaunched && a.kind == ActivityKind::kLesson) {
      // The lessons before this one are completed in the same registration.
      size_t position = 0;
      while (course.modules[position] != e.activity) ++position;
      BOOST_REQUIRE_EQUAL(lessons_done[std::make_tuple(e.learner, e.attempt)], static_cast<int>(position));
      ++checked;
    }
    if (e.verb == Verb::kCompleted && a.kind == ActivityKind::kLesson) {
      ++lessons_done[std::make_tuple(e.learner, e.attempt)];
    }
    if (e.verb == Verb::kLaunched && a.kind == ActivityKind::kQuiz && e.attempt > 0) {
      // A first quiz attempt follows every lesson; a retake has its own registration.
      const int done = lessons_done[std::make_tuple(e.learner, e.attempt)];
      BOOST_REQUIRE(done == static_cast<int>(course.modules.size()) - 1 || done == 0);
    }
  }
  BOOST_TEST(checked > 1000u);
  size_t with_prerequisite = 0;
  for (const auto& [key, first] : first_seen) {
    for (int p : c.courses[key.second].prerequisites) {
      auto before = satisfied.find({key.first, p});
      BOOST_REQUIRE_MESSAGE(before != satisfied.end() && before->second < first,
                            "learner " << key.first << " began course " << key.second
                                       << " before satisfying " << p);
      ++with_prerequisite;
    }
  }
  BOOST_TEST(with_prerequisite > 500u);
}

BOOST_AUTO_TEST_CASE(learners_drop_off_along_each_course) {
  const Traffic& t = Default();
  const Catalogue& c = DemoCatalogue();
  const Course& infosec = c.courses[1];
  std::vector<std::set<int>> launched(infosec.modules.size());
  for (const Event& e : t.events) {
    for (size_t m = 0; m < infosec.modules.size(); ++m) {
      if (e.activity == infosec.modules[m] && e.verb == Verb::kLaunched) launched[m].insert(e.learner);
    }
  }
  for (size_t m = 1; m < launched.size(); ++m) {
    BOOST_TEST(launched[m].size() < launched[m - 1].size());
    BOOST_TEST(launched[m].size() > launched[m - 1].size() / 2);
  }
}

BOOST_AUTO_TEST_CASE(quizzes_have_answers_scores_and_durations) {
  const Traffic& t = Default();
  const Catalogue& c = DemoCatalogue();
  std::set<InteractionType> types;
  std::set<int> score_bins;
  size_t passed = 0, failed = 0;
  for (const Event& e : t.events) {
    const Activity& a = c.activities[e.activity];
    if (e.verb == Verb::kAnswered) {
      BOOST_REQUIRE(a.kind == ActivityKind::kQuestion);
      BOOST_REQUIRE_GE(e.response, 0);
      types.insert(a.interaction);
      // Likert has no right answer, so no success; the others always say.
      BOOST_REQUIRE_EQUAL(e.success >= 0, a.interaction != InteractionType::kLikert);
    }
    if (e.verb == Verb::kPassed || e.verb == Verb::kFailed) {
      BOOST_REQUIRE(a.kind == ActivityKind::kQuiz);
      BOOST_REQUIRE(e.scaled >= 0.0f && e.scaled <= 1.0f);
      BOOST_REQUIRE_EQUAL(e.verb == Verb::kPassed, e.scaled >= kPassMark - 1e-6);
      score_bins.insert(static_cast<int>(e.scaled * 10));
      (e.verb == Verb::kPassed ? passed : failed)++;
    }
    if (e.verb == Verb::kCompleted) BOOST_REQUIRE_GT(e.duration_s, 0);
  }
  BOOST_TEST(types.size() == 3u);  // choice, true-false, likert
  BOOST_TEST(score_bins.size() >= 7u);
  BOOST_TEST(passed > failed);
  BOOST_TEST(failed > passed / 20);
}

BOOST_AUTO_TEST_CASE(planted_department_fails_the_infosec_quiz_every_time) {
  const Traffic& t = Default();
  const int quiz = ActivityIndex(kPlantedFailQuiz);
  std::set<int> completers, passers, failers;
  for (const Event& e : t.events) {
    if (e.activity != quiz || t.learners[e.learner].department != kPlantedFailDepartment) continue;
    if (e.verb == Verb::kCompleted) completers.insert(e.learner);
    if (e.verb == Verb::kPassed) passers.insert(e.learner);
    if (e.verb == Verb::kFailed) failers.insert(e.learner);
  }
  BOOST_TEST(completers.size() >= 20u);  // a group of well over k
  BOOST_TEST(passers.empty());
  BOOST_TEST(failers == completers);
}

BOOST_AUTO_TEST_CASE(planted_team_scores_in_one_low_band) {
  const Traffic& t = Default();
  const int quiz = ActivityIndex(kPlantedBandQuiz);
  std::set<int> team, scored;
  for (size_t i = 0; i < t.learners.size(); ++i) {
    if (t.learners[i].department == kPlantedBandDepartment) team.insert(static_cast<int>(i));
  }
  BOOST_TEST(team.size() == 6u);
  for (const Event& e : t.events) {
    if (e.activity != quiz || e.scaled < 0 || !team.count(e.learner)) continue;
    BOOST_REQUIRE(e.scaled >= kPlantedBandLow - 1e-6 && e.scaled < kPlantedBandLow + 0.1);
    scored.insert(e.learner);
  }
  BOOST_TEST(scored.size() >= 5u);  // at least k of the six: a published cell to protect
}

BOOST_AUTO_TEST_CASE(cohorts_differ_in_size_some_below_k) {
  const std::vector<Learner> learners = GenerateLearners(2000, 1);
  std::map<std::string, int> departments, sites, roles;
  std::set<std::string> addresses;
  for (const Learner& l : learners) {
    ++departments[l.department];
    ++sites[l.site];
    ++roles[l.role];
    addresses.insert(l.mbox);
    BOOST_REQUIRE(l.mbox.rfind("mailto:", 0) == 0);
    BOOST_REQUIRE(!l.name.empty());
  }
  BOOST_TEST(addresses.size() == learners.size());
  auto spread = [](const std::map<std::string, int>& sizes) {
    int small = 0, large = 0;
    for (const auto& [value, n] : sizes) {
      if (!value.empty() && n < 5) ++small;
      large = std::max(large, n);
    }
    return std::pair{small, large};
  };
  auto [small_departments, largest_department] = spread(departments);
  auto [small_sites, largest_site] = spread(sites);
  BOOST_TEST(departments.size() >= 10u);
  BOOST_TEST(small_departments >= 2);
  BOOST_TEST(largest_department >= 400);
  BOOST_TEST(small_sites >= 1);
  BOOST_TEST(largest_site >= 500);
  BOOST_TEST(roles.size() >= 5u);
  int withdrew = 0;
  for (const Learner& l : learners) {
    withdrew += l.withdrew_analytics;
    BOOST_REQUIRE(!(l.withdrew_analytics && (l.department == kPlantedFailDepartment ||
                                             l.department == kPlantedBandDepartment)));
  }
  BOOST_TEST(withdrew >= 5);  // about 1 in 100 withdrew analytics consent
  BOOST_TEST(withdrew <= 40);
  BOOST_TEST(ConsentWithdrawalJson(learners[0]).find(R"("purposes":["analytics"])") !=
             std::string::npos);
  BOOST_TEST(departments.count("") == 0u);  // every learner has a department
  BOOST_TEST(roles.count("") == 1u);        // a few lack a role: "(none)"
}

BOOST_AUTO_TEST_CASE(statements_are_valid_json_with_unique_ids_and_cohort_extensions) {
  const Traffic t = GenerateTraffic(Options(40, 14, 7));
  const std::string json = StatementBatchJson(t, 0, 100, 7);
  auto parsed = xapi::ParseJson(json);
  BOOST_REQUIRE(parsed.ok());
  const xapi::JsonValue& batch = **parsed;
  BOOST_REQUIRE(batch.IsArray());
  BOOST_REQUIRE_EQUAL(batch.Size(), std::min<size_t>(100, t.events.size()));
  std::set<std::string> ids;
  for (const auto& s : batch.GetArray()) {
    ids.insert(std::string(xapi::StringMember(s, "id")));
    BOOST_REQUIRE(xapi::StringMember(s["actor"], "mbox").rfind("mailto:", 0) == 0);
    const xapi::JsonValue* extensions = xapi::Member(s["context"], "extensions");
    BOOST_REQUIRE(extensions != nullptr);
    BOOST_REQUIRE(xapi::Member(*extensions, kDepartmentExtension) != nullptr);
    BOOST_REQUIRE(xapi::Member(s, "timestamp") != nullptr);
  }
  BOOST_TEST(ids.size() == batch.Size());
  BOOST_TEST(DeterministicUuid(1, 2) == DeterministicUuid(1, 2));
  BOOST_TEST(DeterministicUuid(1, 2) != DeterministicUuid(1, 3));
  BOOST_TEST(DeterministicUuid(1, 2).size() == 36u);
}

}  // namespace
}  // namespace lrs::plugin::demo

#define BOOST_TEST_MODULE analytics_epoch
// Whole-epoch properties: additivity (a total is the sum of its parts),
// determinism (the same facts in another order give identical rows), and
// retention (RollUp + AddRolled release what the live facts did).

#include <boost/test/unit_test.hpp>
#include <random>
#include <sstream>

#include "analytics/catalogue.h"
#include "analytics/rolled_key.h"
#include "tests/analytics/fixture.h"

namespace lrs::analytics {
namespace {

using namespace testing;

const std::vector<std::string> kActivities = {"https://example.org/a", "https://example.org/b",
                                              "https://example.org/q"};
const ActivityInfo kQuestion{"https://example.org/q", "{}", "http://adlnet.gov/expapi/activities/cmi.interaction",
                             "choice"};

// A small synthetic store: every learner in one department and role, facts
// spread over six weeks. Seeded: a test fixture, not privacy code.
std::vector<Fact> Synthetic(int learners, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const char* departments[] = {"sales", "sales", "sales", "eng", "eng", "hr"};
  const char* roles[] = {"ic", "ic", "lead"};
  std::vector<Fact> facts;
  for (int l = 0; l < learners; ++l) {
    const std::string who = "p" + std::to_string(l);
    const std::vector<std::string> cohort = {departments[rng() % 6], roles[rng() % 3]};
    for (const std::string& a : kActivities) {
      if (rng() % 4 == 0) continue;
      const std::string day = FormatDay(Day("2026-03-01") + static_cast<int32_t>(rng() % 42));
      facts.push_back(MakeFact(who, a, FactKind::kActive, day, cohort));
      if (a == kQuestion.id) {
        const int answer = static_cast<int>(rng() % 3);
        facts.push_back(MakeFact(who, a, FactKind::kResponse, day, cohort, answer == 0 ? 1.0 : 0.0,
                                 std::string(1, static_cast<char>('a' + answer))));
        continue;
      }
      facts.push_back(MakeFact(who, a, FactKind::kAttempted, day, cohort));
      const int fate = static_cast<int>(rng() % 4);
      if (fate == 0) continue;
      facts.push_back(MakeFact(who, a, FactKind::kCompleted, day, cohort, 60.0 * (1 + rng() % 30)));
      if (fate == 1) facts.push_back(MakeFact(who, a, FactKind::kPassed, day, cohort));
      if (fate == 2) facts.push_back(MakeFact(who, a, FactKind::kFailed, day, cohort));
      facts.push_back(MakeFact(who, a, FactKind::kScore, day, cohort, (rng() % 101) / 100.0));
    }
  }
  return facts;
}

EpochConfig TwoDims(int k) { return Config(k, {"department", "role"}); }

std::string Render(const std::vector<Row>& rows) {
  std::ostringstream out;
  for (const Row& r : rows) {
    for (const auto& [n, v] : r.dimensions) out << n << '=' << v << ' ';
    out << r.measure << ' ' << (r.suppressed ? std::string("hidden") : "") << ' '
        << (r.learners ? std::to_string(*r.learners) : "") << ' ' << (r.value ? std::to_string(*r.value) : "")
        << '\n';
  }
  return out.str();
}

// Every table, breakdown and period the catalogue offers, as text.
std::string Everything(const Epoch& epoch, const std::vector<std::string>& tables) {
  std::string out;
  const std::vector<std::vector<std::string>> bys = {{}, {"department"}, {"role"}, {"department", "role"}};
  for (const std::string& table : tables) {
    for (const auto& by : bys) {
      for (Period p : {Period::kAll, Period::kDay, Period::kWeek, Period::kMonth}) {
        if (static_cast<int>(by.size()) > MaxBreakdownDims(p)) continue;
        TableRequest r = Request(table, std::nullopt, by, p);
        if (table == "funnel") r.steps = {kActivities[0], kActivities[1]};
        out += table + "\n" + Render(Rows(epoch, r));
      }
    }
  }
  return out;
}

BOOST_AUTO_TEST_CASE(a_total_is_exactly_the_sum_of_its_parts) {
  // Enough learners that groups of a department and a role are not all of
  // one outcome (those hide a partner of their protected zero).
  auto epoch = BuildEpoch(TwoDims(1), Synthetic(600, 1));
  int checked = 0;
  for (const char* table : {"outcomes", "active", "scores"}) {
    for (const std::string& a : kActivities) {
      auto total = Rows(*epoch, Request(table, a));
      auto by_department = Rows(*epoch, Request(table, a, {"department"}));
      auto by_both = Rows(*epoch, Request(table, a, {"department", "role"}));
      for (const Row& t : total) {
        if (t.suppressed || !t.learners) continue;
        const std::string bin = Dim(t, "bin");
        int64_t parts = 0, finest = 0;
        bool whole = true;
        for (const Row& p : by_department) {
          if (p.measure != t.measure || Dim(p, "bin") != bin) continue;
          whole = whole && !p.suppressed;
          parts += p.learners.value_or(0);
        }
        for (const Row& p : by_both) {
          if (p.measure != t.measure || Dim(p, "bin") != bin) continue;
          whole = whole && !p.suppressed;
          finest += p.learners.value_or(0);
        }
        if (!whole) continue;
        BOOST_TEST_CONTEXT(table << " " << a << " " << t.measure << " " << bin) {
          BOOST_TEST(parts == *t.learners);
          BOOST_TEST(finest == *t.learners);
        }
        ++checked;
      }
    }
  }
  // Totals whose every part is published: active on each activity, most
  // outcomes, a few bins (a protected zero hides a partner in its margins).
  BOOST_TEST(checked >= 9);
}

BOOST_AUTO_TEST_CASE(the_same_facts_in_another_order_give_identical_rows) {
  std::vector<Fact> facts = Synthetic(80, 2);
  std::vector<Fact> shuffled = facts;
  std::mt19937_64 rng(99);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  const std::vector<std::string> tables = {"outcomes", "scores", "funnel", "durations", "active", "interactions"};
  auto one = BuildEpoch(TwoDims(5), facts, {kQuestion});
  auto two = BuildEpoch(TwoDims(5), shuffled, {kQuestion});
  const std::string a = Everything(*one, tables), b = Everything(*two, tables);
  BOOST_TEST(a.size() > 1000u);
  BOOST_TEST(a == b);
  BOOST_TEST(a.find("hidden") != std::string::npos);  // k = 5 on 80 learners hides something
  // Within an epoch a repeat gets the identical answer.
  BOOST_TEST(Everything(*one, tables) == a);
}

BOOST_AUTO_TEST_CASE(rolled_cells_release_what_the_live_facts_did) {
  const EpochConfig config = TwoDims(3);
  std::vector<Fact> facts = Synthetic(90, 3);
  // Retention folds the facts of every second learner, one learner-activity at a time.
  std::map<std::pair<std::string, std::string>, std::vector<Fact>> by_pair;
  std::vector<Fact> live;
  for (const Fact& f : facts) {
    if (std::stoi(f.learner.substr(1)) % 2) {
      by_pair[{f.learner, f.activity}].push_back(f);
    } else {
      live.push_back(f);
    }
  }
  std::map<std::pair<std::string, std::string>, int64_t> summed;  // what storage keeps: counts per key
  for (const auto& [pair, mine] : by_pair) {
    for (const RolledCell& c : RollUp(config, mine)) {
      BOOST_TEST(c.cell.find(pair.first) == std::string::npos);  // never a pseudonym
      summed[{c.activity, c.cell}] += c.learners;
    }
  }
  std::vector<RolledCell> rolled;
  for (const auto& [key, n] : summed) rolled.push_back({key.first, key.second, n});
  auto from_facts = BuildEpoch(config, facts, {kQuestion});
  auto from_rollups = BuildEpoch(config, live, {kQuestion}, rolled);
  // Medians and required training come from live facts only (rolled_key.h).
  const std::vector<std::string> tables = {"outcomes", "active", "interactions", "funnel"};
  BOOST_TEST(Everything(*from_facts, tables) != "");
  auto strip_medians = [](const std::string& text) {
    std::string out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      if (line.find("median_scaled") == std::string::npos) out += line + "\n";
    }
    return out;
  };
  BOOST_TEST(Everything(*from_facts, {"outcomes", "active", "interactions"}) ==
             Everything(*from_rollups, {"outcomes", "active", "interactions"}));
  BOOST_TEST(strip_medians(Everything(*from_facts, {"scores"})) ==
             strip_medians(Everything(*from_rollups, {"scores"})));
}

BOOST_AUTO_TEST_CASE(rolled_keys_round_trip_and_unknown_keys_are_ignored) {
  RolledKey key{"interactions", -3, "correct:a|b\\c", {"sales|x", "(none)"}};
  auto back = DecodeRolledKey(EncodeRolledKey(key));
  BOOST_TEST_REQUIRE(back.has_value());
  BOOST_TEST(back->block == key.block);
  BOOST_TEST(back->day == -3);
  BOOST_TEST(back->category == key.category);
  BOOST_TEST(back->cohort == key.cohort);
  BOOST_TEST(!DecodeRolledKey("a2|outcomes|1|passed").has_value());
  BOOST_TEST(!DecodeRolledKey("a1|outcomes|x|passed").has_value());
  EpochBuilder b(TwoDims(1));
  b.AddRolled({"https://example.org/a", "garbage", 4});
  BOOST_TEST(b.Build("e", 0)->Activities().empty());
}

BOOST_AUTO_TEST_CASE(utility_counts_what_protection_costs) {
  auto epoch = BuildEpoch(TwoDims(5), Synthetic(200, 4), {kQuestion});
  const UtilityReport u = epoch->Utility();
  BOOST_TEST(u.cells > 0);
  BOOST_TEST(u.cells_at_least_k > 0);
  BOOST_TEST(u.published_at_least_k <= u.cells_at_least_k);
  BOOST_TEST(u.hidden_primary > 0);
  BOOST_TEST(u.hidden_primary + u.hidden_protected + u.hidden_secondary <= u.cells);
}

}  // namespace
}  // namespace lrs::analytics

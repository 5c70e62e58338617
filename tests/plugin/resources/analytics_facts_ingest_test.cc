#define BOOST_TEST_MODULE plugin_analytics_facts_ingest
// What a statement adds to the analytics facts, through the whole request
// path (plugin/resources/analytics_facts_ingest.h): the kinds each verb and
// result make, the cohort values, the time, one learner under mbox and
// mbox_sha1sum, responses that are never free text, and consent.
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "plugin/http/http_message.h"
#include "plugin/resources/analytics_facts_ingest.h"
#include "storage/analytics_facts.h"
#include "storage/database.h"
#include "tests/plugin/test_lrs.h"
#include "xapi/json.h"

namespace {

using lrs::plugin::HttpRequest;
using lrs::plugin::HttpResponse;

constexpr char kAda[] = R"({"mbox": "mailto:ada@example.org", "name": "Ada"})";
constexpr char kAdaHashed[] = R"({"mbox_sha1sum": "d714b8a95bd857a37405a7b56db9108b60ae42bd"})";
constexpr char kBob[] = R"({"mbox": "mailto:bob@example.org"})";
constexpr char kQuiz[] = "http://example.org/quiz";
constexpr char kDepartment[] = "http://example.org/department";
constexpr char kLevel[] = "http://example.org/level";
constexpr char kAdl[] = "http://adlnet.gov/expapi/verbs/";

// FactKind (analytics/fact.h).
enum Kind { kActive, kAttempted, kCompleted, kPassed, kFailed, kScore, kTimeSpent, kResponse };

// The default manifest with three cohort dimensions: platform, department
// and level (two context extensions).
std::string ManifestWithCohorts() {
  auto manifest = lrs::xapi::ParseJson(lrs::testing::ReadTextFile("manifests/default.json"));
  BOOST_REQUIRE(manifest.ok());
  lrs::xapi::JsonDocument& doc = **manifest;
  auto dimensions = lrs::xapi::ParseJson(
      std::string(R"([{"id": "platform", "source": "context.platform"},)") +
      R"({"id": "department", "source": "context.extensions.)" + kDepartment + R"("},)" +
      R"({"id": "level", "source": "context.extensions.)" + kLevel + R"("}])");
  BOOST_REQUIRE(dimensions.ok());
  doc["cohort_dimensions"].CopyFrom(**dimensions, doc.GetAllocator());
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     ("lrs-analytics-manifest-" + std::to_string(::getpid()) +
                                      ".json");
  std::ofstream(path) << lrs::xapi::ToJson(doc);
  return path.string();
}

struct Fact {
  std::string pseudonym;
  std::string activity;
  int kind = 0;
  int64_t at_us = 0;
  std::vector<std::string> cohort;
  std::optional<double> value;
  std::string detail;
};

struct Lrs : lrs::testing::TestLrs {
  Lrs() : TestLrs("analytics-ingest", ManifestWithCohorts()) {}

  HttpResponse Send(const std::string& method, const std::string& path, const std::string& body,
                    bool xapi = true) {
    HttpRequest request;
    request.method = method;
    request.path = path;
    if (xapi) request.headers["X-Experience-API-Version"] = "1.0.3";
    request.headers["Authorization"] = lms;
    request.headers["Content-Type"] = "application/json";
    request.body = body;
    return app->Handle(request);
  }

  void Post(const std::string& body) {
    HttpResponse posted = Send("POST", "/xapi/statements", body);
    BOOST_REQUIRE_MESSAGE(posted.status == 200, posted.body);
  }

  // One statement by `actor` on the quiz.
  static std::string Statement(int n, const std::string& actor, const std::string& verb,
                               const std::string& extra = "",
                               const std::string& object = std::string("{\"id\": \"") + kQuiz +
                                                           "\"}") {
    char id[40];
    std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", n);
    return std::string("{\"id\": \"") + id + "\", \"actor\": " + actor +
           ", \"verb\": {\"id\": \"" + verb + "\"}, \"object\": " + object + extra + "}";
  }

  std::vector<Fact> Facts() {
    auto db = lrs::storage::Database::Open((root / "data" / "lrs.db").string());
    BOOST_REQUIRE(db.ok());
    auto rows = (*db)->Prepare(
        "SELECT pseudonym, activity_id, kind, at_us, cohort, value, detail FROM analytics_facts"
        " ORDER BY pseudonym, activity_id, kind");
    BOOST_REQUIRE(rows.ok());
    std::vector<Fact> facts;
    BOOST_REQUIRE(!rows->ForEachRow([&](const lrs::storage::Statement& row) {
      Fact fact{row.ColumnText(0), row.ColumnText(1), static_cast<int>(row.ColumnInt(2)),
                row.ColumnInt(3), lrs::storage::DecodeCohort(row.ColumnText(4)),
                std::nullopt, row.ColumnText(6)};
      if (!row.ColumnIsNull(5)) fact.value = row.ColumnDouble(5);
      facts.push_back(std::move(fact));
    }));
    return facts;
  }

  std::set<int> Kinds(const std::string& activity = kQuiz) {
    std::set<int> kinds;
    for (const Fact& fact : Facts()) {
      if (fact.activity == activity) kinds.insert(fact.kind);
    }
    return kinds;
  }

  std::optional<Fact> Find(int kind, const std::string& activity = kQuiz) {
    for (Fact& fact : Facts()) {
      if (fact.kind == kind && fact.activity == activity) return fact;
    }
    return std::nullopt;
  }

  int64_t Count(const std::string& sql) {
    auto db = lrs::storage::Database::Open((root / "data" / "lrs.db").string());
    BOOST_REQUIRE(db.ok());
    auto stmt = (*db)->Prepare(sql);
    BOOST_REQUIRE(stmt.ok());
    BOOST_REQUIRE(stmt->Step().value());
    return stmt->ColumnInt(0);
  }
};

BOOST_FIXTURE_TEST_SUITE(analytics_facts_ingest, Lrs)

BOOST_AUTO_TEST_CASE(a_completion_with_a_result_makes_each_of_its_kinds) {
  Post(Statement(1, kAda, std::string(kAdl) + "completed",
                 R"(, "result": {"success": true, "score": {"scaled": 0.8}, "duration": "PT21M"},)"
                 R"( "timestamp": "2026-03-02T10:00:00Z")"));
  const std::vector<Fact> facts = Facts();
  BOOST_TEST(Kinds() == (std::set<int>{kActive, kCompleted, kPassed, kScore, kTimeSpent}));
  for (const Fact& fact : facts) {
    BOOST_TEST(fact.pseudonym == facts[0].pseudonym);  // the actor's, as stored
    BOOST_TEST(fact.pseudonym.find("ada") == std::string::npos);
    BOOST_TEST(fact.at_us == 1772445600000000);  // 2026-03-02T10:00:00Z
  }
  BOOST_TEST(Find(kCompleted)->value.value() == 1260.0);
  BOOST_TEST(Find(kTimeSpent)->value.value() == 1260.0);
  BOOST_TEST(Find(kScore)->value.value() == 0.8);
  BOOST_TEST(!Find(kActive)->value.has_value());
}

BOOST_AUTO_TEST_CASE(verbs_decide_attempts_outcomes_and_cmi5s_satisfied_and_waived) {
  struct Case {
    std::string verb;
    std::string result;
    std::set<int> kinds;
  };
  const std::vector<Case> cases = {
      {std::string(kAdl) + "attempted", "", {kActive, kAttempted}},
      {std::string(kAdl) + "launched", "", {kActive, kAttempted}},
      {std::string(kAdl) + "initialized", "", {kActive, kAttempted}},
      {"https://w3id.org/xapi/adl/verbs/attempted", "", {kActive, kAttempted}},
      {std::string(kAdl) + "passed", "", {kActive, kPassed}},
      {std::string(kAdl) + "failed", "", {kActive, kFailed}},
      // The verb decides over a contradicting result.success.
      {std::string(kAdl) + "failed", R"(, "result": {"success": true})", {kActive, kFailed}},
      {std::string(kAdl) + "passed", R"(, "result": {"success": false})", {kActive, kPassed}},
      {std::string(kAdl) + "experienced", R"(, "result": {"success": false})",
       {kActive, kFailed}},
      {std::string(kAdl) + "experienced", R"(, "result": {"completion": true})",
       {kActive, kCompleted}},
      {std::string(kAdl) + "experienced", R"(, "result": {"completion": false})", {kActive}},
      {"https://w3id.org/xapi/adl/verbs/satisfied", "", {kActive, kCompleted}},
      {"https://w3id.org/xapi/adl/verbs/waived", "", {kActive}},
      {std::string(kAdl) + "terminated", "", {kActive}},
  };
  int n = 0;
  for (const Case& c : cases) {
    ++n;
    const std::string activity = "http://example.org/case/" + std::to_string(n);
    Post(Statement(n, kAda, c.verb, c.result, "{\"id\": \"" + activity + "\"}"));
    BOOST_TEST_CONTEXT(c.verb << c.result) { BOOST_TEST(Kinds(activity) == c.kinds); }
  }
}

BOOST_AUTO_TEST_CASE(cohort_values_come_from_the_stored_statement_capped) {
  const std::string long_value(65, 'x');
  Post(Statement(1, kAda, std::string(kAdl) + "experienced",
                 std::string(R"(, "context": {"platform": "Moodle", "extensions": {")") +
                     kDepartment + R"(": "Legal", ")" + kLevel + R"(": 3}})"));
  BOOST_TEST(Find(kActive)->cohort == (std::vector<std::string>{"Moodle", "Legal", "3"}));
  Post(Statement(2, kBob, std::string(kAdl) + "experienced",
                 std::string(R"(, "context": {"extensions": {")") + kDepartment + R"(": ")" +
                     long_value + R"(", ")" + kLevel + R"(": {"band": [1, 2]}}})",
                 R"({"id": "http://example.org/other"})"));
  BOOST_TEST(Find(kActive, "http://example.org/other")->cohort ==
             (std::vector<std::string>{"(none)", "(other)", R"({"band":[1,2]})"}));
  Post(Statement(3, kBob, std::string(kAdl) + "experienced", "",
                 R"({"id": "http://example.org/third"})"));
  BOOST_TEST(Find(kActive, "http://example.org/third")->cohort ==
             (std::vector<std::string>{"(none)", "(none)", "(none)"}));
}

BOOST_AUTO_TEST_CASE(a_statement_without_a_timestamp_is_placed_at_its_stored_time) {
  Post(Statement(1, kAda, std::string(kAdl) + "experienced"));
  BOOST_TEST(Find(kActive)->at_us == Count("SELECT stored_us FROM statements"));
}

BOOST_AUTO_TEST_CASE(mbox_and_mbox_sha1sum_of_one_person_are_one_learner) {
  Post(Statement(1, kAda, std::string(kAdl) + "experienced",
                 R"(, "timestamp": "2026-03-02T10:00:00Z", "result": {"duration": "PT1M"})"));
  Post(Statement(2, kAdaHashed, std::string(kAdl) + "experienced",
                 R"(, "timestamp": "2026-03-01T10:00:00Z", "result": {"duration": "PT2M"})"));
  BOOST_TEST(Count("SELECT count(DISTINCT pseudonym) FROM analytics_facts") == 1);
  BOOST_TEST(Find(kTimeSpent)->value.value() == 180.0);
  BOOST_TEST(Find(kActive)->at_us == 1772359200000000);  // the earlier: 2026-03-01
}

BOOST_AUTO_TEST_CASE(a_retried_statement_adds_no_time) {
  const std::string statement =
      Statement(1, kAda, std::string(kAdl) + "experienced", R"(, "result": {"duration": "PT1M"})");
  Post(statement);
  Post(statement);
  BOOST_TEST(Find(kTimeSpent)->value.value() == 60.0);
}

BOOST_AUTO_TEST_CASE(groups_agents_and_statement_refs_as_objects_make_no_facts) {
  const std::string group =
      R"({"objectType": "Group", "mbox": "mailto:team@example.org", "member": [)" +
      std::string(kAda) + "]}";
  Post("[" + Statement(1, group, std::string(kAdl) + "completed") + ", " +
       Statement(2, kAda, std::string(kAdl) + "completed", "",
                 R"({"objectType": "Agent", "mbox": "mailto:bob@example.org"})") +
       ", " +
       Statement(3, kAda, std::string(kAdl) + "completed", "",
                 R"({"objectType": "StatementRef", "id": "00000000-0000-4000-8000-000000000001"})") +
       "]");
  BOOST_TEST(Count("SELECT count(*) FROM statements") == 3);
  BOOST_TEST(Count("SELECT count(*) FROM analytics_facts") == 0);
}

BOOST_AUTO_TEST_CASE(responses_are_kept_only_when_they_cannot_be_free_text) {
  auto interaction = [](int n, const std::string& type) {
    return "{\"id\": \"http://example.org/q" + std::to_string(n) +
           "\", \"definition\": {\"type\": \"http://adlnet.gov/expapi/activities/cmi.interaction\"" +
           (type.empty() ? "" : ", \"interactionType\": \"" + type + "\"") + "}}";
  };
  struct Case {
    std::string object;  // empty: no definition
    std::string response;
    std::string detail;
  };
  const std::vector<Case> cases = {
      {interaction(1, "choice"), "golf[,]tennis", "golf[,]tennis"},
      {interaction(2, "choice"), "my answer, in words", ""},
      {interaction(3, "true-false"), "true", "true"},
      {interaction(4, "true-false"), "yes", ""},
      {interaction(5, "likert"), "likert_3", "likert_3"},
      {interaction(6, "fill-in"), "Paris", ""},
      {interaction(7, "long-fill-in"), "a", ""},
      {interaction(8, "numeric"), "42", ""},
      {interaction(9, ""), "b", "b"},
      {"", "c[,]d", "c[,]d"},
      {"", "I think it is c", ""},
  };
  int n = 0;
  for (const Case& c : cases) {
    ++n;
    const std::string object =
        c.object.empty() ? "{\"id\": \"http://example.org/q" + std::to_string(n) + "\"}" : c.object;
    Post(Statement(n, kAda, std::string(kAdl) + "answered",
                   ", \"result\": {\"response\": \"" + c.response + "\", \"success\": " +
                       (n % 2 ? "true" : "false") + "}",
                   object));
    BOOST_TEST_CONTEXT(c.response) {
      auto fact = Find(kResponse, "http://example.org/q" + std::to_string(n));
      BOOST_REQUIRE(fact);
      BOOST_TEST(fact->detail == c.detail);
      BOOST_TEST(fact->value.value() == (n % 2 ? 1.0 : 0.0));
    }
  }
  // Free text reaches no fact at all.
  for (const Fact& fact : Facts()) {
    BOOST_TEST(fact.detail.find(' ') == std::string::npos);
    BOOST_TEST(fact.detail != "Paris");
  }
}

BOOST_AUTO_TEST_CASE(the_first_answer_to_a_question_is_the_one_kept) {
  const std::string question =
      R"({"id": "http://example.org/q", "definition": {"interactionType": "choice"}})";
  Post(Statement(1, kAda, std::string(kAdl) + "answered",
                 R"(, "result": {"response": "b", "success": false}, "timestamp": "2026-03-02T10:00:00Z")",
                 question));
  Post(Statement(2, kAda, std::string(kAdl) + "answered",
                 R"(, "result": {"response": "a", "success": true}, "timestamp": "2026-03-01T10:00:00Z")",
                 question));
  Post(Statement(3, kAda, std::string(kAdl) + "answered",
                 R"(, "result": {"response": "c", "success": false}, "timestamp": "2026-03-03T10:00:00Z")",
                 question));
  auto fact = Find(kResponse, "http://example.org/q");
  BOOST_REQUIRE(fact);
  BOOST_TEST(fact->detail == "a");
  BOOST_TEST(fact->value.value() == 1.0);
  // A question without an answer is not answered.
  Post(Statement(4, kBob, std::string(kAdl) + "experienced", "", question));
  BOOST_TEST(Count("SELECT count(*) FROM analytics_facts WHERE kind = 7") == 1);
}

BOOST_AUTO_TEST_CASE(a_learner_without_consent_gets_no_facts) {
  HttpResponse withdrawn = Send("PUT", "/privacy/consent",
                                R"({"agent": {"mbox": "mailto:ada@example.org"},)"
                                R"( "state": "withdrawn"})",
                                false);
  BOOST_REQUIRE_MESSAGE(withdrawn.status / 100 == 2, withdrawn.body);
  // Ada's own statement is not stored; in Bob's she is "another learner"
  // (the consent filter's placeholder, no pseudonym) and Bob is counted.
  Post(Statement(1, kAda, std::string(kAdl) + "completed"));
  Post(Statement(2, kBob, std::string(kAdl) + "completed",
                 R"(, "context": {"instructor": {"mbox": "mailto:ada@example.org"}})"));
  BOOST_TEST(Count("SELECT count(*) FROM statements") == 1);
  BOOST_TEST(Count("SELECT count(DISTINCT pseudonym) FROM analytics_facts") == 1);
  BOOST_TEST(Count("SELECT count(*) FROM analytics_facts f JOIN statement_agents a"
                   " ON a.pseudonym = f.pseudonym AND a.role = 0") == 2);  // Bob's two
}

BOOST_AUTO_TEST_CASE(a_learner_who_withdrew_analytics_only_is_stored_but_not_counted) {
  HttpResponse withdrawn = Send("PUT", "/privacy/consent",
                                R"({"agent": {"mbox": "mailto:ada@example.org"},)"
                                R"( "state": "withdrawn", "purposes": ["analytics"]})",
                                false);
  BOOST_REQUIRE_MESSAGE(withdrawn.status / 100 == 2, withdrawn.body);
  Post(Statement(1, kAda, std::string(kAdl) + "completed"));
  BOOST_TEST(Count("SELECT count(*) FROM statements") == 1);
  BOOST_TEST(Count("SELECT count(*) FROM analytics_facts") == 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace

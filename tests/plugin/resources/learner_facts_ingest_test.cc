#define BOOST_TEST_MODULE plugin_learner_facts_ingest
// What the ingest path (StatementIngest::Prepare) puts in a statement's
// learner fact, through the whole request path: only an Agent actor with an
// Activity object makes one, keyed by the actor's pseudonym, with the result
// read from the statement as stored.
#include <boost/test/unit_test.hpp>
#include <optional>
#include <string>

#include "plugin/http/http_message.h"
#include "storage/database.h"
#include "tests/plugin/test_lrs.h"

namespace {

using lrs::plugin::HttpRequest;
using lrs::plugin::HttpResponse;

constexpr char kAda[] = R"({"mbox": "mailto:ada@example.org", "name": "Ada"})";

std::string StatementJson(const std::string& id, const std::string& actor,
                          const std::string& object, const std::string& extra = "") {
  return "{\"id\": \"" + id + "\", \"actor\": " + actor +
         ", \"verb\": {\"id\": \"http://adlnet.gov/expapi/verbs/completed\"}, \"object\": " +
         object + extra + "}";
}

std::string ActivityObject(const std::string& id) { return "{\"id\": \"" + id + "\"}"; }

struct Lrs : lrs::testing::TestLrs {
  Lrs() : TestLrs("facts-ingest") {}

  HttpResponse Post(const std::string& body) {
    HttpRequest request;
    request.method = "POST";
    request.path = "/xapi/statements";
    request.headers["X-Experience-API-Version"] = "1.0.3";
    request.headers["Authorization"] = lms;
    request.headers["Content-Type"] = "application/json";
    request.body = body;
    return app->Handle(request);
  }

  std::unique_ptr<lrs::storage::Database> Db() {
    auto db = lrs::storage::Database::Open((root / "data" / "lrs.db").string());
    BOOST_REQUIRE(db.ok());
    return std::move(*db);
  }

  int64_t Count(const std::string& sql) {
    auto db = Db();
    auto stmt = db->Prepare(sql);
    BOOST_REQUIRE(stmt.ok());
    BOOST_REQUIRE(stmt->Step().value());
    return stmt->ColumnInt(0);
  }
};

BOOST_FIXTURE_TEST_SUITE(learner_facts_ingest, Lrs)

BOOST_AUTO_TEST_CASE(an_agent_doing_an_activity_makes_a_fact_under_its_pseudonym) {
  const std::string id = "11111111-1111-4111-8111-111111111111";
  HttpResponse posted = Post(StatementJson(
      id, kAda, ActivityObject("http://example.org/quiz"),
      R"(, "result": {"completion": true, "success": false, "score": {"scaled": 0.8}})"));
  BOOST_REQUIRE_EQUAL(posted.status, 200);

  auto db = Db();
  auto fact = db->Prepare(
      "SELECT f.pseudonym, f.activity_id, f.verb_id, f.first_us, f.last_us, f.statements,"
      " f.completion, f.success, f.score_scaled, s.stored_us, a.pseudonym"
      " FROM learner_facts f, statements s"
      " JOIN statement_agents a ON a.seq = s.seq AND a.role = 0 WHERE s.id = ?1");
  BOOST_REQUIRE(fact.ok());
  fact->Bind(1, id);
  BOOST_REQUIRE(fact->Step().value());
  BOOST_TEST(fact->ColumnText(0) == fact->ColumnText(10));  // the actor's pseudonym
  BOOST_TEST(fact->ColumnText(0).find("ada") == std::string::npos);
  BOOST_TEST(fact->ColumnText(1) == "http://example.org/quiz");
  BOOST_TEST(fact->ColumnText(2) == "http://adlnet.gov/expapi/verbs/completed");
  BOOST_TEST(fact->ColumnInt(3) == fact->ColumnInt(9));  // first_us: the statement's stored
  BOOST_TEST(fact->ColumnInt(4) == fact->ColumnInt(9));
  BOOST_TEST(fact->ColumnInt(5) == 1);
  BOOST_TEST(fact->ColumnInt(6) == 1);
  BOOST_TEST(fact->ColumnInt(7) == 0);
  BOOST_TEST(fact->ColumnDouble(8) == 0.8);
  BOOST_TEST(!fact->Step().value());
}

BOOST_AUTO_TEST_CASE(a_repeated_post_counts_once_and_a_new_statement_counts_again) {
  const std::string first = StatementJson("22222222-2222-4222-8222-222222222222", kAda,
                                          ActivityObject("http://example.org/quiz"));
  BOOST_REQUIRE_EQUAL(Post(first).status, 200);
  BOOST_REQUIRE_EQUAL(Post(first).status, 200);  // the LMS's retry
  BOOST_TEST(Count("SELECT statements FROM learner_facts") == 1);
  BOOST_REQUIRE_EQUAL(Post(StatementJson("33333333-3333-4333-8333-333333333333", kAda,
                                         ActivityObject("http://example.org/quiz")))
                          .status,
                      200);
  BOOST_TEST(Count("SELECT statements FROM learner_facts") == 2);
  BOOST_TEST(Count("SELECT count(*) FROM learner_facts") == 1);
}

BOOST_AUTO_TEST_CASE(groups_agents_as_objects_and_statement_refs_make_no_fact) {
  const std::string group =
      R"({"objectType": "Group", "mbox": "mailto:team@example.org", "member": [)" +
      std::string(kAda) + "]}";
  const std::string batch =
      "[" + StatementJson("44444444-4444-4444-8444-444444444444", group,
                          ActivityObject("http://example.org/quiz")) +
      ", " +
      StatementJson("55555555-5555-4555-8555-555555555555", kAda,
                    R"({"objectType": "Agent", "mbox": "mailto:bob@example.org"})") +
      ", " +
      StatementJson("66666666-6666-4666-8666-666666666666", kAda,
                    R"({"objectType": "StatementRef", "id": "44444444-4444-4444-8444-444444444444"})") +
      "]";
  BOOST_REQUIRE_EQUAL(Post(batch).status, 200);
  BOOST_TEST(Count("SELECT count(*) FROM statements") == 3);
  BOOST_TEST(Count("SELECT count(*) FROM learner_facts") == 0);
}

BOOST_AUTO_TEST_CASE(a_voiding_statement_leaves_the_fact_as_it_was) {
  const std::string target = "77777777-7777-4777-8777-777777777777";
  BOOST_REQUIRE_EQUAL(
      Post(StatementJson(target, kAda, ActivityObject("http://example.org/quiz"))).status, 200);
  BOOST_REQUIRE_EQUAL(
      Post(R"({"actor": )" + std::string(kAda) +
           R"(, "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
                "object": {"objectType": "StatementRef", "id": ")" + target + "\"}}")
          .status,
      200);
  BOOST_TEST(Count("SELECT count(*) FROM learner_facts") == 1);
  BOOST_TEST(Count("SELECT statements FROM learner_facts") == 1);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace

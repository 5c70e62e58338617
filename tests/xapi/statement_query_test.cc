#define BOOST_TEST_MODULE xapi_statement_query
#include <boost/test/unit_test.hpp>

#include "xapi/statement_query.h"

using lrs::xapi::ParseStatementQuery;
using lrs::xapi::Version;
using Params = std::vector<std::pair<std::string, std::string>>;

// Test names carry the xAPI section they check: <suite>/<behaviour>.
BOOST_AUTO_TEST_SUITE(communication_2_1_3_get_statements_parameters)

BOOST_AUTO_TEST_CASE(parses_every_filter) {
  auto q = ParseStatementQuery(
      {{"agent", R"({"mbox":"mailto:a@example.org"})"},
       {"verb", "http://adlnet.gov/expapi/verbs/completed"},
       {"activity", "http://example.org/a"},
       {"registration", "6A5C9E0B-1D2E-4F3A-8B7C-0D1E2F3A4B5C"},
       {"related_activities", "true"},
       {"related_agents", "false"},
       {"since", "2024-01-01T00:00:00Z"},
       {"until", "2024-01-02T00:00:00+01:00"},
       {"limit", "25"},
       {"format", "ids"},
       {"ascending", "true"},
       {"attachments", "false"}},
      Version::k1_0);
  BOOST_REQUIRE(q.ok());
  BOOST_TEST(q->agent != nullptr);
  BOOST_TEST(*q->registration == "6a5c9e0b-1d2e-4f3a-8b7c-0d1e2f3a4b5c");
  BOOST_TEST(q->related_activities);
  BOOST_TEST(!q->related_agents);
  BOOST_TEST(*q->until_us - *q->since_us == 23LL * 3600 * 1000000);
  BOOST_TEST(q->limit == 25);
  BOOST_TEST(q->ascending);
  BOOST_TEST((q->format == lrs::xapi::StatementFormat::kIds));
}

// Communication 2.1.3 requirements: each row is a request the LRS must refuse.
BOOST_AUTO_TEST_CASE(rejects_what_communication_2_1_3_forbids) {
  const std::string id = "6a5c9e0b-1d2e-4f3a-8b7c-0d1e2f3a4b5c";
  const std::vector<std::pair<const char*, Params>> cases = {
      {"statementId with voidedStatementId", {{"statementId", id}, {"voidedStatementId", id}}},
      {"statementId with a filter", {{"statementId", id}, {"verb", "http://x.org/v"}}},
      {"voidedStatementId with limit", {{"voidedStatementId", id}, {"limit", "1"}}},
      {"unknown parameter", {{"actor", "x"}}},
      {"parameter twice", {{"limit", "1"}, {"limit", "2"}}},
      {"statementId not a UUID", {{"statementId", "abc"}}},
      {"agent not JSON", {{"agent", "mailto:a@example.org"}}},
      {"agent with two IFIs", {{"agent", R"({"mbox":"mailto:a@x.org","openid":"http://x.org/a"})"}}},
      {"verb not an IRI", {{"verb", "completed"}}},
      {"limit negative", {{"limit", "-1"}}},
      {"limit not a number", {{"limit", "ten"}}},
      {"boolean not true/false", {{"ascending", "yes"}}},
      {"format unknown", {{"format", "full"}}},
      {"since not a timestamp", {{"since", "yesterday"}}},
  };
  for (const auto& [name, params] : cases) {
    BOOST_TEST_CONTEXT(name) {
      auto q = ParseStatementQuery(params, Version::k1_0);
      BOOST_REQUIRE(!q.ok());
      BOOST_TEST(q.error().status == 400);
      BOOST_TEST(q.error().path.rfind("?", 0) == 0);
    }
  }
}

BOOST_AUTO_TEST_CASE(allows_format_and_attachments_with_statement_id) {
  auto q = ParseStatementQuery({{"statementId", "6a5c9e0b-1d2e-4f3a-8b7c-0d1e2f3a4b5c"},
                                {"format", "canonical"},
                                {"attachments", "true"}},
                               Version::k2_0);
  BOOST_REQUIRE(q.ok());
  BOOST_TEST(q->attachments);
}

BOOST_AUTO_TEST_SUITE_END()

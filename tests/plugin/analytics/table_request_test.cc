#define BOOST_TEST_MODULE plugin_table_request
// GET /analytics/tables/{id}'s query string: every parameter of the contract,
// and a 400 naming the parameter for each way it can be wrong.
#include "plugin/analytics/table_request.h"

#include <boost/test/unit_test.hpp>

#include "plugin/analytics/iso_day.h"

using lrs::analytics::Period;
using lrs::analytics::TableInfo;
using lrs::plugin::ParseCataloguePurpose;
using lrs::plugin::ParseQueryString;
using lrs::plugin::ParseTableQuery;
using lrs::plugin::TableFormat;
using lrs::plugin::TableQueryRules;

namespace {

const TableQueryRules kRules{{"record-keeping", "analytics", "recommendations"},
                             {"department", "role", "site"}};
const TableInfo kOutcomes{"outcomes", "", {"activity", "by", "period"}, {"attempted"}};
const TableInfo kFunnel{"funnel", "", {"by", "period", "steps"}, {"reached"}};

lrs::Result<lrs::plugin::TableQuery> Parse(const std::string& query,
                                          const TableInfo& table = kOutcomes) {
  return ParseTableQuery(table, ParseQueryString(query), kRules);
}

}  // namespace

BOOST_AUTO_TEST_CASE(reads_every_parameter) {
  auto q = Parse(
      "purpose=analytics&activity=https%3A%2F%2Fexample.org%2Fa&by=department,role"
      "&period=month&from=2026-11-02&to=2026-11-30&format=csv");
  BOOST_REQUIRE_MESSAGE(q.ok(), (q.ok() ? "" : q.error().message));
  BOOST_TEST(q->purpose == "analytics");
  BOOST_TEST(q->request.table == "outcomes");
  BOOST_TEST(*q->request.activity == "https://example.org/a");
  BOOST_TEST((q->request.by == std::vector<std::string>{"department", "role"}));
  BOOST_TEST((q->request.period == Period::kMonth));
  BOOST_TEST(*q->request.from_day == *lrs::plugin::ParseIsoDay("2026-11-02"));
  BOOST_TEST(*q->request.to_day == *lrs::plugin::ParseIsoDay("2026-11-30"));
  BOOST_TEST((q->format == TableFormat::kCsv));
}

BOOST_AUTO_TEST_CASE(defaults_are_every_activity_no_breakdown_all_time_json) {
  auto q = Parse("purpose=analytics");
  BOOST_REQUIRE(q.ok());
  BOOST_TEST(!q->request.activity.has_value());
  BOOST_TEST(q->request.by.empty());
  BOOST_TEST((q->request.period == Period::kAll));
  BOOST_TEST(!q->request.from_day.has_value());
  BOOST_TEST((q->format == TableFormat::kJson));
  BOOST_TEST((Parse("purpose=analytics&period=day")->request.period == Period::kDay));
  BOOST_TEST((Parse("purpose=analytics&period=month")->request.period == Period::kMonth));
  BOOST_TEST((Parse("purpose=analytics&period=all")->request.period == Period::kAll));
  BOOST_TEST((Parse("purpose=analytics&format=json")->format == TableFormat::kJson));
}

BOOST_AUTO_TEST_CASE(reads_funnel_steps_in_order) {
  auto q = Parse("purpose=analytics&steps=https://e.org/1,https://e.org/2,https://e.org/3", kFunnel);
  BOOST_REQUIRE(q.ok());
  BOOST_TEST((q->request.steps ==
              std::vector<std::string>{"https://e.org/1", "https://e.org/2", "https://e.org/3"}));
}

BOOST_AUTO_TEST_CASE(refuses_each_bad_parameter_with_a_400_naming_it) {
  struct Case {
    const char* query;
    const char* path;
    const TableInfo* table;
  };
  const std::string ten_steps = [] {
    std::string s;
    for (int i = 0; i < 11; ++i) s += (i ? "," : "") + std::string("https://e.org/") + char('a' + i);
    return s;
  }();
  const std::string eleven = "purpose=analytics&steps=" + ten_steps;
  const Case cases[] = {
      {"", "?purpose", &kOutcomes},
      {"by=department", "?purpose", &kOutcomes},
      {"purpose=marketing", "?purpose", &kOutcomes},
      {"purpose=Analytics", "?purpose", &kOutcomes},
      {"purpose=", "?purpose", &kOutcomes},
      {"purpose=analytics&purpose=analytics", "?purpose", &kOutcomes},
      {"purpose=analytics&by=shoe_size", "?by", &kOutcomes},
      {"purpose=analytics&by=department,department", "?by", &kOutcomes},
      {"purpose=analytics&by=department,role,site", "?by", &kOutcomes},
      {"purpose=analytics&by=department,", "?by", &kOutcomes},
      {"purpose=analytics&period=year", "?period", &kOutcomes},
      {"purpose=analytics&by=department&period=day", "?period", &kOutcomes},
      {"purpose=analytics&by=department,role&period=week", "?period", &kOutcomes},
      {"purpose=analytics&steps=https://e.org/1,https://e.org/2&by=role&period=week", "?period", &kFunnel},
      {"purpose=analytics&from=2026-13-01", "?from", &kOutcomes},
      {"purpose=analytics&to=yesterday", "?to", &kOutcomes},
      {"purpose=analytics&from=2026-12-02&to=2026-12-01", "?to", &kOutcomes},
      {"purpose=analytics&activity=not-an-iri", "?activity", &kOutcomes},
      {"purpose=analytics&format=xml", "?format", &kOutcomes},
      {"purpose=analytics&steps=https://e.org/1,https://e.org/2", "?steps", &kOutcomes},
      {"purpose=analytics", "?steps", &kFunnel},
      {"purpose=analytics&steps=https://e.org/1", "?steps", &kFunnel},
      {"purpose=analytics&steps=https://e.org/1,https://e.org/1", "?steps", &kFunnel},
      {"purpose=analytics&steps=https://e.org/1,nope", "?steps", &kFunnel},
      {eleven.c_str(), "?steps", &kFunnel},
      {"purpose=analytics&activity=https://e.org/1&steps=https://e.org/1,https://e.org/2",
       "?activity", &kFunnel},
      {"purpose=analytics&limit=5", "", &kOutcomes},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.query) {
      auto q = Parse(c.query, *c.table);
      BOOST_REQUIRE(!q.ok());
      BOOST_TEST(q.error().status == 400);
      BOOST_TEST(q.error().path == c.path);
      BOOST_TEST(!q.error().message.empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(errors_never_quote_what_the_analyst_sent) {
  for (const char* query : {"purpose=jane%40example.org", "purpose=analytics&by=jane%40example.org",
                            "purpose=analytics&activity=jane%40example.org",
                            "purpose=analytics&from=jane%40example.org"}) {
    auto q = Parse(query);
    BOOST_REQUIRE(!q.ok());
    BOOST_TEST(q.error().message.find("jane") == std::string::npos, q.error().message);
  }
}

BOOST_AUTO_TEST_CASE(catalogue_purpose_is_optional_but_checked_when_given) {
  BOOST_TEST(*ParseCataloguePurpose(ParseQueryString(""), kRules) == "analytics");
  BOOST_TEST(*ParseCataloguePurpose(ParseQueryString("purpose=recommendations"), kRules) ==
             "recommendations");
  auto unknown = ParseCataloguePurpose(ParseQueryString("purpose=marketing"), kRules);
  BOOST_REQUIRE(!unknown.ok());
  BOOST_TEST(unknown.error().path == "?purpose");
  auto other = ParseCataloguePurpose(ParseQueryString("by=department"), kRules);
  BOOST_REQUIRE(!other.ok());
  BOOST_TEST(other.error().status == 400);
}

#define BOOST_TEST_MODULE plugin_analytics_routes
// The analytics routes inside a whole LrsApp (no socket): roles, errors,
// epochs, CSV and the audit trail. tests/e2e/analytics.test.js drives the
// real binary through the same cases and more (erasure, consent, purge).
#include "plugin/analytics/analytics_routes.h"

#include <boost/test/unit_test.hpp>

#include "../test_lrs.h"
#include "xapi/json.h"

using lrs::plugin::HttpRequest;
using lrs::plugin::HttpResponse;
using lrs::plugin::QueryParams;

namespace {

constexpr char kCourse[] = "https://example.org/courses/safety";

struct App : lrs::testing::TestLrs {
  std::string admin;
  App() : TestLrs("analytics-routes") { admin = AddCredential("admin", "test-admin"); }

  HttpResponse Call(const std::string& method, const std::string& path, const QueryParams& query,
                    const std::string& auth, const std::string& body = "",
                    const std::string& content_type = "application/json") {
    HttpRequest request;
    request.method = method;
    request.path = path;
    request.query = query;
    request.headers["X-Experience-API-Version"] = "1.0.3";
    if (!auth.empty()) request.headers["Authorization"] = auth;
    if (!content_type.empty() && method != "GET") request.headers["Content-Type"] = content_type;
    request.body = body;
    return app->Handle(request);
  }

  void Store(int learners, const std::string& first = "a") {
    std::string batch = "[";
    for (int i = 0; i < learners; ++i) {
      batch += std::string(i ? "," : "") + R"({"actor":{"mbox":"mailto:)" + first +
               std::to_string(i) + R"(@example.org"},"verb":{"id":"http://adlnet.gov/expapi/verbs/attempted"},)" +
               R"("object":{"id":")" + kCourse + R"("},"timestamp":"2026-11-03T09:00:00Z"})";
    }
    batch += "]";
    BOOST_REQUIRE_EQUAL(Call("POST", "/xapi/statements", {}, lms, batch).status, 200);
  }

  // POST /admin/epoch, which waits for the new epoch.
  std::shared_ptr<lrs::xapi::JsonDocument> NewEpoch() {
    HttpResponse response = Call("POST", "/admin/epoch", {}, admin, "{}");
    BOOST_REQUIRE_EQUAL(response.status, 200);
    auto doc = lrs::xapi::ParseJson(response.body);
    BOOST_REQUIRE(doc.ok());
    return *doc;
  }

  std::optional<int64_t> Active() {
    HttpResponse response = Call("GET", "/analytics/tables/active",
                                 {{"purpose", "analytics"}, {"activity", kCourse}}, analyst);
    BOOST_REQUIRE_EQUAL(response.status, 200);
    auto doc = lrs::xapi::ParseJson(response.body);
    BOOST_REQUIRE(doc.ok());
    for (const auto& row : (**doc)["rows"].GetArray()) {
      if (std::string(row["measure"].GetString()) == "active") {
        if (row["learners"].IsNull()) return std::nullopt;
        return row["learners"].GetInt64();
      }
    }
    BOOST_FAIL("no active row");
    return std::nullopt;
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(only_analysts_read_and_only_admins_start_epochs) {
  App app;
  app.NewEpoch();
  for (const char* path : {"/analytics/tables", "/analytics/tables/active"}) {
    const QueryParams query = {{"purpose", "analytics"}};
    BOOST_TEST(app.Call("GET", path, query, "").status == 401);
    BOOST_TEST(app.Call("GET", path, query, lrs::testing::BasicAuth("no:body")).status == 401);
    BOOST_TEST(app.Call("GET", path, query, app.lms).status == 403);
    BOOST_TEST(app.Call("GET", path, query, app.admin).status == 403);
    HttpResponse ok = app.Call("GET", path, query, app.analyst);
    BOOST_TEST(ok.status == 200);
    BOOST_TEST(ok.headers["Cache-Control"] == "no-store");
  }
  BOOST_TEST(app.Call("POST", "/admin/epoch", {}, "", "{}").status == 401);
  BOOST_TEST(app.Call("POST", "/admin/epoch", {}, app.analyst, "{}").status == 403);
  BOOST_TEST(app.Call("POST", "/admin/epoch", {}, app.lms, "{}").status == 403);
  BOOST_TEST(app.Call("POST", "/admin/epoch", {}, app.admin, "", "text/plain").status == 415);
  BOOST_TEST(app.Call("GET", "/admin/epoch", {}, app.admin).status == 405);
  BOOST_TEST(app.Call("DELETE", "/analytics/tables", {}, app.analyst).status == 405);
  // /admin/credentials is still the admin routes'.
  BOOST_TEST(app.Call("GET", "/admin/credentials", {}, app.admin).status == 200);
}

BOOST_AUTO_TEST_CASE(bad_requests_name_the_parameter_and_unknown_tables_are_404) {
  App app;
  app.NewEpoch();
  auto missing = app.Call("GET", "/analytics/tables/outcomes", {}, app.analyst);
  BOOST_TEST(missing.status == 400);
  BOOST_TEST(missing.body.find(R"("path":"?purpose")") != std::string::npos, missing.body);
  auto by = app.Call("GET", "/analytics/tables/outcomes",
                     {{"purpose", "analytics"}, {"by", "department"}}, app.analyst);
  BOOST_TEST(by.status == 400);
  BOOST_TEST(by.body.find(R"("path":"?by")") != std::string::npos, by.body);
  BOOST_TEST(app.Call("GET", "/analytics/tables/leaderboard", {{"purpose", "analytics"}}, app.analyst)
                 .status == 404);
}

BOOST_AUTO_TEST_CASE(answers_come_from_the_epoch_until_the_next) {
  App app;
  app.Store(6);
  auto first = app.NewEpoch();
  BOOST_TEST(*app.Active() == 6);
  const QueryParams query = {{"purpose", "analytics"}, {"activity", kCourse}, {"period", "day"}};
  const std::string before = app.Call("GET", "/analytics/tables/outcomes", query, app.analyst).body;
  app.Store(1, "late");
  BOOST_TEST(app.Call("GET", "/analytics/tables/outcomes", query, app.analyst).body == before);
  BOOST_TEST(*app.Active() == 6);
  auto second = app.NewEpoch();
  BOOST_TEST(std::string((*second)["epoch"]["id"].GetString()) !=
             std::string((*first)["epoch"]["id"].GetString()));
  BOOST_TEST((*second)["utility"].HasMember("published_share"));
  BOOST_TEST(*app.Active() == 7);
}

BOOST_AUTO_TEST_CASE(csv_is_text_csv_with_a_header) {
  App app;
  app.Store(6);
  app.NewEpoch();
  auto csv = app.Call("GET", "/analytics/tables/active",
                      {{"purpose", "analytics"}, {"activity", kCourse}, {"format", "csv"}}, app.analyst);
  BOOST_TEST(csv.status == 200);
  BOOST_TEST(csv.headers["Content-Type"].rfind("text/csv", 0) == 0u);
  BOOST_TEST(csv.body == std::string("activity,measure,learners,value,suppressed\r\n") + kCourse +
                             ",active,6,,false\r\n");
}

BOOST_AUTO_TEST_CASE(every_read_is_audited_with_its_purpose_and_no_value) {
  App app;
  app.Store(6);
  app.NewEpoch();
  BOOST_TEST(app.Call("GET", "/analytics/tables", {}, app.analyst).status == 200);
  BOOST_TEST(app.Call("GET", "/analytics/tables/active",
                      {{"purpose", "recommendations"}, {"activity", kCourse}}, app.analyst)
                 .status == 200);
  auto audit = app.Call("GET", "/privacy/audit", {{"limit", "1000"}}, app.admin);
  BOOST_REQUIRE(audit.status == 200);
  auto doc = lrs::xapi::ParseJson(audit.body);
  BOOST_REQUIRE(doc.ok());
  bool catalogue = false, table = false, epoch = false;
  for (const auto& entry : (**doc)["entries"].GetArray()) {
    const std::string action = entry["action"].GetString();
    const std::string purpose = entry["purpose"].GetString();
    if (action == lrs::plugin::kActionAnalyticsCatalogue) catalogue = purpose == "analytics";
    if (action == lrs::plugin::kActionAnalyticsTable) {
      table = purpose == "recommendations" &&
              std::string(entry["detail"]["table"].GetString()) == "active" &&
              entry["subjects"].GetInt() == 0;
    }
    if (action == lrs::plugin::kActionAnalyticsEpoch) epoch = true;
  }
  BOOST_TEST(catalogue);
  BOOST_TEST(table);
  BOOST_TEST(epoch);
  BOOST_TEST(audit.body.find(kCourse) == std::string::npos);
}

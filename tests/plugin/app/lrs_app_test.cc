#define BOOST_TEST_MODULE plugin_lrs_app
#include <boost/test/unit_test.hpp>

#include <openssl/evp.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "plugin/auth/credentials.h"
#include "plugin/app/lrs_app.h"
#include "storage/database.h"
#include "tests/plugin/test_lrs.h"
#include "xapi/agent_identifier.h"
#include "xapi/json.h"

// In-process tests of the whole request path (routes, ingest, storage, read),
// without a socket. The end-to-end tests in tests/e2e drive the real binary.

using namespace lrs::plugin;
namespace fs = std::filesystem;

namespace {

using lrs::testing::BasicAuth;

constexpr char kStatement[] = R"({
  "actor": {"mbox": "mailto:grace.hopper@example.org", "name": "Grace Hopper"},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
  "object": {"id": "http://example.org/courses/cobol"},
  "context": {"instructor": {"account": {"homePage": "https://moodle.example.org", "name": "teacher-77"},
                             "name": "Ada Lovelace"}}
})";

struct App : lrs::testing::TestLrs {
  explicit App(const std::string& manifest = "manifests/default.json")
      : TestLrs("app", manifest) {}

  HttpResponse Call(const std::string& method, const std::string& path, const std::string& query,
                    const std::string& body = "", const std::string* auth = nullptr) {
    HttpRequest request;
    request.method = method;
    request.path = path;
    request.query = ParseQueryString(query);
    request.headers["X-Experience-API-Version"] = "1.0.3";
    request.headers["Authorization"] = auth ? *auth : lms;
    if (!body.empty()) request.headers["Content-Type"] = "application/json";
    request.body = body;
    return app->Handle(request);
  }
};

using lrs::testing::AllBytesUnder;

}  // namespace

BOOST_FIXTURE_TEST_CASE(posts_and_reads_back_exactly_what_was_sent, App) {
  auto posted = Call("POST", "/xapi/statements", "", kStatement);
  BOOST_REQUIRE_EQUAL(posted.status, 200);
  auto ids = lrs::xapi::ParseJson(posted.body);
  BOOST_REQUIRE(ids.ok() && (*ids)->IsArray() && (*ids)->Size() == 1);
  std::string id = (**ids)[0].GetString();

  auto got = Call("GET", "/xapi/statements", "statementId=" + id);
  BOOST_REQUIRE_EQUAL(got.status, 200);
  BOOST_TEST(!got.headers["Last-Modified"].empty());
  BOOST_TEST(!got.headers["X-Experience-API-Consistent-Through"].empty());
  auto statement = lrs::xapi::ParseJson(got.body);
  BOOST_REQUIRE(statement.ok());
  const auto& s = **statement;
  BOOST_TEST(s["id"].GetString() == id);
  BOOST_TEST(s["actor"]["mbox"].GetString() == std::string("mailto:grace.hopper@example.org"));
  BOOST_TEST(s["actor"]["name"].GetString() == std::string("Grace Hopper"));
  BOOST_TEST(s["context"]["instructor"]["name"].GetString() == std::string("Ada Lovelace"));
  BOOST_TEST(s.HasMember("stored"));
  BOOST_TEST(s.HasMember("timestamp"));
  BOOST_TEST(s["version"].GetString() == std::string("1.0.0"));
  BOOST_TEST(s["authority"].HasMember("account"));
}

BOOST_FIXTURE_TEST_CASE(keeps_no_identity_on_disk, App) {
  BOOST_REQUIRE_EQUAL(Call("POST", "/xapi/statements", "", kStatement).status, 200);
  app.reset();  // close every connection so the WAL is complete on disk
  std::string bytes = AllBytesUnder(root / "data");
  for (const std::string& needle :
       {std::string("grace.hopper"), std::string("Grace Hopper"), std::string("Ada Lovelace"),
        std::string("teacher-77"), lrs::xapi::Sha1Hex("mailto:grace.hopper@example.org")}) {
    BOOST_TEST_CONTEXT(needle) { BOOST_TEST(bytes.find(needle) == std::string::npos); }
  }
}

BOOST_FIXTURE_TEST_CASE(queries_by_agent_through_the_pseudonymizer, App) {
  BOOST_REQUIRE_EQUAL(Call("POST", "/xapi/statements", "", kStatement).status, 200);
  // The same person named by the SHA-1 of the mailto IRI matches too.
  std::string agent = R"({"mbox_sha1sum":")" +
                      lrs::xapi::Sha1Hex("mailto:grace.hopper@example.org") + R"("})";
  auto found = Call("GET", "/xapi/statements", "agent=" + PercentEncode(agent));
  BOOST_REQUIRE_EQUAL(found.status, 200);
  auto result = lrs::xapi::ParseJson(found.body);
  BOOST_TEST((**result)["statements"].Size() == 1u);

  auto none = Call("GET", "/xapi/statements",
                   "agent=" + PercentEncode(R"({"mbox":"mailto:nobody@example.org"})"));
  BOOST_TEST((*lrs::xapi::ParseJson(none.body).value())["statements"].Size() == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_batch_with_one_invalid_statement_stores_nothing, App) {
  std::string batch = std::string("[") + kStatement + "," + kStatement +
                      R"(,{"actor":{"mbox":"not-a-mailto"},"verb":{"id":"http://x.org/v"},"object":{"id":"http://x.org/a"}}])";
  auto posted = Call("POST", "/xapi/statements", "", batch);
  BOOST_TEST(posted.status == 400);
  BOOST_TEST(posted.body.find("$[2].actor") != std::string::npos);
  auto all = Call("GET", "/xapi/statements", "");
  BOOST_TEST((*lrs::xapi::ParseJson(all.body).value())["statements"].Size() == 0u);
}

BOOST_FIXTURE_TEST_CASE(enforces_roles_and_credentials, App) {
  BOOST_TEST(Call("GET", "/xapi/statements", "", "", &analyst).status == 403);
  BOOST_TEST(Call("POST", "/xapi/statements", "", kStatement, &analyst).status == 403);
  std::string wrong = "Basic d3Jvbmc6d3Jvbmc=";
  BOOST_TEST(Call("GET", "/xapi/statements", "", "", &wrong).status == 401);
}

BOOST_FIXTURE_TEST_CASE(ids_format_keeps_only_identifiers, App) {
  BOOST_REQUIRE_EQUAL(Call("POST", "/xapi/statements", "", kStatement).status, 200);
  auto ids = Call("GET", "/xapi/statements", "format=ids");
  BOOST_REQUIRE_EQUAL(ids.status, 200);
  auto result = lrs::xapi::ParseJson(ids.body);
  const auto& s = (**result)["statements"][0];
  BOOST_TEST(s["actor"].HasMember("mbox"));
  BOOST_TEST(!s["actor"].HasMember("name"));
  BOOST_TEST(!s["verb"].HasMember("display"));
}

// With a manifest that says pseudonymous-only, even the LMS gets pseudonyms.
struct PseudonymousApp : App {
  static std::string Manifest() {
    std::ifstream in("manifests/default.json");
    std::stringstream s;
    s << in.rdbuf();
    std::string text = s.str();
    text.replace(text.find("\"sealed\""), 8, "\"pseudonymous-only\"");
    std::string path = "/tmp/lrs-pseudonymous-manifest.json";
    std::ofstream(path) << text;
    return path;
  }
  PseudonymousApp() : App(Manifest()) {}
};

BOOST_FIXTURE_TEST_CASE(pseudonymous_only_manifest_returns_pseudonyms, PseudonymousApp) {
  BOOST_REQUIRE_EQUAL(Call("POST", "/xapi/statements", "", kStatement).status, 200);
  auto got = Call("GET", "/xapi/statements", "");
  BOOST_REQUIRE_EQUAL(got.status, 200);
  BOOST_TEST(got.body.find("grace") == std::string::npos);
  BOOST_TEST(got.body.find("Ada Lovelace") == std::string::npos);
  auto result = lrs::xapi::ParseJson(got.body);
  const auto& actor = (**result)["statements"][0]["actor"];
  BOOST_TEST(actor["account"]["homePage"].GetString() == std::string("https://lrs.invalid/pseudonym"));
  BOOST_TEST(actor["account"]["name"].GetStringLength() == 66u);  // a compressed P-256 point
}

// DESIGN.md, Identity: pseudonymous-only seals nothing, yet every learner
// still has a data key (their documents and audit references need one).
BOOST_FIXTURE_TEST_CASE(pseudonymous_only_manifest_stores_no_sealed_identity, PseudonymousApp) {
  BOOST_REQUIRE_EQUAL(Call("POST", "/xapi/statements", "", kStatement).status, 200);
  auto count = [&](const std::string& file, const std::string& sql) {
    auto db = lrs::storage::Database::Open((root / "data" / file).string());
    BOOST_REQUIRE(db.ok());
    auto stmt = (*db)->Prepare(sql);
    BOOST_REQUIRE(stmt.ok());
    BOOST_REQUIRE(stmt->Step().value());
    return stmt->ColumnInt(0);
  };
  BOOST_TEST(count("lrs.db", "SELECT count(*) FROM identities") == 0);
  BOOST_TEST(count("keystore.db", "SELECT count(*) FROM data_keys") >= 2);  // learner, instructor
}

BOOST_FIXTURE_TEST_CASE(pages_through_more_links, App) {
  for (int i = 0; i < 7; ++i) BOOST_REQUIRE_EQUAL(Call("POST", "/xapi/statements", "", kStatement).status, 200);
  std::set<std::string> seen;
  std::string query = "limit=3";
  int pages = 0;
  for (;;) {
    auto page = Call("GET", "/xapi/statements", query);
    BOOST_REQUIRE_EQUAL(page.status, 200);
    auto result = lrs::xapi::ParseJson(page.body);
    for (const auto& s : (**result)["statements"].GetArray()) {
      BOOST_TEST(seen.insert(s["id"].GetString()).second);
    }
    ++pages;
    // A statement arriving mid-paging must not shift the pages.
    BOOST_REQUIRE_EQUAL(Call("POST", "/xapi/statements", "", kStatement).status, 200);
    std::string more = (**result)["more"].GetString();
    if (more.empty()) break;
    BOOST_REQUIRE(more.rfind("/xapi/statements?more=", 0) == 0);
    query = more.substr(more.find('?') + 1);
  }
  BOOST_TEST(pages == 3);
  BOOST_TEST(seen.size() == 7u);
}

BOOST_FIXTURE_TEST_CASE(requires_the_version_header, App) {
  HttpRequest request;
  request.method = "GET";
  request.path = "/xapi/statements";
  request.headers["Authorization"] = lms;
  BOOST_TEST(app->Handle(request).status == 400);
  request.path = "/xapi/about";
  auto about = app->Handle(request);
  BOOST_TEST(about.status == 200);
  BOOST_TEST(about.body.find("2.0.0") != std::string::npos);
}

// Regression: error messages quote the path, and a path that is not UTF-8
// made the 404's body invalid JSON.
BOOST_FIXTURE_TEST_CASE(error_body_is_json_even_for_a_path_that_is_not_utf8, App) {
  for (const std::string path : {"/\xff", "/xapi/\xc3\x28"}) {
    BOOST_TEST_CONTEXT(path.size()) {
      HttpRequest request;
      request.method = "GET";
      request.path = path;
      request.headers["X-Experience-API-Version"] = "1.0.3";
      request.headers["Authorization"] = lms;
      auto response = app->Handle(request);
      BOOST_TEST(response.status == 404);
      auto body = lrs::xapi::ParseJson(response.body);
      BOOST_REQUIRE(body.ok());
      BOOST_TEST(lrs::xapi::StringMember(**body, "message").find("\xEF\xBF\xBD") !=
                 std::string_view::npos);
    }
  }
}

// Regression: "\udc00" (a lone low surrogate) passed RapidJSON's encoding
// check as the bytes ED B0 80; the statement was stored and every GET that
// returned it answered with invalid JSON.
BOOST_FIXTURE_TEST_CASE(rejects_a_statement_with_a_lone_surrogate_escape, App) {
  std::string statement = kStatement;
  statement.replace(statement.find("Grace Hopper"), 12, "Grace \\udc00");
  BOOST_TEST(Call("POST", "/xapi/statements", "", statement).status == 400);
  auto all = Call("GET", "/xapi/statements", "");
  BOOST_REQUIRE_EQUAL(all.status, 200);
  BOOST_TEST(lrs::xapi::ParseJson(all.body).ok());
}

// Regression: PUT replaced an "id" that was not a string (or was empty) by
// the statementId parameter, so an invalid statement was stored; it is
// validated like any other.
BOOST_FIXTURE_TEST_CASE(put_rejects_a_statement_whose_id_is_not_a_uuid_string, App) {
  const std::string id = "0b4f2f6a-4c55-4f0e-9d0b-6a8b1c2d3e4f";
  for (const std::string given : {"123", "\"\"", "[]", "{}", "true"}) {
    BOOST_TEST_CONTEXT(given) {
      std::string statement = kStatement;
      statement.insert(statement.find('{') + 1, "\"id\":" + given + ",");
      BOOST_TEST(Call("PUT", "/xapi/statements", "statementId=" + id, statement).status == 400);
    }
  }
  BOOST_TEST(Call("GET", "/xapi/statements", "statementId=" + id).status == 404);
  // Without an id, or with the same one, the parameter names the statement.
  BOOST_TEST(Call("PUT", "/xapi/statements", "statementId=" + id, kStatement).status == 204);
}

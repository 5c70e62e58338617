#define BOOST_TEST_MODULE plugin_credential_routes
#include <boost/test/unit_test.hpp>

#include <set>

#include "plugin/auth/credentials.h"
#include "plugin/app/lrs_app.h"
#include "storage/audit_log.h"
#include "tests/plugin/test_lrs.h"
#include "xapi/json.h"

// Issue 15, findings 11-13 through the whole request path (LrsApp::Handle):
// rate limiting, revocation, the admin API and xAPI scopes.

using namespace lrs::plugin;

namespace {

using lrs::testing::BasicAuth;

std::string Statement(const std::string& name) {
  return R"({"actor":{"mbox":"mailto:)" + name +
         R"(@example.org"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},)"
         R"("object":{"id":"http://example.org/a/)" +
         name + R"(","definition":{"name":{"en-US":")" + name + R"("}}}})";
}

struct App : lrs::testing::TestLrs {
  App() : TestLrs("credential-routes") { admin = AddCredential("admin", "test-admin"); }
  std::string admin;

  HttpResponse Call(const std::string& method, const std::string& path, const std::string& query,
                    const std::string& auth, const std::string& body = "",
                    const std::string& address = "") {
    HttpRequest request;
    request.method = method;
    request.path = path;
    request.query = ParseQueryString(query);
    request.headers["X-Experience-API-Version"] = "1.0.3";
    if (!auth.empty()) request.headers["Authorization"] = auth;
    if (!body.empty()) request.headers["Content-Type"] = "application/json";
    request.body = body;
    request.remote_address = address;
    return app->Handle(request);
  }
  std::string Post(const std::string& auth, const std::string& statement) {
    auto r = Call("POST", "/xapi/statements", "", auth, statement);
    BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
    auto ids = lrs::xapi::ParseJson(r.body);
    return (**ids)[0].GetString();
  }
  std::set<std::string> Ids(const std::string& body) {
    std::set<std::string> ids;
    auto doc = lrs::xapi::ParseJson(body);
    BOOST_REQUIRE(doc.ok());
    for (const auto& s : (**doc)["statements"].GetArray()) ids.insert(s["id"].GetString());
    return ids;
  }
};

std::shared_ptr<lrs::xapi::JsonDocument> Json(const HttpResponse& response) {
  auto doc = lrs::xapi::ParseJson(response.body);
  BOOST_REQUIRE_MESSAGE(doc.ok(), response.body);
  return *doc;
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(too_many_failures_are_429_with_retry_after_and_a_json_body, App) {
  const std::string pair = AddCredentialPair("lms", "limited");
  const std::string wrong = BasicAuth(pair.substr(0, pair.find(':')) + ":wrong");
  for (int i = 0; i < auth_limits.key_address_burst; ++i) {
    BOOST_TEST(Call("GET", "/xapi/statements", "", wrong, "", "192.0.2.7").status == 401);
  }
  HttpResponse blocked = Call("GET", "/xapi/statements", "", BasicAuth(pair), "", "192.0.2.7");
  BOOST_TEST(blocked.status == 429);
  BOOST_TEST(std::stoi(blocked.headers["Retry-After"]) >= 1);
  BOOST_TEST((*Json(blocked))["status"].GetInt() == 429);
  // The privacy and admin routes share the limiter.
  BOOST_TEST(Call("GET", "/admin/credentials", "", BasicAuth(pair), "", "192.0.2.7").status == 429);
  // The right secret from another address is served.
  BOOST_TEST(Call("GET", "/xapi/statements", "", BasicAuth(pair), "", "192.0.2.8").status == 200);
}

BOOST_FIXTURE_TEST_CASE(admin_routes_need_an_admin_credential, App) {
  BOOST_TEST(Call("GET", "/admin/credentials", "", "").status == 401);
  BOOST_TEST(Call("GET", "/admin/credentials", "", lms).status == 403);
  BOOST_TEST(Call("GET", "/admin/credentials", "", analyst).status == 403);
  const std::string narrow = AddCredential("admin", "narrow", ScopeSet::Of({Scope::kAllRead}));
  HttpResponse scoped = Call("GET", "/admin/credentials", "", narrow);
  BOOST_TEST(scoped.status == 403);
  BOOST_TEST(scoped.body.find("all") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(admin_creates_lists_rotates_and_revokes_and_each_is_audited, App) {
  HttpResponse created = Call("POST", "/admin/credentials", "", admin,
                              R"({"role":"lms","name":"moodle","scopes":["statements/write"]})");
  BOOST_REQUIRE_MESSAGE(created.status == 201, created.body);
  BOOST_TEST(created.headers["Cache-Control"] == "no-store");
  auto doc = Json(created);
  const std::string key = (*doc)["key"].GetString();
  const std::string secret = (*doc)["secret"].GetString();
  const std::string auth = BasicAuth(key + ":" + secret);
  BOOST_TEST(Call("POST", "/xapi/statements", "", auth, Statement("a")).status == 200);
  BOOST_TEST(Call("GET", "/xapi/statements", "", auth).status == 403);  // its scope

  HttpResponse listed = Call("GET", "/admin/credentials", "", admin);
  BOOST_REQUIRE(listed.status == 200);
  BOOST_TEST(listed.body.find(secret) == std::string::npos);
  bool found = false;
  for (const auto& c : (*Json(listed))["credentials"].GetArray()) {
    if (c["key"].GetString() != key) continue;
    found = true;
    BOOST_TEST(std::string(c["role"].GetString()) == "lms");
    BOOST_TEST(std::string(c["name"].GetString()) == "moodle");
    BOOST_TEST(c["scopes"].Size() == 1u);
    BOOST_TEST(std::string(c["scopes"][0].GetString()) == "statements/write");
    BOOST_TEST(c.HasMember("created"));
    BOOST_TEST(!c.HasMember("secret"));
  }
  BOOST_TEST(found);

  HttpResponse rotated = Call("POST", "/admin/credentials/" + key + "/rotate", "", admin, "{}");
  BOOST_REQUIRE_MESSAGE(rotated.status == 200, rotated.body);
  const std::string new_secret = (*Json(rotated))["secret"].GetString();
  BOOST_TEST(Call("POST", "/xapi/statements", "", auth, Statement("b")).status == 401);
  const std::string new_auth = BasicAuth(key + ":" + new_secret);
  BOOST_TEST(Call("POST", "/xapi/statements", "", new_auth, Statement("c")).status == 200);

  BOOST_TEST(Call("DELETE", "/admin/credentials/" + key, "", admin).status == 204);
  BOOST_TEST(Call("POST", "/xapi/statements", "", new_auth, Statement("d")).status == 401);
  BOOST_TEST(Call("DELETE", "/admin/credentials/" + key, "", admin).status == 404);
  BOOST_TEST(Call("POST", "/admin/credentials/" + key + "/rotate", "", admin, "{}").status == 404);

  // Bad bodies and content types.
  BOOST_TEST(Call("POST", "/admin/credentials", "", admin, R"({"role":"root","name":"x"})").status ==
             400);
  BOOST_TEST(Call("POST", "/admin/credentials", "", admin,
                  R"({"role":"lms","name":"x","scopes":["nope"]})")
                 .status == 400);
  BOOST_TEST(Call("POST", "/admin/credentials", "", admin, "[").status == 400);
  HttpRequest form;
  form.method = "POST";
  form.path = "/admin/credentials";
  form.headers["Authorization"] = admin;
  form.headers["Content-Type"] = "application/x-www-form-urlencoded";
  form.body = "role=lms&name=x";
  BOOST_TEST(app->Handle(form).status == 415);
  // Every admin write takes JSON only (plugin/http/json_writes.h): rotate sent as a
  // cross-site form would, and a DELETE that carries a form body.
  form.path = "/admin/credentials/" + key + "/rotate";
  form.body = "x=1";
  BOOST_TEST(app->Handle(form).status == 415);
  form.method = "DELETE";
  form.path = "/admin/credentials/" + key;
  BOOST_TEST(app->Handle(form).status == 415);
  BOOST_TEST(Call("PUT", "/admin/credentials", "", admin, "{}").status == 405);
  BOOST_TEST(Call("GET", "/admin/other", "", admin).status == 404);

  // Audited: one entry per call, no secret anywhere in the trail.
  auto log = lrs::storage::AuditLog::Open((root / "data" / "lrs.db").string(),
                                          (root / "data" / "keystore.db").string());
  BOOST_REQUIRE(log.ok());
  lrs::storage::AuditRange range;
  range.limit = 1000;
  auto entries = (*log)->Read(range);
  BOOST_REQUIRE(entries.ok());
  std::multiset<std::string> actions;
  for (const auto& e : *entries) {
    actions.insert(e.action);
    BOOST_TEST(e.detail.find(secret) == std::string::npos);
    BOOST_TEST(e.detail.find(new_secret) == std::string::npos);
  }
  BOOST_TEST(actions.count("credentials.create") == 1u);
  BOOST_TEST(actions.count("credentials.list") == 1u);
  BOOST_TEST(actions.count("credentials.rotate") == 1u);
  BOOST_TEST(actions.count("credentials.revoke") == 1u);
}

BOOST_FIXTURE_TEST_CASE(scopes_are_enforced_per_route_with_a_body_naming_the_scope, App) {
  const std::string writer = AddCredential("lms", "writer", ScopeSet::Of({Scope::kStatementsWrite}));
  const std::string reader = AddCredential("lms", "reader", ScopeSet::Of({Scope::kAllRead}));
  const std::string state = AddCredential("lms", "state", ScopeSet::Of({Scope::kState}));
  BOOST_TEST(Call("POST", "/xapi/statements", "", writer, Statement("w")).status == 200);
  HttpResponse no_read = Call("GET", "/xapi/statements", "", writer);
  BOOST_TEST(no_read.status == 403);
  BOOST_TEST(std::string((*Json(no_read))["message"].GetString()).find("statements/read") !=
             std::string::npos);
  HttpResponse no_write = Call("POST", "/xapi/statements", "", reader, Statement("r"));
  BOOST_TEST(no_write.status == 403);
  BOOST_TEST(no_write.body.find("statements/write") != std::string::npos);
  BOOST_TEST(Call("GET", "/xapi/statements", "", reader).status == 200);
  BOOST_TEST(Call("GET", "/xapi/activities", "activityId=http://example.org/a/w", reader).status ==
             200);
  BOOST_TEST(Call("GET", "/xapi/activities", "activityId=http://example.org/a/w", writer).status ==
             403);
  const std::string doc_query =
      "activityId=http://example.org/a/w&agent=" +
      PercentEncode(R"({"mbox":"mailto:w@example.org"})") + "&stateId=s1";
  BOOST_TEST(Call("PUT", "/xapi/activities/state", doc_query, state, R"({"x":1})").status == 204);
  BOOST_TEST(Call("GET", "/xapi/activities/state", doc_query, state).status == 200);
  BOOST_TEST(Call("GET", "/xapi/activities/state", doc_query, reader).status == 200);
  HttpResponse no_state = Call("PUT", "/xapi/activities/state", doc_query, reader, R"({"x":2})");
  BOOST_TEST(no_state.status == 403);
  BOOST_TEST(no_state.body.find("state") != std::string::npos);
  BOOST_TEST(Call("GET", "/xapi/activities/state", doc_query, writer).status == 403);
  BOOST_TEST(Call("GET", "/xapi/activities/profile",
                  "activityId=http://example.org/a/w&profileId=p", state)
                 .status == 403);
  // Roles still apply on top: an analyst with `all` may not read statements.
  BOOST_TEST(Call("GET", "/xapi/statements", "", analyst).status == 403);
}

BOOST_FIXTURE_TEST_CASE(define_decides_whether_canonical_definitions_change, App) {
  const std::string writer = AddCredential("lms", "writer", ScopeSet::Of({Scope::kStatementsWrite}));
  Post(writer, Statement("undefined"));
  HttpResponse none = Call("GET", "/xapi/activities", "activityId=http://example.org/a/undefined", lms);
  BOOST_REQUIRE(none.status == 200);
  BOOST_TEST(none.body.find("\"undefined\"") == std::string::npos);  // no name kept
  const std::string definer =
      AddCredential("lms", "definer", ScopeSet::Of({Scope::kStatementsWrite, Scope::kDefine}));
  Post(definer, Statement("defined"));
  HttpResponse some = Call("GET", "/xapi/activities", "activityId=http://example.org/a/defined", lms);
  BOOST_TEST(some.body.find("\"defined\"") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(read_mine_sees_only_its_own_statements_on_every_page, App) {
  const ScopeSet mine = ScopeSet::Of({Scope::kStatementsWrite, Scope::kStatementsReadMine});
  const std::string me = AddCredential("lms", "me", mine);
  const std::string other = AddCredential("lms", "other", mine);
  std::set<std::string> my_ids, other_ids, lms_ids;
  for (int i = 0; i < 5; ++i) {
    my_ids.insert(Post(me, Statement("m" + std::to_string(i))));
    other_ids.insert(Post(other, Statement("o" + std::to_string(i))));
    lms_ids.insert(Post(lms, Statement("l" + std::to_string(i))));
  }
  // Paging two at a time, through `more`.
  std::set<std::string> seen;
  HttpResponse page = Call("GET", "/xapi/statements", "limit=2", me);
  int pages = 0;
  for (;;) {
    BOOST_REQUIRE_MESSAGE(page.status == 200, page.body);
    for (const auto& id : Ids(page.body)) seen.insert(id);
    ++pages;
    auto doc = Json(page);
    std::string more = (*doc)["more"].GetString();
    if (more.empty() || pages > 10) break;
    page = Call("GET", "/xapi/statements", more.substr(more.find('?') + 1), me);
  }
  BOOST_TEST(seen == my_ids);
  BOOST_TEST(pages == 3);
  // A filter that matches everyone's statements still returns mine only.
  auto filtered = Call("GET", "/xapi/statements", "verb=http://adlnet.gov/expapi/verbs/completed", me);
  BOOST_TEST(Ids(filtered.body) == my_ids);
  // Another's statement by id: 404, GET and HEAD; my own: 200.
  const std::string theirs = *other_ids.begin();
  BOOST_TEST(Call("GET", "/xapi/statements", "statementId=" + theirs, me).status == 404);
  BOOST_TEST(Call("HEAD", "/xapi/statements", "statementId=" + theirs, me).status == 404);
  BOOST_TEST(Call("GET", "/xapi/statements", "statementId=" + *my_ids.begin(), me).status == 200);
  // Voided: found by voidedStatementId for its owner only.
  const std::string voiding =
      R"({"actor":{"mbox":"mailto:o@example.org"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},)"
      R"("object":{"objectType":"StatementRef","id":")" + theirs + R"("}})";
  Post(other, voiding);
  BOOST_TEST(Call("GET", "/xapi/statements", "voidedStatementId=" + theirs, me).status == 404);
  BOOST_TEST(Call("GET", "/xapi/statements", "voidedStatementId=" + theirs, other).status == 200);
  // A credential with statements/read (the default `all` too) reads everyone's.
  auto everyone = Call("GET", "/xapi/statements", "limit=100", lms);
  BOOST_TEST(Ids(everyone.body).size() == my_ids.size() + other_ids.size() + lms_ids.size());
}

BOOST_FIXTURE_TEST_CASE(odd_admin_requests_get_a_4xx_with_a_json_body, App) {
  const std::vector<std::string> paths = {
      "/admin", "/admin/", "/admin/credentials/", "/admin/credentials//rotate",
      "/admin/credentials/x/rotate/", "/admin/credentials/x/y", "/admin/credentials/rotate",
      "/admin/credentials/\xff", std::string("/admin/credentials/a\0b", 22),
      "/admin/credentials/" + std::string(5000, 'k'), "/admin/credentials/x/rotate"};
  const std::vector<std::string> bodies = {
      "", "{", "null", "[]", R"({"role":"lms"})", R"({"name":"x"})", R"({"role":1,"name":"x"})",
      R"({"role":"lms","name":""})", R"({"role":"lms","name":"x","scopes":"all"})",
      R"({"role":"lms","name":"x","scopes":[1]})", R"({"role":"lms","name":"x","scopes":[]})",
      R"({"role":"lms","name":"x","scopes":{}})", R"({"role":"lms","name":"x","extra":1})",
      "{\"role\":\"lms\",\"name\":\"\xff\"}", R"({"role":"lms","name":")" + std::string(300, 'n') + "\"}"};
  int created = 0;
  for (const char* method : {"GET", "POST", "DELETE", "PUT", "HEAD"}) {
    for (const std::string& path : paths) {
      for (const std::string& body : bodies) {
        HttpResponse r = Call(method, path, "", admin, body);
        BOOST_TEST_CONTEXT(method << " " << path << " " << body) {
          BOOST_TEST(((r.status >= 400 && r.status < 500) || r.status == 200 || r.status == 201 ||
                      r.status == 204));
          if (r.status >= 400) BOOST_TEST(Json(r)->IsObject());
        }
      }
    }
  }
  for (const std::string& body : bodies) {
    HttpResponse r = Call("POST", "/admin/credentials", "", admin, body);
    if (r.status == 201) ++created;
    // An empty body goes without Content-Type: 415.
    BOOST_TEST_CONTEXT(body) {
      BOOST_TEST((r.status == 201 || r.status == 400 || (body.empty() && r.status == 415)));
    }
  }
  BOOST_TEST(created == 1);  // only {"role":"lms","name":"x","scopes":"all"}
}

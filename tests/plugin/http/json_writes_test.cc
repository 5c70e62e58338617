#define BOOST_TEST_MODULE plugin_json_writes
#include "plugin/http/json_writes.h"

#include <boost/test/unit_test.hpp>
#include <string>

#include "tests/plugin/test_lrs.h"
#include "xapi/json.h"

// Issue 15, finding 9: the /privacy routes that change something take only
// application/json, so a cross-site form (which a browser sends with the
// Basic credentials it remembers) cannot drive them; every /privacy answer
// says Cache-Control: no-store. The rule first, then through the whole LRS.

using namespace lrs::plugin;

namespace {

// What a page on another site can make a browser POST without a preflight
// (the "CORS-safelisted" request content types), and a few more.
const std::string kFormTypes[] = {"application/x-www-form-urlencoded",
                                  "multipart/form-data; boundary=x",
                                  "text/plain",
                                  "text/plain; charset=utf-8",
                                  "application/jsonp",
                                  "application/json\r\nX: y",
                                  ""};

HttpRequest Request(const std::string& method, const std::string& type, const std::string& body) {
  HttpRequest request;
  request.method = method;
  request.path = "/privacy/consent";
  if (!type.empty()) request.headers["Content-Type"] = type;
  request.body = body;
  return request;
}

}  // namespace

BOOST_AUTO_TEST_CASE(writes_take_only_application_json) {
  for (const std::string method : {"POST", "PUT", "DELETE", "PATCH"}) {
    for (const std::string& type : kFormTypes) {
      BOOST_TEST_CONTEXT(method << " " << type) {
        const bool may_be_bodiless = method != "POST" && method != "PUT" && type.empty();
        auto refused = RequireJsonForWrites(Request(method, type, "state=withdrawn"));
        BOOST_REQUIRE(refused.has_value());
        BOOST_TEST(refused->status == 415);
        if (!may_be_bodiless) {
          BOOST_TEST(RequireJsonForWrites(Request(method, type, "")).has_value());
        }
      }
    }
    for (const std::string type : {"application/json", "Application/JSON; charset=utf-8"}) {
      BOOST_TEST(!RequireJsonForWrites(Request(method, type, "{}")).has_value());
    }
  }
  // A DELETE without a body needs no type (and a browser form cannot send one).
  BOOST_TEST(!RequireJsonForWrites(Request("DELETE", "", "")).has_value());
  for (const std::string method : {"GET", "HEAD", "OPTIONS"}) {
    BOOST_TEST(!RequireJsonForWrites(Request(method, "text/plain", "x")).has_value());
  }
}

namespace {

constexpr char kAgent[] = R"({"mbox":"mailto:csrf.target@example.org"})";

struct App : lrs::testing::TestLrs {
  App() : TestLrs("json-writes") {}

  HttpResponse Call(const std::string& method, const std::string& path, const QueryParams& query,
                    const std::string& auth, const std::string& type, const std::string& body) {
    HttpRequest request;
    request.method = method;
    request.path = path;
    request.query = query;
    request.headers["Authorization"] = auth;
    if (!type.empty()) request.headers["Content-Type"] = type;
    request.body = body;
    return app->Handle(request);
  }

  std::string Token() {
    HttpResponse issued = Call("POST", "/privacy/tokens", {}, lms, "application/json",
                               std::string(R"({"agent":)") + kAgent + "}");
    BOOST_REQUIRE_EQUAL(issued.status, 200);
    auto body = lrs::xapi::ParseJson(issued.body);
    BOOST_REQUIRE(body.ok());
    return std::string(lrs::xapi::StringMember(**body, "token"));
  }
};

void CheckRefused(const HttpResponse& response) {
  BOOST_TEST(response.status == 415);
  auto body = lrs::xapi::ParseJson(response.body);
  BOOST_REQUIRE(body.ok());
  BOOST_TEST((**body)["status"].GetInt() == 415);
  BOOST_TEST(response.headers.at("Cache-Control") == "no-store");
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(privacy_writes_refuse_what_a_cross_site_form_can_send, App) {
  const std::string consent = std::string(R"({"agent":)") + kAgent + R"(,"state":"withdrawn"})";
  const std::string token_request = std::string(R"({"agent":)") + kAgent + "}";
  const std::string bearer = "Bearer " + Token();
  for (const std::string type :
       {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}) {
    BOOST_TEST_CONTEXT(type) {
      CheckRefused(Call("PUT", "/privacy/consent", {}, lms, type, consent));
      CheckRefused(Call("POST", "/privacy/tokens", {}, lms, type, token_request));
      CheckRefused(Call("DELETE", "/privacy/me", {}, bearer, type, "x=1"));
      CheckRefused(Call("DELETE", "/privacy/learners", {{"agent", kAgent}}, lms, type, "x=1"));
    }
  }
  CheckRefused(Call("POST", "/privacy/tokens", {}, lms, "", ""));  // a bodiless POST
  // Nothing changed: the learner is still granted and still there.
  HttpResponse state = Call("GET", "/privacy/consent", {{"agent", kAgent}}, lms, "", "");
  BOOST_REQUIRE_EQUAL(state.status, 200);
  BOOST_TEST(state.body.find("withdrawn") == std::string::npos);
  BOOST_TEST(state.headers.at("Cache-Control") == "no-store");
  BOOST_TEST(Call("GET", "/privacy/me", {}, bearer, "", "").status == 200);

  // The same requests as JSON (as /me's script sends them) go through.
  BOOST_TEST(
      Call("PUT", "/privacy/consent", {}, lms, "application/json; charset=utf-8", consent).status ==
      204);
  HttpResponse me = Call("GET", "/privacy/me", {}, bearer, "", "");
  BOOST_TEST(me.status == 200);
  BOOST_TEST(me.headers.at("Cache-Control") == "no-store");
  BOOST_TEST(Call("DELETE", "/privacy/learners", {{"agent", kAgent}}, lms, "", "").status == 200);
}

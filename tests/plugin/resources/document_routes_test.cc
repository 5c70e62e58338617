#define BOOST_TEST_MODULE plugin_document_routes
#include <openssl/evp.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "plugin/auth/credentials.h"
#include "plugin/app/lrs_app.h"
#include "tests/plugin/test_lrs.h"
#include "xapi/agent_identifier.h"
#include "xapi/json.h"
#include "xapi/timestamp.h"

// The State, Agent Profile and Activity Profile resources through the whole
// in-process request path (routes, pseudonymizer, vault, document store).
// ADL's conformance suite drives the same rules over HTTP.

using namespace lrs::plugin;
namespace fs = std::filesystem;

namespace {

using lrs::testing::BasicAuth;

constexpr char kStatePath[] = "/xapi/activities/state";
constexpr char kAgentProfilePath[] = "/xapi/agents/profile";
constexpr char kActivityProfilePath[] = "/xapi/activities/profile";
constexpr char kAgent[] = R"({"mbox":"mailto:grace.hopper@example.org","name":"Grace Hopper"})";
constexpr char kActivity[] = "http://example.org/courses/cobol";

std::string AgentParam(const std::string& agent = kAgent) {
  return "agent=" + PercentEncode(agent);
}
std::string ActivityParam() { return std::string("activityId=") + PercentEncode(kActivity); }
std::string StateQuery(const std::string& state_id) {
  return ActivityParam() + "&" + AgentParam() + "&stateId=" + PercentEncode(state_id);
}
std::string AgentProfileQuery(const std::string& id) {
  return AgentParam() + "&profileId=" + PercentEncode(id);
}
std::string ActivityProfileQuery(const std::string& id) {
  return ActivityParam() + "&profileId=" + PercentEncode(id);
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Request {
  std::string method{};
  std::string path{};
  std::string query{};
  std::string body{};
  std::string content_type = "application/json";
  Headers headers{};
  std::string version = "1.0.3";
};

struct App : lrs::testing::TestLrs {
  App() : TestLrs("docs") {}

  HttpResponse Send(const Request& r, const std::string* auth = nullptr) {
    HttpRequest request;
    request.method = r.method;
    request.path = r.path;
    request.query = ParseQueryString(r.query);
    request.headers = r.headers;
    request.headers["X-Experience-API-Version"] = r.version;
    request.headers["Authorization"] = auth ? *auth : lms;
    if (!r.body.empty() && !r.content_type.empty())
      request.headers["Content-Type"] = r.content_type;
    request.body = r.body;
    return app->Handle(request);
  }

  HttpResponse Call(const std::string& method, const std::string& path, const std::string& query,
                    const std::string& body = "", Headers headers = {},
                    const std::string& version = "1.0.3") {
    return Send(
        Request{method, path, query, body, "application/json", std::move(headers), version});
  }
};

std::string AllBytesUnder(const fs::path& dir) {
  std::string all;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    all += s.str();
  }
  return all;
}

std::shared_ptr<lrs::xapi::JsonDocument> Json(const std::string& text) {
  auto parsed = lrs::xapi::ParseJson(text);
  BOOST_REQUIRE_MESSAGE(parsed.ok(), text);
  return *parsed;
}

std::string Canonical(const std::string& text) { return lrs::xapi::ToCanonicalJson(*Json(text)); }

const Headers kCreateOnly{{"If-None-Match", "*"}};

}  // namespace

// Test names carry the xAPI section they check: <suite>/<behaviour>.
BOOST_AUTO_TEST_SUITE(communication_2_2_to_2_7_documents_and_3_1_concurrency)

BOOST_FIXTURE_TEST_CASE(state_put_get_delete_round_trip, App) {
  BOOST_TEST(Call("PUT", kStatePath, StateQuery("bookmark"), R"({"page":4})").status == 204);
  HttpResponse got = Call("GET", kStatePath, StateQuery("bookmark"));
  BOOST_REQUIRE_EQUAL(got.status, 200);
  BOOST_TEST(got.body == R"({"page":4})");
  BOOST_TEST(got.headers["Content-Type"] == "application/json");
  // Keyed (storage/document_store.h, invariant 5): never the SHA-1 of the bytes.
  BOOST_TEST(got.headers["ETag"] != "\"" + lrs::xapi::Sha1Hex(R"({"page":4})") + "\"");
  BOOST_TEST(got.headers["ETag"].size() == 42u);
  BOOST_TEST(Call("GET", kStatePath, StateQuery("bookmark")).headers["ETag"] == got.headers["ETag"]);
  BOOST_TEST(!got.headers["Last-Modified"].empty());

  BOOST_TEST(Call("DELETE", kStatePath, StateQuery("bookmark")).status == 204);
  BOOST_TEST(Call("GET", kStatePath, StateQuery("bookmark")).status == 404);
  // Deleting what is gone is still a 204.
  BOOST_TEST(Call("DELETE", kStatePath, StateQuery("bookmark")).status == 204);
}

BOOST_FIXTURE_TEST_CASE(any_bytes_come_back_with_their_content_type, App) {
  const std::string bytes("\x00\x01\xff binary", 10);
  Request put{"PUT", kStatePath, StateQuery("blob"), bytes, "application/octet-stream", {}};
  BOOST_REQUIRE_EQUAL(Send(put).status, 204);
  HttpResponse got = Call("GET", kStatePath, StateQuery("blob"));
  BOOST_TEST(got.body == bytes);
  BOOST_TEST(got.headers["Content-Type"] == "application/octet-stream");
  BOOST_TEST(got.headers["ETag"] != "\"" + lrs::xapi::Sha1Hex(bytes) + "\"");
  BOOST_TEST(got.headers["ETag"].size() == 42u);
}

BOOST_FIXTURE_TEST_CASE(agent_profile_round_trip, App) {
  BOOST_TEST(
      Call("PUT", kAgentProfilePath, AgentProfileQuery("prefs"), R"({"lang":"en"})", kCreateOnly)
          .status == 204);
  HttpResponse got = Call("GET", kAgentProfilePath, AgentProfileQuery("prefs"));
  BOOST_REQUIRE_EQUAL(got.status, 200);
  BOOST_TEST(got.body == R"({"lang":"en"})");
  // The same learner named by mbox_sha1sum finds the same document.
  std::string by_sha1 =
      R"({"mbox_sha1sum":")" + lrs::xapi::Sha1Hex("mailto:grace.hopper@example.org") + R"("})";
  BOOST_TEST(Call("GET", kAgentProfilePath, AgentParam(by_sha1) + "&profileId=prefs").status ==
             200);
  HttpResponse ids = Call("GET", kAgentProfilePath, AgentParam());
  BOOST_TEST(ids.body == R"(["prefs"])");
  BOOST_TEST(Call("DELETE", kAgentProfilePath, AgentProfileQuery("prefs")).status == 204);
  BOOST_TEST(Call("GET", kAgentProfilePath, AgentProfileQuery("prefs")).status == 404);
}

BOOST_FIXTURE_TEST_CASE(activity_profile_round_trip, App) {
  BOOST_TEST(
      Call("PUT", kActivityProfilePath, ActivityProfileQuery("meta"), R"({"v":1})", kCreateOnly)
          .status == 204);
  HttpResponse got = Call("GET", kActivityProfilePath, ActivityProfileQuery("meta"));
  BOOST_REQUIRE_EQUAL(got.status, 200);
  BOOST_TEST(got.body == R"({"v":1})");
  BOOST_TEST(Call("GET", kActivityProfilePath, ActivityParam()).body == R"(["meta"])");
  BOOST_TEST(Call("DELETE", kActivityProfilePath, ActivityProfileQuery("meta")).status == 204);
  BOOST_TEST(Call("GET", kActivityProfilePath, ActivityProfileQuery("meta")).status == 404);
}

BOOST_FIXTURE_TEST_CASE(head_answers_the_headers_of_get_without_the_body, App) {
  BOOST_REQUIRE_EQUAL(Call("POST", kStatePath, StateQuery("s"), R"({"a":1})").status, 204);
  HttpResponse get = Call("GET", kStatePath, StateQuery("s"));
  HttpResponse head = Call("HEAD", kStatePath, StateQuery("s"));
  BOOST_TEST(head.status == 200);
  BOOST_TEST(head.body.empty());
  BOOST_TEST(head.headers["ETag"] == get.headers["ETag"]);
  BOOST_TEST(head.headers["Content-Type"] == "application/json");
  BOOST_TEST(Call("HEAD", kStatePath, StateQuery("missing")).status == 404);
  BOOST_TEST(Call("HEAD", kActivityProfilePath, ActivityParam()).status == 200);
}

BOOST_FIXTURE_TEST_CASE(post_merges_top_level_properties, App) {
  BOOST_REQUIRE_EQUAL(Call("POST", kStatePath, StateQuery("m"),
                           R"({"x":"foo","y":"bar","car":{"make":"Ford","model":"Escape"}})")
                          .status,
                      204);
  BOOST_REQUIRE_EQUAL(
      Call("POST", kStatePath, StateQuery("m"), R"({"x":"bash","z":"faz","car":{"make":"Dodge"}})")
          .status,
      204);
  HttpResponse got = Call("GET", kStatePath, StateQuery("m"));
  // Only the top level merges: "car" is replaced whole.
  BOOST_TEST(Canonical(got.body) ==
             Canonical(R"({"x":"bash","y":"bar","z":"faz","car":{"make":"Dodge"}})"));
}

// Communication 2.2, JSON Procedure with Requirements (and ADL's XAPI-00229,
// -00232, -00314): each case leaves the document as it was.
BOOST_FIXTURE_TEST_CASE(post_that_cannot_merge_is_a_400, App) {
  BOOST_REQUIRE_EQUAL(Call("POST", kStatePath, StateQuery("json"), R"({"keep":true})").status, 204);
  Request not_json{"POST", kStatePath, StateQuery("json"), "abcdefg", "not/json", {}};
  BOOST_TEST(Send(not_json).status == 400);
  BOOST_TEST(Call("POST", kStatePath, StateQuery("json"), R"({"a":1}{)").status == 400);
  BOOST_TEST(Call("POST", kStatePath, StateQuery("json"), "[1,2]").status == 400);
  BOOST_TEST(Call("GET", kStatePath, StateQuery("json")).body == R"({"keep":true})");

  Request binary{
      "PUT", kStatePath, StateQuery("bin"), "/ asdf / undefined", "application/octet-stream", {}};
  BOOST_REQUIRE_EQUAL(Send(binary).status, 204);
  BOOST_TEST(Call("POST", kStatePath, StateQuery("bin"), R"({"a":1})").status == 400);
  BOOST_TEST(Call("GET", kStatePath, StateQuery("bin")).body == "/ asdf / undefined");

  // Invalid JSON is refused even with nothing to merge with.
  BOOST_TEST(Call("POST", kStatePath, StateQuery("new"), R"({"a":1}[)").status == 400);
  BOOST_TEST(Call("GET", kStatePath, StateQuery("new")).status == 404);
  // A non-JSON POST to a new document stores it as a PUT would.
  Request text{"POST", kStatePath, StateQuery("text"), "plain words", "text/plain", {}};
  BOOST_TEST(Send(text).status == 204);
  BOOST_TEST(Call("GET", kStatePath, StateQuery("text")).body == "plain words");
}

BOOST_FIXTURE_TEST_CASE(if_match_guards_put_post_and_delete, App) {
  for (const std::string version : {"1.0.3", "2.0.0"}) {
    BOOST_TEST_CONTEXT(version) {
      const std::string query = ActivityProfileQuery("guarded-" + version);
      BOOST_REQUIRE_EQUAL(Call("POST", kActivityProfilePath, query, R"({"n":1})").status, 204);
      const std::string etag = Call("GET", kActivityProfilePath, query).headers["ETag"];
      const Headers wrong{{"If-Match", "\"1234\""}};
      BOOST_TEST(Call("PUT", kActivityProfilePath, query, R"({"n":2})", wrong, version).status ==
                 412);
      BOOST_TEST(Call("POST", kActivityProfilePath, query, R"({"n":2})", wrong, version).status ==
                 412);
      BOOST_TEST(Call("DELETE", kActivityProfilePath, query, "", wrong, version).status == 412);
      BOOST_TEST(Call("GET", kActivityProfilePath, query).body == R"({"n":1})");

      const Headers right{{"If-Match", etag}};
      BOOST_TEST(Call("PUT", kActivityProfilePath, query, R"({"n":3})", right, version).status ==
                 204);
      BOOST_TEST(Call("GET", kActivityProfilePath, query).body == R"({"n":3})");
      // The old ETag no longer matches; "*" matches any existing document.
      BOOST_TEST(Call("DELETE", kActivityProfilePath, query, "", right, version).status == 412);
      BOOST_TEST(
          Call("DELETE", kActivityProfilePath, query, "", {{"If-Match", "*"}}, version).status ==
          204);
      // If-Match on a document that does not exist fails.
      BOOST_TEST(
          Call("PUT", kActivityProfilePath, query, R"({"n":4})", {{"If-Match", "*"}}, version)
              .status == 412);
    }
  }
}

BOOST_FIXTURE_TEST_CASE(if_none_match_star_only_creates, App) {
  const std::string query = AgentProfileQuery("create-only");
  BOOST_TEST(Call("PUT", kAgentProfilePath, query, R"({"v":1})", kCreateOnly).status == 204);
  BOOST_TEST(Call("PUT", kAgentProfilePath, query, R"({"v":2})", kCreateOnly).status == 412);
  BOOST_TEST(Call("POST", kAgentProfilePath, query, R"({"v":2})", kCreateOnly).status == 412);
  BOOST_TEST(Call("GET", kAgentProfilePath, query).body == R"({"v":1})");
}

// The table of what a PUT without If-Match or If-None-Match gets (header of
// plugin/resources/document_routes.h).
BOOST_FIXTURE_TEST_CASE(put_without_precondition_headers_by_version, App) {
  struct Case {
    const char* version;
    const char* path;
    std::string query;
    bool exists;
    int status;
  };
  const Case cases[] = {
      {"1.0.3", kActivityProfilePath, ActivityProfileQuery("p1"), false, 400},
      {"1.0.3", kAgentProfilePath, AgentProfileQuery("p2"), false, 400},
      {"2.0.0", kActivityProfilePath, ActivityProfileQuery("p3"), false, 204},
      {"2.0.0", kAgentProfilePath, AgentProfileQuery("p4"), false, 204},
      {"1.0.3", kActivityProfilePath, ActivityProfileQuery("p5"), true, 409},
      {"1.0.3", kAgentProfilePath, AgentProfileQuery("p6"), true, 409},
      {"2.0.0", kActivityProfilePath, ActivityProfileQuery("p7"), true, 409},
      {"2.0.0", kAgentProfilePath, AgentProfileQuery("p8"), true, 409},
      {"1.0.3", kStatePath, StateQuery("s1"), false, 204},
      {"1.0.3", kStatePath, StateQuery("s2"), true, 204},
      {"2.0.0", kStatePath, StateQuery("s3"), false, 204},
      {"2.0.0", kStatePath, StateQuery("s4"), true, 409},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.version << " " << c.path << " exists=" << c.exists) {
      if (c.exists) BOOST_REQUIRE_EQUAL(Call("POST", c.path, c.query, R"({"v":0})").status, 204);
      HttpResponse put = Call("PUT", c.path, c.query, R"({"v":1})", {}, c.version);
      BOOST_TEST(put.status == c.status);
      if (put.status == 409) BOOST_TEST(!put.body.empty());
      if (c.exists && put.status != 204) {
        BOOST_TEST(Call("GET", c.path, c.query).body == R"({"v":0})");
      }
    }
  }
}

BOOST_FIXTURE_TEST_CASE(last_modified_moves_with_each_change, App) {
  BOOST_REQUIRE_EQUAL(Call("POST", kStatePath, StateQuery("lm"), R"({"a":1})").status, 204);
  const std::string before = Call("GET", kStatePath, StateQuery("lm")).headers["Last-Modified"];
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // HTTP dates count seconds
  BOOST_REQUIRE_EQUAL(Call("POST", kStatePath, StateQuery("lm"), R"({"a":2})", {}, "2.0.0").status,
                      204);
  const std::string after = Call("GET", kStatePath, StateQuery("lm")).headers["Last-Modified"];
  BOOST_TEST(!before.empty());
  BOOST_TEST(before != after);
}

BOOST_FIXTURE_TEST_CASE(ids_since_are_exclusive_and_scoped, App) {
  const int64_t start = NowMicros() - 1000;
  BOOST_REQUIRE_EQUAL(Call("PUT", kStatePath, StateQuery("first"), "{}").status, 204);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const int64_t middle = NowMicros();
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  BOOST_REQUIRE_EQUAL(Call("PUT", kStatePath, StateQuery("second"), "{}").status, 204);

  const std::string context = ActivityParam() + "&" + AgentParam();
  auto ids = [&](const std::string& query) {
    HttpResponse response = Call("GET", kStatePath, query);
    BOOST_REQUIRE_EQUAL(response.status, 200);
    return response.body;
  };
  BOOST_TEST(ids(context) == R"(["first","second"])");
  BOOST_TEST(ids(context + "&since=" + PercentEncode(lrs::xapi::FormatTimestamp(start))) ==
             R"(["first","second"])");
  BOOST_TEST(ids(context + "&since=" + PercentEncode(lrs::xapi::FormatTimestamp(middle))) ==
             R"(["second"])");
  BOOST_TEST(ids(context + "&since=" +
                 PercentEncode(lrs::xapi::FormatTimestamp(NowMicros() + 60'000'000))) == "[]");
  // Another learner's states are not listed.
  BOOST_TEST(ids(ActivityParam() + "&" + AgentParam(R"({"mbox":"mailto:other@example.org"})")) ==
             "[]");
  HttpResponse listed = Call("GET", kStatePath, context);
  BOOST_TEST(!listed.headers["Last-Modified"].empty());
  BOOST_TEST(listed.headers["Content-Type"] == "application/json");
}

BOOST_FIXTURE_TEST_CASE(state_delete_without_id_clears_the_context, App) {
  const std::string reg = "6fbd4a1d-2d8a-4b63-9b2e-8a1a6a8d3e10";
  BOOST_REQUIRE_EQUAL(Call("PUT", kStatePath, StateQuery("a"), "{}").status, 204);
  BOOST_REQUIRE_EQUAL(
      Call("PUT", kStatePath, StateQuery("b") + "&registration=" + reg, "{}").status, 204);
  const std::string context = ActivityParam() + "&" + AgentParam();
  BOOST_TEST(Call("DELETE", kStatePath, context + "&registration=" + reg).status == 204);
  BOOST_TEST(Call("GET", kStatePath, context).body == R"(["a"])");
  BOOST_TEST(Call("DELETE", kStatePath, context).status == 204);
  BOOST_TEST(Call("GET", kStatePath, context).body == "[]");
  // The profile resources need the id to delete.
  BOOST_TEST(Call("DELETE", kActivityProfilePath, ActivityParam()).status == 400);
}

BOOST_FIXTURE_TEST_CASE(registration_keys_a_separate_state, App) {
  const std::string reg = "6FBD4A1D-2D8A-4B63-9B2E-8A1A6A8D3E10";
  BOOST_REQUIRE_EQUAL(
      Call("PUT", kStatePath, StateQuery("s") + "&registration=" + reg, R"({"r":1})").status, 204);
  BOOST_TEST(Call("GET", kStatePath, StateQuery("s")).status == 404);
  // UUIDs compare case-insensitively.
  BOOST_TEST(Call("GET", kStatePath,
                  StateQuery("s") + "&registration=6fbd4a1d-2d8a-4b63-9b2e-8a1a6a8d3e10")
                 .body == R"({"r":1})");
}

BOOST_FIXTURE_TEST_CASE(rejects_bad_missing_and_unknown_parameters, App) {
  const std::string agent = AgentParam();
  const std::string activity = ActivityParam();
  struct Case {
    const char* method;
    const char* path;
    std::string query;
  };
  const Case cases[] = {
      {"PUT", kStatePath, agent + "&stateId=s"},                  // no activityId
      {"GET", kStatePath, activity + "&stateId=s"},               // no agent
      {"PUT", kStatePath, activity + "&" + agent},                // no stateId
      {"POST", kStatePath, activity + "&" + agent},               // no stateId
      {"GET", kStatePath, "activityId=not%20an%20iri&" + agent},  // bad IRI
      {"GET", kStatePath, activity + "&agent=true"},              // not an object
      {"GET", kStatePath, activity + "&agent=not%20JSON"},        // not JSON
      {"GET", kStatePath, activity + "&agent=" + PercentEncode(R"({"mbox":"x"})")},  // invalid
      {"GET", kStatePath, activity + "&" + agent + "&registration=true"},            // not a UUID
      {"GET", kStatePath, activity + "&" + agent + "&since=yesterday"},              // not a time
      {"PUT", kStatePath, StateQuery("s") + "&since=2020-01-01T00:00:00Z"},          // since on PUT
      {"GET", kStatePath, StateQuery("s") + "&stateid=s"},                           // wrong case
      {"GET", kStatePath, StateQuery("s") + "&profileId=p"},  // other resource's
      {"GET", kStatePath, StateQuery("s") + "&stateId=t"},    // given twice
      {"GET", kAgentProfilePath, "profileId=p"},              // no agent
      {"GET", kAgentProfilePath, agent + "&activityId=" + PercentEncode(kActivity)},
      {"PUT", kAgentProfilePath, agent},             // no profileId
      {"GET", kActivityProfilePath, "profileId=p"},  // no activityId
      {"GET", kActivityProfilePath, activity + "&" + agent},
      {"GET", kActivityProfilePath,
       activity + "&registration=6fbd4a1d-2d8a-4b63-9b2e-8a1a6a8d3e10"},
      {"POST", kActivityProfilePath, activity},                 // no profileId
      {"GET", kActivityProfilePath, activity + "&profileId="},  // empty id
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.method << " " << c.path << "?" << c.query) {
      Request request{c.method, c.path, c.query, "", "application/json", kCreateOnly};
      if (std::string(c.method) != "GET") request.body = "{}";
      HttpResponse response = Send(request);
      BOOST_TEST(response.status == 400);
      // Error messages never echo the agent.
      BOOST_TEST(response.body.find("grace") == std::string::npos);
    }
  }
}

BOOST_FIXTURE_TEST_CASE(roles_gate_reads_and_writes, App) {
  BOOST_TEST(Send(Request{"GET", kStatePath, StateQuery("s")}, &analyst).status == 403);
  BOOST_TEST(Send(Request{"PUT", kStatePath, StateQuery("s"), "{}"}, &analyst).status == 403);
  BOOST_TEST(
      Send(Request{"DELETE", kActivityProfilePath, ActivityProfileQuery("p")}, &analyst).status ==
      403);
  BOOST_TEST(Call("PATCH", kStatePath, StateQuery("s")).status == 405);
}

// Issue 15, finding 7: a document is the client's bytes. Stored as
// text/html it must not open as a page of the LRS's origin (where /me and
// /privacy/audit live): never sniffed, sandboxed without scripts, not cached.
BOOST_FIXTURE_TEST_CASE(documents_are_served_sandboxed_never_sniffed_nor_cached, App) {
  const std::string page = "<script>fetch('/privacy/audit').then(r => r.text())</script>";
  const std::pair<const char*, std::string> documents[] = {
      {kStatePath, StateQuery("page")},
      {kAgentProfilePath, AgentProfileQuery("page")},
      {kActivityProfilePath, ActivityProfileQuery("page")}};
  for (const auto& [path, query] : documents) {
    BOOST_TEST_CONTEXT(path) {
      Request put{"PUT", path, query, page, "text/html", kCreateOnly};
      BOOST_REQUIRE_EQUAL(Send(put).status, 204);
      for (const std::string method : {"GET", "HEAD"}) {
        HttpResponse got = Call(method, path, query);
        BOOST_REQUIRE_EQUAL(got.status, 200);
        BOOST_TEST(got.headers["Content-Type"] == "text/html");
        BOOST_TEST(got.headers["X-Content-Type-Options"] == "nosniff");
        BOOST_TEST(got.headers["Content-Security-Policy"] == "sandbox; default-src 'none'");
        BOOST_TEST(got.headers["Cache-Control"] == "no-store");
      }
    }
  }
  // The id lists and the errors too.
  BOOST_TEST(Call("GET", kStatePath, ActivityParam() + "&" + AgentParam())
                 .headers["X-Content-Type-Options"] == "nosniff");
  BOOST_TEST(Call("GET", kStatePath, StateQuery("missing")).headers["Cache-Control"] == "no-store");
}

// Issue 15, finding 7: the Content-Type a document is stored under is served
// back as a header, so only a media type (RFC 9110 8.3.1) is accepted.
BOOST_FIXTURE_TEST_CASE(refuses_a_content_type_that_is_not_a_media_type, App) {
  const std::string bad_types[] = {"text/html\r\nSet-Cookie: session=planted",
                                   "text/html\nX-Injected: 1",
                                   std::string("text/html\0", 10),
                                   "\xff\xfe",
                                   "html",
                                   "text/plain; charset",
                                   "text/plain, text/html"};
  for (const std::string& type : bad_types) {
    for (const std::string method : {"PUT", "POST"}) {
      BOOST_TEST_CONTEXT(method << " " << type) {
        Request request{method, kStatePath, StateQuery("typed"), "{}", type, {}};
        HttpResponse refused = Send(request);
        BOOST_TEST(refused.status == 400);
        auto body = lrs::xapi::ParseJson(refused.body);
        BOOST_REQUIRE(body.ok());
        BOOST_TEST((**body)["status"].GetInt() == 400);
        BOOST_TEST(lrs::xapi::StringMember(**body, "message").find("Content-Type") !=
                   std::string::npos);
        BOOST_TEST(refused.headers.count("Set-Cookie") == 0u);
        BOOST_TEST(Call("GET", kStatePath, StateQuery("typed")).status == 404);
      }
    }
  }
  // Parameters are fine.
  Request with_charset{
      "PUT", kStatePath, StateQuery("typed"), "{}", "application/json; charset=utf-8", {}};
  BOOST_TEST(Send(with_charset).status == 204);
}

// Issue 15, finding 7: through the alternate syntax (Communication 1.3) a
// form field becomes a header; a CR LF in it must neither be stored nor
// reach any answer as a header of its own.
BOOST_FIXTURE_TEST_CASE(alternate_syntax_header_fields_cannot_inject_headers, App) {
  const std::string injected = PercentEncode("text/html\r\nSet-Cookie: session=planted");
  const std::string form_fields[] = {
      "Content-Type=" + injected,
      "Content-Type=" + PercentEncode("text/html\nSet-Cookie: session=planted"),
      "Content-Type=not-a-type",
      "If-None-Match=" + PercentEncode("*\r\nSet-Cookie: session=planted"),
      "X-Experience-API-Version=" + PercentEncode("1.0.3\r\nSet-Cookie: session=planted"),
      "Content-Length=" + PercentEncode("2\r\nSet-Cookie: session=planted"),
  };
  for (const std::string& field : form_fields) {
    BOOST_TEST_CONTEXT(field) {
      Request request{"POST", kStatePath, "method=PUT",
                      "X-Experience-API-Version=1.0.3&Authorization=" + PercentEncode(lms) + "&" +
                          StateQuery("alt") + "&content=%3Cscript%3E%3C%2Fscript%3E&" + field,
                      "application/x-www-form-urlencoded"};
      HttpResponse refused = Send(request);
      BOOST_TEST(refused.status == 400);
      BOOST_TEST(refused.headers.count("Set-Cookie") == 0u);
      for (const auto& [name, value] : refused.headers) {
        BOOST_TEST(value.find_first_of("\r\n") == std::string::npos, name << ": " << value);
      }
      BOOST_TEST(Call("GET", kStatePath, StateQuery("alt")).status == 404);
    }
  }
  // A well-formed one still works, and is served sandboxed.
  Request good{"POST", kStatePath, "method=PUT",
               "X-Experience-API-Version=1.0.3&Authorization=" + PercentEncode(lms) + "&" +
                   StateQuery("alt") + "&content=%3Cp%3Ehi%3C%2Fp%3E&Content-Type=text%2Fhtml",
               "application/x-www-form-urlencoded"};
  BOOST_REQUIRE_EQUAL(Send(good).status, 204);
  HttpResponse got = Call("GET", kStatePath, StateQuery("alt"));
  BOOST_TEST(got.body == "<p>hi</p>");
  BOOST_TEST(got.headers["Content-Security-Policy"] == "sandbox; default-src 'none'");
}

// Issue 15, finding 8: HEAD through the alternate syntax is a HEAD.
BOOST_FIXTURE_TEST_CASE(alternate_syntax_head_answers_no_body, App) {
  BOOST_REQUIRE_EQUAL(Call("PUT", kStatePath, StateQuery("h"), R"({"a":1})").status, 204);
  Request head{
      "POST", kStatePath, "method=HEAD",
      "X-Experience-API-Version=1.0.3&Authorization=" + PercentEncode(lms) + "&" + StateQuery("h"),
      "application/x-www-form-urlencoded"};
  HttpResponse got = Send(head);
  BOOST_TEST(got.status == 200);
  BOOST_TEST(got.body.empty());
  BOOST_TEST(got.headers["ETag"] == Call("GET", kStatePath, StateQuery("h")).headers["ETag"]);
}

// Issue 15, finding 6: a 200,000-key document merged into another through
// the whole route (bench/documents/merge.sh times the same over HTTP).
BOOST_FIXTURE_TEST_CASE(merges_two_documents_of_200000_keys, App) {
  constexpr int kKeys = 200000;
  auto numbered = [](int first, int count, const char* value_prefix) {
    std::string text = "{";
    for (int i = first; i < first + count; ++i) {
      text += (i > first ? ",\"k" : "\"k") + std::to_string(i) + "\":\"" + value_prefix +
              std::to_string(i) + "\"";
    }
    return text + "}";
  };
  BOOST_REQUIRE_EQUAL(
      Call("PUT", kStatePath, StateQuery("big"), numbered(0, kKeys, "stored")).status, 204);
  BOOST_REQUIRE_EQUAL(
      Call("POST", kStatePath, StateQuery("big"), numbered(kKeys / 2, kKeys, "posted")).status,
      204);
  HttpResponse got = Call("GET", kStatePath, StateQuery("big"));
  BOOST_REQUIRE_EQUAL(got.status, 200);
  auto merged = lrs::xapi::ParseJson(got.body);
  BOOST_REQUIRE(merged.ok());
  BOOST_REQUIRE_EQUAL((*merged)->MemberCount(), static_cast<unsigned>(kKeys + kKeys / 2));
  bool right = true;
  int i = 0;
  for (auto it = (*merged)->MemberBegin(); it != (*merged)->MemberEnd(); ++it, ++i) {
    const std::string expected = (i < kKeys / 2 ? "stored" : "posted") + std::to_string(i);
    right = right && it->name.GetString() == "k" + std::to_string(i) &&
            it->value.GetString() == expected;
  }
  BOOST_TEST(right);
}

BOOST_FIXTURE_TEST_CASE(learner_documents_never_reach_disk_in_plain_bytes, App) {
  const std::string secret_state = R"({"suspend_data":"learner-secret-state-7f3a"})";
  const std::string secret_profile = R"({"nickname":"learner-secret-profile-9c1e"})";
  BOOST_REQUIRE_EQUAL(Call("PUT", kStatePath, StateQuery("suspend"), secret_state).status, 204);
  BOOST_REQUIRE_EQUAL(
      Call("PUT", kAgentProfilePath, AgentProfileQuery("nick"), secret_profile, kCreateOnly).status,
      204);
  BOOST_REQUIRE_EQUAL(Call("PUT", kActivityProfilePath, ActivityProfileQuery("shared"),
                           R"({"public":"activity-profile-plain-5d2b"})", kCreateOnly)
                          .status,
                      204);
  // Still readable through the API.
  BOOST_TEST(Call("GET", kStatePath, StateQuery("suspend")).body == secret_state);
  app.reset();  // close every connection so the WAL is complete on disk
  const std::string bytes = AllBytesUnder(root / "data");
  for (const std::string& needle :
       {std::string("learner-secret-state-7f3a"), std::string("learner-secret-profile-9c1e"),
        std::string("grace.hopper"), std::string("Grace Hopper"),
        lrs::xapi::Sha1Hex("mailto:grace.hopper@example.org"), lrs::xapi::Sha1Hex(secret_state),
        lrs::xapi::Sha1Hex(secret_profile)}) {
    BOOST_TEST_CONTEXT(needle) { BOOST_TEST(bytes.find(needle) == std::string::npos); }
  }
  // Activity Profile documents belong to no learner and are stored as sent.
  BOOST_TEST(bytes.find("activity-profile-plain-5d2b") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

#define BOOST_TEST_MODULE plugin_xapi_resources
#include <openssl/evp.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "plugin/auth/credentials.h"
#include "plugin/app/lrs_app.h"
#include "tests/plugin/test_lrs.h"
#include "xapi/agent_identifier.h"
#include "xapi/json.h"

// In-process tests of the Activities and Agents resources (Communication 2.5,
// 2.4) and of format=canonical, through the whole request path.

using namespace lrs::plugin;
namespace fs = std::filesystem;

namespace {

using lrs::testing::BasicAuth;

using lrs::testing::ReadTextFile;

// The default manifest, edited: `from` replaced by `to`.
std::string EditedManifest(const std::string& name, const std::string& from,
                           const std::string& to) {
  std::string text = ReadTextFile("manifests/default.json");
  BOOST_REQUIRE(text.find(from) != std::string::npos);
  text.replace(text.find(from), from.size(), to);
  std::string path = "/tmp/lrs-resources-" + name + "-" + std::to_string(::getpid()) + ".json";
  std::ofstream(path) << text;
  return path;
}

std::string Statement(const std::string& actor, const std::string& object) {
  return R"({"actor":)" + actor +
         R"(,"verb":{"id":"http://adlnet.gov/expapi/verbs/attended",)"
         R"("display":{"en-US":"attended"}},"object":)" +
         object + "}";
}

constexpr char kGrace[] = R"({"mbox":"mailto:grace.hopper@example.org","name":"Grace Hopper"})";
constexpr char kActivity[] = "http://example.org/meetings/1";

struct App : lrs::testing::TestLrs {
  explicit App(const std::string& manifest = "manifests/default.json")
      : TestLrs("resources", manifest) {}

  HttpResponse Call(const std::string& method, const std::string& path, const std::string& query,
                    const std::string& body = "", const std::string* auth = nullptr,
                    const Headers& extra = {}, const std::string& version = "1.0.3") {
    HttpRequest request;
    request.method = method;
    request.path = path;
    request.query = ParseQueryString(query);
    request.headers["X-Experience-API-Version"] = version;
    request.headers["Authorization"] = auth ? *auth : lms;
    if (!body.empty()) request.headers["Content-Type"] = "application/json";
    for (const auto& [name, value] : extra) request.headers[name] = value;
    request.body = body;
    return app->Handle(request);
  }

  void Post(const std::string& body) {
    auto posted = Call("POST", "/xapi/statements", "", body);
    BOOST_REQUIRE_MESSAGE(posted.status == 200, posted.body);
  }

  std::shared_ptr<lrs::xapi::JsonDocument> GetJson(const std::string& path,
                                                   const std::string& query,
                                                   const std::string* auth = nullptr,
                                                   const Headers& extra = {}) {
    auto got = Call("GET", path, query, "", auth, extra);
    BOOST_REQUIRE_MESSAGE(got.status == 200, got.body);
    auto parsed = lrs::xapi::ParseJson(got.body);
    BOOST_REQUIRE(parsed.ok());
    return *parsed;
  }
};

std::string Activity(const std::string& definition) {
  return std::string(R"({"objectType":"Activity","id":")") + kActivity + R"(","definition":)" +
         definition + "}";
}

std::string Canonical(const lrs::xapi::JsonValue& value) {
  return lrs::xapi::ToCanonicalJson(value);
}

std::string Canonical(const std::string& text) {
  return lrs::xapi::ToCanonicalJson(*lrs::xapi::ParseJson(text).value());
}

}  // namespace

// ---- Activities (Communication 2.5) ----

// Test names carry the xAPI section they check: <suite>/<behaviour>.
BOOST_AUTO_TEST_SUITE(communication_2_4_agents_2_5_activities_and_2_1_3_canonical)

BOOST_FIXTURE_TEST_CASE(unknown_activity_is_still_an_activity_object, App) {
  auto activity = GetJson("/xapi/activities", "activityId=" + PercentEncode(kActivity));
  BOOST_TEST(Canonical(*activity) ==
             Canonical(std::string(R"({"objectType":"Activity","id":")") + kActivity + "\"}"));
}

BOOST_FIXTURE_TEST_CASE(returns_the_definition_merged_from_every_statement, App) {
  Post(Statement(kGrace,
                 Activity(R"({"name":{"en-US":"example meeting"},"type":"http://x.org/a"})")));
  Post(Statement(kGrace, Activity(R"({"name":{"fr-FR":"réunion"}})")));
  auto activity = GetJson("/xapi/activities", "activityId=" + PercentEncode(kActivity));
  BOOST_TEST(Canonical(*activity) ==
             Canonical(Activity(R"({"name":{"en-US":"example meeting","fr-FR":"réunion"},
                                    "type":"http://x.org/a"})")));
}

BOOST_FIXTURE_TEST_CASE(definitions_in_context_and_sub_statements_count, App) {
  Post(R"({"actor":{"mbox":"mailto:a@example.org"},"verb":{"id":"http://x.org/v"},
           "object":{"objectType":"SubStatement","actor":{"mbox":"mailto:b@example.org"},
                     "verb":{"id":"http://x.org/v"},
                     "object":{"id":"http://x.org/inner","definition":{"name":{"en":"inner"}}}},
           "context":{"contextActivities":{"parent":{"id":"http://x.org/parent",
                                                     "definition":{"name":{"en":"parent"}}}}}})");
  auto inner = GetJson("/xapi/activities", "activityId=" + PercentEncode("http://x.org/inner"));
  BOOST_TEST((*inner)["definition"]["name"]["en"].GetString() == std::string("inner"));
  auto parent = GetJson("/xapi/activities", "activityId=" + PercentEncode("http://x.org/parent"));
  BOOST_TEST((*parent)["definition"]["name"]["en"].GetString() == std::string("parent"));
}

BOOST_FIXTURE_TEST_CASE(a_rejected_batch_leaves_no_definition, App) {
  std::string batch =
      "[" + Statement(kGrace, Activity(R"({"name":{"en":"lost"}})")) +
      R"(,{"actor":{"mbox":"not-a-mailto"},"verb":{"id":"http://x.org/v"},)"
      R"("object":{"id":"http://x.org/a"}}])";
  BOOST_TEST(Call("POST", "/xapi/statements", "", batch).status == 400);
  auto activity = GetJson("/xapi/activities", "activityId=" + PercentEncode(kActivity));
  BOOST_TEST(!activity->HasMember("definition"));
}

BOOST_FIXTURE_TEST_CASE(activities_rejects_bad_parameters, App) {
  BOOST_TEST(Call("GET", "/xapi/activities", "").status == 400);
  BOOST_TEST(Call("GET", "/xapi/activities", "activityId=not%20an%20iri").status == 400);
  BOOST_TEST(
      Call("GET", "/xapi/activities",
           "activityId=" + PercentEncode(kActivity) + "&activityId=" + PercentEncode(kActivity))
          .status == 400);
  BOOST_TEST(
      Call("GET", "/xapi/activities", "activityId=" + PercentEncode(kActivity) + "&unknown=1")
          .status == 400);
  BOOST_TEST(Call("POST", "/xapi/activities", "activityId=" + PercentEncode(kActivity)).status ==
             405);
}

// Regression: an activityId with a byte that is not UTF-8 (%FF) passed the
// IRI check, which leaves non-ASCII bytes to the JSON parser, and was echoed
// into a 200 body that was no longer JSON.
BOOST_FIXTURE_TEST_CASE(rejects_parameters_that_are_not_utf8, App) {
  for (const char* path : {"/xapi/activities", "/xapi/statements", "/xapi/activities/state"}) {
    BOOST_TEST_CONTEXT(path) {
      auto response = Call("GET", path, "activityId=http%3A%2F%2Fexample.org%2F%FF");
      BOOST_TEST(response.status == 400);
      BOOST_TEST(lrs::xapi::ParseJson(response.body).ok());
    }
  }
  BOOST_TEST(Call("GET", "/xapi/activities", "activityId=" + PercentEncode(kActivity) + "&%C3=1")
                 .status == 400);
  // Well-formed UTF-8 is fine.
  BOOST_TEST(Call("GET", "/xapi/activities", "activityId=http%3A%2F%2Fexample.org%2F%C3%A9")
                 .status == 200);
}

BOOST_FIXTURE_TEST_CASE(activities_answers_head_and_tags_the_content, App) {
  auto head = Call("HEAD", "/xapi/activities", "activityId=" + PercentEncode(kActivity));
  BOOST_TEST(head.status == 200);
  auto get = Call("GET", "/xapi/activities", "activityId=" + PercentEncode(kActivity));
  BOOST_TEST(get.headers["X-Experience-API-Version"] == "1.0.3");
  // Keyed like document ETags (issue 14, finding 15): 40 hex digits, stable,
  // and no unkeyed hash of the content, so an ETag confirms no guess of it.
  const std::string etag = get.headers["ETag"];
  BOOST_TEST(etag.size() == 42u);
  BOOST_TEST(etag.find_first_not_of("0123456789abcdef", 1) == 41u);
  BOOST_TEST(head.headers["ETag"] == etag);
  BOOST_TEST(etag != "\"" + lrs::xapi::Sha1Hex(get.body) + "\"");
}

BOOST_FIXTURE_TEST_CASE(an_agents_etag_confirms_no_guess_of_the_person, App) {
  Post(Statement(kGrace, Activity(R"({"name":{"en-US":"meeting"}})")));
  auto get = Call("GET", "/xapi/agents", "agent=" + PercentEncode(kGrace));
  BOOST_REQUIRE_EQUAL(get.status, 200);
  BOOST_TEST(get.headers["ETag"].size() == 42u);
  BOOST_TEST(get.headers["ETag"] != "\"" + lrs::xapi::Sha1Hex(get.body) + "\"");
  BOOST_TEST(Call("GET", "/xapi/agents", "agent=" + PercentEncode(kGrace)).headers["ETag"] ==
             get.headers["ETag"]);
}

// Issue 15, findings 7 and 9: every answer of /xapi but About may carry
// learner data or stored bytes: never cached, never sniffed, never run as a
// page of the LRS's origin. Errors too (they may name what was asked).
BOOST_FIXTURE_TEST_CASE(learner_data_answers_are_never_cached_nor_run, App) {
  Post(Statement(kGrace, Activity(R"({"name":{"en-US":"meeting"}})")));
  const std::pair<std::string, std::string> reads[] = {
      {"/xapi/statements", ""},
      {"/xapi/statements", "agent=" + PercentEncode(kGrace)},
      {"/xapi/agents", "agent=" + PercentEncode(kGrace)},
      {"/xapi/activities", "activityId=" + PercentEncode(kActivity)},
      {"/xapi/statements", "statementId=not-a-uuid"},
      {"/xapi/nowhere", ""}};
  for (const auto& [path, query] : reads) {
    for (const std::string method : {"GET", "HEAD"}) {
      BOOST_TEST_CONTEXT(method << " " << path << "?" << query) {
        HttpResponse got = Call(method, path, query);
        BOOST_TEST(got.headers["Cache-Control"] == "no-store");
        BOOST_TEST(got.headers["X-Content-Type-Options"] == "nosniff");
        BOOST_TEST(got.headers["Content-Security-Policy"] == "sandbox; default-src 'none'");
      }
    }
  }
  // About is the same for everyone and may be cached.
  BOOST_TEST(Call("GET", "/xapi/about", "").headers.count("Cache-Control") == 0u);
}

// Issue 15, finding 8: POST ?method=HEAD answered the whole StatementResult,
// identities included. It answers as HEAD does: headers, no body.
BOOST_FIXTURE_TEST_CASE(alternate_syntax_head_answers_no_body, App) {
  Post(Statement(kGrace, Activity(R"({"name":{"en-US":"meeting"}})")));
  for (const std::string path : {"/xapi/statements", "/xapi/agents", "/xapi/activities"}) {
    BOOST_TEST_CONTEXT(path) {
      const std::string params = path == "/xapi/activities"
                                     ? "activityId=" + PercentEncode(kActivity)
                                     : "agent=" + PercentEncode(kGrace);
      const std::string form =
          "X-Experience-API-Version=1.0.3&Authorization=" + PercentEncode(lms) + "&" + params;
      HttpRequest request;
      request.method = "POST";
      request.path = path;
      request.query = ParseQueryString("method=HEAD");
      request.headers["Content-Type"] = "application/x-www-form-urlencoded";
      request.body = form;
      HttpResponse got = app->Handle(request);
      BOOST_TEST(got.status == 200);
      BOOST_TEST(got.body.empty());  // no statements, no identities
      BOOST_TEST(!got.headers["X-Experience-API-Version"].empty());
    }
  }
}

BOOST_FIXTURE_TEST_CASE(activities_and_agents_need_statements_read, App) {
  BOOST_TEST(Call("GET", "/xapi/activities", "activityId=" + PercentEncode(kActivity), "", &analyst)
                 .status == 403);
  BOOST_TEST(Call("GET", "/xapi/agents", "agent=" + PercentEncode(kGrace), "", &analyst).status ==
             403);
}

// ---- format=canonical (Communication 2.1.3) ----

BOOST_FIXTURE_TEST_CASE(canonical_format_shows_the_canonical_definition_in_one_language, App) {
  Post(Statement(kGrace, Activity(R"({"name":{"en-US":"meeting"},"description":{"en-US":"d"}})")));
  Post(Statement(kGrace, Activity(R"({"name":{"fr-FR":"réunion"}})")));
  const Headers french = {{"Accept-Language", "fr-FR, en;q=0.5"}};
  auto result = GetJson("/xapi/statements", "format=canonical&ascending=true", nullptr, french);
  const auto& statements = (*result)["statements"];
  BOOST_REQUIRE_EQUAL(statements.Size(), 2u);
  // The first statement only had English; its canonical definition knows French.
  const auto& definition = statements[0]["object"]["definition"];
  BOOST_TEST(Canonical(definition["name"]) == Canonical(std::string(R"({"fr-FR":"réunion"})")));
  BOOST_TEST(Canonical(definition["description"]) == Canonical(std::string(R"({"en-US":"d"})")));

  // exact keeps what was sent.
  auto exact = GetJson("/xapi/statements", "ascending=true", nullptr, french);
  BOOST_TEST(Canonical((*exact)["statements"][0]["object"]["definition"]) ==
             Canonical(std::string(R"({"name":{"en-US":"meeting"},"description":{"en-US":"d"}})")));
}

// ---- Agents (Communication 2.4) ----

BOOST_FIXTURE_TEST_CASE(unknown_agent_gets_a_person_of_what_was_asked, App) {
  auto person = GetJson("/xapi/agents", "agent=" + PercentEncode(kGrace));
  BOOST_TEST(Canonical(*person) ==
             Canonical(std::string(R"({"objectType":"Person","name":["Grace Hopper"],
                                       "mbox":["mailto:grace.hopper@example.org"]})")));
}

BOOST_FIXTURE_TEST_CASE(person_combines_every_stored_form_of_the_agent, App) {
  const std::string sha1 = lrs::xapi::Sha1Hex("mailto:grace.hopper@example.org");
  Post(Statement(kGrace, Activity("{}")));
  Post(Statement(R"({"mbox_sha1sum":")" + sha1 + R"(","name":"G. Hopper"})", Activity("{}")));
  // Someone else, and an identified Group under Grace's address, stay out.
  Post(Statement(R"({"mbox":"mailto:ada@example.org","name":"Ada"})", Activity("{}")));
  Post(Statement(R"({"objectType":"Group","name":"Team","mbox":"mailto:grace.hopper@example.org"})",
                 Activity("{}")));

  auto person = GetJson("/xapi/agents",
                        "agent=" + PercentEncode(R"({"mbox":"mailto:grace.hopper@example.org"})"));
  const auto& p = *person;
  BOOST_TEST(p["objectType"].GetString() == std::string("Person"));
  std::set<std::string> names;
  for (const auto& n : p["name"].GetArray()) names.insert(n.GetString());
  BOOST_TEST((names == std::set<std::string>{"Grace Hopper", "G. Hopper"}));
  BOOST_TEST(Canonical(p["mbox"]) ==
             Canonical(std::string(R"(["mailto:grace.hopper@example.org"])")));
  BOOST_TEST(Canonical(p["mbox_sha1sum"]) == Canonical("[\"" + sha1 + "\"]"));
  BOOST_TEST(!p.HasMember("openid"));
  BOOST_TEST(!p.HasMember("account"));
}

BOOST_FIXTURE_TEST_CASE(agents_rejects_bad_parameters, App) {
  BOOST_TEST(Call("GET", "/xapi/agents", "").status == 400);
  BOOST_TEST(Call("GET", "/xapi/agents", "agent=not-json").status == 400);
  BOOST_TEST(
      Call("GET", "/xapi/agents", "agent=" + PercentEncode(R"({"name":"no identifier"})")).status ==
      400);
  BOOST_TEST(
      Call("GET", "/xapi/agents",
           "agent=" + PercentEncode(R"({"objectType":"Group","mbox":"mailto:g@example.org"})"))
          .status == 400);
  BOOST_TEST(Call("GET", "/xapi/agents", "agent=" + PercentEncode(kGrace) + "&extra=1").status ==
             400);
  BOOST_TEST(Call("HEAD", "/xapi/agents", "agent=" + PercentEncode(kGrace)).status == 200);
}

// A role that may read statements but not identities gets no stored forms.
struct ReaderWithoutIdentities : App {
  ReaderWithoutIdentities()
      : App(EditedManifest("reader", R"("analyst": ["analytics:read"])",
                           R"("analyst": ["analytics:read", "statements:read"])")) {}
};

BOOST_FIXTURE_TEST_CASE(person_without_identities_read_shows_only_the_asked_agent,
                        ReaderWithoutIdentities) {
  Post(Statement(kGrace, Activity("{}")));
  auto person =
      GetJson("/xapi/agents",
              "agent=" + PercentEncode(R"({"mbox":"mailto:grace.hopper@example.org"})"), &analyst);
  BOOST_TEST(Canonical(*person) ==
             Canonical(std::string(
                 R"({"objectType":"Person","mbox":["mailto:grace.hopper@example.org"]})")));
}

struct PseudonymousApp : App {
  PseudonymousApp() : App(EditedManifest("pseudonymous", "\"sealed\"", "\"pseudonymous-only\"")) {}
};

BOOST_FIXTURE_TEST_CASE(pseudonymous_only_manifest_shows_no_stored_identity, PseudonymousApp) {
  Post(Statement(kGrace, Activity("{}")));
  auto person = GetJson("/xapi/agents",
                        "agent=" + PercentEncode(R"({"mbox":"mailto:grace.hopper@example.org"})"));
  BOOST_TEST(!person->HasMember("name"));
}

BOOST_AUTO_TEST_SUITE_END()

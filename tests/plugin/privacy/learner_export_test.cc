#define BOOST_TEST_MODULE plugin_learner_export
#include "plugin/privacy/learner_export.h"

#include <boost/test/unit_test.hpp>
#include <string>

#include "plugin/privacy/export_redaction.h"
#include "plugin/http/http_message.h"
#include "tests/plugin/test_lrs.h"
#include "xapi/json.h"

// Self-access shows every other person as "another learner" (issue 14,
// finding 11): the whole request path first (GET /privacy/me on a statement
// where the learner is instructor of another actor and on a team), then the
// two rules on stored JSON of every shape (plugin/privacy/export_redaction.h).

using namespace lrs::plugin;

namespace {

constexpr char kAda[] = R"({"objectType":"Agent","name":"Ada Lovelace","mbox":"mailto:ada@example.org"})";
constexpr char kBob[] = R"({"objectType":"Agent","name":"Bob Stone","mbox":"mailto:bob@example.org"})";
constexpr char kCat[] = R"({"objectType":"Agent","name":"Cat Wong","mbox":"mailto:cat@example.org"})";

struct Lrs : lrs::testing::TestLrs {
  Lrs() : TestLrs("learner-export") {}

  HttpResponse Call(const std::string& method, const std::string& path, const std::string& auth,
                    const std::string& body = "") {
    HttpRequest request;
    request.method = method;
    request.path = path;
    request.headers["X-Experience-API-Version"] = "1.0.3";
    request.headers["Authorization"] = auth;
    if (!body.empty()) request.headers["Content-Type"] = "application/json";
    request.body = body;
    return app->Handle(request);
  }

  // GET /privacy/me with a token for `agent`: the export, as text.
  std::string ExportOf(const std::string& agent) {
    HttpResponse issued =
        Call("POST", "/privacy/tokens", lms, std::string(R"({"agent":)") + agent + "}");
    BOOST_REQUIRE_EQUAL(issued.status, 200);
    auto token = lrs::xapi::ParseJson(issued.body).value();
    HttpResponse me = Call("GET", "/privacy/me", std::string("Bearer ") + (*token)["token"].GetString());
    BOOST_REQUIRE_EQUAL(me.status, 200);
    return me.body;
  }
};

std::string PseudonymIn(const std::string& export_json) {
  return (*lrs::xapi::ParseJson(export_json).value())["pseudonym"].GetString();
}

lrs::xapi::JsonDocument Parse(const std::string& text) {
  lrs::xapi::JsonDocument doc;
  doc.Parse(text.c_str(), text.size());
  BOOST_REQUIRE(!doc.HasParseError());
  return doc;
}

std::string Compact(const lrs::xapi::JsonValue& value) { return lrs::xapi::ToJson(value); }

}  // namespace

BOOST_FIXTURE_TEST_CASE(self_access_shows_no_co_learner_pseudonym_or_identity, Lrs) {
  // Regression: the instructor and team mates came back as accounts named by
  // their stable pseudonyms, so Ada could pair Bob and Cat with theirs.
  const std::string statements = std::string(R"([
    {"actor":)") + kBob + R"(, "verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},
     "object":{"id":"http://example.org/essay"},
     "context":{"instructor":)" + kAda + R"(,
                "team":{"objectType":"Group","name":"Red team","member":[)" + kAda + "," + kCat + R"(]}}},
    {"actor":{"objectType":"Group","member":[)" + kAda + "," + kCat + R"(]},
     "verb":{"id":"http://adlnet.gov/expapi/verbs/attended"},
     "object":{"objectType":"Agent","mbox":"mailto:bob@example.org"}}])";
  BOOST_REQUIRE_EQUAL(Call("POST", "/xapi/statements", lms, statements).status, 200);

  const std::string bob = PseudonymIn(ExportOf(kBob));
  const std::string cat = PseudonymIn(ExportOf(kCat));
  const std::string ada_export = ExportOf(kAda);
  BOOST_TEST(ada_export.find(bob) == std::string::npos);
  BOOST_TEST(ada_export.find(cat) == std::string::npos);
  for (const char* theirs : {"bob@example.org", "Bob Stone", "cat@example.org", "Cat Wong", "Red team"}) {
    BOOST_TEST(ada_export.find(theirs) == std::string::npos, theirs);
  }
  BOOST_TEST(ada_export.find("\"$p\"") == std::string::npos);
  BOOST_TEST(ada_export.find("\"$v\"") == std::string::npos);

  auto doc = lrs::xapi::ParseJson(ada_export).value();
  const auto& list = (*doc)["statements"];
  BOOST_REQUIRE_EQUAL(list.Size(), 2u);
  const std::string another = R"({"objectType":"Agent","name":"another learner"})";
  for (const auto& statement : list.GetArray()) {
    const std::string_view verb = statement["verb"]["id"].GetString();
    if (verb.find("completed") != std::string_view::npos) {
      BOOST_TEST(Compact(statement["actor"]) == another);
      BOOST_TEST(Compact(statement["context"]["instructor"]) == Compact(Parse(kAda)));
      BOOST_TEST(Compact(statement["context"]["team"]) ==
                 R"({"objectType":"Group","member":[)" + Compact(Parse(kAda)) + "," + another + "]}");
    } else {
      BOOST_TEST(Compact(statement["actor"]) ==
                 R"({"objectType":"Group","member":[)" + Compact(Parse(kAda)) + "," + another + "]}");
      BOOST_TEST(Compact(statement["object"]) == another);
    }
  }
}

BOOST_AUTO_TEST_CASE(references_anywhere_are_replaced_and_only_the_learners_own_open) {
  ExportSubject subject{"p-ada", "https://lrs.example.org/pseudonym", {{"v-ada", kAda}}};
  lrs::xapi::JsonDocument statement = Parse(R"({
    "actor": {"objectType":"Agent","$p":"p-ada","$v":"v-ada"},
    "verb": {"id":"http://adlnet.gov/expapi/verbs/scored"},
    "object": {"objectType":"SubStatement",
               "actor":{"objectType":"Agent","$p":"p-bob","$v":"v-bob"},
               "verb":{"id":"http://example.org/v"},
               "object":{"objectType":"Agent","$p":"p-ada","$v":"v-other"}},
    "authority": {"objectType":"Agent","$p":"p-lms","$v":"v-lms"},
    "result": {"extensions": {"http://example.org/grader":
                 {"objectType":"Agent","$p":"p-cat","$v":"v-cat"},
               "http://example.org/peers": [[{"objectType":"Agent","$p":"p-dan","$v":"v-dan"}]]}},
    "context": {"contextAgents":[{"objectType":"contextAgent",
                                  "agent":{"objectType":"Agent","$p":"p-eve","$v":"v-eve"}}],
                "team": {"objectType":"Group","$p":"p-anon","$v":"v-anon","$anon":true,
                         "member":[{"objectType":"Agent","$p":"p-ada","$v":"v-ada"},
                                   {"objectType":"Agent","$p":"p-fay","$v":"v-fay"}]},
                "extensions": {"http://example.org/not-a-reference": {"$p":"only one"}}}})");
  ShowOthersAsAnotherLearner(statement, statement.GetAllocator(), subject);
  const std::string text = Compact(statement);
  for (const char* gone : {"p-bob", "p-cat", "p-dan", "p-eve", "p-fay", "p-lms", "p-anon",
                           "v-bob", "v-ada", "$anon"}) {
    BOOST_TEST(text.find(gone) == std::string::npos, gone);
  }
  const std::string another = R"({"objectType":"Agent","name":"another learner"})";
  BOOST_TEST(Compact(statement["actor"]) == Compact(Parse(kAda)));
  BOOST_TEST(Compact(statement["object"]["actor"]) == another);
  // Their own pseudonym, but a variant without a sealed copy: pseudonymous.
  BOOST_TEST(Compact(statement["object"]["object"]) ==
             R"({"objectType":"Agent","account":{"homePage":"https://lrs.example.org/pseudonym","name":"p-ada"}})");
  BOOST_TEST(Compact(statement["authority"]) == another);
  BOOST_TEST(Compact(statement["result"]["extensions"]["http://example.org/grader"]) == another);
  BOOST_TEST(Compact(statement["result"]["extensions"]["http://example.org/peers"]) ==
             "[[" + another + "]]");
  BOOST_TEST(Compact(statement["context"]["contextAgents"][0]["agent"]) == another);
  BOOST_TEST(Compact(statement["context"]["team"]) ==
             R"({"objectType":"Group","member":[)" + Compact(Parse(kAda)) + "," + another + "]}");
  // Not a reference (no "$v"): client data, left alone.
  BOOST_TEST(Compact(statement["context"]["extensions"]) ==
             R"({"http://example.org/not-a-reference":{"$p":"only one"}})");
}

BOOST_AUTO_TEST_CASE(address_tokens_are_the_learners_own_address_or_another_learner) {
  const std::string own = "a0123456789abcdef0123456789abcdef@pseudonym.invalid";
  const std::string other = "affffffffffffffffffffffffffffffff@pseudonym.invalid";
  OwnAddressLookup lookup = [&](const std::string& pseudonym,
                                std::string_view token) -> std::optional<std::string> {
    if (pseudonym == "p-ada" && token == own) return std::string("ada@example.org");
    return std::nullopt;
  };
  lrs::xapi::JsonDocument doc = Parse(std::string(R"({
    "response": "mailto:)") + own + " and " + other + R"(, then )" + other + R"(.",
    "ids": ["http://example.org/essay/)" + other + R"("],
    ")" + other + R"(": "a key",
    "near misses": ["A0123456789ABCDEF0123456789ABCDEF@pseudonym.invalid",
                    "a0123456789abcdef0123456789abcde@pseudonym.invalid",
                    "a0123456789abcdef0123456789abcdef@pseudonym.invalid.example"],
    "plain": "no address here"})");
  ReplaceAddressTokens(doc, doc.GetAllocator(), "p-ada", lookup);
  BOOST_TEST(std::string(doc["response"].GetString()) ==
             "mailto:ada@example.org and another learner, then another learner.");
  BOOST_TEST(std::string(doc["ids"][0].GetString()) == "http://example.org/essay/another learner");
  BOOST_TEST(doc.HasMember("another learner"));
  BOOST_TEST(std::string(doc["plain"].GetString()) == "no address here");
  // The last near miss holds a whole token followed by more text: replaced.
  BOOST_TEST(std::string(doc["near misses"][0].GetString()).find("another") == std::string::npos);
  BOOST_TEST(std::string(doc["near misses"][1].GetString()).find("another") == std::string::npos);
  BOOST_TEST(std::string(doc["near misses"][2].GetString()) == "ada@example.org.example");

  // Without a lookup (the default until the tokenizer's is wired in), no
  // token is the learner's.
  lrs::xapi::JsonDocument plain = Parse("{\"r\":\"" + own + "\"}");
  ReplaceAddressTokens(plain, plain.GetAllocator(), "p-ada", OwnAddressLookup());
  BOOST_TEST(std::string(plain["r"].GetString()) == "another learner");
}

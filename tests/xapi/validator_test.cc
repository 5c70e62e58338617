// Behaviours of the validator's API that the corpus does not show case by
// case: the shape of errors, privacy of messages, ValidateAgent, and that a
// rejected statement is never modified. The rules themselves are covered by
// tests/fixtures/statements/ (validation_corpus_test.cc).
#define BOOST_TEST_MODULE xapi_validator
#include "xapi/validator.h"

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>

#include "xapi/json.h"

namespace lrs::xapi {
namespace {

std::shared_ptr<JsonDocument> Parse(const std::string& text) {
  auto doc = ParseJson(text);
  BOOST_TEST_REQUIRE(doc.ok());
  return *doc;
}

MaybeError Validate(const std::string& text, Version version = Version::k1_0) {
  return ValidateStatement(*Parse(text), ValidationOptions{version});
}

const char* kMinimal = R"({
  "actor": {"mbox": "mailto:xapi@adlnet.gov"},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/created", "display": {"en-US": "created"}},
  "object": {"id": "http://example.adlnet.gov/xapi/example/activity"}
})";

BOOST_AUTO_TEST_CASE(accepts_the_spec_minimal_statement_under_both_versions) {
  BOOST_TEST(!Validate(kMinimal, Version::k1_0).has_value());
  BOOST_TEST(!Validate(kMinimal, Version::k2_0).has_value());
}

BOOST_AUTO_TEST_CASE(rejects_statement_with_two_ifis_citing_rule_and_path) {
  MaybeError error = Validate(R"({
    "actor": {"mbox": "mailto:learner@example.com", "openid": "http://openid.example.org/1"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/created"},
    "object": {"id": "http://example.com/a"}})");
  BOOST_TEST_REQUIRE(error.has_value());
  BOOST_TEST(error->status == 400);
  BOOST_TEST(error->path == "$.actor");
  BOOST_TEST(error->rule.rfind("xAPI Data 2.4.2.3:", 0) == 0);
}

BOOST_AUTO_TEST_CASE(error_text_never_echoes_learner_data) {
  // Each statement carries a secret where validation fails; neither the
  // message nor the path may contain it.
  const std::string secret = "alice.secret";
  const std::string statements[] = {
      R"({"actor": {"mbox": "alice.secret@example.com"}, "verb": {"id": "http://e.com/v"},
          "object": {"id": "http://e.com/a"}})",
      R"({"actor": {"mbox": "mailto:a@b.c", "alice.secret": 1}, "verb": {"id": "http://e.com/v"},
          "object": {"id": "http://e.com/a"}})",
      R"({"actor": {"mbox": "mailto:a@b.c", "name": ["alice.secret"]},
          "verb": {"id": "http://e.com/v"}, "object": {"id": "http://e.com/a"}})",
      R"({"actor": {"account": {"homePage": "alice.secret", "name": "x"}},
          "verb": {"id": "http://e.com/v"}, "object": {"id": "http://e.com/a"}})",
      R"({"actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "http://e.com/v",
          "display": {"alice.secret": "x"}}, "object": {"id": "http://e.com/a"}})",
      R"({"actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "http://e.com/v"},
          "object": {"id": "http://e.com/a"}, "result": {"extensions": {"alice.secret": 1}}})",
      R"({"actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "alice.secret"},
          "object": {"id": "http://e.com/a"}})",
  };
  for (const std::string& text : statements) {
    BOOST_TEST_CONTEXT(text) {
      MaybeError error = Validate(text);
      BOOST_TEST_REQUIRE(error.has_value());
      BOOST_TEST(error->message.find(secret) == std::string::npos);
      BOOST_TEST(error->path.find(secret) == std::string::npos);
      BOOST_TEST(error->rule.find(secret) == std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(paths_index_into_arrays) {
  MaybeError error = Validate(R"({
    "actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "http://e.com/v"},
    "object": {"id": "http://e.com/a"},
    "context": {"contextActivities": {"parent": [{"id": "http://e.com/p"}, {"id": "not an iri"}]}}
  })");
  BOOST_TEST_REQUIRE(error.has_value());
  BOOST_TEST(error->path == "$.context.contextActivities.parent[1].id");
}

BOOST_AUTO_TEST_CASE(returns_the_first_error_in_spec_order) {
  // Both the actor and the verb are broken; the actor comes first.
  MaybeError error = Validate(R"({
    "verb": {"id": "not an iri"}, "actor": {"mbox": "not a mailto"},
    "object": {"id": "http://e.com/a"}})");
  BOOST_TEST_REQUIRE(error.has_value());
  BOOST_TEST(error->path == "$.actor.mbox");
}

BOOST_AUTO_TEST_CASE(context_agents_are_unknown_under_1_0_and_checked_under_2_0) {
  const std::string text = R"({
    "actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "http://e.com/v"},
    "object": {"id": "http://e.com/a"},
    "context": {"contextAgents": [{"objectType": "contextAgent",
                                   "agent": {"mbox": "mailto:coach@example.com"}}]}})";
  MaybeError v1 = Validate(text, Version::k1_0);
  BOOST_TEST_REQUIRE(v1.has_value());
  BOOST_TEST(v1->path == "$.context");
  BOOST_TEST(v1->rule.find("2.2") != std::string::npos);
  BOOST_TEST(!Validate(text, Version::k2_0).has_value());
}

BOOST_AUTO_TEST_CASE(validate_agent_applies_agent_and_group_rules_at_root) {
  struct Case {
    const char* json;
    bool valid;
    const char* path;
  };
  const Case cases[] = {
      {R"({"mbox": "mailto:a@b.c"})", true, ""},
      {R"({"objectType": "Agent", "account": {"homePage": "http://lms.example.com", "name": "42"}})",
       true, ""},
      {R"({"objectType": "Group", "mbox_sha1sum": "cd9b00a5611f94eaa7b1661edab976068e364975"})",
       true, ""},
      {R"({"objectType": "Group", "member": [{"mbox": "mailto:a@b.c"}]})", true, ""},
      {R"({})", false, "$"},
      {R"({"mbox": "a@b.c"})", false, "$.mbox"},
      {R"({"objectType": "Group"})", false, "$"},
      {R"({"objectType": "Group", "member": [{"objectType": "Group", "mbox": "mailto:g@b.c"}]})",
       false, "$.member[0]"},
      {R"("mailto:a@b.c")", false, "$"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.json) {
      MaybeError error = ValidateAgent(*Parse(c.json), ValidationOptions{});
      BOOST_TEST(!error.has_value() == c.valid);
      if (error) BOOST_TEST(error->path == c.path);
    }
  }
}

BOOST_AUTO_TEST_CASE(repeated_property_is_rejected) {
  // RapidJSON keeps both members; a later layer reading the second one must
  // never see a value the validator did not check.
  MaybeError error = Validate(R"({
    "actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "http://e.com/v"},
    "object": {"id": "http://e.com/a"}, "actor": {"mbox": "not valid"}})");
  BOOST_TEST_REQUIRE(error.has_value());
  BOOST_TEST(error->path == "$.actor");
  BOOST_TEST(error->rule.find("at most once") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(validation_does_not_modify_the_statement) {
  auto doc = Parse(kMinimal);
  const std::string before = ToJson(*doc);
  BOOST_TEST(!ValidateStatement(*doc, ValidationOptions{}).has_value());
  BOOST_TEST(ToJson(*doc) == before);
}

}  // namespace
}  // namespace lrs::xapi

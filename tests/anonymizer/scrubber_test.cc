#define BOOST_TEST_MODULE anonymizer_scrubber
#include "anonymizer/scrubber.h"

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <vector>

#include "xapi/json.h"
#include "xapi/validator.h"

namespace lrs::anonymizer {
namespace {

using xapi::JsonValue;
using xapi::Version;

// Every person's name holds this marker, and nothing else does, so "no
// display name is left" is "the marker is not in the JSON".
constexpr char kPerson[] = "PERSON";
constexpr char kKeptIri[] = "http://example.org/ext/kept";
constexpr char kDroppedIri[] = "http://example.org/ext/dropped";
constexpr char kSha2[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

std::string Attachments() {
  return std::string(R"([{"usageType":"http://example.org/usage","display":{"en-US":"notes"},)"
                     R"("contentType":"text/plain","length":3,"sha2":")") +
         kSha2 + R"("}])";
}

std::string Result() {
  return std::string(R"({"score":{"scaled":0.5,"raw":5,"min":0,"max":10},"success":true,)"
                     R"("completion":true,"duration":"PT1M30S","response":"what I typed",)"
                     R"("extensions":{")") +
         kKeptIri + R"(":1,")" + kDroppedIri + R"(":{"deep":[1,2]}}})";
}

// A 1.0.3 statement with every part the scrubber can touch (object: Activity).
std::string FullStatement() {
  return std::string(
             R"({"id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee",)"
             R"("actor":{"objectType":"Agent","name":"PERSON actor","mbox":"mailto:actor@example.org"},)"
             R"("verb":{"id":"http://adlnet.gov/expapi/verbs/answered","display":{"en-US":"answered"}},)"
             R"("object":{"objectType":"Activity","id":"http://example.org/question/1",)"
             R"("definition":{"name":{"en-US":"Question 1"},"type":"http://adlnet.gov/expapi/activities/cmi.interaction",)"
             R"("interactionType":"fill-in","correctResponsesPattern":["forty-two"]}},)"
             R"("result":)") +
         Result() +
         R"(,"context":{"registration":"ec531277-b57b-4c15-8d91-d292c5b2b8f7",)"
         R"("instructor":{"name":"PERSON instructor","mbox":"mailto:teacher@example.org"},)"
         R"("team":{"objectType":"Group","name":"PERSON team","member":[)"
         R"({"name":"PERSON member","account":{"homePage":"http://lms.example.org","name":"m1"}}]},)"
         R"("contextActivities":{"parent":[{"id":"http://example.org/course","definition":{"name":{"en-US":"Course"}}}],)"
         R"("grouping":{"id":"http://example.org/program","definition":{"name":{"en-US":"Program"}}}},)"
         R"("revision":"r1","platform":"Moodle","language":"en-US",)"
         R"("statement":{"objectType":"StatementRef","id":"5a0a4ad4-d7c5-4e1d-9f5b-6c2cb2dbc9b8"},)"
         R"("extensions":{")" +
         kKeptIri + R"(":"a",")" + kDroppedIri +
         R"(":"b"}},)"
         R"("timestamp":"2024-01-01T12:00:00Z","attachments":)" +
         Attachments() + "}";
}

// A statement whose object is a SubStatement that has every part too.
std::string SubStatementStatement() {
  return std::string(
             R"({"actor":{"objectType":"Group","name":"PERSON planners","member":[)"
             R"({"name":"PERSON planner","mbox":"mailto:planner@example.org"}]},)"
             R"("verb":{"id":"http://adlnet.gov/expapi/verbs/planned"},)"
             R"("object":{"objectType":"SubStatement",)"
             R"("actor":{"objectType":"Agent","name":"PERSON sub actor","mbox":"mailto:sub@example.org"},)"
             R"("verb":{"id":"http://adlnet.gov/expapi/verbs/answered"},)"
             R"("object":{"id":"http://example.org/question/2","definition":{"name":{"en-US":"Question 2"}}},)"
             R"("result":)") +
         Result() +
         R"(,"context":{"instructor":{"objectType":"Group","name":"PERSON tutors","mbox":"mailto:tutors@example.org"},)"
         R"("contextActivities":{"other":[{"id":"http://example.org/other","definition":{"name":{"en-US":"Other"}}}]},)"
         R"("platform":"Moodle","extensions":{")" +
         kKeptIri + R"(":true,")" + kDroppedIri +
         R"(":false}},)"
         R"("attachments":)" +
         Attachments() +
         R"(},"context":{"registration":"ec531277-b57b-4c15-8d91-d292c5b2b8f7","language":"de"}})";
}

// Agents and Groups as the object.
std::string AgentObjectStatement() {
  return R"({"actor":{"name":"PERSON mentor","openid":"http://openid.example.org/mentor"},)"
         R"("verb":{"id":"http://adlnet.gov/expapi/verbs/mentored"},)"
         R"("object":{"objectType":"Agent","name":"PERSON mentee","mbox_sha1sum":"0123456789abcdef0123456789abcdef01234567"}})";
}
std::string GroupObjectStatement() {
  return R"({"actor":{"mbox":"mailto:actor@example.org"},"verb":{"id":"http://adlnet.gov/expapi/verbs/met"},)"
         R"("object":{"objectType":"Group","name":"PERSON anonymous group","member":[)"
         R"({"name":"PERSON first","mbox":"mailto:first@example.org"},{"name":"PERSON second","mbox":"mailto:second@example.org"}]}})";
}

// xAPI 2.0.0: contextAgents and contextGroups.
std::string ContextAgentsStatement() {
  return R"({"actor":{"mbox":"mailto:actor@example.org","name":"PERSON actor"},)"
         R"("verb":{"id":"http://adlnet.gov/expapi/verbs/attended"},"object":{"id":"http://example.org/meeting"},)"
         R"("context":{"contextAgents":[{"objectType":"contextAgent","agent":{"name":"PERSON coach","mbox":"mailto:coach@example.org"},)"
         R"("relevantTypes":["http://example.org/types/coach"]}],)"
         R"("contextGroups":[{"objectType":"contextGroup","group":{"objectType":"Group","name":"PERSON cohort",)"
         R"("member":[{"name":"PERSON peer","mbox":"mailto:peer@example.org"}]}}]},)"
         R"("timestamp":"2024-01-01T12:00:00+02:00"})";
}

struct Sample {
  const char* name;
  std::string json;
  Version version;
};

std::vector<Sample> Samples() {
  return {{"full 1.0.3", FullStatement(), Version::k1_0},
          {"full 2.0.0", FullStatement(), Version::k2_0},
          {"SubStatement 1.0.3", SubStatementStatement(), Version::k1_0},
          {"SubStatement 2.0.0", SubStatementStatement(), Version::k2_0},
          {"Agent object", AgentObjectStatement(), Version::k1_0},
          {"anonymous Group object", GroupObjectStatement(), Version::k1_0},
          {"contextAgents and contextGroups", ContextAgentsStatement(), Version::k2_0}};
}

std::shared_ptr<xapi::JsonDocument> Parse(const std::string& text) {
  auto doc = xapi::ParseJson(text);
  BOOST_REQUIRE_MESSAGE(doc.ok(), (doc.ok() ? std::string() : doc.error().message));
  return *doc;
}

std::shared_ptr<xapi::JsonDocument> Scrubbed(const std::string& text, const KeepPolicy& keep,
                                             Version version = Version::k1_0) {
  auto doc = Parse(text);
  BOOST_REQUIRE_MESSAGE(!xapi::ValidateStatement(*doc, xapi::ValidationOptions{version}),
                        "the sample must be valid before scrubbing");
  ScrubStatement(*doc, keep);
  return doc;
}

void RequireValid(const JsonValue& statement, Version version) {
  auto error = xapi::ValidateStatement(statement, xapi::ValidationOptions{version});
  BOOST_TEST(!error.has_value(), (error ? error->path + ": " + error->message : std::string())
                                     << " in " << xapi::ToJson(statement));
}

// Named rather than KeepPolicy{}: GCC 12 warns (falsely) about the set
// members of a braced temporary.
KeepPolicy KeepAll() {
  KeepPolicy keep;
  return keep;
}

KeepPolicy KeepNothing() {
  KeepPolicy keep;
  keep.result.clear();
  keep.result_extensions = ExtensionKeep{false, {}};
  keep.context.clear();
  keep.context_extensions = ExtensionKeep{false, {}};
  keep.display_names = false;
  keep.attachments = false;
  keep.activity_definitions = false;
  return keep;
}

// The policies the validity test runs: each option off alone, and all off.
std::vector<std::pair<std::string, KeepPolicy>> Policies() {
  std::vector<std::pair<std::string, KeepPolicy>> out;
  out.emplace_back("everything", KeepAll());
  for (const char* p : kResultProperties) {
    KeepPolicy keep;
    keep.result.erase(p);
    out.emplace_back(std::string("without result.") + p, keep);
  }
  for (const char* p : kContextProperties) {
    KeepPolicy keep;
    keep.context.erase(p);
    out.emplace_back(std::string("without context.") + p, keep);
  }
  KeepPolicy only_kept_iri;
  only_kept_iri.result_extensions = ExtensionKeep{false, {kKeptIri}};
  only_kept_iri.context_extensions = ExtensionKeep{false, {kKeptIri}};
  out.emplace_back("one extension IRI", only_kept_iri);
  KeepPolicy no_iris;
  no_iris.result_extensions = ExtensionKeep{false, {}};
  no_iris.context_extensions = ExtensionKeep{false, {}};
  out.emplace_back("no extension IRIs", no_iris);
  KeepPolicy no_names;
  no_names.display_names = false;
  out.emplace_back("no display names", no_names);
  KeepPolicy no_attachments;
  no_attachments.attachments = false;
  out.emplace_back("no attachments", no_attachments);
  KeepPolicy no_definitions;
  no_definitions.activity_definitions = false;
  out.emplace_back("no activity definitions", no_definitions);
  out.emplace_back("nothing optional", KeepNothing());
  return out;
}

const JsonValue& At(const JsonValue& v, const char* a) {
  BOOST_REQUIRE_MESSAGE(v.IsObject() && v.HasMember(a), std::string("missing ") + a);
  return v[a];
}

}  // namespace

BOOST_AUTO_TEST_CASE(scrubbed_statements_stay_valid_for_both_versions) {
  for (const auto& sample : Samples()) {
    for (const auto& [policy_name, keep] : Policies()) {
      BOOST_TEST_CONTEXT(sample.name << ", keeping " << policy_name) {
        auto doc = Scrubbed(sample.json, keep, sample.version);
        RequireValid(*doc, sample.version);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_policy_that_keeps_everything_changes_nothing) {
  for (const auto& sample : Samples()) {
    BOOST_TEST_CONTEXT(sample.name) {
      BOOST_TEST(KeepAll().KeepsEverything());
      auto doc = Scrubbed(sample.json, KeepAll(), sample.version);
      BOOST_TEST(xapi::ToJson(*doc) == xapi::ToJson(*Parse(sample.json)));
    }
  }
}

BOOST_AUTO_TEST_CASE(each_result_property_is_dropped_alone_when_not_kept) {
  for (const char* dropped : kResultProperties) {
    BOOST_TEST_CONTEXT("without result." << dropped) {
      KeepPolicy keep;
      keep.result.erase(dropped);
      BOOST_TEST(!keep.KeepsEverything());
      auto doc = Scrubbed(FullStatement(), keep);
      const JsonValue& result = At(*doc, "result");
      for (const char* p : kResultProperties) {
        BOOST_TEST(result.HasMember(p) == (std::string(p) != dropped), p);
      }
      // The SubStatement's result follows the same policy.
      auto sub = Scrubbed(SubStatementStatement(), keep);
      BOOST_TEST(!At(At(*sub, "object"), "result").HasMember(dropped));
    }
  }
}

BOOST_AUTO_TEST_CASE(each_context_property_is_dropped_alone_when_not_kept) {
  for (const char* dropped : kContextProperties) {
    BOOST_TEST_CONTEXT("without context." << dropped) {
      KeepPolicy keep;
      keep.context.erase(dropped);
      auto doc = Scrubbed(FullStatement(), keep);
      const JsonValue& context = At(*doc, "context");
      BOOST_TEST(!context.HasMember(dropped));
      auto full = Parse(FullStatement());
      for (const char* p : kContextProperties) {
        if (std::string(p) != dropped && (*full)["context"].HasMember(p)) {
          BOOST_TEST(context.HasMember(p), p);
        }
      }
      auto v2 = Scrubbed(ContextAgentsStatement(), keep, Version::k2_0);
      BOOST_TEST(!At(*v2, "context").HasMember(dropped));
    }
  }
}

BOOST_AUTO_TEST_CASE(extensions_keep_only_the_listed_iris) {
  KeepPolicy keep;
  keep.result_extensions = ExtensionKeep{false, {kKeptIri}};
  keep.context_extensions = ExtensionKeep{false, {kKeptIri}};
  for (const std::string& text : {FullStatement(), SubStatementStatement()}) {
    auto doc = Scrubbed(text, keep);
    const JsonValue& holder =
        doc->HasMember("result") ? static_cast<const JsonValue&>(*doc) : At(*doc, "object");
    for (const char* part : {"result", "context"}) {
      const JsonValue& extensions = At(At(holder, part), "extensions");
      BOOST_TEST(extensions.HasMember(kKeptIri), part);
      BOOST_TEST(!extensions.HasMember(kDroppedIri), part);
    }
  }
  // "*" keeps every key, values untouched.
  auto all = Scrubbed(FullStatement(), KeepAll());
  BOOST_TEST(At(At(*all, "result"), "extensions")[kDroppedIri]["deep"].Size() == 2u);
}

BOOST_AUTO_TEST_CASE(an_extensions_object_emptied_by_the_policy_is_removed) {
  KeepPolicy keep;
  keep.result_extensions = ExtensionKeep{false, {"http://example.org/ext/never-sent"}};
  keep.context_extensions = ExtensionKeep{false, {}};
  auto doc = Scrubbed(FullStatement(), keep);
  BOOST_TEST(!At(*doc, "result").HasMember("extensions"));
  BOOST_TEST(!At(*doc, "context").HasMember("extensions"));
  BOOST_TEST(At(*doc, "result").HasMember("score"));
}

BOOST_AUTO_TEST_CASE(a_result_or_context_emptied_by_the_policy_is_removed) {
  auto doc = Scrubbed(FullStatement(), KeepNothing());
  BOOST_TEST(!doc->HasMember("result"));
  BOOST_TEST(!doc->HasMember("context"));
  auto sub = Scrubbed(SubStatementStatement(), KeepNothing());
  BOOST_TEST(!At(*sub, "object").HasMember("result"));
  BOOST_TEST(!At(*sub, "object").HasMember("context"));
  BOOST_TEST(!sub->HasMember("context"));
  // What xAPI requires is always there.
  for (const char* p : {"id", "actor", "verb", "object", "timestamp"})
    BOOST_TEST(doc->HasMember(p), p);
  BOOST_TEST(At(At(*doc, "object"), "id").GetString() ==
             std::string("http://example.org/question/1"));
}

BOOST_AUTO_TEST_CASE(a_result_the_client_sent_empty_is_left_alone) {
  const std::string text =
      R"({"actor":{"mbox":"mailto:a@example.org"},"verb":{"id":"http://example.org/v"},)"
      R"("object":{"id":"http://example.org/a"},"result":{},"context":{"extensions":{}}})";
  KeepPolicy keep;
  keep.result = {"score"};
  keep.context_extensions = ExtensionKeep{false, {}};
  auto doc = Scrubbed(text, keep);
  BOOST_TEST(xapi::ToJson(*doc) == xapi::ToJson(*Parse(text)));
}

BOOST_AUTO_TEST_CASE(display_names_are_dropped_everywhere_when_not_kept) {
  KeepPolicy keep;
  keep.display_names = false;
  for (const auto& sample : Samples()) {
    BOOST_TEST_CONTEXT(sample.name) {
      BOOST_REQUIRE(sample.json.find(kPerson) != std::string::npos);
      auto doc = Scrubbed(sample.json, keep, sample.version);
      const std::string out = xapi::ToJson(*doc);
      BOOST_TEST(out.find(kPerson) == std::string::npos, out);
      RequireValid(*doc, sample.version);
    }
  }
  // Activity names are not display names of people: they stay.
  auto doc = Scrubbed(FullStatement(), keep);
  BOOST_TEST(xapi::ToJson(*doc).find("Question 1") != std::string::npos);
  // An anonymous Group keeps its members, which keep their identifiers.
  auto group = Scrubbed(GroupObjectStatement(), keep);
  const JsonValue& members = At(At(*group, "object"), "member");
  BOOST_TEST(members.Size() == 2u);
  BOOST_TEST(members[0].HasMember("mbox"));
}

BOOST_AUTO_TEST_CASE(display_names_are_kept_when_the_policy_says_so) {
  for (const auto& sample : Samples()) {
    auto doc = Scrubbed(sample.json, KeepAll(), sample.version);
    BOOST_TEST(xapi::ToJson(*doc).find(kPerson) != std::string::npos, sample.name);
  }
}

BOOST_AUTO_TEST_CASE(attachments_are_dropped_in_statements_and_substatements) {
  KeepPolicy keep;
  keep.attachments = false;
  auto doc = Scrubbed(FullStatement(), keep);
  BOOST_TEST(!doc->HasMember("attachments"));
  auto sub = Scrubbed(SubStatementStatement(), keep);
  BOOST_TEST(!At(*sub, "object").HasMember("attachments"));
  auto kept = Scrubbed(FullStatement(), KeepAll());
  BOOST_TEST(At(*kept, "attachments").Size() == 1u);
}

BOOST_AUTO_TEST_CASE(activity_definitions_are_dropped_everywhere_when_not_kept) {
  KeepPolicy keep;
  keep.activity_definitions = false;
  auto doc = Scrubbed(FullStatement(), keep);
  BOOST_TEST(!At(*doc, "object").HasMember("definition"));
  const JsonValue& lists = At(At(*doc, "context"), "contextActivities");
  BOOST_TEST(!At(lists, "parent")[0].HasMember("definition"));
  BOOST_TEST(!At(lists, "grouping").HasMember("definition"));  // the single-Activity form
  BOOST_TEST(At(lists, "grouping").HasMember("id"));
  auto sub = Scrubbed(SubStatementStatement(), keep);
  const JsonValue& inner = At(*sub, "object");
  BOOST_TEST(!At(inner, "object").HasMember("definition"));
  BOOST_TEST(
      !At(At(At(inner, "context"), "contextActivities"), "other")[0].HasMember("definition"));
  // The verb's display is not an activity definition.
  BOOST_TEST(At(At(*doc, "verb"), "display").HasMember("en-US"));
}

BOOST_AUTO_TEST_CASE(a_substatement_is_scrubbed_like_its_statement) {
  KeepPolicy keep;
  keep.result = {"score"};
  keep.context = {"contextActivities"};
  auto doc = Scrubbed(SubStatementStatement(), keep);
  const JsonValue& inner = At(*doc, "object");
  BOOST_TEST(At(inner, "result").MemberCount() == 1u);
  BOOST_TEST(At(inner, "result").HasMember("score"));
  BOOST_TEST(At(inner, "context").MemberCount() == 1u);
  BOOST_TEST(At(inner, "context").HasMember("contextActivities"));
  // The outer context had only registration and language: emptied, removed.
  BOOST_TEST(!doc->HasMember("context"));
  RequireValid(*doc, Version::k1_0);
}

BOOST_AUTO_TEST_CASE(remaining_properties_keep_their_order) {
  KeepPolicy keep;
  keep.result = {"score", "duration", "extensions"};
  auto doc = Scrubbed(FullStatement(), keep);
  std::vector<std::string> names;
  for (const auto& m : At(*doc, "result").GetObject()) names.emplace_back(m.name.GetString());
  BOOST_TEST((names == std::vector<std::string>{"score", "duration", "extensions"}));
  std::vector<std::string> top;
  for (const auto& m : doc->GetObject()) top.emplace_back(m.name.GetString());
  BOOST_TEST((top == std::vector<std::string>{"id", "actor", "verb", "object", "result", "context",
                                              "timestamp", "attachments"}));
}

}  // namespace lrs::anonymizer

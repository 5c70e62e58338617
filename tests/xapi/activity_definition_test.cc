#define BOOST_TEST_MODULE xapi_activity_definition
#include "xapi/activity_definition.h"

#include <boost/test/unit_test.hpp>
#include <map>
#include <string>

#include "xapi/json.h"

namespace lrs::xapi {
namespace {

std::shared_ptr<JsonDocument> Parse(const std::string& text) {
  auto doc = ParseJson(text);
  BOOST_REQUIRE_MESSAGE(doc.ok(), text);
  return *doc;
}

// Compares JSON by value, whatever the member order.
void ExpectJson(const std::string& actual, const std::string& expected) {
  BOOST_TEST(ToCanonicalJson(*Parse(actual)) == ToCanonicalJson(*Parse(expected)));
}

struct MergeCase {
  const char* rule;
  const char* older;
  const char* newer;
  const char* merged;
};

// Test names carry the xAPI section they check: <suite>/<behaviour>.
BOOST_AUTO_TEST_SUITE(communication_2_5_canonical_activity_definitions)

BOOST_AUTO_TEST_CASE(merges_by_the_documented_rules) {
  const MergeCase cases[] = {
      {"other languages are kept, the newer entry of a language wins",
       R"({"name":{"en-US":"old","de":"alt"}})", R"({"name":{"en-US":"new","fr-FR":"neu"}})",
       R"({"name":{"en-US":"new","de":"alt","fr-FR":"neu"}})"},
      {"description merges like name", R"({"description":{"en":"a"}})",
       R"({"description":{"fr":"b"}})", R"({"description":{"en":"a","fr":"b"}})"},
      {"language tags compare case-insensitively; the newer spelling wins",
       R"({"name":{"en-us":"old"}})", R"({"name":{"en-US":"new"}})", R"({"name":{"en-US":"new"}})"},
      {"other properties are replaced whole",
       R"({"type":"http://x.org/a","extensions":{"http://x.org/e1":1,"http://x.org/e2":2}})",
       R"({"type":"http://x.org/b","extensions":{"http://x.org/e1":3}})",
       R"({"type":"http://x.org/b","extensions":{"http://x.org/e1":3}})"},
      {"properties only the older has are kept",
       R"({"moreInfo":"http://x.org/m","name":{"en":"a"}})", R"({"name":{"fr":"b"}})",
       R"({"moreInfo":"http://x.org/m","name":{"en":"a","fr":"b"}})"},
      {"a new property is added", R"({"name":{"en":"a"}})", R"({"type":"http://x.org/t"})",
       R"({"name":{"en":"a"},"type":"http://x.org/t"})"},
      {"interaction components: the newer list wins, descriptions merge by id",
       R"({"interactionType":"choice","choices":[{"id":"a","description":{"en":"A","de":"Ah"}},
                                                 {"id":"gone","description":{"en":"G"}}]})",
       R"({"interactionType":"choice","choices":[{"id":"a","description":{"en":"A2"}},
                                                 {"id":"b","description":{"en":"B"}}]})",
       R"({"interactionType":"choice","choices":[{"id":"a","description":{"en":"A2","de":"Ah"}},
                                                 {"id":"b","description":{"en":"B"}}]})"},
      {"a component without description keeps the older one",
       R"({"scale":[{"id":"1","description":{"en":"one"}}]})", R"({"scale":[{"id":"1"}]})",
       R"({"scale":[{"id":"1","description":{"en":"one"}}]})"},
  };
  for (const MergeCase& c : cases) {
    BOOST_TEST_CONTEXT(c.rule) {
      ExpectJson(MergeActivityDefinitionJson(c.older, c.newer), c.merged);
    }
  }
}

BOOST_AUTO_TEST_CASE(unreadable_sides_of_a_merge) {
  BOOST_TEST(MergeActivityDefinitionJson("not json", R"({"a":1})") == R"({"a":1})");
  BOOST_TEST(MergeActivityDefinitionJson(R"({"a":1})", "[") == R"({"a":1})");
}

BOOST_AUTO_TEST_CASE(extracts_definitions_from_every_activity_position) {
  auto statement = Parse(R"({
    "actor": {"mbox": "mailto:a@example.org"},
    "verb": {"id": "http://x.org/v"},
    "object": {"objectType": "SubStatement",
      "actor": {"mbox": "mailto:b@example.org"}, "verb": {"id": "http://x.org/v"},
      "object": {"id": "http://x.org/sub-object", "definition": {"name": {"en": "sub"}}},
      "context": {"contextActivities": {"other": [
        {"id": "http://x.org/sub-other", "definition": {"type": "http://x.org/t"}}]}}},
    "context": {"contextActivities": {
      "parent": [{"id": "http://x.org/parent", "definition": {"name": {"en": "p"}}}],
      "grouping": {"id": "http://x.org/grouping", "definition": {"name": {"en": "g"}}},
      "category": [{"id": "http://x.org/no-definition"},
                   {"id": "http://x.org/empty", "definition": {}}]}}
  })");
  auto definitions = ExtractActivityDefinitions(*statement);
  std::map<std::string, std::string> by_id(definitions.begin(), definitions.end());
  BOOST_TEST(definitions.size() == 4u);
  BOOST_TEST(by_id.count("http://x.org/sub-object") == 1u);
  BOOST_TEST(by_id.count("http://x.org/sub-other") == 1u);
  BOOST_TEST(by_id.count("http://x.org/parent") == 1u);
  BOOST_TEST(by_id.count("http://x.org/grouping") == 1u);
  ExpectJson(by_id["http://x.org/grouping"], R"({"name":{"en":"g"}})");

  auto ids = ActivityIds(*statement);
  BOOST_TEST(ids.size() == 6u);
}

BOOST_AUTO_TEST_CASE(an_activity_defined_twice_in_one_statement_is_merged_in_document_order) {
  auto statement = Parse(R"({
    "actor": {"mbox": "mailto:a@example.org"}, "verb": {"id": "http://x.org/v"},
    "object": {"id": "http://x.org/a", "definition": {"name": {"en": "first", "de": "erste"}}},
    "context": {"contextActivities": {"parent": [
      {"id": "http://x.org/a", "definition": {"name": {"en": "second"}}}]}}
  })");
  auto definitions = ExtractActivityDefinitions(*statement);
  BOOST_REQUIRE_EQUAL(definitions.size(), 1u);
  ExpectJson(definitions[0].second, R"({"name":{"en":"second","de":"erste"}})");
}

BOOST_AUTO_TEST_CASE(agents_and_statement_refs_are_not_activities) {
  auto statement = Parse(R"({
    "actor": {"mbox": "mailto:a@example.org"}, "verb": {"id": "http://x.org/v"},
    "object": {"objectType": "StatementRef", "id": "00000000-0000-4000-8000-000000000001"}
  })");
  BOOST_TEST(ExtractActivityDefinitions(*statement).empty());
  BOOST_TEST(ActivityIds(*statement).empty());
}

BOOST_AUTO_TEST_CASE(activity_object_with_and_without_a_definition) {
  ExpectJson(ActivityObjectJson("http://x.org/a", std::nullopt),
             R"({"objectType":"Activity","id":"http://x.org/a"})");
  ExpectJson(ActivityObjectJson("http://x.org/a", std::string(R"({"name":{"en":"A"}})")),
             R"({"objectType":"Activity","id":"http://x.org/a","definition":{"name":{"en":"A"}}})");
}

BOOST_AUTO_TEST_CASE(canonical_definitions_replace_or_add_and_leave_unknown_ones) {
  auto statement = Parse(R"({
    "actor": {"mbox": "mailto:a@example.org"}, "verb": {"id": "http://x.org/v"},
    "object": {"objectType": "Activity", "id": "http://x.org/known",
               "definition": {"name": {"en": "as sent"}}},
    "context": {"contextActivities": {"parent": [{"id": "http://x.org/bare"},
                                                 {"id": "http://x.org/unknown",
                                                  "definition": {"name": {"en": "mine"}}}]}}
  })");
  const std::map<std::string, std::string> canonical = {
      {"http://x.org/known", R"({"name":{"en":"canonical","fr":"canonique"}})"},
      {"http://x.org/bare", R"({"type":"http://x.org/t"})"},
  };
  ApplyCanonicalDefinitions(*statement, statement->GetAllocator(),
                            [&](std::string_view id) -> const std::string* {
                              auto it = canonical.find(std::string(id));
                              return it == canonical.end() ? nullptr : &it->second;
                            });
  const JsonValue& s = *statement;
  ExpectJson(ToJson(s["object"]),
             R"({"objectType":"Activity","id":"http://x.org/known",
                 "definition":{"name":{"en":"canonical","fr":"canonique"}}})");
  ExpectJson(ToJson(s["context"]["contextActivities"]["parent"][0]),
             R"({"id":"http://x.org/bare","definition":{"type":"http://x.org/t"}})");
  ExpectJson(ToJson(s["context"]["contextActivities"]["parent"][1]),
             R"({"id":"http://x.org/unknown","definition":{"name":{"en":"mine"}}})");
}

}  // namespace
}  // namespace lrs::xapi

BOOST_AUTO_TEST_SUITE_END()

#define BOOST_TEST_MODULE xapi_statement_transforms
#include <boost/test/unit_test.hpp>

#include "xapi/statement_comparison.h"
#include "xapi/statement_format.h"
#include "xapi/statement_normalize.h"

using namespace lrs::xapi;

namespace {
std::shared_ptr<JsonDocument> Parse(const char* text) {
  auto doc = ParseJson(text);
  BOOST_REQUIRE(doc.ok());
  return *doc;
}

constexpr char kStatement[] = R"({
  "id": "6a5c9e0b-1d2e-4f3a-8b7c-0d1e2f3a4b5c",
  "actor": {"objectType": "Group", "name": "Team",
            "member": [{"mbox": "mailto:a@x.org", "name": "A"}, {"mbox": "mailto:b@x.org"}]},
  "verb": {"id": "http://x.org/v", "display": {"en-US": "did", "de": "tat"}},
  "object": {"id": "http://x.org/a", "definition": {"name": {"en-US": "A", "fr": "Un"}}},
  "context": {"contextActivities": {"parent": {"id": "http://x.org/p"}}},
  "timestamp": "2024-01-01T01:00:00+01:00"
})";
}  // namespace

// Test names carry the xAPI section they check: <suite>/<behaviour>.
BOOST_AUTO_TEST_SUITE(data_2_3_1_comparison_2_4_6_2_context_and_2_1_3_formats)

// Data 2.3.1: these differences are not part of the statement.
BOOST_AUTO_TEST_CASE(comparison_ignores_immutability_exceptions) {
  auto a = Parse(kStatement);
  auto b = Parse(R"({
    "id": "6a5c9e0b-1d2e-4f3a-8b7c-0d1e2f3a4b5c",
    "actor": {"objectType": "Group", "name": "Team",
              "member": [{"mbox": "mailto:b@x.org"}, {"mbox": "mailto:a@x.org", "name": "A"}]},
    "verb": {"id": "http://x.org/v"},
    "object": {"id": "http://x.org/a"},
    "context": {"contextActivities": {"parent": {"id": "http://x.org/p"}}},
    "timestamp": "2024-01-01T00:00:00Z",
    "stored": "2025-01-01T00:00:00Z",
    "authority": {"mbox": "mailto:lms@x.org"},
    "version": "1.0.0"
  })");
  BOOST_TEST(ComparableForm(*a, Version::k1_0) == ComparableForm(*b, Version::k1_0));
}

BOOST_AUTO_TEST_CASE(comparison_sees_a_changed_result) {
  auto a = Parse(R"({"actor":{"mbox":"mailto:a@x.org"},"verb":{"id":"http://x.org/v"},
                     "object":{"id":"http://x.org/a"},"result":{"duration":"PT1H"}})");
  auto b = Parse(R"({"actor":{"mbox":"mailto:a@x.org"},"verb":{"id":"http://x.org/v"},
                     "object":{"id":"http://x.org/a"},"result":{"duration":"PT60M"}})");
  BOOST_TEST(ComparableForm(*a, Version::k1_0) != ComparableForm(*b, Version::k1_0));
}

// Data 2.4.6.2: a single context activity comes back as an array.
BOOST_AUTO_TEST_CASE(normalize_wraps_single_context_activities) {
  auto s = Parse(kStatement);
  NormalizeContextActivities(*s, s->GetAllocator());
  const auto& parent = (*s)["context"]["contextActivities"]["parent"];
  BOOST_REQUIRE(parent.IsArray());
  BOOST_TEST(parent[0]["id"].GetString() == std::string("http://x.org/p"));
}

BOOST_AUTO_TEST_CASE(ids_format_keeps_identifiers_only) {
  auto s = Parse(kStatement);
  ApplyIdsFormat(*s, s->GetAllocator());
  BOOST_TEST(ToCanonicalJson((*s)["actor"]) ==
             R"({"member":[{"mbox":"mailto:a@x.org"},{"mbox":"mailto:b@x.org"}],"objectType":"Group"})");
  BOOST_TEST(ToCanonicalJson((*s)["verb"]) == R"({"id":"http://x.org/v"})");
  BOOST_TEST(ToCanonicalJson((*s)["object"]) == R"({"id":"http://x.org/a"})");
}

BOOST_AUTO_TEST_CASE(canonical_format_keeps_the_best_language) {
  auto s = Parse(kStatement);
  ApplyCanonicalFormat(*s, s->GetAllocator(), ParseAcceptLanguage("fr;q=0.9, de;q=0.5"));
  BOOST_TEST(ToCanonicalJson((*s)["verb"]["display"]) == R"({"de":"tat"})");
  BOOST_TEST(ToCanonicalJson((*s)["object"]["definition"]["name"]) == R"({"fr":"Un"})");
}

BOOST_AUTO_TEST_CASE(accept_language_orders_by_quality) {
  auto tags = ParseAcceptLanguage("de;q=0.5, *, en-GB, fr;q=0.8");
  BOOST_REQUIRE_EQUAL(tags.size(), 4u);
  BOOST_TEST(tags[0] == "en-GB");
  BOOST_TEST(tags[1] == "fr");
  BOOST_TEST(tags[2] == "de");
  BOOST_TEST(tags[3] == "*");
}

BOOST_AUTO_TEST_SUITE_END()

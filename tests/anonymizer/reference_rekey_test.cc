#define BOOST_TEST_MODULE anonymizer_reference_rekey
#include "anonymizer/reference_rekey.h"

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <vector>

#include "anonymizer/curve_pseudonym.h"
#include "anonymizer/identity_split.h"
#include "xapi/agent_identifier.h"
#include "xapi/json.h"

namespace lrs::anonymizer {
namespace {

const std::string kOldKey(32, 'k');
const std::string kNewKey(32, 'n');
const std::string kDigestKey(32, 'd');
const Pseudonymizer kOld("old", kOldKey, kDigestKey);
const Pseudonymizer kNew("new", kNewKey, kDigestKey);

std::shared_ptr<xapi::JsonDocument> Parse(const std::string& text) {
  auto doc = xapi::ParseJson(text);
  BOOST_REQUIRE_MESSAGE(doc.ok(), (doc.ok() ? std::string() : doc.error().message));
  return *doc;
}

// The stored form of `statement` under `pseudonymizer`, as ingest writes it.
std::string Stored(const std::string& statement, const Pseudonymizer& pseudonymizer) {
  auto doc = Parse(statement);
  SplitStatementIdentities(*doc, doc->GetAllocator(), pseudonymizer);
  return xapi::ToJson(*doc);
}

PseudonymMap OldToNew() {
  auto rotation =
      std::make_shared<PseudonymRotation>(PseudonymRotation::Create(kOldKey, kNewKey).value());
  return [rotation](std::string_view old) { return rotation->Rotate(old); };
}

// Every "$v" value in document order, and the document without them.
void TakeVariantIds(xapi::JsonValue& value, std::vector<std::string>& out) {
  if (value.IsObject()) {
    if (auto it = value.FindMember("$v"); it != value.MemberEnd()) {
      out.push_back(xapi::ToJson(it->value));
      value.EraseMember(it);
    }
    for (auto& member : value.GetObject()) TakeVariantIds(member.value, out);
  } else if (value.IsArray()) {
    for (auto& item : value.GetArray()) TakeVariantIds(item, out);
  }
}

struct Comparison {
  std::string without_variants;
  std::vector<std::string> variants;
};
Comparison Compare(const std::string& json) {
  auto doc = Parse(json);
  Comparison c;
  TakeVariantIds(*doc, c.variants);
  c.without_variants = xapi::ToCanonicalJson(*doc);
  return c;
}

const std::string kBrookSha1 = xapi::Sha1Hex("mailto:brook@example.com");

// Every position: Agent actor, anonymous Group object, instructor, identified
// team with members, 2.0 contextAgents and contextGroups (with members),
// authority, and client data that looks like a reference.
const std::string kAgentActorStatement = R"({
  "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
  "actor": {"objectType": "Agent", "name": "Ada Lovelace", "mbox": "mailto:ada@example.com"},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"},
  "object": {"objectType": "Group", "name": "Study circle", "member": [
    {"name": "Brook Stone", "mbox_sha1sum": ")" +
                                         kBrookSha1 + R"("},
    {"objectType": "Agent", "name": "Cy Young", "openid": "https://openid.example.com/cy"}]},
  "context": {
    "instructor": {"name": "Dr Eve", "account": {"homePage": "https://lms.example.com", "name": "eve-7"}},
    "team": {"objectType": "Group", "name": "Blue team", "mbox": "mailto:blue@example.com",
             "member": [{"mbox": "mailto:ada@example.com"}, {"mbox": "mailto:fay@example.com"}]},
    "contextAgents": [{"objectType": "contextAgent", "agent": {"mbox": "mailto:gil@example.com"}}],
    "contextGroups": [{"objectType": "contextGroup",
                       "group": {"objectType": "Group",
                                 "account": {"homePage": "https://lms.example.com", "name": "cohort"},
                                 "member": [{"mbox": "mailto:hal@example.com"}]}}],
    "extensions": {"https://example.com/ext/ref": {"$p": "client data", "$v": "x"}}
  },
  "authority": {"objectType": "Agent",
                "account": {"homePage": "https://lms.example.com", "name": "lms-client"}},
  "version": "2.0.0"
})";

// An anonymous Group actor, and a SubStatement whose actor, object and
// context (an anonymous team) are visited too.
const std::string kSubStatement = R"({
  "actor": {"objectType": "Group", "member": [{"mbox": "mailto:ivy@example.com"},
                                              {"mbox": "mailto:jon@example.com"}]},
  "verb": {"id": "http://example.com/verbs/observed"},
  "object": {
    "objectType": "SubStatement",
    "actor": {"mbox": "mailto:kim@example.com"},
    "verb": {"id": "http://example.com/verbs/mentored"},
    "object": {"objectType": "Agent", "mbox": "mailto:lou@example.com"},
    "context": {"team": {"objectType": "Group", "member": [{"mbox": "mailto:ned@example.com"}]}}
  },
  "version": "1.0.3"
})";

BOOST_AUTO_TEST_CASE(rekeyed_statement_is_what_the_new_key_stores_with_the_old_variant_ids) {
  for (const std::string* statement : {&kAgentActorStatement, &kSubStatement}) {
    const std::string old_stored = Stored(*statement, kOld);
    const std::string new_stored = Stored(*statement, kNew);
    auto rekeyed = RekeyStoredStatement(old_stored, OldToNew(), kNew);
    BOOST_REQUIRE(rekeyed.ok());
    BOOST_TEST(rekeyed->left_as_is == 0u);
    const Comparison got = Compare(rekeyed->json);
    BOOST_TEST(got.without_variants == Compare(new_stored).without_variants);
    BOOST_TEST(got.variants == Compare(old_stored).variants);  // "$v" stay
  }
}

BOOST_AUTO_TEST_CASE(anonymous_groups_are_recomputed_from_their_rotated_members) {
  auto old_doc = Parse(Stored(kSubStatement, kOld));
  auto new_doc = Parse(Stored(kSubStatement, kNew));
  auto rekeyed = RekeyStoredStatement(Stored(kSubStatement, kOld), OldToNew(), kNew);
  BOOST_REQUIRE(rekeyed.ok());
  const std::string old_actor((*old_doc)["actor"]["$p"].GetString());
  const std::string new_actor((*new_doc)["actor"]["$p"].GetString());
  const std::string old_team((*old_doc)["object"]["context"]["team"]["$p"].GetString());
  const std::string new_team((*new_doc)["object"]["context"]["team"]["$p"].GetString());
  BOOST_TEST(old_actor.size() == 64u);  // a keyed digest, not a point
  BOOST_TEST(rekeyed->anonymous_groups.size() == 2u);
  for (const auto& pair : rekeyed->anonymous_groups) {
    BOOST_TEST(((pair.first == old_actor && pair.second == new_actor) ||
                (pair.first == old_team && pair.second == new_team)));
  }
}

BOOST_AUTO_TEST_CASE(client_data_that_looks_like_a_reference_is_untouched) {
  auto rekeyed = RekeyStoredStatement(Stored(kAgentActorStatement, kOld), OldToNew(), kNew);
  BOOST_REQUIRE(rekeyed.ok());
  auto doc = Parse(rekeyed->json);
  // Stored escaped (agent_positions.h), and left so.
  BOOST_TEST(xapi::ToJson((*doc)["context"]["extensions"]["https://example.com/ext/ref"]) ==
             R"({"$$p":"client data","$$v":"x"})");
}

BOOST_AUTO_TEST_CASE(a_reference_the_mapping_does_not_know_is_left_and_counted) {
  const std::string stored =
      R"({"actor":{"objectType":"Agent","$p":"not-a-point","$v":"v1"},)"
      R"("verb":{"id":"http://example.com/v"},"object":{"id":"http://example.com/a"}})";
  auto rekeyed = RekeyStoredStatement(stored, OldToNew(), kNew);
  BOOST_REQUIRE(rekeyed.ok());
  BOOST_TEST(rekeyed->left_as_is == 1u);
  BOOST_TEST(rekeyed->json == stored);
}

BOOST_AUTO_TEST_CASE(a_corrupt_row_is_an_error) {
  BOOST_TEST(RekeyStoredStatement("{\"actor\":", OldToNew(), kNew).error().status == 500);
  BOOST_TEST(!RekeyStoredStatement("[]", OldToNew(), kNew).ok());
}

}  // namespace
}  // namespace lrs::anonymizer

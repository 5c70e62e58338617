#define BOOST_TEST_MODULE xapi_person
#include "xapi/person.h"

#include <boost/test/unit_test.hpp>
#include <string>

#include "xapi/json.h"

namespace lrs::xapi {
namespace {

std::shared_ptr<JsonDocument> Parse(const std::string& text) {
  auto doc = ParseJson(text);
  BOOST_REQUIRE_MESSAGE(doc.ok(), text);
  return *doc;
}

void ExpectJson(const std::string& actual, const std::string& expected) {
  BOOST_TEST(ToCanonicalJson(*Parse(actual)) == ToCanonicalJson(*Parse(expected)));
}

// Test names carry the xAPI section they check: <suite>/<behaviour>.
BOOST_AUTO_TEST_SUITE(communication_2_4_person_object)

BOOST_AUTO_TEST_CASE(person_lists_every_name_and_identifier_once) {
  PersonBuilder person;
  person.Add(*Parse(R"({"objectType":"Agent","name":"Ada","mbox":"mailto:ada@example.org"})"));
  person.Add(*Parse(R"({"name":"Ada","mbox_sha1sum":"ABCDEF0123456789abcdef0123456789abcdef01"})"));
  person.Add(
      *Parse(R"({"name":"Ada L.","mbox_sha1sum":"abcdef0123456789abcdef0123456789abcdef01"})"));
  person.Add(*Parse(R"({"openid":"http://openid.example.org/ada"})"));
  person.Add(*Parse(R"({"account":{"homePage":"http://x.org","name":"ada"}})"));
  person.Add(*Parse(R"({"account":{"homePage":"http://x.org","name":"ada"}})"));
  ExpectJson(person.ToJson(), R"({"objectType":"Person","name":["Ada","Ada L."],
      "mbox":["mailto:ada@example.org"],
      "mbox_sha1sum":["abcdef0123456789abcdef0123456789abcdef01"],
      "openid":["http://openid.example.org/ada"],
      "account":[{"homePage":"http://x.org","name":"ada"}]})");
}

BOOST_AUTO_TEST_CASE(person_leaves_out_empty_lists) {
  PersonBuilder person;
  person.Add(*Parse(R"({"mbox":"mailto:x@example.org"})"));
  ExpectJson(person.ToJson(), R"({"objectType":"Person","mbox":["mailto:x@example.org"]})");
}

}  // namespace
}  // namespace lrs::xapi

BOOST_AUTO_TEST_SUITE_END()

#define BOOST_TEST_MODULE anonymizer_consent_filter
#include "anonymizer/consent_filter.h"

#include <boost/test/unit_test.hpp>
#include <string>

#include "anonymizer/reference_keys.h"
#include "xapi/agent_identifier.h"
#include "xapi/json.h"

namespace lrs::anonymizer {
namespace {

const std::string kNo = "mbox_sha1sum:" + xapi::Sha1Hex("mailto:no@example.org");
const ConsentCheck kAllButNo = [](const std::string& ifi) { return ifi != kNo; };
constexpr char kWithheld[] =
    R"({"objectType":"Agent","account":{"homePage":"https://withheld.invalid","name":"another learner"}})";

struct Filtered {
  std::string json;
  ConsentFilterResult result;
};

Filtered Filter(const std::string& text) {
  auto doc = xapi::ParseJson(text);
  BOOST_REQUIRE(doc.ok());
  ConsentFilterResult r = WithholdUnconsented(**doc, (*doc)->GetAllocator(), kAllButNo);
  return {xapi::ToCanonicalJson(**doc), r};
}

std::string Canonical(const std::string& text) { return xapi::ToCanonicalJson(**xapi::ParseJson(text)); }

// Issue 14, finding 1: consent was checked for the actor only.
BOOST_AUTO_TEST_CASE(every_position_is_checked) {
  const std::string no = R"({"mbox":"mailto:no@example.org","name":"No"})";
  const std::string yes = R"({"mbox":"mailto:yes@example.org"})";
  struct Case {
    const char* name;
    std::string in, out;
    bool keeps;
  } cases[] = {
      {"actor", R"({"actor":)" + no + "}", std::string(R"({"actor":)") + kWithheld + "}", false},
      {"group member", R"({"actor":{"objectType":"Group","member":[)" + no + "," + yes + "]}}",
       R"({"actor":{"objectType":"Group","member":[)" + yes + "]}}", true},
      {"group of only them", R"({"actor":{"objectType":"Group","member":[)" + no + "]}}",
       std::string(R"({"actor":)") + kWithheld + "}", false},
      {"object", R"({"actor":)" + yes + R"(,"object":{"objectType":"Agent","mbox":"mailto:no@example.org"}})",
       R"({"actor":)" + yes + R"(,"object":)" + kWithheld + "}", true},
      {"instructor and team", R"({"actor":)" + yes + R"(,"context":{"instructor":)" + no +
                                  R"(,"team":{"objectType":"Group","member":[)" + no + "]}}}",
       R"({"actor":)" + yes + R"(,"context":{"instructor":)" + kWithheld + "}}", true},
      {"sub-statement", R"({"actor":)" + yes + R"(,"object":{"objectType":"SubStatement","actor":)" + no +
                            R"(,"context":{"instructor":)" + no + "}}}",
       R"({"actor":)" + yes + R"(,"object":{"objectType":"SubStatement","actor":)" + kWithheld +
           R"(,"context":{"instructor":)" + kWithheld + "}}}",
       true},
      {"contextAgents and contextGroups",
       R"({"actor":)" + yes + R"(,"context":{"contextAgents":[{"objectType":"contextAgent","agent":)" + no +
           R"(}],"contextGroups":[{"objectType":"contextGroup","group":{"objectType":"Group","member":[)" + no + "]}}]}}",
       R"({"actor":)" + yes + R"(,"context":{}})", true},
      {"extension", R"({"actor":)" + yes + R"(,"result":{"extensions":{"http://x.org/g":[)" + no + "]}}}",
       R"({"actor":)" + yes + R"(,"result":{"extensions":{"http://x.org/g":[)" + kWithheld + "]}}}", true},
      {"authority is not a learner", R"({"actor":)" + yes + R"(,"authority":)" + no + "}",
       R"({"actor":)" + yes + R"(,"authority":)" + no + "}", true},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      Filtered f = Filter(c.in);
      BOOST_TEST(f.json == Canonical(c.out));
      BOOST_TEST(f.result.keeps_learner == c.keeps);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_voiding_actor_is_judged_as_named) {
  auto no = xapi::ParseJson(R"({"mbox":"mailto:NO@example.org"})");
  auto pair = xapi::ParseJson(R"({"objectType":"Group","member":[{"mbox":"mailto:no@example.org"},
                                   {"mbox":"mailto:yes@example.org"}]})");
  auto yes = xapi::ParseJson(R"({"mbox":"mailto:yes@example.org"})");
  BOOST_TEST(!ConsentsToBeNamed(**no, kAllButNo));  // letter case does not matter
  BOOST_TEST(!ConsentsToBeNamed(**pair, kAllButNo));
  BOOST_TEST(ConsentsToBeNamed(**yes, kAllButNo));
}

BOOST_AUTO_TEST_CASE(a_canonical_definition_holds_no_reference) {
  const std::string with = R"({"name":{"en-US":"x"},"extensions":{"http://x/t":{"$p":"abc"},)"
                           R"("http://x/l":[{"$p":"def","$v":"1"}]}})";
  const std::string out = DefinitionWithoutReferences(with);
  BOOST_TEST(out.find("$p") == std::string::npos);
  BOOST_TEST(out.find(kWithheldHomePage) != std::string::npos);
  BOOST_TEST(out.find(R"("name":{"en-US":"x"})") != std::string::npos);
  const std::string without = R"({"name":{"en-US":"x"}})";
  BOOST_TEST(DefinitionWithoutReferences(without) == without);
}

}  // namespace
}  // namespace lrs::anonymizer

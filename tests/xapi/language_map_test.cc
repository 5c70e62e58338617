#define BOOST_TEST_MODULE xapi_language_map
#include "xapi/language_map.h"

#include <boost/test/unit_test.hpp>
#include <string_view>

#include "xapi/json.h"

namespace lrs::xapi {
namespace {

struct Case {
  std::string_view tag;
  bool valid;
};

BOOST_AUTO_TEST_CASE(accepts_well_formed_rfc5646_tags) {
  const Case cases[] = {
      {"en", true},
      {"de", true},
      {"en-US", true},
      {"es-MX", true},
      {"es-419", true},
      {"zh-Hant", true},
      {"sr-Latn-RS", true},
      {"zh-Hans-CN", true},
      {"cmn", true},
      {"ase", true},
      {"fr-CA", true},
      {"EN-us", true},
      {"zh-yue-HK", true},
      {"de-DE-1996", true},
      {"sl-rozaj-biske", true},
      {"en-a-bbb-x-a-ccc", true},
      {"x-whatever", true},
      {"qaa-Qaaa-QM-x-southern", true},
      {"i-klingon", true},
      {"en-GB-oed", true},
      {"zh-min-nan", true},
      {"abcd", true},
      {"abcdefgh", true},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("tag: " << c.tag) { BOOST_TEST(IsValidLanguageTag(c.tag) == c.valid); }
  }
}

BOOST_AUTO_TEST_CASE(rejects_tags_with_wrong_subtag_lengths_or_repeats) {
  const Case cases[] = {
      {"", false},
      {"a", false},                     // Primary language is 2..8 letters.
      {"something", false},             // 9 letters (ADL suite).
      {"a12345", false},                // ADL suite.
      {"a12345678", false},             // ADL suite.
      {"en-something-AU", false},       // 9-character subtag (ADL suite).
      {"zh-z-aaa-z-bbb-c-ccc", false},  // Repeated singleton (ADL suite; RFC 5646 2.2.6).
      {"de-DE-1996-1996", false},       // Repeated variant (2.2.5).
      {"en-", false},
      {"-en", false},
      {"en--US", false},
      {"en_US", false},
      {"en US", false},
      {"12", false},
      {"en-a", false},    // Singleton without a subtag.
      {"en-a-b", false},  // Extension subtags are 2..8 long.
      {"x", false},
      {"en-x", false},
      {"en-Latn-Latn", false},
      {"en-US-US", false},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("tag: " << c.tag) { BOOST_TEST(IsValidLanguageTag(c.tag) == c.valid); }
  }
}

BOOST_AUTO_TEST_CASE(language_map_errors_name_the_path_not_the_key) {
  struct MapCase {
    const char* json;
    LanguageMapDefect defect;
  };
  const MapCase cases[] = {
      {R"({"en-US":"created","es":"creado"})", LanguageMapDefect::kNone},
      {R"({})", LanguageMapDefect::kNone},
      {R"("created")", LanguageMapDefect::kNotAnObject},
      {R"(["en"])", LanguageMapDefect::kNotAnObject},
      {R"({"secret-learner-name-x":"v"})", LanguageMapDefect::kInvalidTag},
      {R"({"en":1})", LanguageMapDefect::kValueNotAString},
      {R"({"en":null})", LanguageMapDefect::kValueNotAString},
  };
  for (const MapCase& c : cases) {
    BOOST_TEST_CONTEXT("map: " << c.json) {
      auto doc = ParseJson(c.json);
      BOOST_TEST_REQUIRE(doc.ok());
      BOOST_TEST(static_cast<int>(FindLanguageMapDefect(**doc)) == static_cast<int>(c.defect));
      MaybeError error = ValidateLanguageMap(**doc, "$.verb.display");
      BOOST_TEST(error.has_value() == (c.defect != LanguageMapDefect::kNone));
      if (error) {
        BOOST_TEST(error->status == 400);
        BOOST_TEST(error->path == "$.verb.display");
        BOOST_TEST(error->rule.rfind("xAPI Data 4.2", 0) == 0);
        BOOST_TEST(error->message.find("secret") == std::string::npos);
      }
    }
  }
}

}  // namespace
}  // namespace lrs::xapi

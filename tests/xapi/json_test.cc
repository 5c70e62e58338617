#define BOOST_TEST_MODULE xapi_json
#include <boost/test/unit_test.hpp>

#include <string>

#include "xapi/json.h"

// ParseJson's limits and the UTF-8 helpers (xapi/json.h).

namespace lrs::xapi {
namespace {

struct Utf8Case {
  const char* name;
  std::string text;
  bool valid;
};

const Utf8Case kUtf8Cases[] = {
    {"empty", "", true},
    {"ascii", "plain", true},
    {"two bytes", "\xC3\xA9", true},
    {"three bytes", "\xE2\x82\xAC", true},
    {"four bytes", "\xF0\x9F\x98\x80", true},
    {"highest code point", "\xF4\x8F\xBF\xBF", true},
    {"NUL", std::string("a\0b", 3), true},
    {"lone continuation byte", "\x80", false},
    {"truncated sequence", "\xE2\x82", false},
    {"overlong slash", "\xC0\xAF", false},
    {"overlong three bytes", "\xE0\x80\xAF", false},
    {"low surrogate", "\xED\xB0\x80", false},
    {"high surrogate", "\xED\xA0\x80", false},
    {"above U+10FFFF", "\xF4\x90\x80\x80", false},
    {"five-byte form", "\xF8\x88\x80\x80\x80", false},
    {"FF", "\xFF", false},
};

BOOST_AUTO_TEST_CASE(tells_well_formed_utf8_from_ill_formed) {
  for (const auto& c : kUtf8Cases) {
    BOOST_TEST_CONTEXT(c.name) { BOOST_TEST(IsValidUtf8(c.text) == c.valid); }
  }
}

BOOST_AUTO_TEST_CASE(replaces_each_ill_formed_byte_and_keeps_the_rest) {
  BOOST_TEST(ToValidUtf8(std::string("a\xFF") + "b") == std::string("a\xEF\xBF\xBD") + "b");
  BOOST_TEST(ToValidUtf8("\xE2\x82") == "\xEF\xBF\xBD\xEF\xBF\xBD");
  BOOST_TEST(ToValidUtf8("caf\xC3\xA9") == "caf\xC3\xA9");
  for (const auto& c : kUtf8Cases) {
    BOOST_TEST_CONTEXT(c.name) { BOOST_TEST(IsValidUtf8(ToValidUtf8(c.text))); }
  }
}

// Regression: RapidJSON decoded the escape "\udc00" (a low surrogate with no
// high surrogate before it) to the bytes ED B0 80. The statement was stored,
// and every later GET that returned it answered with invalid JSON.
BOOST_AUTO_TEST_CASE(rejects_a_lone_low_surrogate_escape) {
  for (const char* text : {R"({"name":"\udc00x"})", R"(["\udfff"])", R"({"\udc00":1})"}) {
    BOOST_TEST_CONTEXT(text) {
      auto parsed = ParseJson(text);
      BOOST_REQUIRE(!parsed.ok());
      BOOST_TEST(parsed.error().status == 400);
    }
  }
}

BOOST_AUTO_TEST_CASE(accepts_a_surrogate_pair_escape) {
  auto parsed = ParseJson(R"({"name":"\ud83d\ude00"})");
  BOOST_REQUIRE(parsed.ok());
  BOOST_TEST(StringMember(**parsed, "name") == "\xF0\x9F\x98\x80");
}

BOOST_AUTO_TEST_CASE(rejects_invalid_utf8_bytes_and_deep_nesting) {
  BOOST_TEST(!ParseJson("[\"\xFF\"]").ok());
  BOOST_TEST(!ParseJson(std::string(33, '[') + std::string(33, ']')).ok());
  BOOST_TEST(ParseJson(std::string(32, '[') + std::string(32, ']')).ok());
}

}  // namespace
}  // namespace lrs::xapi

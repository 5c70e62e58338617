#define BOOST_TEST_MODULE xapi_iri
#include "xapi/iri.h"

#include <boost/test/unit_test.hpp>
#include <string_view>

namespace lrs::xapi {
namespace {

struct Case {
  std::string_view text;
  bool valid;
};

BOOST_AUTO_TEST_CASE(accepts_absolute_iris_and_rejects_the_rest) {
  const Case cases[] = {
      {"http://example.com/xapi/verbs#defenestrated", true},
      {"https://example.com/a/b?c=d&e=f", true},
      {"urn:uuid:6fa459ea-ee8a-3ca4-894e-db77e160355e", true},
      {"tag:example.com,2026:activity", true},
      {"http://example.com/%E2%82%AC", true},
      {"http://example.com/\xd9\x81\xd8\xb9\xd9\x84", true},  // Arabic path (Data 2.4.3.1).
      {"mailto:someone@example.com", true},
      {"a+b-c.d:x", true},
      {"http://[2001:db8::1]/", true},
      {"", false},
      {"should fail", false},
      {"example.com/no/scheme", false},
      {"/relative/path", false},
      {"#fragment", false},
      {"http:", false},  // Nothing after the scheme.
      {":no-scheme", false},
      {"1http://example.com", false},      // Scheme starts with a letter.
      {"ab=c://should.fail.com", false},   // ADL conformance suite's invalid URI.
      {"http://example.com/a b", false},   // Space.
      {"http://example.com/a\tb", false},  // Control character.
      {"http://example.com/<tag>", false},
      {"http://example.com/{x}", false},
      {"http://example.com/a|b", false},
      {"http://example.com/a\\b", false},
      {"http://example.com/a\"b", false},
      {"http://example.com/%zz", false},  // Broken percent-encoding.
      {"http://example.com/%4", false},
      {"http://example.com/#a#b", false},  // Two fragments.
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("iri: " << c.text) { BOOST_TEST(IsValidIri(c.text) == c.valid); }
  }
}

BOOST_AUTO_TEST_CASE(mailto_iri_needs_lowercase_scheme_and_one_at_sign) {
  const Case cases[] = {
      {"mailto:xapi@adlnet.gov", true},
      {"mailto:first.last+tag@sub.example.org", true},
      {"mailto:a@b?subject=hi", true},
      {"mailto:should.fail.com", false},  // No "@" (ADL suite).
      {"http://should.fail.com", false},  // Not mailto (ADL suite).
      {"xapi@adlnet.gov", false},
      {"MAILTO:xapi@adlnet.gov", false},
      {"mailto:", false},
      {"mailto:@example.com", false},
      {"mailto:someone@", false},
      {"mailto:a@b@c", false},
      {"mailto:some one@example.com", false},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("mbox: " << c.text) { BOOST_TEST(IsValidMailtoIri(c.text) == c.valid); }
  }
}

}  // namespace
}  // namespace lrs::xapi

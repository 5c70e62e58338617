#define BOOST_TEST_MODULE anonymizer_address_tokens
#include "anonymizer/address_tokens.h"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "anonymizer/reference_keys.h"
#include "xapi/json.h"

namespace lrs::anonymizer {
namespace {

const Pseudonymizer kPseudonymizer("k1", std::string(32, 'k'), std::string(32, 'd'));

std::vector<std::string> Found(std::string_view text) {
  std::vector<std::string> out;
  for (const TextSpan& s : FindAddresses(text))
    out.emplace_back(text.substr(s.begin, s.end - s.begin));
  return out;
}

BOOST_AUTO_TEST_CASE(finds_addresses_where_people_write_them) {
  struct Case {
    const char* text;
    std::vector<std::string> addresses;
  } cases[] = {
      {"write to ada@example.org.", {"ada@example.org"}},
      {"mailto:Ada.Lovelace+x@EXAMPLE.org", {"Ada.Lovelace+x@EXAMPLE.org"}},
      {"https://example.org/essays/ada@example.org-final", {"ada@example.org"}},
      {"https://x.org/p?to=ada@example.org&cc=bob@example.co.uk",
       {"ada@example.org", "bob@example.co.uk"}},
      {"(ada@example.org),lin@example.org", {"ada@example.org", "lin@example.org"}},
      {"...ada@example.org", {"ada@example.org"}},
      {"no address @ here, user@localhost, a@b.c1, @example.org, x@.org", {}},
      {"a@b@c.org", {"b@c.org"}},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.text) {
      BOOST_TEST(Found(c.text) == c.addresses, boost::test_tools::per_element());
    }
  }
}

BOOST_AUTO_TEST_CASE(a_long_run_of_at_signs_is_searched_in_linear_time) {
  std::string text;
  for (int i = 0; i < 200000; ++i) text += "a@";
  text += "b.org";
  BOOST_TEST(Found(text).size() == 1u);
}

BOOST_AUTO_TEST_CASE(tokens_are_deterministic_keyed_and_case_exact) {
  const std::string a = kPseudonymizer.AddressToken("ada@example.org");
  BOOST_TEST(a == kPseudonymizer.AddressToken("ada@example.org"));
  BOOST_TEST(a != kPseudonymizer.AddressToken("Ada@example.org"));  // read back as written
  BOOST_TEST(a.size() == kTokenLength);
  const Pseudonymizer other("k1", std::string(32, 'k'), std::string(32, 'e'));
  BOOST_TEST(a != other.AddressToken("ada@example.org"));
  // Its learner is the one the address names in any case.
  BOOST_TEST(AddressIfi("Ada@EXAMPLE.org") == AddressIfi("ada@example.org"));
}

BOOST_AUTO_TEST_CASE(split_replaces_every_address_and_lists_its_tokens) {
  auto doc = xapi::ParseJson(R"({"actor":{"$p":"p","$v":"v","objectType":"Agent"},
      "object":{"id":"https://x.org/essays/ada@example.org"},
      "result":{"response":"ask ada@example.org or lin@example.org",
                "extensions":{"https://x.org/e/lin@example.org":["a1234@pseudonym.invalid"]}}})");
  BOOST_REQUIRE(doc.ok());
  MayStore no_lin = [](const std::string& pseudonym) {
    return pseudonym != kPseudonymizer.Pseudonym(AddressIfi("lin@example.org"));
  };
  SplitIdentities split =
      SplitStatementAddresses(**doc, (*doc)->GetAllocator(), kPseudonymizer, &no_lin);
  const std::string stored = xapi::ToJson(**doc);
  BOOST_TEST(stored.find("ada@example.org") == std::string::npos);
  BOOST_TEST(stored.find("lin@example.org") == std::string::npos);
  BOOST_TEST(stored.find(std::string(kWithheldAddress)) != std::string::npos);
  // A client string that looks like a token is an address too.
  BOOST_TEST(stored.find("a1234@pseudonym.invalid") == std::string::npos);
  BOOST_TEST(split.variants.size() == 2u);  // ada, and the client's look-alike
  const std::string ada = kPseudonymizer.AddressToken("ada@example.org");
  BOOST_TEST(xapi::ToJson((**doc)[kAddressTokens]).find(ada) != std::string::npos);
  BOOST_TEST(split.variants[0].plaintext == R"({"mbox":"mailto:ada@example.org"})");
  BOOST_TEST((**doc)["object"]["id"].GetString() ==
             "https://x.org/essays/" + ada + std::string(kTokenDomain));
  BOOST_TEST(*TokenizeAddresses("https://x.org/essays/ada@example.org", kPseudonymizer) ==
             (**doc)["object"]["id"].GetString());
}

BOOST_AUTO_TEST_CASE(tokens_are_restored_only_where_they_open) {
  const std::string t = kPseudonymizer.AddressToken("ada@example.org");
  const std::string text =
      "to " + t + std::string(kTokenDomain) + ", x" + t + std::string(kTokenDomain);
  BOOST_TEST(FindTokens(text) == std::vector<std::string>{t}, boost::test_tools::per_element());
  auto restored = ReplaceTokens(text, [&](std::string_view token) -> std::optional<std::string> {
    if (token == t) return std::string("ada@example.org");
    return std::nullopt;
  });
  BOOST_TEST(*restored == "to ada@example.org, x" + t + std::string(kTokenDomain));
  BOOST_TEST(*AddressFromVariantJson(AddressVariantJson("Ada@Example.org")) == "Ada@Example.org");
}

// What makes restoring exact: every token the split writes is found again
// by FindTokens, wherever the address stood, and restoring gives back the
// text as sent. Checked over many generated texts (a fixed seed).
BOOST_AUTO_TEST_CASE(every_written_token_is_found_again_and_restores_the_text) {
  const std::string alphabet = "ab1.-@/_+:?=' AZ";
  uint32_t state = 20261207;
  auto next = [&]() {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
  };
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const size_t length = next() % 40;
    for (size_t i = 0; i < length; ++i) text += alphabet[next() % alphabet.size()];
    if (next() % 2) text.insert(next() % (text.size() + 1), "x.y@ex-ample.org");
    std::map<std::string, std::string> written;
    std::optional<std::string> stored = ReplaceAddresses(text, [&](std::string_view address) {
      std::string token = kPseudonymizer.AddressToken(address);
      written[token] = std::string(address);
      return token + std::string(kTokenDomain);
    });
    if (!stored) continue;
    BOOST_TEST_CONTEXT(text) {
      BOOST_TEST(stored->find('@') != std::string::npos);
      size_t found = 0;
      for (const std::string& t : FindTokens(*stored)) found += written.count(t);
      BOOST_TEST(found >= written.size());
      std::optional<std::string> restored =
          ReplaceTokens(*stored, [&](std::string_view token) -> std::optional<std::string> {
            auto it = written.find(std::string(token));
            if (it == written.end()) return std::nullopt;
            return it->second;
          });
      BOOST_TEST(restored.value_or("") == text);
    }
  }
}

}  // namespace
}  // namespace lrs::anonymizer

#define BOOST_TEST_MODULE anonymizer_pseudonymizer
#include "anonymizer/pseudonymizer.h"

#include <boost/test/unit_test.hpp>
#include <string>

#include "xapi/agent_identifier.h"
#include "xapi/json.h"

namespace lrs::anonymizer {
namespace {

const std::string kKey(32, 'k');

std::string CanonicalIfiOf(const char* agent_json) {
  auto doc = xapi::ParseJson(agent_json);
  BOOST_REQUIRE(doc.ok());
  auto ifi = xapi::CanonicalIfi(**doc);
  BOOST_REQUIRE(ifi.has_value());
  return *ifi;
}

BOOST_AUTO_TEST_CASE(pseudonym_is_deterministic) {
  Pseudonymizer a("k1", kKey), b("k1", kKey);
  BOOST_TEST(a.Pseudonym("openid:https://example.com/ada") ==
             b.Pseudonym("openid:https://example.com/ada"));
}

BOOST_AUTO_TEST_CASE(pseudonym_is_64_lowercase_hex_chars) {
  const std::string p = Pseudonymizer("k1", kKey).Pseudonym("openid:https://example.com/ada");
  BOOST_TEST(p.size() == 64u);
  BOOST_TEST(p.find_first_not_of("0123456789abcdef") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(different_keys_give_different_pseudonyms) {
  Pseudonymizer a("k1", std::string(32, 'a')), b("k2", std::string(32, 'b'));
  BOOST_TEST(a.Pseudonym("openid:https://example.com/ada") !=
             b.Pseudonym("openid:https://example.com/ada"));
}

BOOST_AUTO_TEST_CASE(different_identifiers_give_different_pseudonyms) {
  Pseudonymizer p("k1", kKey);
  BOOST_TEST(p.Pseudonym("openid:https://example.com/ada") !=
             p.Pseudonym("openid:https://example.com/bob"));
}

BOOST_AUTO_TEST_CASE(key_id_is_kept) { BOOST_TEST(Pseudonymizer("k7", kKey).key_id() == "k7"); }

BOOST_AUTO_TEST_CASE(mbox_and_matching_mbox_sha1sum_give_one_pseudonym) {
  Pseudonymizer p("k1", kKey);
  const std::string sha1 = xapi::Sha1Hex("mailto:ada@example.com");
  const std::string by_mbox = p.Pseudonym(CanonicalIfiOf(R"({"mbox":"mailto:ada@example.com"})"));
  const std::string by_sha1 =
      p.Pseudonym(CanonicalIfiOf(("{\"mbox_sha1sum\":\"" + sha1 + "\"}").c_str()));
  BOOST_TEST(by_mbox == by_sha1);
}

struct HmacVector {
  const char* name;
  std::string key;
  std::string data;
  const char* hex;
};

BOOST_AUTO_TEST_CASE(hmac_sha256_matches_rfc4231_test_vectors) {
  const HmacVector vectors[] = {
      {"case 1", std::string(20, '\x0b'), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"case 2", "Jefe", "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {"case 3", std::string(20, '\xaa'), std::string(50, '\xdd'),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
  };
  for (const HmacVector& v : vectors) {
    BOOST_TEST_CONTEXT(v.name) { BOOST_TEST(HmacSha256Hex(v.key, v.data) == v.hex); }
  }
}

BOOST_AUTO_TEST_CASE(pseudonym_is_hmac_of_the_canonical_ifi) {
  BOOST_TEST(Pseudonymizer("k1", kKey).Pseudonym("openid:x") == HmacSha256Hex(kKey, "openid:x"));
}

BOOST_AUTO_TEST_CASE(keyed_digest_separates_domains) {
  Pseudonymizer p("k1", kKey);
  BOOST_TEST(p.KeyedDigest("variant", "x") != p.KeyedDigest("content", "x"));
  // The separator keeps the label/data boundary: no shifting of bytes across it.
  BOOST_TEST(p.KeyedDigest("ab", "c") != p.KeyedDigest("a", "bc"));
  // A keyed digest is never the pseudonym of the same text.
  BOOST_TEST(p.KeyedDigest("variant", "openid:x") != p.Pseudonym("openid:x"));
  BOOST_TEST(p.KeyedDigest("variant", "openid:x") != p.Pseudonym("variantopenid:x"));
}

BOOST_AUTO_TEST_CASE(keyed_digest_is_hmac_of_label_nul_data) {
  Pseudonymizer p("k1", kKey);
  BOOST_TEST(p.KeyedDigest("variant", "data") ==
             HmacSha256Hex(kKey, std::string("variant") + '\0' + "data"));
}

BOOST_AUTO_TEST_CASE(keyed_digest_depends_on_the_key) {
  BOOST_TEST(Pseudonymizer("k1", std::string(32, 'a')).KeyedDigest("variant", "x") !=
             Pseudonymizer("k2", std::string(32, 'b')).KeyedDigest("variant", "x"));
}

}  // namespace
}  // namespace lrs::anonymizer

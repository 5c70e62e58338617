#define BOOST_TEST_MODULE anonymizer_pseudonymizer
#include "anonymizer/pseudonymizer.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <thread>
#include <vector>

#include "anonymizer/curve_pseudonym.h"
#include "xapi/agent_identifier.h"
#include "xapi/json.h"

namespace lrs::anonymizer {
namespace {

const std::string kKey(32, 'k');
const std::string kOtherKey(32, 'b');
const std::string kDigestKey(32, 'd');

std::string CanonicalIfiOf(const char* agent_json) {
  auto doc = xapi::ParseJson(agent_json);
  BOOST_REQUIRE(doc.ok());
  auto ifi = xapi::CanonicalIfi(**doc);
  BOOST_REQUIRE(ifi.has_value());
  return *ifi;
}

BOOST_AUTO_TEST_CASE(pseudonym_is_deterministic) {
  Pseudonymizer a("k1", kKey, kDigestKey), b("k1", kKey, kDigestKey);
  BOOST_TEST(a.Pseudonym("openid:https://example.com/ada") ==
             b.Pseudonym("openid:https://example.com/ada"));
  BOOST_TEST(a.Pseudonym("openid:https://example.com/ada") ==
             a.Pseudonym("openid:https://example.com/ada"));
}

BOOST_AUTO_TEST_CASE(pseudonym_is_the_curve_pseudonym_of_the_canonical_ifi) {
  const std::string p = Pseudonymizer("k1", kKey, kDigestKey).Pseudonym("openid:x");
  BOOST_TEST(p == CurvePseudonym(kKey, "openid:x"));
  BOOST_TEST(p.size() == 66u);
}

BOOST_AUTO_TEST_CASE(different_keys_give_different_pseudonyms) {
  Pseudonymizer a("k1", kKey, kDigestKey), b("k2", kOtherKey, kDigestKey);
  BOOST_TEST(a.Pseudonym("openid:https://example.com/ada") !=
             b.Pseudonym("openid:https://example.com/ada"));
}

BOOST_AUTO_TEST_CASE(different_identifiers_give_different_pseudonyms) {
  Pseudonymizer p("k1", kKey, kDigestKey);
  BOOST_TEST(p.Pseudonym("openid:https://example.com/ada") !=
             p.Pseudonym("openid:https://example.com/bob"));
}

BOOST_AUTO_TEST_CASE(key_id_is_kept) {
  BOOST_TEST(Pseudonymizer("k7", kKey, kDigestKey).key_id() == "k7");
}

BOOST_AUTO_TEST_CASE(mbox_and_matching_mbox_sha1sum_give_one_pseudonym) {
  Pseudonymizer p("k1", kKey, kDigestKey);
  const std::string sha1 = xapi::Sha1Hex("mailto:ada@example.com");
  const std::string by_mbox = p.Pseudonym(CanonicalIfiOf(R"({"mbox":"mailto:ada@example.com"})"));
  const std::string by_sha1 =
      p.Pseudonym(CanonicalIfiOf(("{\"mbox_sha1sum\":\"" + sha1 + "\"}").c_str()));
  BOOST_TEST(by_mbox == by_sha1);
}

BOOST_AUTO_TEST_CASE(rotating_a_stored_pseudonym_gives_what_the_new_key_computes) {
  Pseudonymizer before("k1", kKey, kDigestKey), after("k2", kOtherKey, kDigestKey);
  auto rotation = PseudonymRotation::Create(kKey, kOtherKey);
  BOOST_REQUIRE(rotation.ok());
  const std::string sha1 = xapi::Sha1Hex("mailto:ada@example.com");
  const std::string by_mbox = CanonicalIfiOf(R"({"mbox":"mailto:ada@example.com"})");
  const std::string by_sha1 = CanonicalIfiOf(("{\"mbox_sha1sum\":\"" + sha1 + "\"}").c_str());
  BOOST_TEST(rotation->Rotate(before.Pseudonym(by_mbox)).value() == after.Pseudonym(by_sha1));
}

BOOST_AUTO_TEST_CASE(the_cache_changes_no_answer_and_survives_turnover) {
  // Capacity 16 over 16 shards: one entry per shard per generation, so
  // 200 identifiers turn every shard over many times.
  Pseudonymizer cached("k1", kKey, kDigestKey, /*cache_capacity=*/16);
  Pseudonymizer uncached("k1", kKey, kDigestKey, /*cache_capacity=*/0);
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 200; ++i) {
      const std::string ifi = "openid:https://example.com/" + std::to_string(i % 50 * 7 + i);
      BOOST_TEST(cached.Pseudonym(ifi) == uncached.Pseudonym(ifi));
    }
  }
}

BOOST_AUTO_TEST_CASE(concurrent_callers_get_the_same_pseudonyms) {
  Pseudonymizer shared("k1", kKey, kDigestKey, /*cache_capacity=*/64);
  std::vector<std::string> expected;
  for (int i = 0; i < 40; ++i)
    expected.push_back(CurvePseudonym(kKey, "openid:" + std::to_string(i)));
  std::vector<int> wrong(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        for (int i = 0; i < 40; ++i) {
          const int k = (i * (t + 1) + round) % 40;
          if (shared.Pseudonym("openid:" + std::to_string(k)) != expected[k]) ++wrong[t];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < 4; ++t) BOOST_TEST(wrong[t] == 0);
}

BOOST_AUTO_TEST_CASE(keyed_digest_separates_domains) {
  Pseudonymizer p("k1", kKey, kDigestKey);
  BOOST_TEST(p.KeyedDigest("variant", "x") != p.KeyedDigest("content", "x"));
  // The separator keeps the label/data boundary: no shifting of bytes across it.
  BOOST_TEST(p.KeyedDigest("ab", "c") != p.KeyedDigest("a", "bc"));
  BOOST_TEST(p.KeyedDigest("variant", "x").size() == 64u);
}

BOOST_AUTO_TEST_CASE(keyed_digest_rotates_with_the_pseudonym_key) {
  BOOST_TEST(Pseudonymizer("k1", kKey, kDigestKey).KeyedDigest("variant", "x") !=
             Pseudonymizer("k2", kOtherKey, kDigestKey).KeyedDigest("variant", "x"));
}

BOOST_AUTO_TEST_CASE(keyed_digest_is_not_keyed_by_the_raw_scalar) {
  Pseudonymizer p("k1", kKey, kDigestKey);
  BOOST_TEST(p.KeyedDigest("variant", "data") !=
             HmacSha256Hex(kKey, std::string("variant") + '\0' + "data"));
}

BOOST_AUTO_TEST_CASE(anonymous_group_pseudonym_ignores_member_order) {
  Pseudonymizer p("k1", kKey, kDigestKey);
  BOOST_TEST(p.AnonymousGroupPseudonym({"b", "a"}) == p.AnonymousGroupPseudonym({"a", "b"}));
  BOOST_TEST(p.AnonymousGroupPseudonym({"a", "b"}) == p.KeyedDigest("anonymous-group", "a,b"));
  BOOST_TEST(p.AnonymousGroupPseudonym({"a", "b"}) != p.AnonymousGroupPseudonym({"a", "c"}));
}

BOOST_AUTO_TEST_CASE(content_digest_survives_a_new_pseudonym_key) {
  // The statement content hash: a re-sent statement must still match after
  // `lrs keys rotate`, which keeps the digest key.
  BOOST_TEST(Pseudonymizer("k1", kKey, kDigestKey).ContentDigest("{}") ==
             Pseudonymizer("k2", kOtherKey, kDigestKey).ContentDigest("{}"));
  BOOST_TEST(Pseudonymizer("k1", kKey, kDigestKey).ContentDigest("{}") !=
             Pseudonymizer("k1", kKey, std::string(32, 'e')).ContentDigest("{}"));
}

BOOST_AUTO_TEST_CASE(content_digest_is_hmac_of_statement_label_nul_data) {
  BOOST_TEST(Pseudonymizer("k1", kKey, kDigestKey).ContentDigest("{}") ==
             HmacSha256Hex(kDigestKey, std::string("statement") + '\0' + "{}"));
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

}  // namespace
}  // namespace lrs::anonymizer

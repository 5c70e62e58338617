#define BOOST_TEST_MODULE plugin_learner_token
#include <boost/test/unit_test.hpp>

#include "plugin/auth/learner_token.h"

#include <algorithm>
#include <string>

#include "xapi/jws.h"

using lrs::plugin::LearnerTokens;

namespace {
const LearnerTokens kTokens("tok-1", std::string(32, 't'));
constexpr int64_t kNow = 1'800'000'000;
}  // namespace

BOOST_AUTO_TEST_CASE(a_token_carries_its_learner_until_it_expires) {
  std::string token = kTokens.Issue("pseudonym-a", kNow * 1000000 + 123456, 900);
  auto claims = kTokens.Verify(token, kNow + 899);
  BOOST_REQUIRE(claims.ok());
  BOOST_TEST(claims->pseudonym == "pseudonym-a");
  BOOST_TEST(claims->expires_s == kNow + 900);
  BOOST_TEST(claims->issued_us == kNow * 1000000 + 123456);  // to the microsecond
  auto expired = kTokens.Verify(token, kNow + 900);
  BOOST_REQUIRE(!expired.ok());
  BOOST_TEST(expired.error().status == 401);
  BOOST_TEST(expired.error().message.find("expired") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_changed_byte_anywhere_is_refused) {
  const std::string token = kTokens.Issue("pseudonym-a", kNow * 1000000, 900);
  for (size_t i = 0; i < token.size(); ++i) {
    std::string forged = token;
    forged[i] = forged[i] == 'A' ? 'B' : 'A';
    BOOST_TEST(!kTokens.Verify(forged, kNow).ok(), "byte " << i);
  }
  BOOST_TEST(!kTokens.Verify(token.substr(0, token.size() - 1), kNow).ok());
  BOOST_TEST(!kTokens.Verify("", kNow).ok());
  BOOST_TEST(!kTokens.Verify("lt1..", kNow).ok());
}

BOOST_AUTO_TEST_CASE(one_learners_payload_cannot_borrow_anothers_signature) {
  std::string a = kTokens.Issue("pseudonym-a", kNow * 1000000, 900);
  std::string b = kTokens.Issue("pseudonym-b", kNow * 1000000, 900);
  for (size_t cut = 1; cut + 1 < std::min(a.size(), b.size()); ++cut) {
    const std::string spliced = b.substr(0, cut) + a.substr(cut);
    if (spliced == a || spliced == b) continue;
    BOOST_TEST(!kTokens.Verify(spliced, kNow).ok(), "cut " << cut);
  }
}

BOOST_AUTO_TEST_CASE(a_token_shows_no_pseudonym) {
  // Regression (issue 14, finding 12): the payload was base64 JSON, the
  // pseudonym readable by whoever saw the token.
  const std::string pseudonym = "3f9c2e71d04b8a65c1e0f7d2b9a4c8e3";
  const std::string token = kTokens.Issue(pseudonym, kNow * 1000000, 900);
  BOOST_TEST(token.rfind("lt2.", 0) == 0);
  std::string readable = token;
  for (size_t start = 0; start <= token.size();) {
    const size_t dot = std::min(token.find('.', start), token.size());
    std::string decoded;
    if (lrs::xapi::DecodeBase64(token.substr(start, dot - start), true, decoded)) {
      readable += "\n" + decoded;
    }
    start = dot + 1;
  }
  BOOST_TEST(readable.find(pseudonym) == std::string::npos);
  BOOST_TEST(readable.find("sub") == std::string::npos);
  BOOST_TEST(readable.find("tok-1") == std::string::npos);
  BOOST_TEST(token != kTokens.Issue(pseudonym, kNow * 1000000, 900));  // a fresh nonce each
}

BOOST_AUTO_TEST_CASE(a_token_of_the_signed_format_is_refused) {
  // lt1: the payload in clear, an HMAC after it. Never accepted now.
  const std::string payload =
      lrs::xapi::EncodeBase64Url("{\"sub\":\"p\",\"iat\":1,\"exp\":4102444800,\"kid\":\"tok-1\"}");
  auto verified = kTokens.Verify("lt1." + payload + "." + std::string(43, 'A'), kNow);
  BOOST_REQUIRE(!verified.ok());
  BOOST_TEST(verified.error().status == 401);
}

BOOST_AUTO_TEST_CASE(another_key_or_key_id_is_refused) {
  std::string token = kTokens.Issue("pseudonym-a", kNow * 1000000, 900);
  LearnerTokens other_key("tok-1", std::string(32, 'u'));
  LearnerTokens other_id("tok-2", std::string(32, 't'));
  BOOST_TEST(!other_key.Verify(token, kNow).ok());
  BOOST_TEST(!other_id.Verify(token, kNow).ok());
}

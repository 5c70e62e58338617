#define BOOST_TEST_MODULE plugin_learner_token
#include <boost/test/unit_test.hpp>

#include "plugin/learner_token.h"

using lrs::plugin::LearnerTokens;

namespace {
const LearnerTokens kTokens("tok-1", std::string(32, 't'));
constexpr int64_t kNow = 1'800'000'000;
}  // namespace

BOOST_AUTO_TEST_CASE(a_token_carries_its_learner_until_it_expires) {
  std::string token = kTokens.Issue("pseudonym-a", kNow, 900);
  auto claims = kTokens.Verify(token, kNow + 899);
  BOOST_REQUIRE(claims.ok());
  BOOST_TEST(claims->pseudonym == "pseudonym-a");
  BOOST_TEST(claims->expires_s == kNow + 900);
  auto expired = kTokens.Verify(token, kNow + 900);
  BOOST_REQUIRE(!expired.ok());
  BOOST_TEST(expired.error().status == 401);
  BOOST_TEST(expired.error().message.find("expired") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_changed_byte_anywhere_is_refused) {
  const std::string token = kTokens.Issue("pseudonym-a", kNow, 900);
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
  std::string a = kTokens.Issue("pseudonym-a", kNow, 900);
  std::string b = kTokens.Issue("pseudonym-b", kNow, 900);
  std::string spliced = b.substr(0, b.rfind('.')) + a.substr(a.rfind('.'));
  BOOST_TEST(!kTokens.Verify(spliced, kNow).ok());
}

BOOST_AUTO_TEST_CASE(another_key_or_key_id_is_refused) {
  std::string token = kTokens.Issue("pseudonym-a", kNow, 900);
  LearnerTokens other_key("tok-1", std::string(32, 'u'));
  LearnerTokens other_id("tok-2", std::string(32, 't'));
  BOOST_TEST(!other_key.Verify(token, kNow).ok());
  BOOST_TEST(!other_id.Verify(token, kNow).ok());
}

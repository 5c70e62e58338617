#define BOOST_TEST_MODULE anonymizer_sealer
#include "anonymizer/sealer.h"

#include <boost/test/unit_test.hpp>
#include <string>

#include "tests/anonymizer/fixed_sequence_random.h"

namespace lrs::anonymizer {
namespace {

constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
const std::string kKey(kSealKeyBytes, 'K');
const std::string kOtherKey(kSealKeyBytes, 'L');
const std::string kAad = "pseudonym-1";
const std::string kPlaintext = R"({"name":"Ada Lovelace","mbox":"mailto:ada@example.com"})";

BOOST_AUTO_TEST_CASE(open_returns_what_was_sealed) {
  const std::string plaintexts[] = {"", "x", kPlaintext, std::string(10000, 'z'),
                                    std::string("bin\0ary\xff", 8)};
  for (const std::string& plaintext : plaintexts) {
    BOOST_TEST_CONTEXT("plaintext of " << plaintext.size() << " bytes") {
      const std::string sealed = Seal(kKey, plaintext, kAad, *SystemRandom());
      BOOST_TEST(sealed.size() == kNonceBytes + plaintext.size() + kTagBytes);
      auto opened = Open(kKey, sealed, kAad);
      BOOST_REQUIRE(opened.ok());
      BOOST_TEST(*opened == plaintext);
    }
  }
}

BOOST_AUTO_TEST_CASE(sealed_blob_starts_with_the_nonce_from_the_random_source) {
  testing::FixedSequenceRandomForTests random("0123456789ab");
  const std::string sealed = Seal(kKey, kPlaintext, kAad, random);
  BOOST_TEST(sealed.substr(0, kNonceBytes) == "0123456789ab");
  BOOST_TEST(sealed.find("Ada") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(seal_is_reproducible_with_a_fixed_random_source) {
  testing::FixedSequenceRandomForTests a("0123456789ab"), b("0123456789ab");
  BOOST_TEST(Seal(kKey, kPlaintext, kAad, a) == Seal(kKey, kPlaintext, kAad, b));
}

BOOST_AUTO_TEST_CASE(two_seals_of_the_same_plaintext_differ) {
  BOOST_TEST(Seal(kKey, kPlaintext, kAad, *SystemRandom()) !=
             Seal(kKey, kPlaintext, kAad, *SystemRandom()));
}

BOOST_AUTO_TEST_CASE(open_with_the_wrong_key_fails_with_500) {
  auto opened = Open(kOtherKey, Seal(kKey, kPlaintext, kAad, *SystemRandom()), kAad);
  BOOST_REQUIRE(!opened.ok());
  BOOST_TEST(opened.error().status == 500);
  BOOST_TEST(opened.error().message.find("Ada") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(open_with_the_wrong_aad_fails) {
  const std::string sealed = Seal(kKey, kPlaintext, kAad, *SystemRandom());
  BOOST_TEST(!Open(kKey, sealed, "pseudonym-2").ok());
  BOOST_TEST(!Open(kKey, sealed, "").ok());
}

BOOST_AUTO_TEST_CASE(open_fails_when_any_part_is_tampered_with) {
  const std::string sealed = Seal(kKey, kPlaintext, kAad, *SystemRandom());
  struct Case {
    const char* part;
    size_t offset;
  };
  const Case cases[] = {
      {"nonce first byte", 0},
      {"nonce last byte", kNonceBytes - 1},
      {"ciphertext first byte", kNonceBytes},
      {"ciphertext last byte", sealed.size() - kTagBytes - 1},
      {"tag first byte", sealed.size() - kTagBytes},
      {"tag last byte", sealed.size() - 1},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.part) {
      std::string tampered = sealed;
      tampered[c.offset] = static_cast<char>(tampered[c.offset] ^ 0x01);
      auto opened = Open(kKey, tampered, kAad);
      BOOST_REQUIRE(!opened.ok());
      BOOST_TEST(opened.error().status == 500);
    }
  }
}

BOOST_AUTO_TEST_CASE(open_rejects_malformed_blobs_without_throwing) {
  const std::string sealed = Seal(kKey, kPlaintext, kAad, *SystemRandom());
  const std::string blobs[] = {"", "short", std::string(kNonceBytes + kTagBytes - 1, 'x'),
                               sealed.substr(0, sealed.size() - 1), sealed + "x"};
  for (const std::string& blob : blobs) {
    BOOST_TEST_CONTEXT("blob of " << blob.size() << " bytes") {
      BOOST_CHECK_NO_THROW(BOOST_TEST(!Open(kKey, blob, kAad).ok()));
    }
  }
}

BOOST_AUTO_TEST_CASE(open_rejects_a_key_of_the_wrong_size) {
  const std::string sealed = Seal(kKey, kPlaintext, kAad, *SystemRandom());
  BOOST_TEST(!Open(kKey.substr(0, 16), sealed, kAad).ok());
  BOOST_TEST(!Open("", sealed, kAad).ok());
}

}  // namespace
}  // namespace lrs::anonymizer

#define BOOST_TEST_MODULE anonymizer_curve_pseudonym
#include "anonymizer/curve_pseudonym.h"

#include <boost/test/unit_test.hpp>
#include <string>

#include "tests/anonymizer/fixed_sequence_random.h"
#include "xapi/hex.h"

namespace lrs::anonymizer {
namespace {

std::string Key(const std::string& hex) {
  std::string bytes;
  BOOST_REQUIRE(xapi::HexDecode(hex, bytes));
  return bytes;
}

const std::string kOne = Key(std::string(63, '0') + "1");
const std::string kKeyA(32, 'k');  // 0x6b6b...
const std::string kKeyB(32, 'b');
// n - 1 and n, the P-256 group order.
const std::string kOrderMinusOne =
    Key("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550");
const std::string kOrder = Key("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");

struct KnownAnswer {
  const char* name;
  std::string key;
  const char* ifi;
  const char* pseudonym;
};

// Computed by an independent pure-Python P-256 implementation of the same
// definition (curve_pseudonym.h, invariant 1): hash-to-curve by SHA-256 with
// the domain prefix and a one-byte counter, even y, then k · H.
BOOST_AUTO_TEST_CASE(matches_known_answers_of_an_independent_implementation) {
  const KnownAnswer cases[] = {
      // k = 1 gives H itself; this IFI needs three tries of hash-to-curve.
      {"k = 1", kOne, "openid:https://example.com/ada",
       "02136d9000e14e67a1c54fe059beeb4308ae7ea20776403d0ab588b625aa3c226f"},
      {"k = 0x6b..", kKeyA, "openid:https://example.com/ada",
       "028886fbc5e581ce61f3d96c17ac350bbf12b8b1340029193ce5d4e3b9dc486124"},
      {"mbox_sha1sum", kKeyA, "mbox_sha1sum:72ac10875be5a7770a4f31058ea797edb8e55020",
       "029eea7855c13c3443e2650a8244c9a33a4b52343b68ef10203718965e65af127b"},
      // k = n - 1 gives -H: odd y, so "03".
      {"k = n - 1", kOrderMinusOne, "account:https://lms.example.com\nada",
       "035416f166708d2da3611a37d35a22f01af7b14fa988afac1a8358b32ea10f94a8"},
  };
  for (const KnownAnswer& c : cases) {
    BOOST_TEST_CONTEXT(c.name) { BOOST_TEST(CurvePseudonym(c.key, c.ifi) == c.pseudonym); }
  }
}

BOOST_AUTO_TEST_CASE(pseudonym_is_a_compressed_point_in_66_lowercase_hex_chars) {
  const std::string p = CurvePseudonym(kKeyA, "openid:x");
  BOOST_TEST(p.size() == kPseudonymHexChars);
  BOOST_TEST((p.substr(0, 2) == "02" || p.substr(0, 2) == "03"));
  BOOST_TEST(p.find_first_not_of("0123456789abcdef") == std::string::npos);
  BOOST_TEST(IsCurvePseudonym(p));
}

BOOST_AUTO_TEST_CASE(valid_keys_are_scalars_from_one_to_below_the_group_order) {
  BOOST_TEST(IsValidPseudonymKey(kOne));
  BOOST_TEST(IsValidPseudonymKey(kOrderMinusOne));
  BOOST_TEST(IsValidPseudonymKey(kKeyA));
  BOOST_TEST(!IsValidPseudonymKey(std::string(32, '\0')));
  BOOST_TEST(!IsValidPseudonymKey(kOrder));
  BOOST_TEST(!IsValidPseudonymKey(std::string(32, '\xff')));
  BOOST_TEST(!IsValidPseudonymKey(std::string(31, 'k')));
  BOOST_TEST(!IsValidPseudonymKey(std::string(33, 'k')));
}

BOOST_AUTO_TEST_CASE(new_keys_skip_scalars_out_of_range) {
  // The first draw is n itself (out of range), the second is valid.
  testing::FixedSequenceRandomForTests random(kOrder + kKeyB);
  BOOST_TEST(NewPseudonymKey(random) == kKeyB);
  BOOST_TEST(IsValidPseudonymKey(NewPseudonymKey(*SystemRandom())));
}

BOOST_AUTO_TEST_CASE(rotating_a_pseudonym_gives_the_new_keys_pseudonym) {
  auto rotation = PseudonymRotation::Create(kKeyA, kKeyB);
  BOOST_REQUIRE(rotation.ok());
  for (const char* ifi : {"openid:https://example.com/ada", "mbox:mailto:bob@example.org",
                          "account:https://lms.example.com\ncat"}) {
    BOOST_TEST_CONTEXT(ifi) {
      BOOST_TEST(rotation->Rotate(CurvePseudonym(kKeyA, ifi)).value() ==
                 CurvePseudonym(kKeyB, ifi));
    }
  }
}

BOOST_AUTO_TEST_CASE(rotations_compose_and_invert) {
  const std::string c = kOrderMinusOne;
  const std::string p = CurvePseudonym(kKeyA, "openid:x");
  auto a_to_b = PseudonymRotation::Create(kKeyA, kKeyB);
  auto b_to_c = PseudonymRotation::Create(kKeyB, c);
  auto b_to_a = PseudonymRotation::Create(kKeyB, kKeyA);
  BOOST_REQUIRE((a_to_b.ok() && b_to_c.ok() && b_to_a.ok()));
  BOOST_TEST(b_to_c->Rotate(a_to_b->Rotate(p).value()).value() == CurvePseudonym(c, "openid:x"));
  BOOST_TEST(b_to_a->Rotate(a_to_b->Rotate(p).value()).value() == p);
}

BOOST_AUTO_TEST_CASE(rotation_refuses_what_is_not_a_curve_pseudonym) {
  auto rotation = PseudonymRotation::Create(kKeyA, kKeyB);
  BOOST_REQUIRE(rotation.ok());
  const std::string p = CurvePseudonym(kKeyA, "openid:x");
  const char* not_points[] = {
      "",
      "4fe564bdb09f997667d4682acdc13f35144ec3d9382a5043d60a005a66e9e415",    // 64 hex: a digest
      "04136d9000e14e67a1c54fe059beeb4308ae7ea20776403d0ab588b625aa3c226f",  // not compressed
      "02136D9000E14E67A1C54FE059BEEB4308AE7EA20776403D0AB588B625AA3C226F",  // upper case
      "02ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",  // x >= p
      "not a pseudonym at all, but sixty-six characters long, really.....",
  };
  for (const char* text : not_points) {
    BOOST_TEST_CONTEXT(text) {
      BOOST_TEST(!rotation->Rotate(text).has_value());
      BOOST_TEST(!IsCurvePseudonym(text));
    }
  }
  // About half of all x have no point on the curve: changing the last digit
  // of a valid one finds some (deterministically: the inputs are fixed).
  int off_curve = 0;
  for (char last : std::string("0123456789abcdef")) {
    std::string candidate = p;
    candidate.back() = last;
    if (!IsCurvePseudonym(candidate)) {
      ++off_curve;
      BOOST_TEST(!rotation->Rotate(candidate).has_value());
    }
  }
  BOOST_TEST(off_curve > 0);
}

BOOST_AUTO_TEST_CASE(rotation_refuses_invalid_keys) {
  BOOST_TEST(!PseudonymRotation::Create(kOrder, kKeyB).ok());
  BOOST_TEST(!PseudonymRotation::Create(kKeyA, std::string(32, '\0')).ok());
}

}  // namespace
}  // namespace lrs::anonymizer

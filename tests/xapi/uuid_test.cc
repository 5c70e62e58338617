#define BOOST_TEST_MODULE xapi_uuid
#include "xapi/uuid.h"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <string_view>

namespace lrs::xapi {
namespace {

struct Case {
  std::string_view text;
  bool valid;
};

BOOST_AUTO_TEST_CASE(accepts_standard_form_in_either_case) {
  const Case cases[] = {
      {"12345678-1234-5678-1234-567812345678", true},
      {"8f87ccde-bb56-4c2e-ab83-44982ef22df0", true},
      {"AA97B177-9383-4934-8543-0F91A7A02836", true},
      {"00000000-0000-0000-0000-000000000000", true},  // Any variant (Data 4.4 only recommends).
      {"", false},
      {"AA97B177-9383-4934-8543-0F91A7A028368", false},  // Too many digits (ADL suite).
      {"MA97B177-9383-4934-8543-0F91A7A02836", false},   // Not hex (ADL suite).
      {"aa97b1779383493485430f91a7a02836", false},       // No dashes.
      {"{aa97b177-9383-4934-8543-0f91a7a02836}", false},
      {"urn:uuid:aa97b177-9383-4934-8543-0f91a7a02836", false},
      {"aa97b177-93834-934-8543-0f91a7a02836", false},  // Dash misplaced.
      {"aa97b177-9383-4934-8543-0f91a7a0283", false},   // Too short.
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("uuid: " << c.text) { BOOST_TEST(IsValidUuid(c.text) == c.valid); }
  }
}

BOOST_AUTO_TEST_CASE(normalize_lowercases) {
  BOOST_TEST(NormalizeUuid("AA97B177-9383-4934-8543-0F91A7A02836") ==
             "aa97b177-9383-4934-8543-0f91a7a02836");
}

BOOST_AUTO_TEST_CASE(format_v4_sets_version_and_variant_bits) {
  uint8_t ones[16];
  uint8_t zeros[16] = {};
  for (uint8_t& b : ones) b = 0xff;
  BOOST_TEST(FormatUuidV4(ones) == "ffffffff-ffff-4fff-bfff-ffffffffffff");
  BOOST_TEST(FormatUuidV4(zeros) == "00000000-0000-4000-8000-000000000000");
  const uint8_t counting[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
  const std::string formatted = FormatUuidV4(counting);
  BOOST_TEST(formatted == "00112233-4455-4677-8899-aabbccddeeff");
  BOOST_TEST(IsValidUuid(formatted));
}

}  // namespace
}  // namespace lrs::xapi

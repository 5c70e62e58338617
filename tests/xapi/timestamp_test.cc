#define BOOST_TEST_MODULE xapi_timestamp
#include "xapi/timestamp.h"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lrs::xapi {
namespace {

constexpr int64_t kSecond = 1000000;
constexpr int64_t kDay = 86400 * kSecond;
// 2008-09-15T15:53:00Z, the instant ADL's conformance timestamps use.
constexpr int64_t kAdlInstant = 1221493980 * kSecond;

struct Case {
  std::string_view text;
  std::optional<int64_t> v1;  // Expected under 1.0.x; nullopt = rejected.
  std::optional<int64_t> v2;  // Expected under 2.0.0.
};

// Printable form, so that a failure shows both sides.
std::string Show(std::optional<int64_t> micros) {
  return micros ? std::to_string(*micros) : std::string("rejected");
}

void Check(const Case& c) {
  BOOST_TEST_CONTEXT("timestamp: \"" << c.text << "\"") {
    BOOST_TEST(Show(ParseTimestampMicros(c.text, Version::k1_0)) == Show(c.v1));
    BOOST_TEST(Show(ParseTimestampMicros(c.text, Version::k2_0)) == Show(c.v2));
  }
}

BOOST_AUTO_TEST_CASE(converts_offsets_to_utc) {
  const Case cases[] = {
      {"1970-01-01T00:00:00Z", 0, 0},
      {"2008-09-15T15:53:00Z", kAdlInstant, kAdlInstant},
      {"2008-09-15T15:53:00.601Z", kAdlInstant + 601000, kAdlInstant + 601000},
      {"2008-09-15T15:53:00.601+00:00", kAdlInstant + 601000, kAdlInstant + 601000},
      {"2008-09-15T17:53:00+02:00", kAdlInstant, kAdlInstant},
      {"2008-09-15T17:53:00+0200", kAdlInstant, kAdlInstant},
      {"2008-09-15T17:53:00+02", kAdlInstant, kAdlInstant},
      {"2008-09-15T10:23:00-05:30", kAdlInstant, kAdlInstant},
      {"2008-09-16T01:53:00+10:00", kAdlInstant, kAdlInstant},  // Crosses the date line.
      {"2008-09-15t15:53:00z", kAdlInstant, kAdlInstant},       // RFC 3339 5.6 lowercase.
      {"1969-12-31T23:59:59.5Z", -kSecond / 2, -kSecond / 2},   // Before the epoch.
  };
  for (const Case& c : cases) Check(c);
}

BOOST_AUTO_TEST_CASE(keeps_fractions_of_any_length_truncated_to_microseconds) {
  const Case cases[] = {
      {"2008-09-15T15:53:00.1Z", kAdlInstant + 100000, kAdlInstant + 100000},
      {"2008-09-15T15:53:00.123456Z", kAdlInstant + 123456, kAdlInstant + 123456},
      {"2008-09-15T15:53:00.1234569999Z", kAdlInstant + 123456, kAdlInstant + 123456},
      {"2008-09-15T15:53:00.Z", std::nullopt, std::nullopt},
  };
  for (const Case& c : cases) Check(c);
}

BOOST_AUTO_TEST_CASE(version_1_0_accepts_iso8601_forms_that_2_0_rejects) {
  const Case cases[] = {
      {"2008-09-15T15:53:00", kAdlInstant, std::nullopt},  // No offset: UTC under 1.0.
      {"2008-09-15T15:53:00.601", kAdlInstant + 601000, std::nullopt},
      {"2008-09-15T15:53Z", kAdlInstant, std::nullopt},  // No seconds.
      {"20080915T155300Z", kAdlInstant, std::nullopt},   // Basic format.
      {"20080915T1553Z", kAdlInstant, std::nullopt},
      {"2008-09-15T15:53:00,5Z", kAdlInstant + kSecond / 2, std::nullopt},  // Decimal comma.
      {"2008-09-15 15:53:00Z", std::nullopt, kAdlInstant},  // RFC 3339 space: 2.0 only.
  };
  for (const Case& c : cases) Check(c);
}

BOOST_AUTO_TEST_CASE(rejects_unknown_local_offset_forms) {
  // DIFFERENCES item 4; ADL's 1.0.3 tests reject them as well.
  const Case cases[] = {
      {"2008-09-15T15:53:00.601-00", std::nullopt, std::nullopt},
      {"2008-09-15T15:53:00.601-0000", std::nullopt, std::nullopt},
      {"2008-09-15T15:53:00.601-00:00", std::nullopt, std::nullopt},
      {"2008-09-15T15:53:00.601+00", kAdlInstant + 601000, kAdlInstant + 601000},
      {"2008-09-15T15:53:00-00:30", kAdlInstant + 30 * 60 * kSecond,
       kAdlInstant + 30 * 60 * kSecond},  // A real negative offset is fine.
  };
  for (const Case& c : cases) Check(c);
}

BOOST_AUTO_TEST_CASE(checks_calendar_dates_including_leap_years) {
  const int64_t feb29_2024 = 19782 * kDay;  // Days from 1970-01-01 to 2024-02-29.
  const int64_t feb29_2000 = 11016 * kDay;
  const Case cases[] = {
      {"2024-02-29T00:00:00Z", feb29_2024, feb29_2024},
      {"2000-02-29T00:00:00Z", feb29_2000, feb29_2000},  // Divisible by 400.
      {"2023-02-29T00:00:00Z", std::nullopt, std::nullopt},
      {"1900-02-29T00:00:00Z", std::nullopt, std::nullopt},  // Divisible by 100 only.
      {"2024-02-30T00:00:00Z", std::nullopt, std::nullopt},
      {"2024-04-31T00:00:00Z", std::nullopt, std::nullopt},
      {"2024-12-31T23:59:59Z", 1735689599 * kSecond, 1735689599 * kSecond},
      {"2024-00-10T00:00:00Z", std::nullopt, std::nullopt},
      {"2024-13-10T00:00:00Z", std::nullopt, std::nullopt},
      {"2024-01-00T00:00:00Z", std::nullopt, std::nullopt},
      {"2024-01-32T00:00:00Z", std::nullopt, std::nullopt},
  };
  for (const Case& c : cases) Check(c);
}

BOOST_AUTO_TEST_CASE(rejects_invalid_times_and_garbage) {
  const Case cases[] = {
      {"2024-01-01T24:00:00Z", std::nullopt, std::nullopt},
      {"2024-01-01T23:60:00Z", std::nullopt, std::nullopt},
      {"2024-01-01T23:59:61Z", std::nullopt, std::nullopt},
      {"2024-01-01T10:00:00+24:00", std::nullopt, std::nullopt},
      {"2024-01-01T10:00:00+05:60", std::nullopt, std::nullopt},
      {"2024-01-01", std::nullopt, std::nullopt},  // Date only: no time.
      {"2024-01-01T", std::nullopt, std::nullopt},
      {"T10:00:00Z", std::nullopt, std::nullopt},
      {"01/011/2015", std::nullopt, std::nullopt},  // ADL suite.
      {"should fail", std::nullopt, std::nullopt},
      {"", std::nullopt, std::nullopt},
      {"2024-1-01T10:00:00Z", std::nullopt, std::nullopt},
      {"2024-01-01T10:00:00ZZ", std::nullopt, std::nullopt},
      {"2024-01-01T10:00:00Z ", std::nullopt, std::nullopt},
      {"2024-01-01T10:00:00+5", std::nullopt, std::nullopt},
      {"2024-0101T10:00:00Z", std::nullopt, std::nullopt},  // Mixed extended and basic.
      {"20240101T10:00:00Z", std::nullopt, std::nullopt},
      {"+2024-01-01T10:00:00Z", std::nullopt, std::nullopt},  // Expanded years.
  };
  for (const Case& c : cases) Check(c);
}

BOOST_AUTO_TEST_CASE(leap_second_counts_into_the_next_minute) {
  const int64_t midnight_2017 = 1483228800 * kSecond;
  Check({"2016-12-31T23:59:60Z", midnight_2017, midnight_2017});
}

BOOST_AUTO_TEST_CASE(formats_utc_with_three_fraction_digits) {
  BOOST_TEST(FormatTimestamp(0) == "1970-01-01T00:00:00.000Z");
  BOOST_TEST(FormatTimestamp(kAdlInstant + 601999) == "2008-09-15T15:53:00.601Z");
  BOOST_TEST(FormatTimestamp(19782 * kDay + 1) == "2024-02-29T00:00:00.000Z");
  BOOST_TEST(FormatTimestamp(-1) == "1969-12-31T23:59:59.999Z");
  BOOST_TEST(FormatTimestamp(-kDay) == "1969-12-31T00:00:00.000Z");
  BOOST_TEST(FormatTimestamp(253402300799 * kSecond) == "9999-12-31T23:59:59.000Z");
}

BOOST_AUTO_TEST_CASE(format_then_parse_round_trips_at_millisecond_precision) {
  for (int64_t micros :
       {int64_t{0}, kAdlInstant + 123000, int64_t{-86399999000}, int64_t{1798085881123000}}) {
    BOOST_TEST_CONTEXT("micros: " << micros) {
      BOOST_TEST(Show(ParseTimestampMicros(FormatTimestamp(micros), Version::k2_0)) ==
                 Show(micros));
    }
  }
}

}  // namespace
}  // namespace lrs::xapi

#define BOOST_TEST_MODULE xapi_duration
#include "xapi/duration.h"

#include <boost/test/unit_test.hpp>
#include <string_view>

namespace lrs::xapi {
namespace {

struct Case {
  std::string_view text;
  bool valid;
};

BOOST_AUTO_TEST_CASE(accepts_iso8601_designator_format) {
  const Case cases[] = {
      // Data 4.6 examples and ADL conformance values.
      {"PT4H35M59.14S", true},
      {"PT16559.14S", true},
      {"P3Y1M29DT4H35M59.14S", true},
      {"P3Y", true},
      {"P4W", true},
      {"PT1H0M0.1S", true},
      {"PT0.001S", true},  // Finer than 0.01 s (2.0 item 8).
      {"PT1.123456789S", true},
      {"P1D", true},
      {"PT5M", true},
      {"P1M", true},
      {"P0D", true},
      {"P1Y2M3DT4H5M6S", true},
      {"P0.5Y", true},   // Fraction on the only (smallest) component.
      {"PT1,5S", true},  // ISO 8601 allows the comma.
      {"P1DT2H", true},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("duration: " << c.text) { BOOST_TEST(IsValidDuration(c.text) == c.valid); }
  }
}

BOOST_AUTO_TEST_CASE(rejects_malformed_durations) {
  const Case cases[] = {
      {"", false},
      {"P", false},
      {"PT", false},
      {"P1DT", false},      // "T" without a time component.
      {"PA1H0M0S", false},  // ADL conformance value.
      {"should fail", false},
      {"1H", false},
      {"p1d", false},    // Designators are uppercase.
      {"P4W1D", false},  // Weeks stand alone (Data 4.6).
      {"P1W2W", false},
      {"P1.5W2D", false},
      {"PT1.5H30M", false},  // Fraction only on the smallest unit.
      {"P1.5DT1H", false},
      {"P1D2Y", false},  // Out of order.
      {"PT1S2M", false},
      {"P1Y1Y", false},                 // Repeated.
      {"P1H", false},                   // Hours need "T".
      {"PT1D", false},                  // Days are not a time component.
      {"P0003-06-04T12:30:05", false},  // Alternative format (4.4.3.3) is forbidden.
      {"-P1D", false},
      {"P-1D", false},
      {"P.5D", false},
      {"P1.D", false},
      {"PT1H ", false},
      {"P1DT1H1M1S1", false},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("duration: " << c.text) { BOOST_TEST(IsValidDuration(c.text) == c.valid); }
  }
}

BOOST_AUTO_TEST_CASE(duration_seconds_uses_fixed_calendar_units) {
  struct Case {
    const char* text;
    double seconds;
  };
  const Case cases[] = {
      {"PT0S", 0},
      {"PT21M", 1260},
      {"PT1H30M", 5400},
      {"PT1.5H", 5400},
      {"PT2,25S", 2.25},
      {"PT0.001S", 0.001},
      {"P1D", 86400},
      {"P2W", 14 * 86400},
      {"P1M", 30 * 86400},            // a month is 30 days
      {"P1Y", 365 * 86400},           // a year is 365 days
      {"P1MT1M", 30 * 86400 + 60},    // M before T is months, after it minutes
      {"P1DT1H1M1.5S", 86400 + 3600 + 60 + 1.5},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("duration: " << c.text) {
      const std::optional<double> seconds = DurationSeconds(c.text);
      BOOST_REQUIRE(seconds.has_value());
      BOOST_TEST(*seconds == c.seconds, boost::test_tools::tolerance(1e-9));
    }
  }
}

BOOST_AUTO_TEST_CASE(duration_seconds_of_an_invalid_duration_is_none) {
  for (const char* text : {"", "P", "PT", "P1H", "-PT1S", "PT1S2M", "P4W1D", "1S"}) {
    BOOST_TEST_CONTEXT("duration: " << text) { BOOST_TEST(!DurationSeconds(text).has_value()); }
  }
}

}  // namespace
}  // namespace lrs::xapi

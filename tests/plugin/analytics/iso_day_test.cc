#define BOOST_TEST_MODULE plugin_iso_day
#include "plugin/analytics/iso_day.h"

#include <boost/test/unit_test.hpp>

using lrs::plugin::FormatIsoDay;
using lrs::plugin::ParseIsoDay;

BOOST_AUTO_TEST_CASE(counts_days_since_1970) {
  BOOST_TEST(*ParseIsoDay("1970-01-01") == 0);
  BOOST_TEST(*ParseIsoDay("1970-01-02") == 1);
  BOOST_TEST(*ParseIsoDay("2000-03-01") == 11017);  // after a leap day of a year divisible by 400
  BOOST_TEST(*ParseIsoDay("2026-12-07") == 20794);
}

BOOST_AUTO_TEST_CASE(refuses_days_that_do_not_exist_and_other_spellings) {
  for (const char* text : {"2026-02-29", "2100-02-29", "2026-13-01", "2026-00-10", "2026-04-31",
                           "2026-1-01", "2026-01-01T00:00:00Z", "20260101", "1969-12-31",
                           "2026/01/01", "", "２０２６-01-01"}) {
    BOOST_TEST_CONTEXT(text) { BOOST_TEST(!ParseIsoDay(text).has_value()); }
  }
  BOOST_TEST(ParseIsoDay("2024-02-29").has_value());
  BOOST_TEST(ParseIsoDay("2000-02-29").has_value());
}

BOOST_AUTO_TEST_CASE(format_is_the_inverse_of_parse) {
  for (int32_t day : {0, 1, 59, 365, 11016, 11017, 20794, 2932896}) {
    BOOST_TEST_CONTEXT(day) { BOOST_TEST(*ParseIsoDay(FormatIsoDay(day)) == day); }
  }
  BOOST_TEST(FormatIsoDay(20794) == "2026-12-07");
  BOOST_TEST(FormatIsoDay(2932896) == "9999-12-31");
}

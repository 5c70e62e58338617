#define BOOST_TEST_MODULE analytics_period
#include "analytics/period.h"

#include <boost/test/unit_test.hpp>

namespace lrs::analytics {
namespace {

BOOST_AUTO_TEST_CASE(days_are_utc_and_floor_before_1970) {
  BOOST_TEST(DayOf(0) == 0);
  BOOST_TEST(DayOf(86400LL * 1000000 - 1) == 0);
  BOOST_TEST(DayOf(-1) == -1);
  BOOST_TEST(FormatDay(0) == "1970-01-01");
  BOOST_TEST(FormatDay(-1) == "1969-12-31");
  BOOST_TEST(*ParseDay("2026-03-02") == DaysFromCivil(2026, 3, 2));
  BOOST_TEST(FormatDay(*ParseDay("2024-02-29")) == "2024-02-29");
}

BOOST_AUTO_TEST_CASE(weeks_start_on_monday) {
  struct Case {
    const char* day;
    const char* week;
  } cases[] = {
      {"2026-03-02", "2026-03-02"},  // a Monday is its own week
      {"2026-03-08", "2026-03-02"},  // Sunday belongs to the Monday before
      {"2026-03-09", "2026-03-09"},
      {"1970-01-01", "1969-12-29"},  // a Thursday
      {"2027-01-01", "2026-12-28"},  // weeks cross years
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.day) {
      BOOST_TEST(FormatDay(PeriodStart(Period::kWeek, *ParseDay(c.day))) == c.week);
      BOOST_TEST(PeriodEnd(Period::kWeek, PeriodStart(Period::kWeek, *ParseDay(c.day))) ==
                 PeriodStart(Period::kWeek, *ParseDay(c.day)) + 7);
    }
  }
}

BOOST_AUTO_TEST_CASE(months_snap_to_their_first_day) {
  BOOST_TEST(FormatDay(PeriodStart(Period::kMonth, *ParseDay("2026-02-28"))) == "2026-02-01");
  BOOST_TEST(FormatDay(PeriodStart(Period::kMonth, *ParseDay("2024-12-31"))) == "2024-12-01");
  BOOST_TEST(FormatDay(PeriodEnd(Period::kMonth, *ParseDay("2024-12-01"))) == "2025-01-01");
  BOOST_TEST(FormatDay(PeriodEnd(Period::kMonth, *ParseDay("2024-02-01"))) == "2024-03-01");
  BOOST_TEST(PeriodStart(Period::kDay, 12345) == 12345);
  BOOST_TEST(PeriodStart(Period::kAll, 12345) == 0);
}

BOOST_AUTO_TEST_CASE(rejects_days_that_are_not_dates) {
  for (const char* bad : {"2026-02-30", "2026-13-01", "2026-00-10", "26-01-01", "2026-1-01", "2026-01-0a", ""}) {
    BOOST_TEST_CONTEXT(bad) { BOOST_TEST(!ParseDay(bad).has_value()); }
  }
}

}  // namespace
}  // namespace lrs::analytics

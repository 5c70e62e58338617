#include "analytics/period.h"

#include <cstdio>

namespace lrs::analytics {
namespace {

constexpr int64_t kMicrosPerDay = 86400LL * 1000000LL;

struct Civil {
  int year;
  unsigned month, day;
};

// Inverse of DaysFromCivil (Hinnant, "chrono-Compatible Low-Level Date Algorithms").
Civil CivilFromDays(int32_t z32) {
  int64_t z = int64_t{z32} + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2)), m, d};
}

}  // namespace

int32_t DaysFromCivil(int year, unsigned month, unsigned day) {
  const int y = year - (month <= 2);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

int32_t DayOf(int64_t at_us) {
  int64_t day = at_us / kMicrosPerDay;
  if (at_us % kMicrosPerDay < 0) --day;
  return static_cast<int32_t>(day);
}

int32_t PeriodStart(Period period, int32_t day) {
  switch (period) {
    case Period::kAll:
      return 0;
    case Period::kDay:
      return day;
    case Period::kWeek: {
      // 1970-01-01 was a Thursday: Monday-based weekday is (day + 3) mod 7.
      const int32_t weekday = ((day + 3) % 7 + 7) % 7;
      return day - weekday;
    }
    case Period::kMonth: {
      const Civil c = CivilFromDays(day);
      return DaysFromCivil(c.year, c.month, 1);
    }
  }
  return day;
}

int32_t PeriodEnd(Period period, int32_t start) {
  switch (period) {
    case Period::kAll:
      return start;
    case Period::kDay:
      return start + 1;
    case Period::kWeek:
      return start + 7;
    case Period::kMonth: {
      const Civil c = CivilFromDays(start);
      return c.month == 12 ? DaysFromCivil(c.year + 1, 1, 1) : DaysFromCivil(c.year, c.month + 1, 1);
    }
  }
  return start + 1;
}

std::string FormatDay(int32_t day) {
  const Civil c = CivilFromDays(day);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.year, c.month, c.day);
  return buf;
}

std::optional<int32_t> ParseDay(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  const int year = std::stoi(text.substr(0, 4));
  const unsigned month = static_cast<unsigned>(std::stoi(text.substr(5, 2)));
  const unsigned day = static_cast<unsigned>(std::stoi(text.substr(8, 2)));
  if (month < 1 || month > 12 || day < 1) return std::nullopt;
  const int32_t index = DaysFromCivil(year, month, day);
  if (CivilFromDays(index).day != day) return std::nullopt;  // e.g. 2026-02-30
  return index;
}

}  // namespace lrs::analytics

#pragma once
// Periods of the catalogue (issue 16: "period": the period's first day, UTC;
// weeks start on Monday). Every place is a day index (days since 1970-01-01,
// UTC); a week or a month is named by the day index of its first day, so a
// period row is always a whole bucket and `from`/`to` can only select whole
// buckets (ANALYTICS.md: time filters snap to bucket boundaries).
// Pure functions of integers; the proleptic Gregorian calendar.

#include <cstdint>
#include <optional>
#include <string>

#include "analytics/epoch.h"

namespace lrs::analytics {

// The UTC day of a timestamp in microseconds (floor, also before 1970).
int32_t DayOf(int64_t at_us);

// The first day of the period that holds `day`: itself for kDay, the Monday
// on or before it for kWeek, the 1st of its month for kMonth; 0 for kAll.
int32_t PeriodStart(Period period, int32_t day);

// The first day after the period that starts at `start` (kAll: never used).
int32_t PeriodEnd(Period period, int32_t start);

// "YYYY-MM-DD" of a day index, and back; nullopt for anything else.
std::string FormatDay(int32_t day);
std::optional<int32_t> ParseDay(const std::string& text);

// Civil date <-> day index (Howard Hinnant's days_from_civil).
int32_t DaysFromCivil(int year, unsigned month, unsigned day);

}  // namespace lrs::analytics

#pragma once
// Durations as xAPI uses them (Data 4.6): the ISO 8601:2004 4.4.3.2 format
// with designators, "PnYnMnDTnHnMnS" (any component may be left out) or
// "PnW" alone. Pure function, thread-safe.

#include <optional>
#include <string_view>

namespace lrs::xapi {

// True when `s` is such a duration:
//  - "P", then components in the order Y M D; "T" then H M S;
//  - at least one component; "T" only when a time component follows;
//  - weeks ("W") only on their own ("P4W1D" is invalid, Data 4.6 examples);
//  - each value one or more digits; only the last component may carry a
//    decimal fraction ("." or "," then one or more digits), of any length
//    (2.0: precision finer than 0.01 s is accepted, DIFFERENCES item 8);
//  - no sign, no alternative format ("P0003-06-04T12:30:05" is rejected).
bool IsValidDuration(std::string_view s);

// The length of a valid duration in seconds, for analytics (time spent,
// time to complete); nullopt when !IsValidDuration(s). A duration carries no
// calendar anchor, so the calendar units have fixed lengths: a year is 365
// days, a month 30, a week 7, a day 86,400 s (no leap seconds). A fraction
// counts in its own unit ("PT1.5H" is 5,400 s).
std::optional<double> DurationSeconds(std::string_view s);

}  // namespace lrs::xapi

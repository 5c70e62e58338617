#pragma once
// Durations as xAPI uses them (Data 4.6): the ISO 8601:2004 4.4.3.2 format
// with designators, "PnYnMnDTnHnMnS" (any component may be left out) or
// "PnW" alone. Pure function, thread-safe.

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

}  // namespace lrs::xapi

#pragma once
// Timestamps as xAPI uses them (Data 4.5; 2.0 per shared/xapi-spec/2.0/
// DIFFERENCES.md item 4): parsed to UTC microseconds, written back in UTC.
//
// Accepted under both versions:
//   date "YYYY-MM-DD", "T" (or "t"), time "hh:mm:ss", optional fraction
//   ("." and one or more digits, any length, truncated to microseconds),
//   offset "Z"/"z", "+hh:mm", "+hhmm" or "+hh" (and "-").
// Version 1.0 (ISO 8601, Data 4.5) also accepts: no offset (read as UTC,
//   which Data 4.5 only recommends against), a time without seconds
//   ("hh:mm"), the basic format without separators ("YYYYMMDDThhmmss"), and
//   "," as the decimal sign.
// Version 2.0 (RFC 3339) requires the offset and seconds, and also accepts a
//   space between date and time (RFC 3339 5.6, note).
// Always rejected: the "unknown offset" forms -00, -0000, -00:00 (DIFFERENCES
//   item 4; ADL's 1.0.3 conformance tests reject them too, and ISO 8601 writes
//   a zero offset with "+"); impossible dates (Feb 30, Feb 29 of a common
//   year), hour 24, minute 60; years outside 0000..9999.
// A second of 60 (leap second) is accepted and counts into the next minute.
//
// Pure functions, thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "xapi/version.h"

namespace lrs::xapi {

// Microseconds since 1970-01-01T00:00:00Z, or nullopt when `text` is not a
// timestamp `version` accepts.
std::optional<int64_t> ParseTimestampMicros(std::string_view text, Version version);

// "YYYY-MM-DDThh:mm:ss.mmmZ": UTC, always three fraction digits (Data 4.5
// asks for at least millisecond precision). Sub-millisecond digits are
// truncated toward the past, also before 1970.
std::string FormatTimestamp(int64_t micros);

}  // namespace lrs::xapi

#pragma once
// Calendar days as the analytics API spells them: "YYYY-MM-DD", a day of the
// proleptic Gregorian calendar in UTC, counted as days since 1970-01-01 (the
// unit of analytics::TableRequest::from_day and RequiredActivity::due_day).
// Pure; thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lrs::plugin {

// Exactly ten characters "YYYY-MM-DD" naming a day that exists (no
// 2026-02-30), years 1970 to 9999; nullopt otherwise.
std::optional<int32_t> ParseIsoDay(std::string_view text);

// The inverse: "YYYY-MM-DD" for days since 1970-01-01 (0 <= day).
std::string FormatIsoDay(int32_t day);

}  // namespace lrs::plugin

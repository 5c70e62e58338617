#include "xapi/timestamp.h"

#include <cstdio>

namespace lrs::xapi {
namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kSecondsPerDay = 86400;

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// Days from 1970-01-01 to the given proleptic Gregorian date (H. Hinnant's
// days_from_civil, exact for every year this parser accepts).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// The inverse of DaysFromCivil.
void CivilFromDays(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

// A cursor over the text; each Read* consumes only on success.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ == text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  bool Consume(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  // Exactly `n` decimal digits.
  bool ReadDigits(int n, int* value) {
    if (text_.size() - pos_ < static_cast<size_t>(n)) return false;
    int v = 0;
    for (int i = 0; i < n; ++i) {
      char c = text_[pos_ + i];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    pos_ += n;
    *value = v;
    return true;
  }
  // One or more digits, read as a fraction of a second in microseconds
  // (digits beyond the sixth are checked and dropped).
  bool ReadFractionMicros(int64_t* micros) {
    size_t start = pos_;
    int64_t v = 0;
    int kept = 0;
    while (!AtEnd() && Peek() >= '0' && Peek() <= '9') {
      if (kept < 6) {
        v = v * 10 + (Peek() - '0');
        ++kept;
      }
      ++pos_;
    }
    if (pos_ == start) return false;
    for (; kept < 6; ++kept) v *= 10;
    *micros = v;
    return true;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<int64_t> ParseTimestampMicros(std::string_view text, Version version) {
  const bool v1 = version == Version::k1_0;
  Scanner in(text);

  int year, month, day;
  if (!in.ReadDigits(4, &year)) return std::nullopt;
  // The basic format (no separators) is ISO 8601 but not RFC 3339; its
  // time part must then be basic too (ISO 8601 forbids mixing).
  const bool extended = in.Consume('-');
  if (!extended && !v1) return std::nullopt;
  if (!in.ReadDigits(2, &month) || (extended && !in.Consume('-')) || !in.ReadDigits(2, &day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) return std::nullopt;

  if (!in.Consume('T') && !in.Consume('t') && (v1 || !in.Consume(' '))) return std::nullopt;

  int hour, minute, second = 0;
  int64_t fraction = 0;
  if (!in.ReadDigits(2, &hour) || (extended && !in.Consume(':')) || !in.ReadDigits(2, &minute)) {
    return std::nullopt;
  }
  const bool has_seconds = extended ? in.Consume(':') : (in.Peek() >= '0' && in.Peek() <= '9');
  if (has_seconds) {
    if (!in.ReadDigits(2, &second)) return std::nullopt;
    if ((in.Consume('.') || (v1 && in.Consume(','))) && !in.ReadFractionMicros(&fraction)) {
      return std::nullopt;
    }
  } else if (!v1) {
    return std::nullopt;  // RFC 3339 time-secfrac is optional, time-second is not.
  }
  // ISO 8601's "24:00" end-of-day form is not accepted; 60 is a leap second.
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;

  int offset_seconds = 0;
  if (in.Consume('Z') || in.Consume('z')) {
  } else if (in.Peek() == '+' || in.Peek() == '-') {
    const bool negative = in.Peek() == '-';
    in.Consume(in.Peek());
    int offset_hours, offset_minutes = 0;
    if (!in.ReadDigits(2, &offset_hours)) return std::nullopt;
    if (in.Consume(':')) {
      if (!in.ReadDigits(2, &offset_minutes)) return std::nullopt;
    } else if (!in.AtEnd() && !in.ReadDigits(2, &offset_minutes)) {
      return std::nullopt;
    }
    if (offset_hours > 23 || offset_minutes > 59) return std::nullopt;
    // RFC 3339 4.3: -00:00 means "offset unknown", which 2.0 rejects.
    if (negative && offset_hours == 0 && offset_minutes == 0) return std::nullopt;
    offset_seconds = (negative ? -1 : 1) * (offset_hours * 3600 + offset_minutes * 60);
  } else if (!v1) {
    return std::nullopt;  // 2.0 requires an offset.
  }
  if (!in.AtEnd()) return std::nullopt;

  const int64_t seconds = DaysFromCivil(year, month, day) * kSecondsPerDay + hour * 3600 +
                          minute * 60 + second - offset_seconds;
  return seconds * kMicrosPerSecond + fraction;
}

std::string FormatTimestamp(int64_t micros) {
  // Floor division, so that instants before 1970 truncate toward the past.
  int64_t millis = micros / 1000 - (micros % 1000 < 0 ? 1 : 0);
  int64_t seconds = millis / 1000 - (millis % 1000 < 0 ? 1 : 0);
  const int ms = static_cast<int>(millis - seconds * 1000);
  int64_t days = seconds / kSecondsPerDay - (seconds % kSecondsPerDay < 0 ? 1 : 0);
  const int64_t second_of_day = seconds - days * kSecondsPerDay;
  int64_t year;
  int month, day;
  CivilFromDays(days, &year, &month, &day);
  char buffer[96];  // roomy enough for any int64 year the compiler can imagine
  std::snprintf(buffer, sizeof buffer, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ",
                static_cast<long long>(year), month, day, static_cast<int>(second_of_day / 3600),
                static_cast<int>(second_of_day / 60 % 60), static_cast<int>(second_of_day % 60),
                ms);
  return buffer;
}

}  // namespace lrs::xapi

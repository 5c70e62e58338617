#include "xapi/uuid.h"

namespace lrs::xapi {
namespace {

constexpr size_t kUuidLength = 36;

bool IsDashPosition(size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

}  // namespace

bool IsValidUuid(std::string_view s) {
  if (s.size() != kUuidLength) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (IsDashPosition(i) ? s[i] != '-' : !IsHex(s[i])) return false;
  }
  return true;
}

std::string NormalizeUuid(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string FormatUuidV4(const uint8_t random16[16]) {
  static constexpr char kHex[] = "0123456789abcdef";
  uint8_t bytes[16];
  for (int i = 0; i < 16; ++i) bytes[i] = random16[i];
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0f) | 0x40);  // Version 4 (RFC 4122 4.4).
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3f) | 0x80);  // Variant 10 (RFC 4122 4.1.1).
  std::string out;
  out.reserve(kUuidLength);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0x0f]);
  }
  return out;
}

}  // namespace lrs::xapi

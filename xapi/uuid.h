#pragma once
// UUIDs in the standard string form (xAPI Data 2.4.1, 4.4; RFC 4122 3).
//
// xAPI only recommends the RFC 4122 variant, so any version and variant bits
// are accepted; the form (8-4-4-4-12 hex digits, either case) is required.
// Pure functions, thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

namespace lrs::xapi {

// True for exactly 36 characters: 8-4-4-4-12 hexadecimal digits separated
// by "-". No braces, no "urn:uuid:" prefix.
bool IsValidUuid(std::string_view s);

// Lowercase form, the one the LRS stores and compares. Precondition:
// IsValidUuid(s); other input is lowercased as is.
std::string NormalizeUuid(std::string_view s);

// A version 4 (random) UUID from 16 random bytes, which the caller draws
// from a CSPRNG (STYLE.md rule 7): sets the version nibble to 4 and the
// variant bits to 10, returns the lowercase standard form.
std::string FormatUuidV4(const uint8_t random16[16]);

}  // namespace lrs::xapi

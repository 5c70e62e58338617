#pragma once
// IRI syntax checks for the identifiers xAPI uses (Data 3.1, 4.3; Data 2.2:
// "The LRS MUST reject ... IRL or IRI values without a scheme").
//
// Best effort, as Data 2.2 allows: the scheme is checked exactly (RFC 3987
// via RFC 3986 3.1), the rest only for characters no IRI may contain. Hosts,
// ports and paths are not parsed. IRLs (homePage, moreInfo, fileUrl) use the
// same check: whether an IRL resolves is not the LRS's concern.
//
// Pure functions, thread-safe, no allocation.

#include <string_view>

namespace lrs::xapi {

// An absolute IRI: scheme ":" then a non-empty remainder made of IRI
// characters (RFC 3987 2.2: unreserved, reserved, "%" HEXDIG HEXDIG, or any
// non-ASCII UTF-8 byte), with at most one "#". Rejects whitespace, control
// characters, and < > " { } | \ ^ `. Relative references ("/a", "#frag")
// have no scheme and are rejected (Data 2.4.4.1, note under the table).
bool IsValidIri(std::string_view s);

// "mailto:" (lowercase, as Data 2.4.2.3 spells the format) followed by an
// address with exactly one "@", a non-empty local part and a non-empty
// domain; the whole string must also be a valid IRI.
bool IsValidMailtoIri(std::string_view s);

}  // namespace lrs::xapi

#pragma once
// multipart/mixed bodies of the Statement resource (xAPI Communication 1.5.2,
// RFC 2046 5.1): parsing a PUT/POST body into the statements part and the
// attachment parts, and building the GET ?attachments=true response.
//
// Parsing is strict where the suite and RFC 2046 agree: delimiters are
// CRLF "--" boundary (the first may open the body without CRLF; a preamble
// before it and an epilogue after the close delimiter are ignored), a part's
// headers end at an empty line, and the close delimiter must be present. The
// request-level rules (first part application/json, every other part with
// X-Experience-API-Hash and Content-Transfer-Encoding binary, the part's
// bytes hashing to that header) are checked by ParseStatementMultipart; the
// matching of parts to the statements' attachment objects is in
// xapi/attachments.h.
//
// Errors: 400, rule "xAPI Communication 1.5.2: ...", path naming the part
// ("part[2]"), never echoing content. Pure functions; thread-safe.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "xapi/result.h"

namespace lrs::xapi {

// One body part of a multipart entity, as sent.
struct MultipartPart {
  std::vector<std::pair<std::string, std::string>> headers;  // in order, values trimmed
  std::string body;                                          // raw octets

  // The first header with this name (case-insensitive), or "" when absent.
  std::string_view Header(std::string_view name) const;
};

// Whether a Content-Type value names this media type ("type/subtype",
// compared case-insensitively, parameters ignored).
bool IsMediaType(std::string_view content_type, std::string_view type);

// The boundary parameter of a multipart Content-Type value (quoted or not).
// Errors: 400 when it is missing, empty, longer than 70 characters or not made
// of RFC 2046 bchars.
Result<std::string> MultipartBoundary(std::string_view content_type);

// Splits `body` at `boundary` into its parts. Errors: 400 when no delimiter
// opens a part, a part's headers are malformed or unterminated, or the close
// delimiter is missing.
Result<std::vector<MultipartPart>> ParseMultipart(std::string_view body, std::string_view boundary);

// An attachment's raw data with the hash it was sent under.
struct AttachmentPart {
  std::string sha2;          // lowercase hex, as X-Experience-API-Hash named it
  std::string content_type;  // the part's Content-Type, "" when it had none
  std::string content;       // raw octets
};

// A Statement resource request in multipart/mixed form.
struct StatementMultipart {
  std::string json;                         // the first part: one statement or an array
  std::vector<AttachmentPart> attachments;  // every other part, in order
};

// Parses a PUT/POST body sent as multipart/mixed. `content_type` is the
// request's Content-Type header. Errors (400): no boundary, a malformed body,
// a first part that is not application/json, a later part without
// X-Experience-API-Hash, with a Content-Transfer-Encoding other than binary,
// or whose bytes do not hash (SHA-224/256/384/512 by the hash's length) to it.
Result<StatementMultipart> ParseStatementMultipart(std::string_view content_type,
                                                   std::string_view body);

// A multipart/mixed response: `json` as the first part (application/json),
// then each attachment with Content-Type, Content-Transfer-Encoding: binary
// and X-Experience-API-Hash. The boundary is derived from the content and
// checked to occur in none of it.
struct BuiltMultipart {
  std::string content_type;  // "multipart/mixed; boundary=..."
  std::string body;
};
BuiltMultipart BuildMultipart(std::string_view json,
                              const std::vector<AttachmentPart>& attachments);

// Lowercase hex SHA-2 of `data` with the digest length `hex_length` names
// (56: SHA-224, 64: SHA-256, 96: SHA-384, 128: SHA-512); "" for any other.
std::string Sha2Hex(std::string_view data, size_t hex_length);

}  // namespace lrs::xapi

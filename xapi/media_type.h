#pragma once
// Media types (RFC 9110 8.3.1), as Content-Type values that this LRS stores
// and serves back: a document's Content-Type, an attachment's contentType
// (xAPI Data 2.4.11) and an attachment part's Content-Type (Communication
// 1.5.2). A value stored from one client is a response header for the next,
// so only a well-formed media type is ever accepted: nothing else (a CR, an
// LF, any control character, a byte outside ASCII) can reach a header.
//
//   media-type = type "/" subtype parameters
//   parameters = *( OWS ";" OWS [ parameter ] )
//   parameter  = parameter-name "=" parameter-value
//   parameter-value = token / quoted-string
//
// Judgement: obs-text (bytes 0x80-0xFF, which RFC 9110 still tolerates inside
// a quoted-string) is refused too: no registered media type or parameter
// needs it, and a stored byte that is not UTF-8 would have to be repaired in
// every JSON answer that shows the type (the self-access export does).
//
// Pure functions; thread-safe.

#include <string_view>

namespace lrs::xapi {

// Whether `value` is a media type as above, with no space before or after it
// (a header's value comes trimmed); an empty value is not a media type.
bool IsValidMediaType(std::string_view value);

// Whether `value` may be a header field value (RFC 9110 5.5): visible ASCII,
// spaces and tabs only, so no CR, LF, NUL or other control character.
bool IsValidFieldValue(std::string_view value);

}  // namespace lrs::xapi

#pragma once
// The canonical Inverse Functional Identifier (xAPI Data 2.4.2.3) of an Agent
// or identified Group, as one string that the pseudonymizer keys.
//
// An mbox is folded into the SHA-1 of its mailto IRI, the value an
// mbox_sha1sum would carry, so that a person met under `mbox` in one statement
// and under the matching `mbox_sha1sum` in another has one pseudonym and
// counts once in analytics (DESIGN.md, Identity).

#include <optional>
#include <string>

#include "xapi/json.h"

namespace lrs::xapi {

// Precondition: `agent` passed validation (exactly one IFI, or an anonymous
// Group with none). Returns nullopt for an anonymous Group.
//   mbox          -> "mbox_sha1sum:" + lowercase hex SHA-1 of the mailto IRI
//                    in lower case (Ada@EXAMPLE.org is ada@example.org; an
//                    mbox_sha1sum matches the mbox whose lowercased IRI it hashes)
//   mbox_sha1sum  -> "mbox_sha1sum:" + lowercase hex
//   openid        -> "openid:" + IRI
//   account       -> "account:" + homePage + "\n" + name
std::optional<std::string> CanonicalIfi(const JsonValue& agent);

// Lowercase hex SHA-1 of `text` (OpenSSL).
std::string Sha1Hex(std::string_view text);

}  // namespace lrs::xapi
